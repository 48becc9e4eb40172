"""Financial trend pillar: checks F1–F15 on the latest filed quarter (analytics.md §6.2).

Checks are computed once per filing event (symbol, filed_on) from the five latest periods known
then, and put on the daily grid as step functions: the grade moves only on a filing, or when
overdue quarters (§8) make it Not rated. `explain_fin_trend` and `fired_checks` recompute one
stock's checks from the same code and word each one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.fintrend_checks import (
    CHECKS,
    REQUIRED,
    ResultWindows,
    _financial,
    balance_checks,
    cfo_check,
    result_checks,
    result_windows,
)
from tui.market.fintrend_text import check_lines, money
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.periods import (
    day_numbers,
    key_to_month_end,
    latest_event,
    missing_at,
    on_sessions,
    overdue_days,
    quarter_label,
    session_row,
    take,
)
from tui.market.pillars import PillarExplanation, PillarHistory

__all__ = [
    "Check",
    "ResultWindows",
    "explain_fin_trend",
    "fin_trend_history",
    "fired_checks",
    "grade_of_points",
    "money",
    "quarter_label",
    "result_windows",
]

BANDS = (22, 14, 6, -5, -15)  # lower bounds of Outstanding … Negative


def grade_of_points(points: np.ndarray) -> np.ndarray:
    """Grade codes (FIN_TREND 0..5) of integer points; NaN stays NaN."""
    code = np.select([points >= b for b in BANDS], [5, 4, 3, 2, 1], 0).astype(np.float64)
    return np.where(np.isnan(points), np.nan, code)


def fin_trend_events(data: MarketData, symbols: pd.Index, params: Params = DEFAULT) -> pd.DataFrame:
    """Every change of the pillar: filings of results, balance and annual rows, and the days a
    quarter becomes overdue.

    Returns:
        Frame sorted by (col, day) with col (position in `symbols`), day (day number), points
        (NaN when Not rated), grade, missing (due periods unfiled), qkey and count (computable
        F1–F9).
    """
    fs = data.meta.fiscal_year_start_month
    w = result_windows(data.results, symbols, fs)
    ev = w.events
    col = ev["col"].to_numpy(np.int64)
    day = ev["day"].to_numpy(np.int64)
    qkey = ev["qkey"].to_numpy(np.int64)
    half = ev["half"].to_numpy() == 1
    checks = result_checks(w, _financial(data, symbols, params)[col])
    core = np.nansum(np.stack(list(checks.values()), axis=1), axis=1)
    count = np.sum([~np.isnan(checks[c]) for c in REQUIRED], axis=0)
    bev, bpts, _ = balance_checks(data, symbols)
    aev, apts, _ = cfo_check(data, symbols)
    streams = [(col, day), *((col, d) for d in overdue_days(qkey, half, fs).T)]
    streams += [(e["col"].to_numpy(np.int64), e["day"].to_numpy(np.int64)) for e in (bev, aev)]
    all_col = np.concatenate([c for c, _ in streams])
    all_day = np.concatenate([d for _, d in streams])
    order = np.lexsort((all_day, all_col))
    ucol, uday = all_col[order], all_day[order]
    first = np.ones(len(ucol), dtype=bool)
    first[1:] = (ucol[1:] != ucol[:-1]) | (uday[1:] != uday[:-1])
    ucol, uday = ucol[first], uday[first]
    ri = latest_event(col, day, ucol, uday)
    known = ri >= 0
    ucol, uday, ri = ucol[known], uday[known], ri[known]
    points = core[ri]
    if len(bev):
        total = np.nansum(np.stack(list(bpts.values()), axis=1), axis=1)
        bi = latest_event(bev["col"].to_numpy(np.int64), bev["day"].to_numpy(np.int64), ucol, uday)
        points = points + np.nan_to_num(take(total, bi))
    if len(aev):
        ai = latest_event(aev["col"].to_numpy(np.int64), aev["day"].to_numpy(np.int64), ucol, uday)
        points = points + np.nan_to_num(take(apts, ai))
    missing = missing_at(uday, qkey[ri], half[ri], fs)
    rated = (count[ri] >= 6) & (missing < 2)
    points = np.where(rated, points, np.nan)
    return pd.DataFrame({
        "col": ucol, "day": uday, "points": points, "grade": grade_of_points(points),
        "missing": missing.astype(np.float64), "qkey": qkey[ri], "count": count[ri],
    })  # fmt: skip


def fin_trend_history(data: MarketData, panel: Panel, params: Params = DEFAULT) -> PillarHistory:
    """The Financial trend pillar for every session and symbol of the panel.

    Args:
        data: all loaded data; each session sees only filings dated on or before it.
        panel: gives the sessions and the symbol order.
        params: financial_sectors skip F9 and F10.

    Returns:
        grade (FIN_TREND codes), score `clip(50 + 2·points)`, extras "points" (NaN where Not
        rated) and "stale_results" (1.0 when a due quarter is unfiled; NaN before any filing).
    """
    ev = fin_trend_events(data, panel.symbols, params)
    points = ev["points"].to_numpy()
    grid = on_sessions(panel.dates, panel.shape[1], ev["col"].to_numpy(), ev["day"].to_numpy(), {
        "points": points, "grade": ev["grade"].to_numpy(),
        "score": np.clip(50 + 2 * points, 0, 100),
        "stale": np.where(ev["missing"] >= 1, 1.0, 0.0),
    })  # fmt: skip
    return PillarHistory(
        grade=grid["grade"],
        score=grid["score"],
        extras={"points": grid["points"], "stale_results": grid["stale"]},
    )


@dataclass(frozen=True)
class Check:
    """One worded check of one stock on one date.

    Attributes:
        code: "F1" … "F15".
        points: its points, or None when n/a.
        line: the reason line (`F2 +4: PBT less other income ₹15.0 cr vs …`).
        short: the driver line (`F1 +4: net sales YoY +30.0%`).
    """

    code: str
    points: int | None
    line: str
    short: str


def _row(data: MarketData, panel: Panel, t: int | object) -> int:
    return session_row(panel.dates, t)


def _only(data: MarketData, symbol: str, session: pd.Timestamp) -> MarketData:
    """One stock's filings known at the session (for explanations)."""

    def known(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame["symbol"] == symbol) & (frame["filed_on"] <= session)]

    return replace(data, results=known(data.results), annual=known(data.annual),
                   balance=known(data.balance))  # fmt: skip


