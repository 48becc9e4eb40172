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
from tui.market.calendar import (
    PeriodRows,
    day_numbers,
    filing_events,
    half_year_months,
    key_to_month_end,
    latest_event,
    missing_at,
    on_sessions,
    overdue_days,
    period_key,
    quarter_label,
    take,
)
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.pillars import PillarExplanation, PillarHistory

__all__ = [
    "Check",
    "ResultWindows",
    "explain_fin_trend",
    "fin_trend_history",
    "fired_checks",
    "quarter_label",
    "result_windows",
]

VALUES = ("sales", "other_income", "pbdit", "interest", "pbt", "pat", "eps")
REQUIRED = tuple(f"F{i}" for i in range(1, 10))
CHECKS = tuple(f"F{i}" for i in range(1, 16))
BANDS = (22, 14, 6, -5, -15)  # lower bounds of Outstanding … Negative
_EPS = 1e-9  # growth exactly on a tier edge (25 %, 10 %) lands in the higher tier


@dataclass(frozen=True, eq=False)
class ResultWindows:
    """The latest periods known at each results filing event.

    Attributes:
        events: one row per (panel column, filing day): col, date, qkey (latest period key),
            half (1 when the stock reports half-yearly), step (months per period).
        values: name → (E, depth) arrays; column k is period qkey − k·step as known then.
    """

    events: pd.DataFrame
    values: dict[str, np.ndarray]


def result_windows(
    results: pd.DataFrame, symbols: pd.Index, fiscal_start_month: int, depth: int = 5
) -> ResultWindows:
    """Look up, for each results filing event, the last `depth` periods known at that date.

    Args:
        results: results.csv rows (all filings; restatements resolved per event).
        symbols: panel columns; other symbols are dropped.
        fiscal_start_month: decides which months end a half-year.
        depth: periods per window (q, q−1, …).
    """
    col = symbols.get_indexer(results["symbol"])
    keep = col >= 0
    res = results[keep]
    col = col[keep].astype(np.int64)
    key = period_key(res["period_end"])
    events = filing_events(col, key, res["filed_on"])
    # A stock is half-yearly while every period it has filed ends a half-year (SME listings).
    halves = np.isin(key % 12 + 1, half_year_months(fiscal_start_month))
    frame = pd.DataFrame({"col": col, "date": res["filed_on"].to_numpy(), "q": ~halves})
    frame = frame.sort_values(["col", "date"], kind="stable")
    quarterly = frame.groupby("col")["q"].cumsum().to_numpy()
    last_of_day = ~frame.duplicated(["col", "date"], keep="last").to_numpy()
    events["half"] = ((quarterly[last_of_day] == 0) & (events["known"].to_numpy() >= 2)).astype(
        np.int64
    )
    events["step"] = np.where(events["half"] == 1, 6, 3)
    rows = PeriodRows(col, key, res["filed_on"])
    ev_col = events["col"].to_numpy(np.int64)
    ev_key = events["qkey"].to_numpy(np.int64)
    ev_day = events["day"].to_numpy(np.int64)
    step = events["step"].to_numpy(np.int64)
    found = [rows.find(ev_col, ev_key - k * step, ev_day) for k in range(depth)]
    values = {
        name: np.stack([take(res[name].to_numpy(np.float64), f) for f in found], axis=1)
        for name in VALUES
    }
    return ResultWindows(events=events, values=values)


