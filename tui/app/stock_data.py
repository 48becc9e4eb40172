"""What the detail and watchlists views show, computed in workers from an Analysis (no Textual).

The views render these values and nothing else: the chart series with its moving averages, the
last quarters' results, the next board meeting, and each watchlist entry's return since added.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from tui.market.analysis import Analysis
    from tui.store.watchlists import Entry, Watchlist

CHART_SESSIONS = 260
"""Sessions the chart keeps (about a year); the widget shows as many as fit."""

AVERAGES = (("EMA 20", "ema", 20), ("SMA 50", "sma", 50), ("SMA 200", "sma", 200))
"""The chart's moving averages: label, kind, window."""

RESULT_QUARTERS = 5
"""Quarters of results shown (the last one against the year-ago one when known)."""

IN_LIMIT = 100
"""Most values one `IN (...)` of the screening language takes (analytics.md §9)."""


@dataclass(frozen=True)
class ChartSeries:
    """Daily closes and their moving averages up to the as-of session (NaN where undefined)."""

    dates: tuple[dt.date, ...]
    """One per session, oldest first."""
    lines: dict[str, tuple[float, ...]]
    """"Close", then each average's label → one value per date."""


@dataclass(frozen=True)
class QuarterResult:
    """One quarter's sales and PAT (₹ crore) and their change on the year-ago quarter (%)."""

    period_end: dt.date
    sales: float | None
    pat: float | None
    sales_yoy: float | None
    pat_yoy: float | None


@dataclass(frozen=True)
class StockDetail:
    """Everything the detail view shows beside `explain`'s pillars."""

    symbol: str
    chart: ChartSeries
    results: tuple[QuarterResult, ...]
    """Oldest first."""
    meeting: tuple[dt.date, str] | None
    """The next board meeting on or after the as-of session: date and purpose."""


@dataclass(frozen=True)
class EntryRow:
    """One watchlist entry as the watchlists view shows it."""

    symbol: str
    name: str | None
    added_on: dt.date | None
    added_price: float | None
    close: float | None
    since_added: float | None
    """Return since added, in percent."""


@dataclass(frozen=True)
class WatchlistRows:
    """A watchlist and its entries' rows, in the order they were added."""

    name: str
    rows: tuple[EntryRow, ...]

    @property
    def symbols(self) -> list[str]:
        """The entries' symbols."""
        return [row.symbol for row in self.rows]


def _number(x: object) -> float | None:
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def close_at_as_of(analysis: Analysis, symbol: str) -> float | None:
    """The symbol's last close up to the as-of session; None when unknown or not yet listed."""
    try:
        col = analysis.column(symbol)
    except KeyError:
        return None
    return _number(analysis.panel.filled_close[analysis.t, col])


def chart_series(analysis: Analysis, symbol: str, sessions: int = CHART_SESSIONS) -> ChartSeries:
    """The last `sessions` closes (carried over days without a trade) and their averages."""
    col = analysis.column(symbol)
    close = pd.Series(analysis.panel.filled_close[: analysis.t + 1, col])
    lines: dict[str, pd.Series] = {"Close": close}
    for label, kind, window in AVERAGES:
        if kind == "sma":
            lines[label] = close.rolling(window).mean()
        else:
            lines[label] = close.ewm(span=window, adjust=False, min_periods=window).mean()
    start = max(0, len(close) - sessions)
    first = int(np.argmax(~np.isnan(close.to_numpy()))) if close.notna().any() else len(close)
    start = max(start, first)
    dates = tuple(d.date() for d in analysis.panel.dates[start : analysis.t + 1])
    return ChartSeries(
        dates, {k: tuple(float(v) for v in s.to_numpy()[start:]) for k, s in lines.items()}
    )


def recent_results(
    analysis: Analysis, symbol: str, quarters: int = RESULT_QUARTERS
) -> tuple[QuarterResult, ...]:
    """The last quarters' sales and PAT known at the as-of session, with year-on-year change."""
    frame = analysis.data.results
    mine = frame[frame["symbol"] == symbol].sort_values("period_end")
    ends = pd.DatetimeIndex(mine["period_end"])
    rows = list(mine.itertuples(index=False))
    by_quarter = {(end.year, end.month): row for end, row in zip(ends, rows, strict=True)}
    out = []
    for end, row in list(zip(ends, rows, strict=True))[-quarters:]:
        ago = by_quarter.get((end.year - 1, end.month))
        sales, pat = _number(row.sales), _number(row.pat)
        out.append(
            QuarterResult(
                end.date(),
                sales,
                pat,
                _growth(sales, None if ago is None else _number(ago.sales)),
                _growth(pat, None if ago is None else _number(ago.pat)),
            )
        )
    return tuple(out)


def _growth(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before <= 0:
        return None
    return (now / before - 1.0) * 100.0


def next_meeting(analysis: Analysis, symbol: str) -> tuple[dt.date, str] | None:
    """The symbol's first board meeting on or after the as-of session, if announced."""
    calendar = analysis.data.calendar
    if calendar.empty:
        return None
    as_of = pd.Timestamp(analysis.as_of)
    rows = calendar[(calendar["symbol"] == symbol) & (calendar["date"] >= as_of)]
    if rows.empty:
        return None
    first = rows.sort_values("date").iloc[0]
    return pd.DatetimeIndex([first["date"]])[0].date(), str(first["purpose"])


def stock_detail(analysis: Analysis, symbol: str) -> StockDetail:
    """The chart, results and next meeting of one stock."""
    return StockDetail(
        symbol,
        chart_series(analysis, symbol),
        recent_results(analysis, symbol),
        next_meeting(analysis, symbol),
    )


def entry_rows(analysis: Analysis | None, entries: Iterable[Entry]) -> tuple[EntryRow, ...]:
    """Each entry with its name, close at the as-of session and return since added."""
    names = None if analysis is None else analysis.data.stocks.get("name")
    out = []
    for e in entries:
        close = None if analysis is None else close_at_as_of(analysis, e.symbol)
        since = None
        if close is not None and e.added_price:
            since = (close / e.added_price - 1.0) * 100.0
        name = None if names is None else names.get(e.symbol)
        out.append(
            EntryRow(
                e.symbol,
                name if isinstance(name, str) else None,
                e.added_on,
                e.added_price,
                close,
                since,
            )
        )
    return tuple(out)


def watchlist_rows(analysis: Analysis | None, lists: Sequence[Watchlist]) -> list[WatchlistRows]:
    """Every watchlist's rows."""
    return [WatchlistRows(w.name, entry_rows(analysis, w.entries)) for w in lists]


def membership(lists: Sequence[WatchlistRows], symbol: str) -> list[str]:
    """The names of the lists holding `symbol`."""
    return [w.name for w in lists if symbol in w.symbols]


def symbols_query(symbols: Sequence[str]) -> str:
    """A screening query matching exactly these symbols: `symbol IN ("A", "B")`.

    More than IN_LIMIT symbols become several IN clauses joined by OR.
    """
    quoted = ['"' + s.replace('"', '""') + '"' for s in dict.fromkeys(symbols)]
    chunks = [quoted[i : i + IN_LIMIT] for i in range(0, len(quoted), IN_LIMIT)]
    return " OR ".join(f"symbol IN ({', '.join(chunk)})" for chunk in chunks)
