"""Breadth (analytics.md §3; golden cases 5–9)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tui.market import model
from tui.market.breadth import (
    ADVANCER,
    DECLINER,
    INACTIVE,
    NEW_LISTING,
    NOT_TRADED,
    OUTSIDE,
    SUSPENDED,
    UNCHANGED,
    UNLISTED,
    ad_line,
    ad_measures,
    breadth,
    breadth_history,
    classify,
    format_ratio,
    mcclellan,
)
from tui.market.params import DEFAULT, Params

NAN = float("nan")


def make_data(
    closes: dict[str, list[float]],
    *,
    volumes: dict[str, list[float]] | None = None,
    index: list[float] | None = None,
    status: dict[str, str] | None = None,
    mcap_class: dict[str, str] | None = None,
) -> model.MarketData:
    """One small-cap segment indexed by "SMALL"; NaN = no bar; H = L = O = C."""
    n = len(next(iter(closes.values())))
    dates = pd.bdate_range("2024-01-01", periods=n)
    rows = []
    for sym, series in closes.items():
        vols = (volumes or {}).get(sym, [1000.0] * n)
        rows += [
            (sym, d, c, c, c, c, v)
            for d, c, v in zip(dates, series, vols, strict=True)
            if not math.isnan(c)
        ]
    idx = index or [1000.0] * n
    stocks = pd.DataFrame(
        {
            "name": list(closes),
            "sector": "Tech",
            "industry": "Software",
            "mcap_class": [(mcap_class or {}).get(s, "Small") for s in closes],
            "status": [(status or {}).get(s, "active") for s in closes],
        },
        index=pd.Index(list(closes), name="symbol"),
    )
    return model.MarketData(
        meta=model.MarketMeta(name="T", as_of=dates[-1].date(), segments={"small": "SMALL"}),
        stocks=stocks,
        prices=pd.DataFrame(rows, columns=list(model.PRICE_COLUMNS)),
        indices=pd.DataFrame(
            [("SMALL", d, c, c, c, c) for d, c in zip(dates, idx, strict=True)],
            columns=list(model.INDEX_COLUMNS),
        ),
    )


@pytest.mark.parametrize(
    ("a", "d", "text"),
    [
        (768, 452, "1.70x"),
        (807, 375, "2.15x"),
        (303, 194, "1.56x"),
        (482, 443, "1.09x"),
        (266, 228, "1.17x"),
        (430, 781, "0.55x"),
    ],
)
def test_ad_ratio_golden_pairs(a: int, d: int, text: str) -> None:
    # Golden 5.
    ratio, diff, pct = ad_measures(a, d)
    assert format_ratio(ratio, a) == text
    assert diff == a - d
    assert pct == pytest.approx(100 * a / (a + d))


def test_zero_decliners() -> None:
    # Golden 6.
    assert ad_measures(5, 0) == (None, 5, 100.0)
    assert format_ratio(None, 5) == "∞"
    assert ad_measures(0, 0) == (None, 0, None)
    assert format_ratio(None, 0) == "n/a"
    assert format_ratio(float("inf")) == "∞"


def test_narrow_rally_golden_day() -> None:
    # Golden 7 and the demo's breadth: 430 up, 781 down, index +2.52 %.
    closes = {f"U{i:03d}": [100.0, 101.0] for i in range(430)}
    closes |= {f"D{i:03d}": [100.0, 99.0] for i in range(781)}
    data = make_data(closes, index=[1000.0, 1025.2])
    b = breadth(data, model.build_panel(data), -1, "small")
    assert (b.universe, b.advancers, b.decliners, b.unchanged, b.not_traded) == (
        1211,
        430,
        781,
        0,
        0,
    )
    assert b.index_ret_1d == pytest.approx(2.52)
    assert b.narrow_rally
    assert not b.narrow_decline
    assert b.ratio_text == "0.55x"
    assert b.ad_diff == -351
    assert not b.partial
    assert b.to_dict()["session"] == "2024-01-02"


def test_zero_decliners_day_is_not_a_narrow_rally() -> None:
    data = make_data({"A": [10.0, 11.0], "B": [10.0, 10.0]}, index=[100.0, 101.0])
    b = breadth(data, model.build_panel(data), -1, "small")
    assert (b.advancers, b.decliners, b.unchanged) == (1, 0, 1)
    assert b.ad_ratio is None
    assert b.ratio_text == "∞"
    assert b.advance_pct == 100.0
    assert not b.narrow_rally


def test_narrow_decline_mirror() -> None:
    data = make_data({"A": [10.0, 11.0], "B": [10.0, 11.0], "C": [10.0, 9.0]}, index=[100.0, 99.0])
    b = breadth(data, model.build_panel(data), -1, "small")
    assert b.narrow_decline
    assert not b.narrow_rally
    # An explicit index return overrides the segment's.
    assert not breadth(data, model.build_panel(data), -1, "small", index_ret_1d=0.0).narrow_decline


def test_eligibility_golden_case() -> None:
    # Golden 8 with the other exclusions of §3 and §10.
    n = 30
    flat = [10.0] * n
    data = make_data(
        {
            "UP": [*flat[:-1], 10.5],
            "HALTED": [*flat[:-1], 11.0],
            "NOBAR": [*flat[:-1], NAN],
            "ZEROVOL": flat,
            "NEW": [NAN] * (n - 1) + [50.0],
            "DORMANT": [10.0] * 5 + [NAN] * (n - 6) + [12.0],
            "ASLEEP": [10.0] * 5 + [NAN] * (n - 5),
            "SUSPECT": [*flat[:-1], 20.0],
            "ROUNDED": [*flat[:-1], 10.004],
            "LARGE": [*flat[:-1], 9.0],
            "LATER": [NAN] * n,
        },
        volumes={"ZEROVOL": [1000.0] * (n - 1) + [0.0]},
        status={"HALTED": "Suspended"},
        mcap_class={"LARGE": "Large"},
    )
    panel = model.build_panel(data)
    b = breadth(data, panel, -1, "small")
    # DORMANT trades today after 24 sessions without a bar: today's bar is within the window.
    assert (b.advancers, b.decliners, b.unchanged, b.not_traded) == (2, 0, 1, 3)
    assert b.universe == 6  # UP, DORMANT, ROUNDED, NOBAR, ZEROVOL, SUSPECT
    assert (b.new_listings, b.suspended, b.inactive) == (1, 1, 1)
    assert b.with_bar == 5
    assert b.partial  # 5 of 6 eligible have a bar: 83 % < 95 %
    codes = dict(zip(panel.symbols, classify(panel, -1, params=DEFAULT), strict=True))
    assert codes == {
        "UP": ADVANCER,
        "HALTED": ADVANCER,  # no suspended mask given to classify
        "NOBAR": NOT_TRADED,
        "ZEROVOL": NOT_TRADED,
        "NEW": NEW_LISTING,
        "DORMANT": ADVANCER,
        "ASLEEP": INACTIVE,
        "SUSPECT": NOT_TRADED,
        "ROUNDED": UNCHANGED,
        "LARGE": DECLINER,
        "LATER": UNLISTED,
    }
    suspended = np.asarray(panel.symbols == "HALTED")
    universe = np.asarray(panel.symbols != "LARGE")
    codes = classify(panel, -1, universe, suspended)
    assert codes[panel.symbols.get_loc("HALTED")] == SUSPENDED
    assert codes[panel.symbols.get_loc("LARGE")] == OUTSIDE


def test_recent_bar_window_is_twenty_sessions() -> None:
    # A last bar 19 sessions before t keeps the stock eligible (N); 20 sessions makes it inactive.
    n = 40
    data = make_data(
        {
            "IN": [10.0] * 20 + [NAN] * (n - 20),  # last bar row 19, t = 39 → 20 back: inactive
            "EDGE": [10.0] * 21 + [NAN] * (n - 21),  # last bar row 20 → 19 back: eligible
        }
    )
    codes = classify(model.build_panel(data), -1)
    assert list(codes) == [INACTIVE, NOT_TRADED]


def test_partial_threshold_and_params() -> None:
    # 19 of 20 eligible with a bar = 95 %: not partial; 18 of 20 is.
    closes = {f"S{i:02d}": [10.0, 10.0, 10.0] for i in range(20)}
    closes["S00"] = [10.0, 10.0, NAN]
    data = make_data(closes)
    panel = model.build_panel(data)
    assert not breadth(data, panel, -1).partial
    closes["S01"] = [10.0, 10.0, NAN]
    data = make_data(closes)
    b = breadth(data, model.build_panel(data), -1)
    assert b.partial
    assert (b.unchanged, b.not_traded, b.advance_pct, b.ratio_text) == (18, 2, None, "n/a")
    loose = Params(partial_breadth_pct=90.0, suspect_move_pct=1000.0)
    assert not breadth(data, model.build_panel(data), -1, params=loose).partial


def test_pct_above_sma_and_new_highs() -> None:
    n = 260
    rising = [100.0 + i for i in range(n)]
    falling = [400.0 - i for i in range(n)]
    young = [NAN] * 230 + [100.0 + i for i in range(30)]
    data = make_data({"R": rising, "F": falling, "Y": young})
    b = breadth(data, model.build_panel(data), -1)
    assert b.pct_above_sma20 == pytest.approx(100 * 2 / 3)
    assert b.pct_above_sma50 == 50.0  # Y has no SMA50
    assert b.pct_above_sma200 == 50.0
    assert (b.new_highs, b.new_lows) == (1, 1)  # Y lacks 252 bars
    short = breadth(data, model.build_panel(data), 100)
    assert short.pct_above_sma200 is None
    assert (short.new_highs, short.new_lows) == (0, 0)


def test_history_matches_the_single_session_counts() -> None:
    rng = np.random.default_rng(11)
    n, k = 80, 40
    closes = {}
    for i in range(k):
        c = np.round(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), 2)
        c[rng.random(n) < 0.15] = np.nan
        c[: rng.integers(0, 30)] = np.nan
        if i % 7 == 0:
            c[50:75] = np.nan
        closes[f"S{i:02d}"] = list(c)
    data = make_data(closes, status={"S03": "suspended"})
    panel = model.build_panel(data)
    history = breadth_history(data, panel, "small")
    for row in range(n):
        b = breadth(data, panel, row, "small")
        got = history.iloc[row]
        assert (
            got["advancers"],
            got["decliners"],
            got["unchanged"],
            got["not_traded"],
            got["new_listings"],
            got["inactive"],
            got["suspended"],
            got["universe"],
        ) == (
            b.advancers,
            b.decliners,
            b.unchanged,
            b.not_traded,
            b.new_listings,
            b.inactive,
            b.suspended,
            b.universe,
        )
    part = breadth_history(data, panel, "small", start=60, stop=70)
    pd.testing.assert_frame_equal(part, history.iloc[60:71])


def test_later_bars_do_not_change_an_earlier_session() -> None:
    rng = np.random.default_rng(2)
    closes = {f"S{i}": list(np.round(100 + rng.normal(0, 2, 30).cumsum(), 2)) for i in range(30)}
    later = {s: [*c[:20], *(x * 1.3 for x in c[20:])] for s, c in closes.items()}
    before, after = make_data(closes), make_data(later)
    left = breadth(before, model.build_panel(before), 19, "small")
    right = breadth(after, model.build_panel(after), 19, "small")
    assert left == right
    assert left.advancers + left.decliners + left.unchanged == 30


def test_ad_line_skips_empty_days() -> None:
    history = pd.DataFrame(
        {"advancers": [5, 0, 3, 10], "decliners": [0, 0, 4, 2]},
        index=pd.bdate_range("2024-01-01", periods=4),
    )
    line = ad_line(history)
    assert list(line.index) == [history.index[0], history.index[2], history.index[3]]
    assert list(line) == [5, 4, 12]


def test_mcclellan_constant_rana_is_zero_from_day_39() -> None:
    # Golden 9: X = 1000·(60 − 40)/100 = 200 every day for 60 days.
    history = pd.DataFrame(
        {"advancers": [60] * 60, "decliners": [40] * 60},
        index=pd.bdate_range("2024-01-01", periods=60),
    )
    mc = mcclellan(history)
    assert (mc["x"] == 200.0).all()
    assert mc["oscillator"].iloc[:38].isna().all()
    assert (mc["oscillator"].iloc[38:].abs() < 1e-9).all()
    assert mc["summation"].iloc[-1] == pytest.approx(0.0, abs=1e-9)


def test_mcclellan_matches_the_seeded_recursion() -> None:
    rng = np.random.default_rng(5)
    a = rng.integers(0, 500, 90)
    d = rng.integers(1, 500, 90)
    history = pd.DataFrame({"advancers": a, "decliners": d})
    mc = mcclellan(history, ratio_adjusted=False)
    x = (a - d).astype(float)

    def ema(n: int) -> list[float]:
        out = [NAN] * (n - 1) + [x[:n].mean()]
        alpha = 2 / (n + 1)
        for v in x[n:]:
            out.append(alpha * v + (1 - alpha) * out[-1])
        return out

    expected = np.array(ema(19)) - np.array(ema(39))
    np.testing.assert_allclose(mc["oscillator"], expected, rtol=1e-12, atol=1e-9)
    assert mc["oscillator"].first_valid_index() == 38
    assert mc["summation"].iloc[-1] == pytest.approx(np.nansum(expected))
