"""Weekly/monthly resampling (analytics.md §1): completed bars, partial bars and the flag."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from tui.market.bars import bars, completed, periods, resample
from tui.market.model import Panel


def make_panel(dates: pd.DatetimeIndex, n: int = 3, seed: int = 0) -> Panel:
    rng = np.random.default_rng(seed)
    t = len(dates)
    c = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, (t, n)), axis=0))
    h = c * 1.01
    lo = c * 0.99
    o = c * np.exp(rng.normal(0, 0.005, (t, n)))
    h, lo = np.maximum(h, o), np.minimum(lo, o)
    v = rng.integers(1, 1000, (t, n)).astype(float)
    return Panel(dates, pd.Index([f"S{i}" for i in range(n)]), o, h, lo, c, v)


def test_weekly_bar_as_of_wednesday_is_partial() -> None:
    # Mon 2025-03-03 .. Wed 2025-03-05: golden case 2.
    dates = pd.DatetimeIndex(["2025-02-27", "2025-02-28", "2025-03-03", "2025-03-04", "2025-03-05"])
    p = make_panel(dates)
    b = bars(p, "W")
    wed = 4
    assert b.periods.partial[wed]
    assert_array_equal(b.p_open[wed], p.open[2])
    assert_array_equal(b.p_close[wed], p.close[4])
    assert_array_equal(b.p_volume[wed], p.volume[2:5].sum(axis=0))
    assert_array_equal(b.p_high[wed], p.high[2:5].max(axis=0))
    assert_array_equal(b.p_low[wed], p.low[2:5].min(axis=0))
    # the completed list holds the week so far, dated by its last session
    assert b.periods.count == 2
    assert b.periods.dates[-1] == pd.Timestamp("2025-03-05")
    assert b.periods.dates[0] == pd.Timestamp("2025-02-28")
    assert_array_equal(b.close[0], p.close[1])


def test_partial_flag_follows_the_last_weekday_literally() -> None:
    # Week of 2025-04-14: Friday 18 April is a holiday, so the week ends on Thursday.
    dates = pd.bdate_range("2025-04-07", "2025-04-25").drop(pd.Timestamp("2025-04-18"))
    per = periods(dates, "W")
    flag = dict(zip(dates.strftime("%a %d"), per.partial, strict=True))
    assert flag["Fri 11"] is np.False_
    assert flag["Thu 10"] is np.True_
    assert flag["Thu 17"] is np.True_  # still partial by the letter of §1
    assert flag["Fri 25"] is np.False_


def test_monthly_partial_flag_uses_the_last_weekday_of_the_month() -> None:
    # August 2025 ends on Sunday 31: its last weekday is Friday 29.
    dates = pd.bdate_range("2025-08-25", "2025-09-02")
    per = periods(dates, "M")
    flag = dict(zip(dates.strftime("%m-%d"), per.partial, strict=True))
    assert flag["08-28"]
    assert not flag["08-29"]
    assert flag["09-01"]
    assert flag["09-02"]
    assert list(per.dates.strftime("%m-%d")) == ["08-29", "09-02"]


def test_iso_weeks_cross_the_year_end() -> None:
    # 2024-12-30 (Mon) .. 2025-01-03 (Fri) is ISO week 2025-W01.
    dates = pd.bdate_range("2024-12-23", "2025-01-10")
    per = periods(dates, "W")
    assert per.count == 3
    assert_array_equal(per.group, np.repeat([0, 1, 2], 5))


def test_completed_bar_equals_partial_bar_on_its_last_session() -> None:
    dates = pd.bdate_range("2024-01-01", periods=260)
    p = make_panel(dates, n=4, seed=3)
    for freq in ("W", "M"):
        b = bars(p, freq)
        e = b.periods.end
        for done, part in (
            (b.open, b.p_open), (b.high, b.p_high), (b.low, b.p_low),
            (b.close, b.p_close), (b.volume, b.p_volume),
        ):  # fmt: skip
            assert_array_equal(done, part[e])
        for got, want in zip(
            completed(b.periods, *p.filled, chunk=3),
            (b.open, b.high, b.low, b.close, b.volume),
            strict=True,
        ):
            assert_array_equal(got, want)


def test_bars_against_a_pandas_resample() -> None:
    dates = pd.bdate_range("2024-01-01", periods=200)
    p = make_panel(dates, n=2, seed=5)
    b = bars(p, "M")
    frame = pd.DataFrame(
        {
            "o": p.open[:, 0],
            "h": p.high[:, 0],
            "l": p.low[:, 0],
            "c": p.close[:, 0],
            "v": p.volume[:, 0],
        },
        index=dates,
    )
    month = frame.groupby(dates.to_period("M"))
    agg = month.agg({"o": "first", "h": "max", "l": "min", "c": "last", "v": "sum"})
    assert_array_equal(b.open[:, 0], agg["o"])
    assert_array_equal(b.high[:, 0], agg["h"])
    assert_array_equal(b.low[:, 0], agg["l"])
    assert_array_equal(b.close[:, 0], agg["c"])
    np.testing.assert_allclose(b.volume[:, 0], agg["v"])
    # partial: running values within the month
    assert_array_equal(b.p_high[:, 0], month["h"].cummax())
    assert_array_equal(b.p_low[:, 0], month["l"].cummin())
    np.testing.assert_allclose(b.p_volume[:, 0], month["v"].cumsum())


def test_stock_listed_mid_week_opens_on_its_first_session() -> None:
    dates = pd.bdate_range("2025-03-03", periods=10)
    p = make_panel(dates, n=2)
    for a in (p.open, p.high, p.low, p.close, p.volume):
        a[:2, 1] = np.nan  # listed on Wednesday
    b = resample(periods(dates, "W"), *p.filled)
    assert np.isnan(b.p_close[:2, 1]).all()
    assert b.p_open[2, 1] == p.open[2, 1]
    assert b.open[0, 1] == p.open[2, 1]
    assert b.volume[0, 1] == p.volume[2:5, 1].sum()
    assert b.high[0, 1] == p.high[2:5, 1].max()


def test_a_day_without_a_trade_adds_no_volume() -> None:
    dates = pd.bdate_range("2025-03-03", periods=5)
    p = make_panel(dates, n=1)
    for a in (p.open, p.high, p.low, p.close, p.volume):
        a[2, 0] = np.nan
    b = bars(p, "W")
    assert b.volume[0, 0] == p.volume[[0, 1, 3, 4], 0].sum()
    assert b.p_close[2, 0] == p.close[1, 0]


def test_unknown_period_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown period"):
        periods(pd.bdate_range("2025-01-01", periods=3), "Q")
