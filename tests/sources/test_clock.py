"""The market clock: IST phases, holidays, results season and the §5 TTL table."""

from __future__ import annotations

import datetime as dt

import pytest

from tui.sources.clock import (
    IST,
    Kind,
    MarketClock,
    Phase,
    clock_from_env,
    parse_now,
    results_season,
)

REPUBLIC_DAY = dt.date(2026, 1, 26)  # a Monday
HOLIDAYS = (REPUBLIC_DAY, dt.date(2026, 3, 3))


def at(text: str) -> dt.datetime:
    return parse_now(text)


def clock(now: str) -> MarketClock:
    fixed = at(now)
    return MarketClock(now=lambda: fixed, holidays=HOLIDAYS)


def test_dalal_now_fixes_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DALAL_NOW", "2026-02-10T04:30:00+00:00")
    market = clock_from_env(HOLIDAYS)
    assert market.now() == dt.datetime(2026, 2, 10, 10, 0, tzinfo=IST)
    assert market.now().utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert market.is_open()
    monkeypatch.delenv("DALAL_NOW")
    assert clock_from_env().now().tzinfo is not None


@pytest.mark.parametrize("text", ["2026-02-10T10:00:00", "yesterday"])
def test_dalal_now_needs_an_iso_time_with_offset(text: str) -> None:
    with pytest.raises(ValueError, match="DALAL_NOW"):
        parse_now(text)


@pytest.mark.parametrize(
    ("text", "phase"),
    [
        ("2026-02-10T08:59:59+05:30", Phase.CLOSED),
        ("2026-02-10T09:00:00+05:30", Phase.PRE_OPEN),
        ("2026-02-10T09:14:59+05:30", Phase.PRE_OPEN),
        ("2026-02-10T09:15:00+05:30", Phase.OPEN),
        ("2026-02-10T15:29:59+05:30", Phase.OPEN),
        ("2026-02-10T15:30:00+05:30", Phase.CLOSED),
        ("2026-02-10T05:00:00+00:00", Phase.OPEN),  # 10:30 IST
        ("2026-02-14T11:00:00+05:30", Phase.CLOSED),  # Saturday
        ("2026-01-26T11:00:00+05:30", Phase.CLOSED),  # Republic Day
    ],
)
def test_phases(text: str, phase: Phase) -> None:
    assert clock(text).phase() == phase


def test_market_status_wins_within_its_phase() -> None:
    market = clock("2026-02-10T10:00:00+05:30")
    market.report_status(False)
    assert market.phase(at("2026-02-10T11:00:00+05:30")) == Phase.CLOSED
    assert market.phase(at("2026-02-11T11:00:00+05:30")) == Phase.OPEN
    market.report_status(True, at("2026-02-14T18:00:00+05:30"))
    assert market.phase(at("2026-02-14T18:30:00+05:30")) == Phase.OPEN
    assert market.phase(at("2026-02-14T17:00:00+05:30")) == Phase.CLOSED


def test_next_open_skips_weekends_and_holidays() -> None:
    assert clock("2026-01-23T16:00:00+05:30").next_open() == at("2026-01-27T09:15:00+05:30")
    assert clock("2026-02-10T08:00:00+05:30").next_open() == at("2026-02-10T09:15:00+05:30")
    assert clock("2026-02-10T20:00:00+05:30").next_open() == at("2026-02-11T09:15:00+05:30")


def test_last_session_for_end_of_day_bars() -> None:
    assert clock("2026-02-10T15:59:00+05:30").last_session() == dt.date(2026, 2, 9)
    assert clock("2026-02-10T16:00:00+05:30").last_session() == dt.date(2026, 2, 10)
    assert clock("2026-01-27T10:00:00+05:30").last_session() == dt.date(2026, 1, 23)


@pytest.mark.parametrize(
    ("day", "season"),
    [
        (dt.date(2026, 1, 1), True),
        (dt.date(2026, 2, 14), True),
        (dt.date(2026, 2, 15), False),
        (dt.date(2026, 3, 31), False),
        (dt.date(2026, 5, 30), True),
        (dt.date(2026, 5, 31), False),
        (dt.date(2026, 8, 14), True),
        (dt.date(2026, 8, 15), False),
        (dt.date(2026, 11, 14), True),
        (dt.date(2026, 12, 20), False),
    ],
)
def test_results_season(day: dt.date, season: bool) -> None:
    assert results_season(day) is season


H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)
OPEN_OFF_SEASON = "2026-03-10T11:00:00+05:30"
OPEN_IN_SEASON = "2026-05-05T11:00:00+05:30"


