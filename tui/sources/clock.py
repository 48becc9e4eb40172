"""The market clock (sources.md §5): IST session phases, results season and cache TTLs.

All times are timezone-aware in `Asia/Kolkata`. The clock is injected: `MarketClock(now=...)`
takes any callable returning an aware datetime, and `clock_from_env()` honours `DALAL_NOW` (an
ISO timestamp with offset) so tests of market-hours logic run at a fixed instant. Holidays (NSE
`CM` trading holidays) are passed in; NSE `marketStatus` wins when it disagrees
(`report_status`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from enum import StrEnum
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")
PRE_OPEN = dt.time(9, 0)
OPEN = dt.time(9, 15)
CLOSE = dt.time(15, 30)
EOD_FIRST = dt.time(16, 0)
"""End-of-day bars start to settle: the last two bars are refetched after this."""
EOD_FINAL = dt.time(18, 30)
"""End-of-day bars have settled: refetched once more if still missing."""
CLOSED_TTL_CAP = dt.timedelta(hours=12)
_SEARCH_DAYS = 30


class Phase(StrEnum):
    """Where the trading day stands."""

    PRE_OPEN = "pre-open"
    OPEN = "open"
    CLOSED = "closed"


class Kind(StrEnum):
    """A kind of cached data; the value is its cache folder name."""

    QUOTES = "quotes"
    CONSTITUENTS = "constituents"
    ADVANCE_DECLINE = "advance-decline"
    INDEX_LEVELS = "index-levels"
    HISTORY = "history"
    INDEX_HISTORY = "index-history"
    CALENDAR = "calendar"
    RESULTS = "results"
    UNIVERSE = "universe"
    LISTS = "lists"
    MCAP_CLASS = "mcap-class"
    HOLIDAYS = "holidays"
    MARKET_STATUS = "market-status"


LIVE_KINDS = frozenset({Kind.QUOTES, Kind.CONSTITUENTS, Kind.ADVANCE_DECLINE, Kind.INDEX_LEVELS})
BAR_KINDS = frozenset({Kind.HISTORY, Kind.INDEX_HISTORY})
STATIC_KINDS = frozenset({Kind.UNIVERSE, Kind.LISTS, Kind.MCAP_CLASS})


def parse_now(value: str) -> dt.datetime:
    """Parse a `DALAL_NOW` value: an ISO timestamp with an offset, returned in IST.

    Raises:
        ValueError: when the value is not ISO or has no offset.
    """
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"DALAL_NOW '{value}' is not an ISO timestamp") from exc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"DALAL_NOW '{value}' needs an offset, e.g. 2026-02-10T15:30+05:30")
    return moment.astimezone(IST)


def system_now() -> dt.datetime:
    """The real current time in IST."""
    return dt.datetime.now(IST)


def now_from_env() -> Callable[[], dt.datetime]:
    """A `now` callable: fixed at `DALAL_NOW` when that is set, else the system clock."""
    value = os.environ.get("DALAL_NOW")
    if not value:
        return system_now
    fixed = parse_now(value)
    return lambda: fixed


def clock_from_env(holidays: Iterable[dt.date] = ()) -> MarketClock:
    """A `MarketClock` on `DALAL_NOW` when set, else the system clock."""
    return MarketClock(now=now_from_env(), holidays=holidays)


def results_season(day: dt.date) -> bool:
    """Whether `day` falls within 45 days after a quarter end (60 after March)."""
    for year in (day.year - 1, day.year):
        for month, last, days in ((3, 31, 60), (6, 30, 45), (9, 30, 45), (12, 31, 45)):
            end = dt.date(year, month, last)
            if end < day <= end + dt.timedelta(days=days):
                return True
    return False


class MarketClock:
    """IST time, session phases and the TTL of each kind of cached data.

    Args:
        now: Returns the current time (timezone-aware); defaults to the system clock in IST.
        holidays: NSE capital-market trading holidays.
    """

    def __init__(
        self,
        now: Callable[[], dt.datetime] | None = None,
        holidays: Iterable[dt.date] = (),
    ) -> None:
        self._now = now or system_now
        self.holidays: frozenset[dt.date] = frozenset(holidays)
        self._reported: tuple[dt.datetime, bool] | None = None

    def now(self) -> dt.datetime:
        """The current time in IST."""
        moment = self._now()
        if moment.tzinfo is None:
            raise ValueError("the injected clock returned a naive datetime")
        return moment.astimezone(IST)

    def with_holidays(self, holidays: Iterable[dt.date]) -> MarketClock:
        """A clock on the same `now` with another holiday list."""
        return MarketClock(self._now, holidays)

    def report_status(self, is_open: bool, at: dt.datetime | None = None) -> None:
        """Record what NSE `marketStatus` said at `at`.

        The report wins over the rules for the rest of the rule phase it was made in (same
        date, same rule phase): "Closed" during the trading window marks an unlisted holiday
        or a halt; "Open" in the evening marks a special session.
        """
        self._reported = ((at or self.now()).astimezone(IST), is_open)

    def is_trading_day(self, day: dt.date) -> bool:
        """A weekday that is not a listed holiday."""
        return day.weekday() < 5 and day not in self.holidays

    def rule_phase(self, at: dt.datetime) -> Phase:
        """The phase by the timetable alone, ignoring `marketStatus` reports."""
        local = at.astimezone(IST)
        if not self.is_trading_day(local.date()):
            return Phase.CLOSED
        time = local.timetz().replace(tzinfo=None)
        if PRE_OPEN <= time < OPEN:
            return Phase.PRE_OPEN
        if OPEN <= time < CLOSE:
            return Phase.OPEN
        return Phase.CLOSED

    def phase(self, at: dt.datetime | None = None) -> Phase:
        """The phase at `at` (default now), a `marketStatus` report winning within its phase."""
        at = (at or self.now()).astimezone(IST)
        phase = self.rule_phase(at)
        if self._reported is not None:
            when, is_open = self._reported
            if when.date() == at.date() and when <= at and self.rule_phase(when) == phase:
                if is_open:
                    return Phase.OPEN
                return Phase.CLOSED if phase == Phase.OPEN else phase
        return phase

    def is_open(self, at: dt.datetime | None = None) -> bool:
        """Whether the trading session (09:15–15:30) is on."""
        return self.phase(at) == Phase.OPEN

    def session_open(self, day: dt.date) -> dt.datetime:
        """09:15 IST on `day`."""
        return dt.datetime.combine(day, OPEN, IST)

    def next_open(self, at: dt.datetime | None = None) -> dt.datetime:
        """The next session open strictly after `at` (or `at` itself when trading)."""
        at = (at or self.now()).astimezone(IST)
        if self.is_open(at):
            return at
        day = at.date()
        for _ in range(_SEARCH_DAYS):
            start = self.session_open(day)
            if self.is_trading_day(day) and start > at:
                return start
            day += dt.timedelta(days=1)
        return at + CLOSED_TTL_CAP

    def last_session(self, at: dt.datetime | None = None) -> dt.date:
        """The latest trading day whose end-of-day bar should exist at `at` (16:00 or later)."""
        at = (at or self.now()).astimezone(IST)
        day = at.date()
        if at.timetz().replace(tzinfo=None) < EOD_FIRST:
            day -= dt.timedelta(days=1)
        for _ in range(_SEARCH_DAYS):
            if self.is_trading_day(day):
                return day
            day -= dt.timedelta(days=1)
        return day

    def in_results_season(self, at: dt.datetime | None = None) -> bool:
        """Whether `at` falls in a results season (45 days after a quarter end, 60 after March)."""
        return results_season((at or self.now()).astimezone(IST).date())

    def ttl(
        self,
        kind: Kind | str,
        at: dt.datetime | None = None,
        *,
        source: str = "",
        negative: bool = False,
    ) -> dt.timedelta:
        """How long data of `kind` fetched at `at` stays fresh (the §5 table).

        Args:
            kind: The kind of data. History kinds get their expiry from `expires_at` instead;
                here they answer the time to the next end-of-day checkpoint assuming the bar is
                present.
            at: The fetch time (default now).
            source: The logical host; Yahoo quotes live 120 s instead of 60 s.
            negative: A cached `NotFound`: 10 min while open, 1 h while closed.
        """
        at = (at or self.now()).astimezone(IST)
        kind = Kind(kind)
        is_open = self.is_open(at)
        if negative:
            return dt.timedelta(minutes=10 if is_open else 60)
        if kind in BAR_KINDS:
            return self.expires_at(kind, at, as_of=at) - at
        if kind in LIVE_KINDS:
            if is_open:
                return dt.timedelta(seconds=120 if source == "yahoo" else 60)
            return min(self.next_open(at) - at, CLOSED_TTL_CAP)
        if kind == Kind.CALENDAR:
            if not is_open:
                return dt.timedelta(hours=12)
            return dt.timedelta(hours=1 if self.in_results_season(at) else 3)
        if kind == Kind.RESULTS:
            return dt.timedelta(hours=6 if is_open and self.in_results_season(at) else 24)
        if kind in STATIC_KINDS:
            return dt.timedelta(hours=24) if is_open else self.next_open(at) - at
        if kind == Kind.HOLIDAYS:
            return dt.timedelta(days=7)
        if kind == Kind.MARKET_STATUS:
            return dt.timedelta(seconds=60) if is_open else dt.timedelta(minutes=15)
        raise ValueError(f"no TTL for kind '{kind}'")

    def expires_at(
        self,
        kind: Kind | str,
        fetched_at: dt.datetime,
        *,
        source: str = "",
        as_of: dt.datetime | dt.date | None = None,
        negative: bool = False,
    ) -> dt.datetime:
        """When data of `kind` fetched at `fetched_at` stops being fresh.

        For daily bars, past bars never expire: the entry expires at the first end-of-day
        checkpoint after the fetch, 16:00 on the next trading day, or 18:30 that day when the
        day's bar was still missing (`as_of`, the last bar's date, before that day).
        """
        fetched_at = fetched_at.astimezone(IST)
        kind = Kind(kind)
        if negative or kind not in BAR_KINDS:
            return fetched_at + self.ttl(kind, fetched_at, source=source, negative=negative)
        last_bar = _as_date(as_of) if as_of is not None else dt.date.min
        day = fetched_at.date()
        for _ in range(_SEARCH_DAYS):
            if self.is_trading_day(day):
                first = dt.datetime.combine(day, EOD_FIRST, IST)
                final = dt.datetime.combine(day, EOD_FINAL, IST)
                if fetched_at < first:
                    return first
                if fetched_at < final and last_bar < day:
                    return final
            day += dt.timedelta(days=1)
        return fetched_at + CLOSED_TTL_CAP

    def is_fresh(
        self,
        kind: Kind | str,
        fetched_at: dt.datetime,
        *,
        source: str = "",
        as_of: dt.datetime | dt.date | None = None,
        negative: bool = False,
        at: dt.datetime | None = None,
    ) -> bool:
        """Whether data fetched at `fetched_at` is still fresh at `at` (default now)."""
        expiry = self.expires_at(kind, fetched_at, source=source, as_of=as_of, negative=negative)
        return (at or self.now()) < expiry


def _as_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(IST).date() if value.tzinfo else value.date()
    return value
