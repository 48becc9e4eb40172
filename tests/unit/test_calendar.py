"""Earnings calendar (analytics.md §8): golden case 27, upcoming, recently declared."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tui.market.calendar import (
    days_since_results,
    deadline,
    overdue_status,
    recently_declared,
    results_in_days,
    upcoming,
)
from tui.market.model import MarketData, MarketMeta
from tui.market.periods import key_to_month_end, month_ends

SESSIONS = pd.bdate_range("2025-10-01", "2026-03-31")


def data(
    results: pd.DataFrame, calendar: pd.DataFrame | None = None, sessions=SESSIONS
) -> MarketData:
    syms = ["AAA", "BBB", "CCC"]
    stocks = pd.DataFrame(
        {
            "symbol": syms,
            "name": ["Zeta", "Alpha", "Mid"],
            "sector": "X",
            "industry": "x",
            "mcap_class": "Small",
        }
    ).set_index("symbol", drop=False)
    indices = pd.DataFrame(
        {"index": "I", "date": sessions, "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0}
    )
    prices = pd.DataFrame(
        {
            "symbol": "AAA",
            "date": SESSIONS,
            "open": 1.0,
            "high": 1.0,
            "low": 1.0,
            "close": 1.0,
            "volume": 1.0,
        }
    )
    extra = {} if calendar is None else {"calendar": calendar}
    return MarketData(
        meta=MarketMeta("T", dt.date(2026, 3, 31)),
        stocks=stocks,
        prices=prices,
        indices=indices,
        results=results,
        **extra,
    )


def quarters(symbol: str, ends: list[str], lag: int = 40) -> pd.DataFrame:
    e = pd.to_datetime(ends)
    cols = {
        c: 1.0
        for c in (
            "sales",
            "other_income",
            "expenses",
            "pbdit",
            "interest",
            "depreciation",
            "pbt",
            "tax",
            "pat",
            "eps",
        )
    }
    return pd.DataFrame(
        {"symbol": symbol, "period_end": e, "filed_on": e + pd.Timedelta(days=lag), **cols}
    )


def test_deadlines() -> None:
    assert deadline(pd.Timestamp("2025-06-30")) == pd.Timestamp("2025-08-14")
    assert deadline(pd.Timestamp("2025-09-30")) == pd.Timestamp("2025-11-14")
    assert deadline(pd.Timestamp("2025-12-31")) == pd.Timestamp("2026-02-14")
    assert deadline(pd.Timestamp("2026-03-31")) == pd.Timestamp("2026-05-30")


def test_golden_27_deadline_day_is_on_time() -> None:
    d = data(quarters("AAA", ["2025-06-30", "2025-09-30"]))
    on_time = overdue_status(d, "2026-02-14")  # a Saturday: resolves to Friday 13 Feb
    assert on_time.loc["AAA", "status"] == "on_time"
    # On a calendar holding 14 and 15 Feb themselves (golden case 27).
    days = SESSIONS.union(pd.to_datetime(["2026-02-14", "2026-02-15"]))
    sat = data(quarters("AAA", ["2025-06-30", "2025-09-30"]), sessions=days)
    assert overdue_status(sat, "2026-02-14").loc["AAA", "status"] == "on_time"
    late = overdue_status(sat, "2026-02-15")
    assert late.loc["AAA", "status"] == "overdue"
    assert late.loc["AAA", "missing"] == 1
    assert late.loc["AAA", "due_period"] == pd.Timestamp("2025-12-31")


def test_pending_when_meeting_passed_before_deadline() -> None:
    cal = pd.DataFrame(
        {
            "symbol": ["AAA"],
            "date": pd.to_datetime(["2026-02-05"]),
            "purpose": ["Quarterly Results"],
        }
    )
    d = data(quarters("AAA", ["2025-06-30", "2025-09-30"]), cal)
    assert overdue_status(d, "2026-02-10").loc["AAA", "status"] == "pending"
    assert overdue_status(d, "2026-02-04").loc["AAA", "status"] == "on_time"


def test_half_yearly_stock_checked_on_half_year_ends() -> None:
    d = data(quarters("AAA", ["2025-03-31", "2025-09-30"]))
    status = overdue_status(d, "2026-03-02")
    assert bool(status.loc["AAA", "half_yearly"])
    assert status.loc["AAA", "status"] == "on_time"  # Dec 2025 is not a half-year end


def test_upcoming_window_order_and_fields() -> None:
    cal = pd.DataFrame(
        {
            "symbol": ["AAA", "BBB", "CCC", "AAA", "BBB"],
            "date": pd.to_datetime(
                ["2026-02-12", "2026-02-12", "2026-02-10", "2026-02-18", "2026-02-11"]
            ),
            "purpose": ["Financial Results", "Quarterly results", "Results", "Results", "Dividend"],
        }
    )
    d = data(quarters("AAA", ["2025-09-30"], lag=30), cal)
    up = upcoming(d, "2026-02-10")
    assert list(up["symbol"]) == ["CCC", "BBB", "AAA"]  # by date, then name (Alpha < Zeta)
    assert list(up["name"]) == ["Mid", "Alpha", "Zeta"]
    assert (
        up.loc[2, "days_since_results"]
        == (pd.Timestamp("2026-02-10") - pd.Timestamp("2025-10-30")).days
    )
    assert up["fin_trend"].isna().all()  # one quarter: Not rated
    assert np.isnan(up.loc[0, "days_since_results"])


def test_results_in_days_and_days_since() -> None:
    cal = pd.DataFrame(
        {
            "symbol": ["AAA", "AAA", "BBB"],
            "date": pd.to_datetime(["2026-02-09", "2026-02-20", "2026-02-10"]),
            "purpose": ["Results", "Results", "Board meeting"],
            "announced_on": pd.to_datetime(["2026-01-20", "2026-02-11", pd.NaT]),
        }
    )
    d = data(quarters("AAA", ["2025-09-30", "2025-12-31"], lag=40), cal)
    assert np.isnan(results_in_days(d, "2026-02-10")["AAA"])  # announced after as-of
    assert results_in_days(d, "2026-02-11")["AAA"] == 9
    assert np.isnan(results_in_days(d, "2026-02-11")["BBB"])  # not a results meeting
    since = days_since_results(d, "2026-02-11")
    assert since["AAA"] == 2  # filed 9 Feb
    assert np.isnan(since["BBB"])


def test_recently_declared_before_after_text() -> None:
    d = data(quarters("AAA", ["2025-09-30", "2025-12-31"], lag=40))
    rec = recently_declared(d, "2026-02-12")
    assert list(rec["symbol"]) == ["AAA"]
    assert rec.loc[0, "quarter"] == "Q3 FY26"
    assert rec.loc[0, "text"] == "Zeta: financial trend not rated after Q3 FY26 results"
    assert recently_declared(d, "2026-02-17").empty


def test_month_ends_match_key_to_month_end() -> None:
    keys = np.arange(2000 * 12, 2030 * 12)
    expected = pd.DatetimeIndex([key_to_month_end(int(k)) for k in keys])
    got = month_ends(keys)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected.to_numpy())


def test_dashboard_lists_the_segments_recent_results_with_their_trend_change() -> None:
    from tui.market.analysis import analyse
    from tui.market.calendar import recently_declared
    from tui.market.dashboard import build_dashboard
    from tui.sources.demo import DemoSource

    a = analyse(DemoSource().load(compact=True))
    d = build_dashboard(a, "small")
    every = recently_declared(a.data, a.as_of, 7)
    expected = every[every["symbol"].isin(d.universe)].reset_index(drop=True)
    assert len(d.recent) == len(expected) > 100
    assert d.recent["symbol"].tolist() == expected["symbol"].tolist()
    assert d.recent["after"].tolist() == expected["after"].tolist()
    assert d.recent["before"].tolist() == expected["before"].tolist()
    ace = d.recent.set_index("symbol").loc["ACE"]
    assert (ace["before"], ace["after"]) == ("Negative", "Positive")