def _tier(cur: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        g = cur / base - 1
    pos = np.select(
        [g >= 0.25 - _EPS, g >= 0.10 - _EPS, g > -0.10 + _EPS, g > -0.25 + _EPS], [4, 2, 0, -2], -4
    )
    neg = np.select([cur > 0, cur > base, cur == base], [4, 2, 0], -4)
    out = np.where(base > 0, pos, neg).astype(np.float64)
    return np.where(np.isnan(cur) | np.isnan(base), np.nan, out)


def _ext(window: np.ndarray) -> np.ndarray:
    cur, rest = window[:, 0], window[:, 1:]
    with np.errstate(invalid="ignore"):
        out = np.where(cur > rest.max(axis=1), 2.0, np.where(cur < rest.min(axis=1), -2.0, 0.0))
    return np.where(np.isnan(window).any(axis=1), np.nan, out)


def result_checks(w: ResultWindows, financial: np.ndarray) -> dict[str, np.ndarray]:
    """Points of F1–F11 per filing event, NaN where a check is n/a.

    Args:
        w: the result windows (depth ≥ 5).
        financial: per event, True for financial sectors (F9 and F10 skipped).
    """
    v = w.values
    yoy = np.where(w.events["half"].to_numpy() == 1, 2, 4)[:, None]

    def year_ago(name: str) -> np.ndarray:
        return np.take_along_axis(v[name], yoy, axis=1)[:, 0]

    def prev4(a: np.ndarray) -> np.ndarray:
        return a[:, 1:5].mean(axis=1)  # NaN unless all four are known

    ex_oi = v["pbt"] - v["other_income"]
    sales = v["sales"]
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = np.where((sales > 0).all(axis=1)[:, None], v["pbdit"] / sales, np.nan)
        cover = np.where(
            (v["interest"] != 0).all(axis=1)[:, None], v["pbdit"] / v["interest"], np.nan
        )
    interest, pbdit = v["interest"][:, 0], v["pbdit"][:, 0]
    i_ago = year_ago("interest")
    f10 = np.where(
        (interest > 1.25 * i_ago) & ((interest > 0.05 * pbdit) | (pbdit <= 0)), -2.0, 0.0
    )
    oi, pbt = v["other_income"][:, 0], v["pbt"][:, 0]
    f11 = np.where((oi > 0.4 * pbt) & (pbt > 0), -2.0, 0.0)
    return {
        "F1": _tier(sales[:, 0], year_ago("sales")),
        "F2": _tier(ex_oi[:, 0], prev4(ex_oi)),
        "F3": _tier(v["pat"][:, 0], prev4(v["pat"])),
        "F4": _ext(sales),
        "F5": _ext(v["pbdit"]),
        "F6": _ext(margin),
        "F7": _ext(ex_oi),
        "F8": _ext(v["eps"]),
        "F9": np.where(financial, np.nan, _ext(cover)),
        "F10": np.where(financial | np.isnan(interest + i_ago + pbdit), np.nan, f10),
        "F11": np.where(np.isnan(oi + pbt), np.nan, f11),
    }


def _extreme(window: np.ndarray, high_is_good: bool) -> np.ndarray:
    pts = _ext(window) / 2
    return pts if high_is_good else -pts


def balance_checks(
    data: MarketData, symbols: pd.Index
) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """F12–F14 per balance.csv filing event over the last five half-years.

    Debtors turnover is the half-year's sales (its quarters from results.csv as known at the
    balance filing) over receivables.

    Returns:
        (events, points F12..F14, windows de/turnover/cash of shape (E, 5)).
    """
    bal = data.balance
    col = symbols.get_indexer(bal["symbol"])
    keep = col >= 0
    bal, col = bal[keep], col[keep].astype(np.int64)
    key = period_key(bal["period_end"])
    res = data.results
    rcol = symbols.get_indexer(res["symbol"])
    ok = rcol >= 0
    rrows = PeriodRows(
        rcol[ok].astype(np.int64), period_key(res["period_end"][ok]), res["filed_on"][ok]
    )
    rsales = res["sales"][ok].to_numpy(np.float64)
    days = day_numbers(bal["filed_on"])
    hsales = take(rsales, rrows.find(col, key, days)) + take(rsales, rrows.find(col, key - 3, days))
    with np.errstate(divide="ignore", invalid="ignore"):
        equity = bal["equity"].to_numpy(np.float64)
        de = np.where(equity > 0, bal["borrowings"].to_numpy(np.float64) / equity, np.nan)
        recv = bal["receivables"].to_numpy(np.float64)
        turnover = np.where(recv > 0, hsales / recv, np.nan)
    cash = bal["cash"].to_numpy(np.float64)
    events = filing_events(col, key, bal["filed_on"])
    rows = PeriodRows(col, key, bal["filed_on"])
    found = [
        rows.find(
            events["col"].to_numpy(), events["qkey"].to_numpy() - 6 * k, events["day"].to_numpy()
        )
        for k in range(5)
    ]
    windows = {
        name: np.stack([take(arr, f) for f in found], axis=1)
        for name, arr in (("de", de), ("turnover", turnover), ("cash", cash))
    }
    points = {
        "F12": _extreme(windows["de"], high_is_good=False),
        "F13": _extreme(windows["turnover"], high_is_good=True),
        "F14": _extreme(windows["cash"], high_is_good=True),
    }
    return events, points, windows


def cfo_check(data: MarketData, symbols: pd.Index) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """F15 per annual.csv filing event: cash from operations at a 3-year high (+1) or low (−1).

    Returns:
        (events, points, cfo windows of shape (E, 3)).
    """
    ann = data.annual
    col = symbols.get_indexer(ann["symbol"])
    keep = col >= 0
    ann, col = ann[keep], col[keep].astype(np.int64)
    key = period_key(ann["year_end"])
    events = filing_events(col, key, ann["filed_on"])
    rows = PeriodRows(col, key, ann["filed_on"])
    cfo = ann["cfo"].to_numpy(np.float64)
    window = np.stack(
        [
            take(cfo, rows.find(events["col"].to_numpy(), events["qkey"].to_numpy() - 12 * k,
                                events["day"].to_numpy()))
            for k in range(3)
        ],
        axis=1,
    )  # fmt: skip
    return events, _extreme(window, high_is_good=True), window


def _financial(data: MarketData, symbols: pd.Index, params: Params) -> np.ndarray:
    sector = data.stocks["sector"].reindex(symbols)
    return sector.isin(params.financial_sectors).to_numpy()


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
    if isinstance(t, (int, np.integer)):
        return int(t)
    return int(panel.dates.searchsorted(pd.Timestamp(t), side="right")) - 1  # type: ignore[arg-type]


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


# --- wording -------------------------------------------------------------------------------------


def money(x: float) -> str:
    """₹ crore with a sign before the symbol: `₹15.0 cr`, `-₹5.04 cr`, `₹1,234 cr`."""
    a = abs(x)
    body = f"{a:,.0f}" if a >= 1000 else f"{a:.1f}" if a >= 10 else f"{a:.2f}"
    return f"{'-' if x < 0 else ''}₹{body} cr"


def _pts(p: float) -> str:
    return "0" if p == 0 else f"{int(p):+d}"


def _tier_words(cur: float, base: float) -> str:
    if base > 0:
        return f"{100 * (cur / base - 1):+.1f}%"
    if cur > 0:
        return "turned positive"
    if cur > base:
        return "loss narrowed"
    return "unchanged" if cur == base else "loss widened"


def _ext_line(code: str, p: float, label: str, window: np.ndarray, fmt: str, span: str) -> str:
    cur, rest = window[0], window[1:]
    if p > 0:
        where = f"the {span} high (previous high {_fmt(rest.max(), fmt)})"
    elif p < 0:
        where = f"the {span} low (previous low {_fmt(rest.min(), fmt)})"
    else:
        where = f"within the {span} range {_fmt(window.min(), fmt)} to {_fmt(window.max(), fmt)}"
    return f"{code} {_pts(p)}: {label} {_fmt(cur, fmt)}, {where}"


def _fmt(x: float, fmt: str) -> str:
    if fmt == "money":
        return money(x)
    if fmt == "pct":
        return f"{100 * x:.1f}%"
    if fmt == "eps":
        return f"{'-' if x < 0 else ''}₹{abs(x):.2f}"
    return f"{x:.2f}x" if fmt == "x" else f"{x:.2f}"


def check_lines(
    v: dict[str, np.ndarray],
    points: dict[str, float],
    extra: dict[str, tuple[float, np.ndarray]],
    *,
    half: bool,
    financial: bool,
) -> list[tuple[str, int | None, str, str]]:
    """Word every check: (code, points or None, reason line, driver line).

    Args:
        v: name → the window of one event (q first), as in ResultWindows.values.
        points: F1–F11 points (NaN when n/a).
        extra: F12–F15 → (points, window) when balance/annual data exists.
        half: the stock reports half-yearly (year-ago is two periods back).
        financial: F9 and F10 are skipped.
    """
    out: list[tuple[str, int | None, str, str]] = []
    span, prev = ("5H", "prev-4H avg") if half else ("5Q", "prev-4Q avg")
    ago = 2 if half else 4

    def add(code: str, line: str, short: str | None = None) -> None:
        p = points.get(code, np.nan)
        pts = None if np.isnan(p) else int(p)
        out.append((code, pts, line, short or line))

    def na(code: str, why: str) -> None:
        out.append((code, None, f"{code} n/a: {why}", f"{code} n/a: {why}"))

    def have(a: np.ndarray) -> str:
        return f"needs {len(a)} periods (have {int(np.sum(~np.isnan(a)))})"

    sales, ex_oi, pat = v["sales"], v["pbt"] - v["other_income"], v["pat"]
    if np.isnan(points["F1"]):
        na("F1", "needs net sales of the quarter and a year ago")
    else:
        cur, base, p = sales[0], sales[ago], points["F1"]
        words = _tier_words(cur, base)
        add("F1", f"F1 {_pts(p)}: net sales {money(cur)} vs year-ago {money(base)} ({words})",
            f"F1 {_pts(p)}: net sales YoY {words}")  # fmt: skip
    for code, label, a in (("F2", "PBT less other income", ex_oi), ("F3", "PAT", pat)):
        if np.isnan(points[code]):
            na(code, f"{label} {prev} {have(a)}")
            continue
        avg = float(np.mean(a[1:5]))
        words = _tier_words(a[0], avg)
        add(code, f"{code} {_pts(points[code])}: {label} {money(a[0])} vs {prev} {money(avg)} "
                  f"({words})")  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = v["pbdit"] / sales
        cover = v["pbdit"] / v["interest"]
    exts = (
        ("F4", "net sales", sales, "money"), ("F5", "PBDIT", v["pbdit"], "money"),
        ("F6", "PBDIT margin", margin, "pct"), ("F7", "PBT less other income", ex_oi, "money"),
        ("F8", "EPS", v["eps"], "eps"), ("F9", "PBDIT/interest", cover, "x"),
    )  # fmt: skip
    for code, label, a, fmt in exts:
        if code == "F9" and financial:
            na(code, "skipped for financial sectors")
        elif np.isnan(points[code]):
            if code == "F6" and not np.isnan(sales).any():
                na(code, f"net sales not positive throughout the {span}")
            elif code == "F9" and (v["interest"] == 0).any():
                na(code, f"interest is 0 in the {span}")
            else:
                na(code, f"{label} in the {span} {have(a)}")
        else:
            add(code, _ext_line(code, points[code], label, a, fmt, span))
    interest, i_ago, pbdit = v["interest"][0], v["interest"][ago], v["pbdit"][0]
    if financial:
        na("F10", "skipped for financial sectors")
    elif np.isnan(points["F10"]):
        na("F10", "needs interest and PBDIT of the quarter and a year ago")
    elif points["F10"]:
        share = "PBDIT ≤ 0" if pbdit <= 0 else f"{100 * interest / pbdit:.1f}% of PBDIT"
        add("F10", f"F10 -2: interest {money(interest)} > 1.25 × year-ago {money(i_ago)}, {share}")
    else:
        add("F10", f"F10 0: interest {money(interest)} vs year-ago {money(i_ago)}")
    oi, pbt = v["other_income"][0], v["pbt"][0]
    if np.isnan(points["F11"]):
        na("F11", "needs other income and PBT")
    elif pbt <= 0:
        add("F11", f"F11 0: PBT {money(pbt)} not positive")
    else:
        add("F11", f"F11 {_pts(points['F11'])}: other income {money(oi)} is "
                   f"{100 * oi / pbt:.1f}% of PBT {money(pbt)}")  # fmt: skip
    optional = (
        ("F12", "debt/equity", "x", "lowest", "highest", "the last 5 half-years", "balance.csv"),
        ("F13", "debtors turnover", "x", "highest", "lowest", "the last 5 half-years",
         "balance.csv"),
        ("F14", "cash", "money", "highest", "lowest", "the last 5 half-years", "balance.csv"),
        ("F15", "cash from operations", "money", "highest", "lowest", "the last 3 years",
         "annual.csv"),
    )  # fmt: skip
    for code, label, fmt, good, bad, span_words, source in optional:
        if code not in extra or np.isnan(extra[code][0]):
            window = extra[code][1] if code in extra else np.array([np.nan])
            got = int(np.sum(~np.isnan(window))) if code in extra else 0
            na(code, f"{label} needs {span_words} in {source} (have {got})")
            continue
        p, window = extra[code]
        cur = _fmt(window[0], fmt if fmt != "x" else "plain")
        if p:
            where = f"the {good if p > 0 else bad} of {span_words}"
        else:
            lo, hi = (_fmt(x, fmt if fmt != "x" else "plain") for x in (window.min(), window.max()))
            where = f"within {lo} to {hi} over {span_words}"
        out.append((code, int(p), f"{code} {_pts(p)}: {label} {cur}, {where}",
                    f"{code} {_pts(p)}: {label} {cur}, {where}"))  # fmt: skip
    return out
