"""The earnings calendar (analytics.md §8): upcoming meetings, recent results, overdue filings.

Results meetings are calendar.csv rows whose purpose matches /result/i. The tables here serve the
dashboard and the screen fields `results_in_days` and `days_since_results`; the period and
deadline arithmetic they use lives in `periods`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.fintrend import fin_trend_history
from tui.market.model import MarketData, Panel, build_panel, cut
from tui.market.periods import (
    deadline,
    due_keys,
    half_year_months,
    month_ends,
    period_key,
    quarter_label,
)

if TYPE_CHECKING:
    from tui.market.pillars import PillarHistory

__all__ = [
    "days_since_results",
    "deadline",
    "is_results",
    "overdue_status",
    "quarter_label",
    "recently_declared",
    "results_in_days",
    "upcoming",
]


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
    out: pd.Series = days.reindex(data.stocks.index).rename("days_since_results")
    return out


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
    next_end = pd.Series(month_ends(due + step), index=last.index)
    pending = met.reindex(last.index) > next_end
    status = np.where(
        missing > 0, "overdue", np.where(pending & (last < due + step), "pending", "on_time")
    )
    return pd.DataFrame(
        {
            "last_period": month_ends(last.to_numpy()),
            "due_period": month_ends(due.to_numpy()),
            "missing": missing.astype(int),
            "half_yearly": half.astype(bool),
            "status": status,
        },
        index=last.index.rename("symbol"),
    )


def _grade_words(
    history: PillarHistory | None, panel: Panel | None, symbols: pd.Series, row: int
) -> list[str | None]:
    if history is None or panel is None or row < history.start:
        return [None] * len(symbols)
    cols = panel.symbols.get_indexer(pd.Index(symbols))
    codes = np.where(cols >= 0, history.grade[history.row(row), np.clip(cols, 0, None)], np.nan)
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
    # A week of filings: a few hundred rows at most.
    for symbol, filed_on, period_end in zip(
        res["symbol"].astype(str), pd.DatetimeIndex(res["filed_on"]),
        pd.DatetimeIndex(res["period_end"]), strict=True,
    ):  # fmt: skip
        name = str(data.stocks["name"].get(symbol, symbol))
        before, after, p0, p1 = _around(panel, fin_trend, symbol, filed_on)
        label = quarter_label(period_end, fs)
        rows.append(
            {
                "filed_on": filed_on,
                "symbol": symbol,
                "name": name,
                "period_end": period_end,
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
    j = cast(int, panel.symbols.get_loc(symbol))  # symbols are unique
    r = int(panel.dates.searchsorted(filed_on, side="left"))
    if r >= len(panel.dates):
        return None, None, None, None
    points = history.extras.get("points")

    def at(row: int) -> tuple[str | None, float | None]:
        if row < history.start:  # before the kept history (or the panel)
            return None, None
        p = history.extra("points", row, j) if points is not None else float("nan")
        word = grades.word(grades.FIN_TREND, float(history.grade[history.row(row), j]))
        return word, None if np.isnan(p) else p

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