def _stock_checks(
    data: MarketData, symbol: str, session: pd.Timestamp, params: Params
) -> tuple[list[Check], dict[str, object]]:
    """Recompute one stock's checks from its filings known at the session and word them."""
    one = pd.Index([symbol])

    fs = data.meta.fiscal_year_start_month
    sub = _only(data, symbol, session)
    w = result_windows(sub.results, one, fs)
    if not len(w.events):
        return [], {}
    financial = bool(_financial(data, one, params)[0])
    pts = result_checks(w, np.array([financial] * len(w.events)))
    bev, bpts, bwin = balance_checks(sub, one)
    aev, apts, awin = cfo_check(sub, one)
    last = {name: arr[-1] for name, arr in w.values.items()}
    ev = w.events.iloc[-1]
    points = {c: float(p[-1]) for c, p in pts.items()}
    extra: dict[str, tuple[float, np.ndarray]] = {}
    if len(bev):
        extra.update({c: (float(p[-1]), bwin[k][-1]) for (c, p), k in
                      zip(bpts.items(), ("de", "turnover", "cash"), strict=True)})  # fmt: skip
    if len(aev):
        extra["F15"] = (float(apts[-1]), awin[-1])
    lines = check_lines(last, points, extra, half=bool(ev["half"]), financial=financial)
    checks = [Check(code, pts_, line, short) for code, pts_, line, short in lines]
    period_end = key_to_month_end(int(ev["qkey"]))
    raw: dict[str, object] = {
        "quarter": quarter_label(period_end, fs),
        "period_end": period_end.date().isoformat(),
        "filed_on": pd.Timestamp(ev["date"]).date().isoformat(),
        "computable_f1_f9": int(sum(not np.isnan(points[c]) for c in REQUIRED)),
        "financial_sector": financial,
    }
    return checks, raw


def explain_fin_trend(
    data: MarketData,
    panel: Panel,
    history: PillarHistory,
    symbol: str,
    t: int | object,
    params: Params = DEFAULT,
) -> PillarExplanation:
    """Explain one stock's financial trend on one session: every check with its numbers.

    Args:
        data: the data the history was computed from.
        panel: the history's panel.
        history: from `fin_trend_history`.
        symbol: the stock.
        t: a session row of the panel, or a date (resolved to the session on or before it).
        params: as given to `fin_trend_history`.
    """
    r = _row(data, panel, t)
    j = panel.symbols.get_loc(symbol)
    session = panel.dates[r]
    checks, raw = _stock_checks(data, symbol, session, params)
    points = history.extras["points"][r, j]
    ev = fin_trend_events(_only(data, symbol, session), pd.Index([symbol]), params)
    ev = ev[ev["day"] <= day_numbers(pd.DatetimeIndex([session]))[0]]
    missing = float(ev["missing"].iloc[-1]) if len(ev) else np.nan
    raw.update({
        "as_of": session.date().isoformat(),
        "points": None if np.isnan(points) else int(points),
        "missing_due": None if np.isnan(missing) else int(missing),
        "stale_results": bool(missing >= 1),
    })  # fmt: skip
    grade = grades.word(grades.FIN_TREND, float(history.grade[r, j]))
    reason = ""
    if grade is None:
        if not checks:
            reason = "no quarterly results filed"
        elif missing >= 2:
            reason = f"{int(missing)} due quarters unfiled"
        else:
            reason = f"only {raw['computable_f1_f9']} of F1–F9 computable (6 needed)"
    score = history.score[r, j]
    return PillarExplanation(
        pillar="fin_trend",
        grade=grade,
        score=None if np.isnan(score) else float(score),
        status="rated" if grade is not None else "not_rated",
        reason=reason,
        reasons=tuple(c.line for c in checks),
        raw=raw,
    )


def fired_checks(
    data: MarketData, panel: Panel, symbol: str, t: int | object, params: Params = DEFAULT
) -> list[Check]:
    """The checks with non-zero points on a session, by |points| then check number (§7 drivers)."""
    session = panel.dates[_row(data, panel, t)]
    checks, _ = _stock_checks(data, symbol, session, params)
    fired = [c for c in checks if c.points]
    return sorted(fired, key=lambda c: (-abs(c.points or 0), CHECKS.index(c.code)))
