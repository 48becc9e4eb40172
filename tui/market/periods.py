"""Reporting periods: month keys, point-in-time lookups, step functions and result deadlines.

The fundamental pillars (financial trend, quality, valuation) and the earnings calendar share
this period arithmetic. Periods are named by month keys (`year·12 + month − 1`); dates become
day numbers so a (column, period, filing day) triple packs into one sortable int64. A period
filed twice is a restatement, and a lookup returns the latest filing known on a date. SEBI LODR
Reg. 33(3) deadlines (analytics.md §8) decide when a period is due and when it is overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd

_DAY_OFFSET = 100_000  # keeps day numbers positive for dates from 1697 on
_DAY_BITS = 18
_KEY_BITS = 16


def period_key(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Month index `year·12 + month − 1` of each date, the unit every period lookup uses."""
    index = pd.DatetimeIndex(dates)
    return (index.year.to_numpy(np.int64) * 12 + index.month.to_numpy(np.int64) - 1).astype(
        np.int64
    )


def key_to_month_end(key: int) -> pd.Timestamp:
    """The last day of the month a period key names."""
    return pd.Timestamp(year=int(key) // 12, month=int(key) % 12 + 1, day=1) + pd.offsets.MonthEnd(
        0
    )


def month_ends(keys: np.ndarray | pd.Series) -> np.ndarray:
    """The last day of the month of each period key (vectorised `key_to_month_end`), as
    datetime64[us] like the loaded dates."""
    keys = np.asarray(keys, dtype=np.int64)
    first_of_next = (np.datetime64("0000-01", "M") + (keys + 1)).astype("datetime64[D]")
    return (first_of_next - np.timedelta64(1, "D")).astype("datetime64[us]")


def quarter_label(period_end: dt.date | pd.Timestamp | str, fiscal_start_month: int = 4) -> str:
    """Label a quarter by its fiscal year: Dec 2025 with an April fiscal year → "Q3 FY26".

    The fiscal year is named after the calendar year it ends in.
    """
    ts = pd.Timestamp(period_end)
    quarter = ((ts.month - fiscal_start_month) % 12) // 3 + 1
    end_year = ts.year + (1 if fiscal_start_month != 1 and ts.month >= fiscal_start_month else 0)
    return f"Q{quarter} FY{end_year % 100:02d}"


def session_row(dates: pd.DatetimeIndex, t: int | object) -> int:
    """Row of a session: `t` itself when an integer, else the session on or before date `t`."""
    if isinstance(t, (int, np.integer)):
        return int(t)
    if not isinstance(t, (str, dt.date, np.datetime64)):
        raise TypeError(f"not a session row or date: {t!r}")
    when = pd.Timestamp(t).to_datetime64()
    return int(np.searchsorted(dates.to_numpy(), when, side="right")) - 1


def half_year_months(fiscal_start_month: int) -> tuple[int, int]:
    """(fiscal-year-end month, first-half-end month), 1-based: (3, 9) for an April year."""
    return (fiscal_start_month - 2) % 12 + 1, (fiscal_start_month + 4) % 12 + 1


