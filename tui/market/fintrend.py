"""Financial trend pillar: checks F1–F15 on the latest filed quarter (analytics.md §6.2).

Checks are computed once per filing event (symbol, filed_on) from the five latest periods known
then, and put on the daily grid as step functions: the grade moves only on a filing, or when
overdue quarters (§8) make it Not rated. `explain_fin_trend` recomputes one stock's checks from
the same code and words each one; `fired_checks` does too, or, given the history, words them
from the history's CheckTable (per filing event: points and the rows of its window).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.fintrend_checks import (
    CHECKS,
    CHECKS_KEY,
    NA_POINTS,
    REQUIRED,
    VALUES,
    CheckTable,
    ResultWindows,
    _financial,
    balance_checks,
    cfo_check,
    check_table,
    int8_points,
    result_checks,
    result_windows,
)
from tui.market.fintrend_text import check_lines, money
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.periods import (
    day_number,
    day_numbers,
    event_keys,
    key_to_month_end,
    latest_keyed,
    missing_at,
    overdue_days,
    quarter_label,
    session_row,
    split_keys,
    step_codes,
    take,
)
from tui.market.pillars import PillarExplanation, PillarHistory

__all__ = [
    "CHECKS_KEY",
    "Check",
    "CheckTable",
    "ResultWindows",
    "check_table",
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


def _keys(frame: pd.DataFrame) -> np.ndarray:
    return event_keys(frame["col"].to_numpy(np.int64), frame["day"].to_numpy(np.int64))


def _events(
    data: MarketData, symbols: pd.Index, params: Params
) -> tuple[dict[str, np.ndarray], CheckTable]:
    """`fin_trend_events` as arrays, and the CheckTable of the filing events."""
    fs = data.meta.fiscal_year_start_month
    w = result_windows(data.results, symbols, fs)
    ev = w.events
    col = ev["col"].to_numpy(np.int64)
    qkey = ev["qkey"].to_numpy(np.int64)
    half = ev["half"].to_numpy() == 1
    financial = _financial(data, symbols, params)[col]
    checks = result_checks(w, financial)
    core = sum(np.nan_to_num(c) for c in checks.values())  # small integers: exact in any order
    count = sum((~np.isnan(checks[c])).astype(np.int64) for c in REQUIRED)
    bev, bpts, bwin = balance_checks(data, symbols)
    aev, apts, awin = cfo_check(data, symbols)
    r_key, b_key, a_key = _keys(ev), _keys(bev), _keys(aev)
    due = overdue_days(qkey, half, fs)
    keys = np.sort(np.concatenate([r_key, *(event_keys(col, d) for d in due.T), b_key, a_key]))
    keys = keys[np.append(True, keys[1:] != keys[:-1])] if len(keys) else keys
    ucol, uday = split_keys(keys)
    ri = latest_keyed(r_key, ucol, uday)
    known = ri >= 0
    ucol, uday, ri = ucol[known], uday[known], ri[known]
    points = np.asarray(core, dtype=np.float64)[ri]
    if len(bev):
        total = sum(np.nan_to_num(p) for p in bpts.values())
        points = points + np.nan_to_num(take(np.asarray(total), latest_keyed(b_key, ucol, uday)))
    if len(aev):
        points = points + np.nan_to_num(take(apts, latest_keyed(a_key, ucol, uday)))
    missing = missing_at(uday, qkey[ri], half[ri], fs)
    rated = (np.asarray(count)[ri] >= 6) & (missing < 2)
    points = np.where(rated, points, np.nan)
    table = CheckTable(
        r_key=r_key, r_rows=w.rows.astype(np.int32), r_half=half, r_financial=financial,
        r_points=np.stack([int8_points(checks[c]) for c in CHECKS[:11]], axis=1),
        b_key=b_key, b_points=np.stack([int8_points(p) for p in bpts.values()], axis=1),
        b_current=np.stack([bwin[k][:, 0] for k in ("de", "turnover", "cash")], axis=1),
        a_key=a_key, a_points=int8_points(apts), a_current=awin[:, 0],
    )  # fmt: skip
    return {
        "col": ucol, "day": uday, "points": points, "grade": grade_of_points(points),
        "missing": missing.astype(np.float64), "qkey": qkey[ri], "count": np.asarray(count)[ri],
    }, table  # fmt: skip


def fin_trend_events(data: MarketData, symbols: pd.Index, params: Params = DEFAULT) -> pd.DataFrame:
    """Every change of the pillar: filings of results, balance and annual rows, and the days a
    quarter becomes overdue.

    Returns:
        Frame sorted by (col, day) with col (position in `symbols`), day (day number), points
        (NaN when Not rated), grade, missing (due periods unfiled), qkey and count (computable
        F1–F9).
    """
    return pd.DataFrame(_events(data, symbols, params)[0])


# Grid codes: points + 64 (NaN → 127), plus 128 when a due period is unfiled.
_CODE = np.arange(256)
_LUT_POINTS = np.where(_CODE % 128 == 127, np.nan, _CODE % 128 - 64.0)
_LUT_GRADE = grade_of_points(_LUT_POINTS).astype(np.float32)
_LUT_SCORE = np.clip(50 + 2 * _LUT_POINTS, 0, 100)


def fin_trend_history(data: MarketData, panel: Panel, params: Params = DEFAULT) -> PillarHistory:
    """The Financial trend pillar for every session and symbol of the panel.

    Args:
        data: all loaded data; each session sees only filings dated on or before it.
        panel: gives the sessions and the symbol order.
        params: financial_sectors skip F9 and F10.

    Returns:
        grade (FIN_TREND codes, float32), score `clip(50 + 2·points)` (float64), extras
        "points" (float32, NaN where Not rated), "stale_results" (bool: a due quarter is
        unfiled; False before any filing) and CHECKS_KEY (the `CheckTable` behind
        `fired_checks(..., history=)`, a 0-d object array).
    """
    ev, table = _events(data, panel.symbols, params)
    points = ev["points"]
    ok = np.isnan(points) | ((points == np.round(points)) & (np.abs(points) <= 60))
    if not ok.all():  # never: points are sums of small integers; kept for safety
        raise ValueError("financial-trend points outside the grid codes")
    code = np.where(np.isnan(points), 127, np.nan_to_num(points) + 64).astype(np.int64)
    code += np.where(ev["missing"] >= 1, 128, 0)
    grid = step_codes(panel.dates, panel.shape[1], ev["col"], ev["day"], code, base=127)
    holder = np.empty((), dtype=object)
    holder[()] = table
    return PillarHistory(
        grade=_LUT_GRADE[grid],
        score=_LUT_SCORE[grid],
        extras={
            "points": _LUT_POINTS.astype(np.float32)[grid],
            "stale_results": grid >= 128,
            CHECKS_KEY: holder,
        },
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


def _only(data: MarketData, symbol: str, session: pd.Timestamp) -> MarketData:
    """One stock's filings known at the session (for explanations)."""

    def known(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[(frame["symbol"] == symbol) & (frame["filed_on"] <= session)]

    # No prices: the checks never read them, and MarketData re-encodes them on construction.
    return replace(data, prices=data.prices.iloc[:0], results=known(data.results),
                   annual=known(data.annual), balance=known(data.balance))  # fmt: skip


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
    r = session_row(panel.dates, t)
    j = cast(int, panel.symbols.get_loc(symbol))  # symbols are unique
    session = panel.dates[r]
    checks, raw = _stock_checks(data, symbol, session, params)
    points = history.extra("points", r, j)
    ev = fin_trend_events(_only(data, symbol, session), pd.Index([symbol]), params)
    ev = ev[ev["day"] <= day_numbers(pd.DatetimeIndex([session]))[0]]
    missing = float(ev["missing"].iloc[-1]) if len(ev) else np.nan
    raw.update({
        "as_of": session.date().isoformat(),
        "points": None if np.isnan(points) else int(points),
        "missing_due": None if np.isnan(missing) else int(missing),
        "stale_results": bool(missing >= 1),
    })  # fmt: skip
    grade = grades.word(grades.FIN_TREND, float(history.grade[history.row(r), j]))
    reason = ""
    if grade is None:
        if not checks:
            reason = "no quarterly results filed"
        elif missing >= 2:
            reason = f"{int(missing)} due quarters unfiled"
        else:
            reason = f"only {raw['computable_f1_f9']} of F1–F9 computable (6 needed)"
    score = history.score[history.row(r), j]
    return PillarExplanation(
        pillar="fin_trend",
        grade=grade,
        score=None if np.isnan(score) else float(score),
        status="rated" if grade is not None else "not_rated",
        reason=reason,
        reasons=tuple(c.line for c in checks),
        raw=raw,
    )


def _points(p: np.ndarray) -> list[float]:
    return [np.nan if x == NA_POINTS else float(x) for x in p.tolist()]


def _table_checks(
    data: MarketData, table: CheckTable, symbol: str, col: int, day: int
) -> list[Check] | None:
    """One stock's worded checks from the CheckTable; None when `data.results` is not the
    frame the table was built from.

    Only fired checks are exact: F12–F15 get their current value alone, which is all a
    non-zero check's line shows.
    """
    where = np.array([col])
    i = int(latest_keyed(table.r_key, where, np.array([day]))[0])
    if i < 0:
        return []
    rows = table.r_rows[i]
    res = data.results
    if not 0 <= rows[0] < len(res) or res["symbol"].iat[int(rows[0])] != symbol:
        return None
    safe = np.maximum(rows, 0)
    last = {
        name: np.where(rows >= 0, res[name].to_numpy(np.float64)[safe], np.nan) for name in VALUES
    }
    points = dict(zip(CHECKS[:11], _points(table.r_points[i]), strict=True))
    extra: dict[str, tuple[float, np.ndarray]] = {}
    b = int(latest_keyed(table.b_key, where, np.array([day]))[0])
    if b >= 0:
        for k, (code, p) in enumerate(zip(CHECKS[11:14], _points(table.b_points[b]), strict=True)):
            extra[code] = (p, table.b_current[b, k : k + 1])
    a = int(latest_keyed(table.a_key, where, np.array([day]))[0])
    if a >= 0:
        extra["F15"] = (_points(table.a_points[a : a + 1])[0], table.a_current[a : a + 1])
    lines = check_lines(last, points, extra, half=bool(table.r_half[i]),
                        financial=bool(table.r_financial[i]))  # fmt: skip
    return [Check(code, pts, line, short) for code, pts, line, short in lines]


def fired_checks(
    data: MarketData,
    panel: Panel,
    symbol: str,
    t: int | object,
    params: Params = DEFAULT,
    history: PillarHistory | None = None,
) -> list[Check]:
    """The checks with non-zero points on a session, by |points| then check number (§7 drivers).

    Args:
        data: the data the history was computed from.
        panel: the history's panel.
        symbol: the stock.
        t: a session row of the panel, or a date (the session on or before it).
        params: as given to `fin_trend_history`.
        history: from `fin_trend_history` on this data: answers from its CheckTable in well
            under a millisecond instead of recomputing the stock's checks (≈ 20 ms).
    """
    session = panel.dates[session_row(panel.dates, t)]
    table = None if history is None else check_table(history)
    checks = None
    if table is not None:
        col = panel.symbols.get_loc(symbol)
        if isinstance(col, int):
            checks = _table_checks(data, table, symbol, col, day_number(session))
    if checks is None:
        checks, _ = _stock_checks(data, symbol, session, params)
    fired = [c for c in checks if c.points]
    return sorted(fired, key=lambda c: (-abs(c.points or 0), CHECKS.index(c.code)))
