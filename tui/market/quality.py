"""Quality pillar: ten long-term factors over the latest five fiscal years (analytics.md §6.3).

Factors are scored once per annual filing event from the years known then, and put on the
daily grid; the grade changes only on annual filings. Financial sectors swap the five
leverage/interest/capital-employed factors for ROA, gross NPA and capital adequacy.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.periods import (
    PeriodRows,
    filing_events,
    key_to_month_end,
    on_sessions,
    period_key,
    session_row,
    take,
)
from tui.market.pillars import PillarExplanation, PillarHistory

YEARS = 5
ANNUAL_VALUES = (
    "sales", "ebit", "depreciation", "interest", "pbt", "tax", "pat", "eps", "equity",
    "borrowings", "cash", "cfo", "promoter_pledge_pct", "shares_cr", "dps", "roa_pct",
    "gnpa_pct", "car_pct",
)  # fmt: skip
FACTORS = {
    # name: (label, cut-offs for 100/75/50/25, higher is better, unit)
    "sales_cagr": ("Sales CAGR", (15, 10, 5, 0), True, "%"),
    "ebit_cagr": ("EBIT CAGR", (15, 10, 5, 0), True, "%"),
    "roce": ("Avg ROCE", (20, 15, 10, 5), True, "%"),
    "roe": ("Avg ROE", (18, 14, 10, 6), True, "%"),
    "ebit_interest": ("Avg EBIT/interest", (10, 5, 3, 1.5), True, "x"),
    "net_debt_equity": ("Avg net debt/equity", (0, 0.5, 1, 2), False, "x"),
    "debt_ebitda": ("Avg debt/EBITDA", (1, 2, 3, 5), False, "x"),
    "sales_ce": ("Avg sales/capital employed", (2, 1.5, 1, 0.5), True, "x"),
    "pledge": ("Promoter pledge", (0, 5, 20, 50), False, "%"),
    "tax_rate": ("Avg tax rate", (), True, "%"),
    "roa": ("Avg ROA", (1.5, 1.0, 0.7, 0.4), True, "%"),
    "gnpa": ("Avg gross NPA", (1, 3, 5, 8), False, "%"),
    "car": ("Avg capital adequacy", (18, 15, 13, 11.5), True, "%"),
}
NON_FINANCIAL = ("roce", "ebit_interest", "net_debt_equity", "debt_ebitda", "sales_ce")
FINANCIAL_ONLY = ("roa", "gnpa", "car")
BANDS = (75, 55, 35)  # Excellent, Good, Average lower bounds


def annual_windows(
    annual: pd.DataFrame, symbols: pd.Index, depth: int
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """For each annual filing event, the last `depth` fiscal years known then (k=0 latest).

    Returns:
        (events with col, date, day, qkey; name → (E, depth) arrays, NaN for unknown years or
        absent optional columns; "known" is 1 where the year was filed).
    """
    col = symbols.get_indexer(pd.Index(annual["symbol"]))
    keep = col >= 0
    ann, col = annual[keep], col[keep].astype(np.int64)
    key = period_key(ann["year_end"])
    events = filing_events(col, key, ann["filed_on"])
    rows = PeriodRows(col, key, ann["filed_on"])
    c, q, d = (events[x].to_numpy(np.int64) for x in ("col", "qkey", "day"))
    found = [rows.find(c, q - 12 * k, d) for k in range(depth)]
    values = {}
    for name in (*ANNUAL_VALUES, "known"):
        if name == "known":
            src = np.ones(len(ann))
        elif name in ann.columns:
            src = ann[name].to_numpy(np.float64)
        else:
            src = np.full(len(ann), np.nan)
        values[name] = np.stack([take(src, f) for f in found], axis=1)
    return events, values


def _score(x: np.ndarray, cuts: tuple[float, ...], higher: bool) -> np.ndarray:
    if not cuts:  # tax rate: bands, not cut-offs
        s = np.select(
            [(x >= 20) & (x <= 35), (x >= 15) & (x < 20), ((x >= 10) & (x < 15)) | ((x > 35)
             & (x <= 45)), (x >= 5) & (x < 10)],
            [100, 75, 50, 25], 0,
        )  # fmt: skip
    elif higher:
        s = np.select([x >= c for c in cuts], [100, 75, 50, 25], 0)
    else:
        s = np.select([x <= c for c in cuts], [100, 75, 50, 25], 0)
    return np.where(np.isnan(x), np.nan, s.astype(np.float64))


def _mean(a: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask & ~np.isnan(a)
    n = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, np.where(m, a, 0).sum(axis=1) / n, np.nan)


def quality_factors(v: dict[str, np.ndarray], financial: np.ndarray) -> dict[str, np.ndarray]:
    """Per event: each factor's value and score (`{name}` and `{name}_score`), plus "years".

    Args:
        v: annual windows of depth YEARS + 1 (the extra year opens the first year's ROCE).
        financial: per event, True for rating.financial_sectors.
    """
    known = v["known"][:, :YEARS] == 1
    years = known.sum(axis=1)
    oldest = YEARS - 1 - np.argmax(known[:, ::-1], axis=1)
    span = oldest.astype(np.float64)

    def first(a: np.ndarray) -> np.ndarray:
        return np.take_along_axis(a, oldest[:, None], axis=1)[:, 0]

    w = {k: a[:, :YEARS] for k, a in v.items()}
    with np.errstate(invalid="ignore", divide="ignore"):
        out: dict[str, np.ndarray] = {}
        s0, s1 = first(w["sales"]), w["sales"][:, 0]
        out["sales_cagr"] = np.where((s0 > 0) & (s1 > 0) & (span > 0),
                                     100 * ((s1 / s0) ** (1 / span) - 1), np.nan)  # fmt: skip
        e0, e1 = first(w["ebit"]), w["ebit"][:, 0]
        out["ebit_cagr"] = np.where((e0 > 0) & (e1 > 0) & (span > 0),
                                    100 * ((e1 / e0) ** (1 / span) - 1), np.nan)  # fmt: skip
        ce = v["equity"] + v["borrowings"]
        opening = np.where(np.isnan(ce[:, 1:]), ce[:, :-1], (ce[:, 1:] + ce[:, :-1]) / 2)
        avg_ce = opening[:, :YEARS]
        bad_ce = (known & (avg_ce <= 0)).any(axis=1)
        out["roce"] = np.where(bad_ce, -np.inf, _mean(100 * w["ebit"] / avg_ce, known))
        bad_eq = (known & (w["equity"] <= 0)).any(axis=1)
        out["roe"] = np.where(bad_eq, -np.inf, _mean(100 * w["pat"] / w["equity"], known))
        no_interest = (np.where(known, w["interest"], 0) == 0).all(axis=1)
        cover = _mean(w["ebit"] / w["interest"], known & (w["interest"] > 0))
        out["ebit_interest"] = np.where(no_interest, np.inf, cover)
        nde = _mean((w["borrowings"] - w["cash"]) / w["equity"], known)
        out["net_debt_equity"] = np.where(bad_eq, np.inf, nde)
        ebitda = w["ebit"] + w["depreciation"]
        debt = w["borrowings"]
        ratio = np.where(ebitda > 0, debt / ebitda, np.where(debt > 0, np.inf, 0.0))
        out["debt_ebitda"] = _mean(ratio, known)
        out["sales_ce"] = np.where(bad_ce, -np.inf, _mean(w["sales"] / avg_ce, known))
        out["pledge"] = w["promoter_pledge_pct"][:, 0]
        out["tax_rate"] = _mean(100 * w["tax"] / w["pbt"], known & (w["pbt"] > 0))
        out["roa"] = _mean(w["roa_pct"], known)
        out["gnpa"] = _mean(w["gnpa_pct"], known)
        out["car"] = _mean(w["car_pct"], known)
    ebit_pos = (known & (w["ebit"] > 0)).sum(axis=1)
    for name, (_, cuts, higher, _) in FACTORS.items():
        score = _score(out[name], cuts, higher)
        if name == "ebit_cagr":
            fallback = np.where(ebit_pos == years - 1, 50.0, 0.0)
            has = ~np.isnan(e0) & ~np.isnan(e1)
            score = np.where(np.isnan(score) & has & (span > 0), fallback, score)
        drop = (
            financial if name in NON_FINANCIAL else ~financial if name in FINANCIAL_ONLY else None
        )
        if drop is not None:
            score = np.where(drop, np.nan, score)
        out[f"{name}_score"] = score
    out["years"] = years.astype(np.float64)
    return out


def _financial(data: MarketData, symbols: pd.Index, params: Params) -> np.ndarray:
    return data.stocks["sector"].reindex(symbols).isin(params.financial_sectors).to_numpy()


def quality_events(data: MarketData, symbols: pd.Index, params: Params = DEFAULT) -> pd.DataFrame:
    """Quality per annual filing event: col, day, qkey, score, grade, count and every factor."""
    events, v = annual_windows(data.annual, symbols, YEARS + 1)
    financial = _financial(data, symbols, params)[events["col"].to_numpy()]
    f = quality_factors(v, financial)
    scores = np.stack([f[f"{n}_score"] for n in FACTORS], axis=1)
    count = (~np.isnan(scores)).sum(axis=1)
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(np.where(count[:, None] > 0, scores, 0), axis=1)
    rated = (f["years"] >= 3) & (count >= np.where(financial, 4, 6))
    score = np.where(rated, mean, np.nan)
    grade = np.select([score >= b for b in BANDS], [3, 2, 1], 0).astype(np.float64)
    frame = events[["col", "date", "day", "qkey"]].copy()
    frame["score"] = score
    frame["grade"] = np.where(rated, grade, np.nan)
    frame["count"] = count
    frame["financial"] = financial
    for name, arr in f.items():
        frame[name] = arr
    return frame


def quality_history(data: MarketData, panel: Panel, params: Params = DEFAULT) -> PillarHistory:
    """The Quality pillar for every session and symbol; it moves only on annual filings.

    Returns:
        grade (QUALITY codes 0..3) and score 0–100, NaN where Not rated (fewer than 3 years
        or too few factors).
    """
    ev = quality_events(data, panel.symbols, params)
    values = {"grade": ev["grade"].to_numpy(), "score": ev["score"].to_numpy()}
    col, day = ev["col"].to_numpy(), ev["day"].to_numpy()
    grid = on_sessions(panel.dates, panel.shape[1], col, day, values)
    return PillarHistory(grade=grid["grade"], score=grid["score"])


def _value(x: float, unit: str) -> str:
    if np.isinf(x):
        return "n/m"
    return f"{x:.1f}%" if unit == "%" else f"{x:.2f}x"


def explain_quality(
    data: MarketData,
    panel: Panel,
    history: PillarHistory,
    symbol: str,
    t: int | object,
    params: Params = DEFAULT,
) -> PillarExplanation:
    """Explain one stock's Quality on a session: each factor's value and its score.

    Args:
        data: the data the history was computed from.
        panel: the history's panel.
        history: from `quality_history`.
        symbol: the stock.
        t: a session row of the panel, or a date (the session on or before it).
        params: as given to `quality_history`.
    """
    r = session_row(panel.dates, t)
    session = panel.dates[int(r)]
    j = panel.symbols.get_loc(symbol)
    ann = data.annual
    one = replace(data, annual=ann[(ann["symbol"] == symbol) & (ann["filed_on"] <= session)])
    ev = quality_events(one, pd.Index([symbol]), params)
    grade = grades.word(grades.QUALITY, float(history.grade[history.row(r), j]))
    score = float(history.score[history.row(r), j])
    if not len(ev):
        return PillarExplanation("quality", None, None, "not_rated", "no annual results filed")
    last = ev.iloc[-1]
    lines = []
    for name, (label, _, _, unit) in FACTORS.items():
        s = last[f"{name}_score"]
        if np.isnan(s):
            if (name in NON_FINANCIAL and last["financial"]) or (
                name in FINANCIAL_ONLY and not last["financial"]
            ):
                continue
            lines.append(f"{label}: n/a")
        else:
            lines.append(f"{label} {_value(float(last[name]), unit)}: {int(s)}")
    need = 4 if last["financial"] else 6
    reason = ""
    if grade is None:
        reason = (f"only {int(last['years'])} fiscal years (3 needed)" if last["years"] < 3
                  else f"only {int(last['count'])} factors (need {need})")  # fmt: skip
    return PillarExplanation(
        pillar="quality",
        grade=grade,
        score=None if np.isnan(score) else score,
        status="rated" if grade else "not_rated",
        reason=reason,
        reasons=tuple(lines),
        raw={
            "latest_year_end": key_to_month_end(int(last["qkey"])).date().isoformat(),
            "years": int(last["years"]),
            "factors": int(last["count"]),
            "financial_sector": bool(last["financial"]),
        },
    )
