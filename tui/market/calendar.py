"""Reporting periods and the earnings calendar (analytics.md §8).

Owns the period arithmetic the fundamental pillars share (month keys, point-in-time lookups of a
period's latest filing, step functions put on the session grid), SEBI LODR result deadlines and
overdue counts, and the calendar tables: upcoming results meetings, recently declared results,
and the per-symbol `results_in_days` / `days_since_results` screen fields.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.model import MarketData, Panel

if TYPE_CHECKING:
    from tui.market.pillars import PillarHistory

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


def quarter_label(period_end: dt.date | pd.Timestamp | str, fiscal_start_month: int = 4) -> str:
    """Label a quarter by its fiscal year: Dec 2025 with an April fiscal year → "Q3 FY26".

    The fiscal year is named after the calendar year it ends in.
    """
    ts = pd.Timestamp(period_end)
    quarter = ((ts.month - fiscal_start_month) % 12) // 3 + 1
    end_year = ts.year + (1 if fiscal_start_month != 1 and ts.month >= fiscal_start_month else 0)
    return f"Q{quarter} FY{end_year % 100:02d}"


def half_year_months(fiscal_start_month: int) -> tuple[int, int]:
    """(fiscal-year-end month, first-half-end month), 1-based: (3, 9) for an April year."""
    return (fiscal_start_month - 2) % 12 + 1, (fiscal_start_month + 4) % 12 + 1


def day_numbers(dates: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Dates as positive day numbers, the date part of PeriodRows lookups."""
    raw = np.asarray(pd.DatetimeIndex(dates).values.astype("datetime64[D]").astype(np.int64))
    return raw + _DAY_OFFSET


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


def filing_events(col: np.ndarray, key: np.ndarray, filed_on: pd.Series) -> pd.DataFrame:
    """One row per (panel column, filing day): the latest period key known after that filing.

    Returns:
        Frame sorted by (col, date) with columns col, date, day (lookup day), qkey and
        known (how many filings the column had by then), plus `row`: the last input row of
        that filing day.
    """
    frame = pd.DataFrame({"col": col, "date": pd.DatetimeIndex(filed_on), "key": key})
    frame["row"] = np.arange(len(frame))
    frame = frame.sort_values(["col", "date", "key"], kind="stable")
    c = frame["col"].to_numpy(np.int64)
    big = np.int64(1 << 32)
    frame["qkey"] = np.maximum.accumulate(c * big + frame["key"].to_numpy(np.int64)) - c * big
    frame["known"] = frame.groupby("col").cumcount() + 1
    events = frame.drop_duplicates(["col", "date"], keep="last").reset_index(drop=True)
    events["day"] = day_numbers(events["date"])
    return events


