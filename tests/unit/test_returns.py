"""Returns, index stats and segments (analytics.md §2; golden cases 3 and 4)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from tui.market import model
from tui.market.returns import (
    best_segment,
    best_segments,
    daily_returns,
    index_stats,
    last_valid,
    segment_table,
    session_row,
    stock_returns,
)

NAN = float("nan")


def make_data(
    closes: dict[str, list[float]],
    dates: pd.DatetimeIndex,
    *,
    volumes: dict[str, list[float]] | None = None,
    indices: dict[str, list[float]] | None = None,
    segments: dict[str, str] | None = None,
    benchmarks: tuple[str, ...] = (),
) -> model.MarketData:
    """MarketData from per-symbol closes on `dates` (NaN = no bar); H = L = O = C."""
    rows = []
    for sym, series in closes.items():
        vols = (volumes or {}).get(sym, [1000.0] * len(series))
        for day, c, v in zip(dates, series, vols, strict=True):
            if not math.isnan(c):
                rows.append((sym, day, c, c, c, c, v))
    prices = pd.DataFrame(rows, columns=list(model.PRICE_COLUMNS))
    indices = indices or {"IDX": [1000.0] * len(dates)}
    bars = [
        (name, day, c, c, c, c)
        for name, series in indices.items()
        for day, c in zip(dates, series, strict=True)
        if not math.isnan(c)
    ]
    stocks = pd.DataFrame(
        {
            "name": [f"{s} Ltd" for s in closes],
            "sector": "Tech",
            "industry": "Software",
            "mcap_class": "Small",
        },
        index=pd.Index(list(closes), name="symbol"),
    )
    meta = model.MarketMeta(
        name="Test",
        as_of=dates[-1].date(),
        benchmarks=benchmarks,
        segments=segments or {},
    )
    return model.MarketData(
        meta=meta,
        stocks=stocks,
        prices=prices,
        indices=pd.DataFrame(bars, columns=list(model.INDEX_COLUMNS)),
    )


def test_bonus_in_adjusted_history_is_a_small_move() -> None:
    # Golden 3: a 1:1 bonus halves the raw price; adjusted history divides the past by 2.
    dates = pd.bdate_range("2025-01-06", periods=3)
    data = make_data({"BONUS": [100.0, 100.0, 100.5], "RAW": [200.0, 200.0, 100.5]}, dates)
    rets = stock_returns(model.build_panel(data), -1)
    assert rets.loc["BONUS", "ret_1d"] == pytest.approx(0.5)
    assert not rets.loc["BONUS", "suspect_adjustment"]
    # An unadjusted -49.75 % move is flagged rather than believed.
    assert rets.loc["RAW", "ret_1d"] == pytest.approx(-49.75)
    assert rets.loc["RAW", "suspect_adjustment"]


def _daily(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="D")


def test_month_anchor_clips_to_february_end() -> None:
    # Golden 4 on an every-day calendar so that 31 Mar itself is a session.
    dates = _daily("2023-01-01", "2025-03-31")
    close = [100.0 + i for i in range(len(dates))]
    data = make_data({"A": close}, dates)
    panel = model.build_panel(data)
    value = dict(zip(dates, close, strict=True))
    for as_of, anchor in (("2025-03-31", "2025-02-28"), ("2024-03-31", "2024-02-29")):
        rets = stock_returns(panel, as_of)
        c_t = value[pd.Timestamp(as_of)]
        assert rets.loc["A", "close"] == c_t
        expected = 100 * (c_t / value[pd.Timestamp(anchor)] - 1)
        assert rets.loc["A", "ret_1m"] == pytest.approx(expected)
    rets = stock_returns(panel, "2025-03-31")
    assert rets.loc["A", "ret_3m"] == pytest.approx(
        100 * (value[dates[-1]] / value[pd.Timestamp("2024-12-31")] - 1)
    )
    assert rets.loc["A", "ret_ytd"] == rets.loc["A", "ret_3m"]
    assert rets.loc["A", "ret_1y"] == pytest.approx(
        100 * (value[dates[-1]] / value[pd.Timestamp("2024-03-31")] - 1)
    )


def test_month_anchor_without_a_session_uses_the_one_before() -> None:
    # 28 Feb 2025 is not a session: the anchor is the last close on or before it, 27 Feb.
    dates = pd.bdate_range("2025-01-01", "2025-03-31").drop(pd.Timestamp("2025-02-28"))
    close = [float(10 + i) for i in range(len(dates))]
    data = make_data({"A": close}, dates)
    rets = stock_returns(model.build_panel(data), "2025-03-31")
    anchor = close[dates.get_loc(pd.Timestamp("2025-02-27"))]
    assert rets.loc["A", "ret_1m"] == pytest.approx(100 * (close[-1] / anchor - 1))
    # The year opened after 31 Dec 2024 in this calendar: ytd has no anchor.
    assert math.isnan(rets.loc["A", "ret_ytd"])


def test_listed_eight_months_ago_has_no_one_year_return() -> None:
    dates = pd.bdate_range("2024-01-01", "2025-03-31")
    listed = pd.Timestamp("2024-07-31")
    close = [NAN if d < listed else 50.0 + i for i, d in enumerate(dates)]
    data = make_data({"NEW": close, "OLD": [50.0] * len(dates)}, dates)
    rets = stock_returns(model.build_panel(data), "2025-03-31")
    assert math.isnan(rets.loc["NEW", "ret_1y"])
    assert rets.loc["NEW", "ret_3m"] == pytest.approx(
        100 * (close[-1] / close[dates.get_loc(pd.Timestamp("2024-12-31"))] - 1)
    )
    assert rets.loc["OLD", "ret_1y"] == 0.0


def test_ret_1d_needs_a_traded_bar_and_stale_keeps_the_last_close() -> None:
    dates = pd.bdate_range("2025-01-06", periods=8)
    data = make_data(
        {
            "GAP": [10, 11, 12, 13, 14, NAN, NAN, 15.0],
            "ZERO": [10.0] * 7 + [12.0],
            "GONE": [10, 11, 12, 13, 14, 15, 16, NAN],
        },
        dates,
        volumes={"ZERO": [100.0] * 7 + [0.0]},
    )
    rets = stock_returns(model.build_panel(data), -1)
    # Previous close = the last bar before t, two sessions back.
    assert rets.loc["GAP", "ret_1d"] == pytest.approx(100 * (15 / 14 - 1))
    assert rets.loc["GAP", "ret_5d"] == pytest.approx(100 * (15 / 12 - 1))
    assert math.isnan(rets.loc["ZERO", "ret_1d"])
    assert rets.loc["ZERO", "traded_value"] == 0.0
    assert math.isnan(rets.loc["GONE", "ret_1d"])
    assert rets.loc["GONE", "stale"]
    assert rets.loc["GONE", "close"] == 16.0
    assert rets.loc["GONE", "ret_5d"] == pytest.approx(100 * (16 / 12 - 1))
    assert not rets.loc["GAP", "stale"]
    assert math.isnan(rets.loc["GONE", "traded_value"])


def test_insufficient_history_gives_nan_not_zero() -> None:
    dates = pd.bdate_range("2025-01-06", periods=4)
    data = make_data({"A": [10.0, 11, 12, 13], "LATE": [NAN, NAN, NAN, 20.0]}, dates)
    rets = stock_returns(model.build_panel(data), -1)
    assert math.isnan(rets.loc["A", "ret_5d"])
    assert math.isnan(rets.loc["A", "ret_1m"])
    assert math.isnan(rets.loc["LATE", "ret_1d"])  # first bar: no previous close
    assert rets.loc["LATE", "from_52w_high"] == 0.0


def test_liquidity_over_twenty_sessions() -> None:
    dates = pd.bdate_range("2025-01-06", periods=25)
    close = [100.0] * 25
    volume = [0.0] * 5 + [1e5 * (i + 1) for i in range(20)]
    data = make_data({"A": close}, dates, volumes={"A": volume})
    rets = stock_returns(model.build_panel(data), -1)
    values = [100 * v / 1e7 for v in volume[5:]]
    assert rets.loc["A", "traded_value"] == pytest.approx(20.0)
    assert rets.loc["A", "avg_traded_value_20d"] == pytest.approx(np.mean(values))
    assert rets.loc["A", "median_traded_value_20d"] == pytest.approx(np.median(values))
    assert rets.loc["A", "avg_volume_20d"] == pytest.approx(np.mean(volume[5:]))


def test_from_52w_high_uses_252_sessions() -> None:
    dates = pd.bdate_range("2024-01-01", periods=300)
    close = [100.0] * 300
    close[10] = 500.0  # out of the window at the last session
    close[100] = 200.0
    data = make_data({"A": close}, dates)
    rets = stock_returns(model.build_panel(data), -1)
    assert rets.loc["A", "from_52w_high"] == pytest.approx(-50.0)


def test_only_data_up_to_t_is_used() -> None:
    dates = pd.bdate_range("2025-01-06", periods=30)
    rng = np.random.default_rng(3)
    close = list(100 * np.exp(np.cumsum(rng.normal(0, 0.02, 30))))
    data = make_data({"A": close}, dates)
    later = [*close[:20], *(c * 3 for c in close[20:])]
    other = make_data({"A": later}, dates)
    left = stock_returns(model.build_panel(data), 19)
    right = stock_returns(model.build_panel(other), 19)
    pd.testing.assert_frame_equal(left, right)


def _naive_close(series: pd.Series, day: pd.Timestamp) -> float:
    known = series.dropna()
    known = known[known.index <= day]
    return float(known.iloc[-1]) if len(known) else NAN


def test_vectorised_returns_match_a_naive_per_stock_reading() -> None:
    rng = np.random.default_rng(7)
    dates = pd.bdate_range("2024-01-01", periods=320)
    closes: dict[str, list[float]] = {}
    for i in range(12):
        c = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, len(dates))))
        c[rng.random(len(dates)) < 0.2] = np.nan
        c[: rng.integers(0, 200)] = np.nan
        closes[f"S{i}"] = list(c)
    data = make_data(closes, dates)
    panel = model.build_panel(data)
    for row in (150, 260, 319):
        rets = stock_returns(panel, row)
        day = dates[row]
        for sym, values in closes.items():
            s = pd.Series(values, index=dates)
            c_t = _naive_close(s, day)
            prev = _naive_close(s, dates[row - 1])
            exp_1d = 100 * (s[day] / prev - 1) if not math.isnan(s[day]) else NAN
            exp_5d = 100 * (c_t / _naive_close(s, dates[row - 5]) - 1)
            exp_3m = 100 * (c_t / _naive_close(s, day - pd.DateOffset(months=3)) - 1)
            got = rets.loc[sym]
            np.testing.assert_allclose(
                [got["ret_1d"], got["ret_5d"], got["ret_3m"], got["close"]],
                [exp_1d, exp_5d, exp_3m, c_t],
                rtol=1e-12,
            )
    daily = daily_returns(panel)
    for row in (150, 319):
        np.testing.assert_allclose(daily[row], stock_returns(panel, row)["ret_1d"], rtol=1e-12)


def test_last_valid_and_session_row() -> None:
    a = np.array([[1.0, NAN, NAN], [NAN, 2.0, NAN], [NAN, NAN, NAN]])
    np.testing.assert_array_equal(last_valid(a, 2), [1.0, 2.0, NAN])
    np.testing.assert_array_equal(last_valid(a, -1), [NAN, NAN, NAN])
    dates = pd.bdate_range("2025-01-06", periods=5)  # Mon..Fri
    assert session_row(dates, "2025-01-12") == 4  # Sunday → Friday
    assert session_row(dates, -2) == 3
    with pytest.raises(ValueError, match="no session"):
        session_row(dates, dt.date(2025, 1, 1))


def _index_data() -> model.MarketData:
    dates = pd.bdate_range("2024-01-01", periods=260)
    small = [1000.0] * 258 + [1000.0, 1025.2]
    mid = [2000.0] * 254 + [1990.0] + [2000.0] * 4 + [2010.0]
    large = [3000.0 + i for i in range(260)]
    sensex = [5000.0] * 254 + [4940.0] + [5000.0] * 5
    return make_data(
        {"A": [10.0] * 260},
        dates,
        indices={"BSE SmallCap": small, "BSE MidCap": mid, "BSE 100": large, "SENSEX": sensex},
        segments={"small": "BSE SmallCap", "mid": "BSE MidCap", "large": "BSE 100"},
        benchmarks=("SENSEX",),
    )


def test_index_stats_returns_smas_and_excess() -> None:
    stats = index_stats(_index_data(), -1)
    assert list(stats.index) == ["BSE SmallCap", "BSE MidCap", "BSE 100", "SENSEX"]
    assert stats.loc["BSE SmallCap", "ret_1d"] == pytest.approx(2.52)
    assert stats.loc["BSE MidCap", "ret_1d"] == pytest.approx(0.5)
    assert stats.loc["SENSEX", "ret_5d"] == pytest.approx(100 * (5000 / 4940 - 1))
    assert stats.loc["BSE SmallCap", "excess_1d:SENSEX"] == pytest.approx(2.52)
    assert stats.loc["BSE MidCap", "excess_5d:SENSEX"] == pytest.approx(
        100 * (2010 / 1990 - 1) - 100 * (5000 / 4940 - 1)
    )
    large = stats.loc["BSE 100"]
    assert large["sma50"] == pytest.approx(np.mean([3000.0 + i for i in range(210, 260)]))
    assert large["sma200"] == pytest.approx(np.mean([3000.0 + i for i in range(60, 260)]))
    assert large["vs_sma50"] > 0
    assert large["sma50_vs_sma200"] == pytest.approx(100 * (3234.5 / 3159.5 - 1))
    assert large["from_52w_high"] == 0.0
    assert stats.loc["BSE SmallCap", "from_52w_high"] == 0.0
    assert stats.loc["SENSEX", "from_52w_high"] == 0.0


def test_index_sma_needs_enough_sessions() -> None:
    data = _index_data()
    stats = index_stats(data, 100)
    assert not math.isnan(stats.loc["BSE 100", "sma50"])
    assert math.isnan(stats.loc["BSE 100", "sma200"])
    assert math.isnan(stats.loc["BSE 100", "ret_1y"])


def test_segments_and_best_segment() -> None:
    data = _index_data()
    table = segment_table(data, -1)
    assert list(table.index) == ["small", "mid", "large"]
    assert table.loc["small", "index"] == "BSE SmallCap"
    best = best_segments(table)
    assert best["1d"] is not None
    assert best["1d"]["segment"] == "small"
    assert best["1d"]["runner_up"] == "mid"
    assert best["1d"]["margin"] == pytest.approx(2.52 - 0.5)
    assert best["5d"]["segment"] == "small"


def test_best_segment_tie_is_none() -> None:
    table = pd.DataFrame(
        {"index": ["S", "M", "L"], "ret_1d": [1.0, 1.0 + 1e-12, 0.3], "ret_5d": [NAN, 2.0, NAN]},
        index=pd.Index(["small", "mid", "large"], name="segment"),
    )
    assert best_segment(table, "1D") is None
    only = best_segment(table, "5d")
    assert only == {"segment": "mid", "index": "M", "ret": 2.0, "runner_up": None, "margin": None}