def day_numbers(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Dates as positive day numbers, the date part of PeriodRows lookups."""
    raw = np.asarray(pd.DatetimeIndex(dates).values.astype("datetime64[D]").astype(np.int64))
    return raw + _DAY_OFFSET


def day_number(date: pd.Timestamp | dt.date | str) -> int:
    """One date as a day number (scalar `day_numbers`)."""
    when = pd.Timestamp(date).to_datetime64().astype("datetime64[D]")
    return int(when.astype(np.int64)) + _DAY_OFFSET


class PeriodRows:
    """Filed period rows, searchable as "period P of column j as known on date d".

    A period filed twice is a restatement; a lookup returns the latest filing on or before the
    date (analytics.md §10), or -1 when the period was not known then.
    """

    def __init__(self, col: np.ndarray, key: np.ndarray, filed_on: pd.Series) -> None:
        """Index rows by (panel column, period key, filing day)."""
        composite = (
            (col.astype(np.int64) << _KEY_BITS) + key.astype(np.int64)
        ) << _DAY_BITS | day_numbers(filed_on)
        self.order = np.argsort(composite, kind="stable")
        self.sorted = composite[self.order]

    def find(self, col: np.ndarray, key: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Row numbers (into the constructor's arrays) of each lookup, -1 where unknown."""
        prefix = (col.astype(np.int64) << _KEY_BITS) + key.astype(np.int64)
        wanted = (prefix << _DAY_BITS) | day
        pos = np.searchsorted(self.sorted, wanted, side="right") - 1
        safe = np.clip(pos, 0, max(len(self.sorted) - 1, 0))
        if not len(self.sorted):
            return np.full(len(col), -1, dtype=np.int64)
        hit = (pos >= 0) & ((self.sorted[safe] >> _DAY_BITS) == prefix)
        return np.where(hit, self.order[safe], -1)


def take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[rows] as float, NaN where rows is -1."""
    return np.take(np.append(values.astype(np.float64), np.nan), rows)


class SortedFilings(NamedTuple):
    """Filings sorted by (column, filing date, period key), grouped by filing day.

    Attributes:
        order: input rows in sorted order.
        last: per sorted row, True on the last row of its (column, filing date).
        known: per sorted row, filings of its column up to and including it.
        qkey: per sorted row, the latest period key of its column so far.
        start: per sorted row, the sorted position of its column's first row.
    """

    order: np.ndarray
    last: np.ndarray
    known: np.ndarray
    qkey: np.ndarray
    start: np.ndarray


def sorted_filings(col: np.ndarray, key: np.ndarray, filed_on: pd.Series) -> SortedFilings:
    """Sort filings by (column, filing date, period key) (stable) and group them by day."""
    stamp = np.asarray(pd.DatetimeIndex(filed_on).asi8, dtype=np.int64)
    col = np.asarray(col, dtype=np.int64)
    key = np.asarray(key, dtype=np.int64)
    order = np.lexsort((key, stamp, col))
    c, d, k = col[order], stamp[order], key[order]
    n = len(order)
    new_col = np.ones(n, dtype=bool)
    new_col[1:] = c[1:] != c[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = new_col[1:] | (d[1:] != d[:-1])
    start = np.maximum.accumulate(np.where(new_col, np.arange(n), 0)) if n else order
    big = np.int64(1 << 32)
    qkey = np.maximum.accumulate(c * big + k) - c * big if n else k
    return SortedFilings(order, last, np.arange(n) - start + 1, qkey, start)


def filing_events(col: np.ndarray, key: np.ndarray, filed_on: pd.Series) -> pd.DataFrame:
    """One row per (panel column, filing day): the latest period key known after that filing.

    Returns:
        Frame sorted by (col, date) with columns col, date, day (lookup day), qkey and
        known (how many filings the column had by then), plus `row`: the last input row of
        that filing day.
    """
    s = sorted_filings(col, key, filed_on)
    rows = s.order[s.last]
    dates = pd.DatetimeIndex(filed_on)[rows]
    return pd.DataFrame({
        "col": np.asarray(col, dtype=np.int64)[rows], "date": dates,
        "key": np.asarray(key, dtype=np.int64)[rows], "row": rows, "qkey": s.qkey[s.last],
        "known": s.known[s.last], "day": day_numbers(dates),
    })  # fmt: skip


def session_index(dates: pd.DatetimeIndex, n: int, col: np.ndarray, day: np.ndarray) -> np.ndarray:
    """(sessions × n) index of the event in force on each session, -1 before a column's first.

    Events must be sorted by (col, day); `day` holds day numbers. An event counts from the first
    session on or after its day (filed_on ≤ t) and holds until the column's next event.
    """
    t = len(dates)
    rows = np.searchsorted(day_numbers(dates), day, side="left")
    ok = rows < t
    # Two events before one session: the later wins, so keep the last of each (col, row).
    nxt_same = np.zeros(len(rows), dtype=bool)
    nxt_same[:-1] = (col[1:] == col[:-1]) & (rows[1:] == rows[:-1])
    ok &= ~nxt_same
    index = np.full((t, n), -1, dtype=np.int32 if len(rows) < 2**31 else np.int64)
    index[rows[ok], col[ok]] = np.nonzero(ok)[0]
    np.maximum.accumulate(index, axis=0, out=index)
    return index


def on_sessions(
    dates: pd.DatetimeIndex, n: int, col: np.ndarray, day: np.ndarray, values: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Put per-event values on the (sessions × symbols) grid as step functions.

    Events must be sorted by (col, day); see `session_index`. Before a column's first event the
    values are NaN.
    """
    index = session_index(dates, n, col, day)
    return {name: take(np.asarray(v), index) for name, v in values.items()}


def step_codes(
    dates: pd.DatetimeIndex, n: int, col: np.ndarray, day: np.ndarray, code: np.ndarray, base: int
) -> np.ndarray:
    """Like `session_index`, but puts a uint8 code per event straight on the grid.

    Each kept event adds its change of code (mod 256) to its first session and one cumulative
    sum down the sessions carries it forward: a (sessions × n) uint8 grid, `base` before a
    column's first event. Far cheaper than an index grid followed by gathers.
    """
    t = len(dates)
    grid = np.zeros((t, n), dtype=np.uint8)
    rows = np.searchsorted(day_numbers(dates), day, side="left")
    ok = rows < t
    nxt_same = np.zeros(len(rows), dtype=bool)
    nxt_same[:-1] = (col[1:] == col[:-1]) & (rows[1:] == rows[:-1])
    ok &= ~nxt_same
    c, r, v = col[ok], rows[ok], code[ok].astype(np.int64)
    prev = np.empty(len(v), dtype=np.int64)
    prev[:1] = base
    prev[1:] = np.where(c[1:] == c[:-1], v[:-1], base)
    grid[r, c] = (v - prev) & 0xFF
    if t:
        grid[0] += np.uint8(base)
        np.cumsum(grid, axis=0, dtype=np.uint8, out=grid)
    return grid


def deadline(period_end: pd.Timestamp, fiscal_start_month: int = 4) -> pd.Timestamp:
    """SEBI LODR Reg. 33(3): 60 days after the fiscal year end, else 45 days (14 Feb for Dec)."""
    year_end, _ = half_year_months(fiscal_start_month)
    return period_end + pd.Timedelta(days=60 if period_end.month == year_end else 45)


def deadline_days(keys: np.ndarray, fiscal_start_month: int) -> np.ndarray:
    """Day numbers of the result deadlines of period keys (vectorised `deadline`)."""
    keys = np.asarray(keys, dtype=np.int64)
    year_end, _ = half_year_months(fiscal_start_month)
    first_of_next = (np.datetime64("0000-01", "M") + (keys + 1)).astype("datetime64[D]")
    end = first_of_next.astype(np.int64) - 1 + _DAY_OFFSET
    return end + np.where(keys % 12 + 1 == year_end, 60, 45)


def due_key_at(days: np.ndarray, half: np.ndarray, fiscal_start_month: int) -> np.ndarray:
    """The latest period end whose deadline is before each day (the deadline day is on time).

    Args:
        days: day numbers (see `day_numbers`).
        half: True where the stock reports half-yearly (half-year ends, else quarter ends).
        fiscal_start_month: market.toml's fiscal_year_start_month.
    """
    days = np.asarray(days, dtype=np.int64)
    year_end, _ = half_year_months(fiscal_start_month)
    step = np.where(half, 6, 3)
    month = (days - _DAY_OFFSET).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    key = month + 1970 * 12
    latest_end = key - (key % 12 + 1 - year_end) % step
    # Deadlines are at most 60 days after an end, so one of the last three ends is due.
    options = [latest_end - i * step for i in range(3)]
    due = [deadline_days(k, fiscal_start_month) < days for k in options]
    return np.select(due, options, latest_end - 3 * step)


def due_keys(dates: pd.DatetimeIndex, fiscal_start_month: int, half: bool) -> np.ndarray:
    """Per date, the key of the latest period end whose deadline is before it."""
    days = day_numbers(dates)
    return due_key_at(days, np.full(len(days), half), fiscal_start_month)


def missing_at(
    days: np.ndarray, last_key: np.ndarray, half: np.ndarray, fiscal_start_month: int
) -> np.ndarray:
    """Due periods after the latest filed one, on each day (§8: ≥ 1 overdue)."""
    step = np.where(half, 6, 3)
    due = due_key_at(days, half, fiscal_start_month)
    missing: np.ndarray = np.maximum(0, (due - last_key) // step)
    return missing


def overdue_days(last_key: np.ndarray, half: np.ndarray, fiscal_start_month: int) -> np.ndarray:
    """(E, 2) day numbers from which one and two periods after `last_key` are overdue."""
    step = np.where(half, 6, 3)
    return np.stack(
        [deadline_days(last_key + k * step, fiscal_start_month) + 1 for k in (1, 2)], axis=1
    )


def event_keys(col: np.ndarray, day: np.ndarray) -> np.ndarray:
    """(column, day number) packed into sortable int64 keys (see `latest_event`)."""
    keys: np.ndarray = (np.asarray(col).astype(np.int64) << _DAY_BITS) | np.asarray(day)
    return keys


def split_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(column, day number) of `event_keys`."""
    return keys >> _DAY_BITS, keys & ((1 << _DAY_BITS) - 1)


def latest_event(
    event_col: np.ndarray, event_day: np.ndarray, col: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """For each (col, day), the last event of that column on or before the day, else -1.

    Events must be sorted by (col, day).
    """
    return latest_keyed(event_keys(event_col, event_day), col, day)


def latest_keyed(keys: np.ndarray, col: np.ndarray, day: np.ndarray) -> np.ndarray:
    """`latest_event` on precomputed, sorted `event_keys`."""
    col = np.asarray(col).astype(np.int64)
    pos = np.searchsorted(keys, event_keys(col, day), side="right") - 1
    if not len(keys):
        return np.full(len(col), -1, dtype=np.int64)
    safe = np.clip(pos, 0, None)
    return np.where((pos >= 0) & ((keys[safe] >> _DAY_BITS) == col), safe, -1)