def on_sessions(
    dates: pd.DatetimeIndex, n: int, col: np.ndarray, day: np.ndarray, values: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Put per-event values on the (sessions × symbols) grid as step functions.

    Events must be sorted by (col, day); `day` holds day numbers. An event counts from the first
    session on or after its day (filed_on ≤ t) and holds until the column's next event; before
    the first it is NaN.
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
    return {name: take(np.asarray(v), index) for name, v in values.items()}


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
    return np.maximum(0, (due_key_at(days, half, fiscal_start_month) - last_key) // step)


def overdue_days(last_key: np.ndarray, half: np.ndarray, fiscal_start_month: int) -> np.ndarray:
    """(E, 2) day numbers from which one and two periods after `last_key` are overdue."""
    step = np.where(half, 6, 3)
    return np.stack(
        [deadline_days(last_key + k * step, fiscal_start_month) + 1 for k in (1, 2)], axis=1
    )


def latest_event(
    event_col: np.ndarray, event_day: np.ndarray, col: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """For each (col, day), the last event of that column on or before the day, else -1.

    Events must be sorted by (col, day).
    """
    keys = (event_col.astype(np.int64) << _DAY_BITS) | event_day
    wanted = (col.astype(np.int64) << _DAY_BITS) | day
    pos = np.searchsorted(keys, wanted, side="right") - 1
    if not len(keys):
        return np.full(len(col), -1, dtype=np.int64)
    safe = np.clip(pos, 0, None)
    return np.where((pos >= 0) & (event_col[safe] == col), safe, -1)


def is_results(purpose: pd.Series) -> pd.Series:
    """Rows of calendar.csv that are results meetings (purpose matches /result/i)."""
    return purpose.astype("string").str.contains("result", case=False, na=False).astype(bool)


def _known_calendar(data: MarketData, session: pd.Timestamp) -> pd.DataFrame:
    cal = data.calendar
    cal = cal[is_results(cal["purpose"])]
    if "announced_on" in cal.columns:
        cal = cal[cal["announced_on"].isna() | (cal["announced_on"] <= session)]
    return cal


def days_since_results(data: MarketData, as_of: object = None) -> pd.Series:
    """Per symbol of data.stocks: calendar days from the last filing to as_of (NaN if none)."""
    session = data.resolve(as_of)  # type: ignore[arg-type]
    res = data.results[data.results["filed_on"] <= session]
    last = res.groupby("symbol")["filed_on"].max()
    days = (session - last).dt.days.astype("float64")
    return days.reindex(data.stocks.index).rename("days_since_results")


def results_in_days(data: MarketData, as_of: object = None) -> pd.Series:
    """Per symbol: days until its next results meeting on or after as_of (NaN if none known)."""
    session = data.resolve(as_of)  # type: ignore[arg-type]
    cal = _known_calendar(data, session)
    cal = cal[cal["date"] >= session]
    nxt = cal.groupby("symbol")["date"].min()
    days = (nxt - session).dt.days.astype("float64")
    return days.reindex(data.stocks.index).rename("results_in_days")


def overdue_status(data: MarketData, as_of: object = None) -> pd.DataFrame:
    """Per symbol with results: the latest due period and whether it is overdue (§8).

    Returns:
        Frame indexed by symbol with last_period (latest period filed by as_of), due_period
        (latest period end whose deadline is before as_of), missing (due periods unfiled),
        half_yearly, and status: "overdue" (missing ≥ 1), "pending" (the next period's deadline
        is not yet passed but its results meeting is), or "on_time".
    """
    session = data.resolve(as_of)  # type: ignore[arg-type]
    fs = data.meta.fiscal_year_start_month
    res = data.results[data.results["filed_on"] <= session]
    columns = ["last_period", "due_period", "missing", "half_yearly", "status"]
    if res.empty:
        return pd.DataFrame(columns=columns).rename_axis("symbol")
    keys = pd.Series(period_key(res["period_end"]), index=res.index)
    months = keys % 12 + 1
    halves = set(half_year_months(fs))
    by = keys.groupby(res["symbol"])
    last = by.max()
    half = (~months.isin(halves)).groupby(res["symbol"]).sum().eq(0) & by.size().ge(2)
    day = pd.DatetimeIndex([session])
    due_q, due_h = (int(due_keys(day, fs, half=h)[0]) for h in (False, True))
    due = pd.Series(np.where(half, due_h, due_q), index=last.index)
    step = np.where(half, 6, 3)
    missing = np.maximum(0, (due - last) // step)
    cal = _known_calendar(data, session)
    met = cal[cal["date"] <= session].groupby("symbol")["date"].max()
    next_end = pd.Series([key_to_month_end(k) for k in due + step], index=last.index)
    pending = met.reindex(last.index) > next_end
    status = np.where(
        missing > 0, "overdue", np.where(pending & (last < due + step), "pending", "on_time")
    )
    return pd.DataFrame(
        {
            "last_period": [key_to_month_end(k) for k in last],
            "due_period": [key_to_month_end(k) for k in due],
            "missing": missing.astype(int),
            "half_yearly": half.astype(bool),
            "status": status,
        },
        index=last.index.rename("symbol"),
    )


def _grade_words(
    history: PillarHistory | None, panel: Panel | None, symbols: pd.Series, row: int
) -> list[str | None]:
    if history is None or panel is None or row < 0:
        return [None] * len(symbols)
    cols = panel.symbols.get_indexer(symbols)
    codes = np.where(cols >= 0, history.grade[row, np.clip(cols, 0, None)], np.nan)
    return [grades.word(grades.FIN_TREND, float(c)) for c in codes]


def upcoming(
    data: MarketData,
    as_of: object = None,
    days: int = 7,
    *,
    panel: Panel | None = None,
    fin_trend: PillarHistory | None = None,
) -> pd.DataFrame:
    """Results meetings with as_of ≤ date ≤ as_of + days, by date then name (§8).

    Args:
        data: the market data (calendar rows announced after as_of are ignored).
        as_of: the as-of date; resolves to a session.
        days: window in calendar days.
        panel: the panel `fin_trend` is on; both default to a fresh computation.
        fin_trend: the replayed financial-trend history, for the grade column.

    Returns:
        Columns date, symbol, name, purpose, fin_trend (grade word or None) and
        days_since_results (NaN when nothing was filed).
    """
    session = data.resolve(as_of)  # type: ignore[arg-type]
    cal = _known_calendar(data, session)
    cal = cal[(cal["date"] >= session) & (cal["date"] <= session + pd.Timedelta(days=days))]
    names = data.stocks["name"].reindex(cal["symbol"]).to_numpy()
    out = pd.DataFrame(
        {
            "date": cal["date"].to_numpy(),
            "symbol": cal["symbol"].to_numpy(),
            "name": names,
            "purpose": cal["purpose"].to_numpy(),
        }
    )
    out = out.sort_values(["date", "name", "symbol"], kind="stable").reset_index(drop=True)
    if fin_trend is None and len(out):
        panel, fin_trend = _fin_trend(data, session)
    row = -1 if panel is None else int(panel.dates.searchsorted(session, side="right")) - 1
    out["fin_trend"] = _grade_words(fin_trend, panel, out["symbol"], row)
    since = days_since_results(data, session)
    out["days_since_results"] = since.reindex(out["symbol"]).to_numpy()
    return out


def _fin_trend(data: MarketData, session: pd.Timestamp) -> tuple[Panel, PillarHistory]:
    # Imported here: fintrend imports this module for its period machinery.
    from tui.market.fintrend import fin_trend_history
    from tui.market.model import build_panel, cut

    known = cut(data, session)
    panel = build_panel(known)
    return panel, fin_trend_history(known, panel)


def recently_declared(
    data: MarketData,
    as_of: object = None,
    days: int = 7,
    *,
    panel: Panel | None = None,
    fin_trend: PillarHistory | None = None,
) -> pd.DataFrame:
    """Results filed within the `days` calendar days up to as_of, with fin trend before → after.

    "Before" is the grade on the session before the filing counted, "after" the grade on that
    session; text is the §7 event text, or "unchanged at X".

    Returns:
        Columns filed_on, symbol, name, period_end, quarter, before, after, points_before,
        points_after, text; by filed_on then name.
    """
    session = data.resolve(as_of)  # type: ignore[arg-type]
    res = data.results
    res = res[(res["filed_on"] <= session) & (res["filed_on"] >= session - pd.Timedelta(days=days))]
    res = res.sort_values(["symbol", "filed_on", "period_end"]).drop_duplicates(
        "symbol", keep="last"
    )
    if fin_trend is None and len(res):
        panel, fin_trend = _fin_trend(data, session)
    fs = data.meta.fiscal_year_start_month
    rows = []
    for rec in res.itertuples(index=False):  # a week of filings: a few hundred rows at most
        name = str(data.stocks["name"].get(rec.symbol, rec.symbol))
        before, after, p0, p1 = _around(panel, fin_trend, rec.symbol, rec.filed_on)
        label = quarter_label(rec.period_end, fs)
        rows.append(
            {
                "filed_on": rec.filed_on,
                "symbol": rec.symbol,
                "name": name,
                "period_end": rec.period_end,
                "quarter": label,
                "before": before,
                "after": after,
                "points_before": p0,
                "points_after": p1,
                "text": _event_text(name, before, after, p0, p1, label),
            }
        )
    out = pd.DataFrame(rows, columns=[
        "filed_on", "symbol", "name", "period_end", "quarter", "before", "after",
        "points_before", "points_after", "text",
    ])  # fmt: skip
    return out.sort_values(["filed_on", "name", "symbol"], kind="stable").reset_index(drop=True)


def _around(
    panel: Panel | None, history: PillarHistory | None, symbol: str, filed_on: pd.Timestamp
) -> tuple[str | None, str | None, float | None, float | None]:
    if panel is None or history is None or symbol not in panel.symbols:
        return None, None, None, None
    j = panel.symbols.get_loc(symbol)
    r = int(panel.dates.searchsorted(filed_on, side="left"))
    if r >= len(panel.dates):
        return None, None, None, None
    points = history.extras.get("points")

    def at(row: int) -> tuple[str | None, float | None]:
        if row < 0:
            return None, None
        p = None if points is None or np.isnan(points[row, j]) else float(points[row, j])
        return grades.word(grades.FIN_TREND, float(history.grade[row, j])), p

    (g0, p0), (g1, p1) = at(r - 1), at(r)
    return g0, g1, p0, p1


def _points(p: float | None) -> str:
    return "NA" if p is None else f"{int(p)}"


def _event_text(
    name: str, before: str | None, after: str | None, p0: float | None, p1: float | None, q: str
) -> str:
    head = f"{name}: financial trend"
    if after is None:
        return f"{head} not rated after {q} results"
    if before is None:
        return f"{head} rated {after} after {q} results (score {_points(p1)})"
    if before == after:
        return f"{head} unchanged at {after} after {q} results"
    up = grades.code(grades.FIN_TREND, after) > grades.code(grades.FIN_TREND, before)
    verb = "improved" if up else "deteriorated"
    return (
        f"{head} {verb} from {before} to {after} after {q} results "
        f"(score {_points(p0)} → {_points(p1)})"
    )
