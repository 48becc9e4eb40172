"""`dalal explain`: every pillar, reading and check behind one stock's call, with values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tui.market.analysis import Analysis
from tui.market.fintrend import explain_fin_trend
from tui.market.grades import CALL, word
from tui.market.pillars import PillarExplanation
from tui.market.quality import explain_quality
from tui.market.rating import CALL_FLOORS, CAP_TEXT, PILLARS, weights_used
from tui.market.technicals_explain import explain_technicals
from tui.market.valuation import explain_valuation

TITLES = {
    "technicals": "Technicals",
    "fin_trend": "Financial trend",
    "quality": "Quality",
    "valuation": "Valuation",
}


def _f(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def explain(analysis: Analysis, symbol: str, t: int | None = None) -> dict[str, Any]:
    """The full explanation of a stock's call on session row t (default: as-of), JSON-safe."""
    i = analysis.t if t is None else t
    h = analysis.row(i)  # the histories' row of panel row i
    col = analysis.column(symbol)
    data, panel, params = analysis.data, analysis.panel, analysis.params
    stock = data.stocks.loc[symbol]
    pillars: dict[str, PillarExplanation] = {
        "technicals": explain_technicals(panel, analysis.pillars["technicals"], symbol, i, params),
        "fin_trend": explain_fin_trend(data, panel, analysis.pillars["fin_trend"], symbol, i,
                                       params),
        "quality": explain_quality(data, panel, analysis.pillars["quality"], symbol, i, params),
        "valuation": explain_valuation(data, panel, analysis.pillars["valuation"], symbol, i,
                                       params),
    }  # fmt: skip
    rating = analysis.rating
    rated = {name: not math.isnan(analysis.pillars[name].score[h, col]) for name in PILLARS}
    weights = weights_used(rated, params)
    parts = []
    for name in PILLARS:
        p = pillars[name]
        score = analysis.pillars[name].score[h, col]
        w = weights.get(name)
        parts.append(
            {
                "pillar": name,
                "title": TITLES[name],
                "grade": p.grade,
                "score": _f(score),
                "status": p.status,
                "reason": p.reason,
                "weight": w,
                "contribution": None if w is None or math.isnan(score) else w * float(score),
                "reasons": list(p.reasons),
                "raw": p.raw,
            }
        )
    call = word(CALL, float(rating.call[h, col]))
    remarks = _call_remarks(analysis, h, col)
    close = panel.close[i, col]
    return {
        "symbol": symbol,
        "name": str(stock["name"]),
        "sector": str(stock["sector"]),
        "industry": str(stock["industry"]),
        "mcap_class": str(stock["mcap_class"]),
        "as_of": panel.dates[i].date().isoformat(),
        "source": data.source,
        "close": _f(close),
        "call": call,
        "score": _f(rating.score[h, col]),
        "raw_score": _f(rating.raw[h, col]),
        "coverage": f"{int(rating.coverage[h, col])}/4 pillars",
        "remarks": remarks,
        "pillars": parts,
    }


def _call_remarks(analysis: Analysis, i: int, col: int) -> list[str]:
    """Why the call is what it is; i is a row of the kept histories (`Analysis.row`)."""
    r = analysis.rating
    score = r.score[i, col]
    if math.isnan(score):
        missing = [TITLES[n].lower() for n in ("fin_trend", "technicals")
                   if math.isnan(analysis.pillars[n].score[i, col])]  # fmt: skip
        return [f"Not rated: {' and '.join(missing)} not rated"]
    out = []
    plain = word(CALL, float(r.plain[i, col]))
    uncapped = word(CALL, float(r.uncapped[i, col]))
    out.append(f"score {int(score)} is in the {plain} band (raw {r.raw[i, col]:.2f})")
    if uncapped != plain:
        floor = int(CALL_FLOORS[int(r.uncapped[i, col])])
        slack = analysis.params.call_downgrade_slack
        out.append(f"held at {uncapped}: {int(score)} ≥ {floor} − {slack}")
    caps = int(r.caps[i, col])
    for bit, (highest, reason) in CAP_TEXT.items():
        if caps & bit:
            out.append(f"capped at {highest}: {reason}")
    if i > 0 and not np.isnan(r.call[i - 1, col]) and r.call[i - 1, col] != r.call[i, col]:
        before = word(CALL, float(r.call[i - 1, col]))
        out.append(f"changed today from {before} (score {int(r.score[i - 1, col])})")
    return out


def explain_text(result: dict[str, Any]) -> str:
    """Plain-text rendering of `explain`."""
    call = result["call"] or "Not rated"
    score = "n/a" if result["score"] is None else f"{int(result['score'])}"
    lines = [
        f"{result['symbol']} · {result['name']} · {result['sector']} / {result['industry']} · "
        f"{result['mcap_class']} cap",
        f"as of {result['as_of']} · source {result['source']} · close "
        + ("n/a" if result["close"] is None else f"{result['close']:,.2f}"),
        "",
        f"Call: {call}   score {score}   ({result['coverage']})",
    ]
    lines += [f"  {r}" for r in result["remarks"]]
    for p in result["pillars"]:
        lines.append("")
        grade = p["grade"] or "Not rated"
        score_text = "" if p["score"] is None else f"  score {p['score']:.1f}"
        weight = ""
        if p["weight"] is not None and p["contribution"] is not None:
            weight = f"  weight {p['weight']:.4g} → {p['contribution']:.2f} pts"
        lines.append(f"{p['title']}: {grade}{score_text}{weight}")
        if p["status"] != "rated" and p["reason"]:
            lines.append(f"  not rated: {p['reason']}")
        lines += [f"  {r}" for r in p["reasons"]]
    lines.append("")
    lines.append("Calls are model output, not advice.")
    return "\n".join(lines)
