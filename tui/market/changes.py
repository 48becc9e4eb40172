"""Today's upgrades and downgrades of one analysis, with texts and drivers (analytics.md §7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tui.market import events as ev
from tui.market.analysis import Analysis
from tui.market.grades import READING
from tui.market.rating import CAP_TEXT, PILLARS, weights_used

PILLAR_LABEL = {
    "quality": "Quality",
    "valuation": "Valuation",
    "fin_trend": "Financial trend",
    "technicals": "Technicals",
}
READING_LABEL = {
    "macd_w": "MACD W", "macd_m": "MACD M", "rsi_w": "RSI W", "rsi_m": "RSI M",
    "bollinger_w": "Bollinger W", "bollinger_m": "Bollinger M", "mas": "MAs",
    "kst_w": "KST W", "kst_m": "KST M", "dow_w": "Dow W", "dow_m": "Dow M",
    "obv_w": "OBV W", "obv_m": "OBV M",
}  # fmt: skip
KIND_PILLAR = {"technical": "technicals", "fin_trend": "fin_trend", "quality": "quality",
               "valuation": "valuation"}  # fmt: skip


def events_on(
    analysis: Analysis, t: int | None = None, universe: pd.Index | None = None
) -> dict[str, list[ev.Event]]:
    """Every change between session rows t-1 and t, per kind, sorted as lists show them.

    Args:
        analysis: the replay.
        t: the session row (default: the as-of session).
        universe: limit to these symbols (e.g. a segment).
    """
    i = analysis.t if t is None else t
    out: dict[str, list[ev.Event]] = {kind: [] for kind in ev.KINDS}
    if i - 1 < analysis.start:  # no kept session before it to compare with
        return out
    symbols = analysis.symbols
    wanted = np.ones(len(symbols), dtype=bool)
    if universe is not None:
        wanted = symbols.isin(universe)
    names = analysis.data.stocks["name"].reindex(symbols).fillna("").to_numpy()
    grades = analysis.grade_arrays()
    date = analysis.panel.dates[i].date().isoformat()
    for kind in ev.KINDS:
        change = analysis.changes[kind][analysis.row(i)]
        for col in np.flatnonzero((change != 0) & wanted):
            out[kind].append(_event(analysis, kind, int(change[col]), i, int(col), str(names[col]),
                                    grades[kind], date))  # fmt: skip
        out[kind] = ev.sort_events(out[kind])
    return out


def _event(
    analysis: Analysis,
    kind: str,
    change: int,
    i: int,
    col: int,
    name: str,
    grades: np.ndarray,
    date: str,
) -> ev.Event:
    symbol = str(analysis.symbols[col])
    h = analysis.row(i)  # histories' row; i stays the panel row
    g0, g1 = grades[h - 1, col], grades[h, col]
    from_, to = ev.grade_word(kind, g0), ev.grade_word(kind, g1)
    if kind == "call":
        s0 = analysis.rating.score[h - 1, col]
        s1 = analysis.rating.score[h, col]
        drivers = _call_drivers(analysis, i, col)
    elif kind == "fin_trend":
        fin = analysis.pillars["fin_trend"]
        s0, s1 = fin.extra("points", i - 1, col), fin.extra("points", i, col)
        drivers = _fin_trend_drivers(analysis, symbol, i)
    else:
        history = analysis.pillars[KIND_PILLAR[kind]]
        s0, s1 = history.score[h - 1, col], history.score[h, col]
        drivers = _reading_drivers(analysis, i, col) if kind == "technical" else []
    quarter = _quarter(analysis, symbol, i) if kind == "fin_trend" else None
    reason = "" if change != -2 else _unrated_reason(analysis, i, col)
    text = ev.event_text(kind, name, change, from_, to, _num(s0), _num(s1), quarter, reason)
    return ev.Event(date, symbol, name, kind, ev.direction_word(change), from_, to,
                    _num(s0), _num(s1), tuple(drivers[:3]), text)  # fmt: skip


def _num(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def _call_drivers(analysis: Analysis, i: int, col: int) -> list[str]:
    lines: list[tuple[float, str]] = []
    params = analysis.params
    contrib: dict[str, tuple[float, float]] = {}
    h = analysis.row(i)
    for day in (h - 1, h):
        scores = {name: analysis.pillars[name].score[day, col] for name in PILLARS}
        weights = weights_used({n: not np.isnan(s) for n, s in scores.items()}, params)
        for name in PILLARS:
            value = weights.get(name, 0.0) * np.nan_to_num(scores[name])
            prev = contrib.get(name, (0.0, 0.0))
            contrib[name] = (value, prev[0]) if day == h - 1 else (prev[0], value)
    for name in PILLARS:
        before, after = contrib[name]
        delta = after - before
        if abs(delta) < 0.05:
            continue
        history = analysis.pillars[name]
        scale_kind = {"technicals": "technical"}.get(name, name)
        g0 = ev.grade_word(scale_kind, history.grade[h - 1, col]) or "Not rated"
        g1 = ev.grade_word(scale_kind, history.grade[h, col]) or "Not rated"
        move = f"{g0} → {g1}" if g0 != g1 else g1
        lines.append((abs(delta), f"{PILLAR_LABEL[name]}: {move} ({delta:+.1f} pts)"))
    lines.sort(key=lambda x: -x[0])
    out = [text.replace("−", "-") for _, text in lines]
    caps0 = int(analysis.rating.caps[h - 1, col])
    caps1 = int(analysis.rating.caps[h, col])
    for bit, (highest, reason) in CAP_TEXT.items():
        if caps1 & bit and not caps0 & bit:
            out.append(f"capped at {highest}: {reason}")
        elif caps0 & bit and not caps1 & bit:
            out.append(f"cap removed: {reason}")
    return out


def _reading_drivers(analysis: Analysis, i: int, col: int) -> list[str]:
    history = analysis.pillars["technicals"]
    changed: list[tuple[float, str]] = []
    for key, label in READING_LABEL.items():
        if key not in history.extras:
            continue
        a, b = history.extra(key, i - 1, col), history.extra(key, i, col)
        if np.isnan(a) and np.isnan(b):
            continue
        if np.isnan(a) or np.isnan(b) or a != b:
            w0 = "n/a" if np.isnan(a) else READING[int(a)]
            w1 = "n/a" if np.isnan(b) else READING[int(b)]
            delta = abs(np.nan_to_num(b) - np.nan_to_num(a))
            changed.append((delta, f"{label}: {w0} → {w1}"))
    changed.sort(key=lambda x: -x[0])
    return [text for _, text in changed]


def _fin_trend_drivers(analysis: Analysis, symbol: str, i: int) -> list[str]:
    from tui.market import fintrend

    checks = fintrend.fired_checks(
        analysis.data, analysis.panel, symbol, i, history=analysis.pillars["fin_trend"]
    )
    return [c.short for c in checks]


def _quarter(analysis: Analysis, symbol: str, i: int) -> str | None:
    from tui.market import fintrend

    results = analysis.data.results
    day = analysis.panel.dates[i]
    rows = results[(results["symbol"] == symbol) & (results["filed_on"] <= day)]
    if rows.empty:
        return None
    end = rows["period_end"].max()
    return fintrend.quarter_label(end, analysis.data.meta.fiscal_year_start_month)


def _unrated_reason(analysis: Analysis, i: int, col: int) -> str:
    missing = [
        PILLAR_LABEL[name].lower()
        for name in ("fin_trend", "technicals")
        if np.isnan(analysis.pillars[name].score[analysis.row(i), col])
    ]
    return f"{' and '.join(missing)} not rated" if missing else "not rated"