@pytest.mark.parametrize(
    ("now", "kind", "source", "ttl"),
    [
        (OPEN_OFF_SEASON, Kind.QUOTES, "nse", 60 * S),
        (OPEN_OFF_SEASON, Kind.QUOTES, "yahoo", 120 * S),
        (OPEN_OFF_SEASON, Kind.CONSTITUENTS, "bse", 60 * S),
        (OPEN_OFF_SEASON, Kind.INDEX_LEVELS, "nse", 60 * S),
        ("2026-03-10T08:00:00+05:30", Kind.QUOTES, "nse", 75 * M),  # until 09:15
        ("2026-03-10T09:05:00+05:30", Kind.ADVANCE_DECLINE, "nse", 10 * M),  # pre-open
        ("2026-03-10T20:00:00+05:30", Kind.QUOTES, "nse", 12 * H),  # 13h15 to open, capped
        ("2026-03-14T10:00:00+05:30", Kind.QUOTES, "nse", 12 * H),  # Saturday
        ("2026-03-03T11:00:00+05:30", Kind.QUOTES, "nse", 12 * H),  # holiday
        (OPEN_OFF_SEASON, Kind.CALENDAR, "nse", 3 * H),
        (OPEN_IN_SEASON, Kind.CALENDAR, "nse", 1 * H),
        ("2026-05-05T20:00:00+05:30", Kind.CALENDAR, "nse", 12 * H),
        (OPEN_OFF_SEASON, Kind.RESULTS, "nse", 24 * H),
        (OPEN_IN_SEASON, Kind.RESULTS, "nse", 6 * H),
        ("2026-05-09T11:00:00+05:30", Kind.RESULTS, "nse", 24 * H),  # Saturday in season
        (OPEN_OFF_SEASON, Kind.UNIVERSE, "bse", 24 * H),
        ("2026-03-13T18:00:00+05:30", Kind.LISTS, "nse", 63 * H + 15 * M),  # Fri → Mon 09:15
        ("2026-03-02T18:00:00+05:30", Kind.MCAP_CLASS, "bse", 39 * H + 15 * M),  # over holiday
        (OPEN_OFF_SEASON, Kind.HOLIDAYS, "nse", 7 * 24 * H),
        ("2026-03-14T10:00:00+05:30", Kind.HOLIDAYS, "nse", 7 * 24 * H),
        (OPEN_OFF_SEASON, Kind.MARKET_STATUS, "nse", 60 * S),
        ("2026-03-14T10:00:00+05:30", Kind.MARKET_STATUS, "nse", 15 * M),
    ],
)
def test_ttl_table(now: str, kind: Kind, source: str, ttl: dt.timedelta) -> None:
    assert clock(now).ttl(kind, source=source) == ttl


def test_negative_ttl() -> None:
    assert clock(OPEN_OFF_SEASON).ttl(Kind.QUOTES, negative=True) == 10 * M
    assert clock("2026-03-14T10:00:00+05:30").ttl(Kind.HISTORY, negative=True) == 1 * H


@pytest.mark.parametrize(
    ("fetched", "as_of", "expires"),
    [
        ("2026-03-10T11:00:00+05:30", dt.date(2026, 3, 9), "2026-03-10T16:00:00+05:30"),
        ("2026-03-10T16:30:00+05:30", dt.date(2026, 3, 10), "2026-03-11T16:00:00+05:30"),
        ("2026-03-10T16:30:00+05:30", dt.date(2026, 3, 9), "2026-03-10T18:30:00+05:30"),
        ("2026-03-10T19:00:00+05:30", dt.date(2026, 3, 9), "2026-03-11T16:00:00+05:30"),
        ("2026-03-13T19:00:00+05:30", dt.date(2026, 3, 13), "2026-03-16T16:00:00+05:30"),
        ("2026-03-02T17:00:00+05:30", dt.date(2026, 3, 2), "2026-03-04T16:00:00+05:30"),
    ],
)
def test_daily_bars_expire_at_end_of_day_checkpoints(
    fetched: str, as_of: dt.date, expires: str
) -> None:
    market = clock(fetched)
    assert market.expires_at(Kind.HISTORY, at(fetched), as_of=as_of) == at(expires)
    assert market.is_fresh(Kind.HISTORY, at(fetched), as_of=as_of, at=at(expires) - S)
    assert not market.is_fresh(Kind.HISTORY, at(fetched), as_of=as_of, at=at(expires))


def test_naive_injected_time_is_refused() -> None:
    market = MarketClock(now=lambda: dt.datetime(2026, 2, 10, 10, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        market.now()
