"""`dalal explain` for the Technicals pillar: one stock's 13 readings with their numbers (§6.1).

Recomputes the one stock's readings (not the hot path) and reads T, band and grade from the
pillar history, so the text always matches what the replay published.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tui.market import indicators as ind
from tui.market.bars import periods, resample
from tui.market.grades import READING, TECHNICAL
from tui.market.model import Panel
from tui.market.params import DEFAULT, Params
from tui.market.pillars import PillarExplanation, PillarHistory
from tui.market.readings import NEEDS, mas_reading, period_readings
from tui.market.technicals import READING_NAMES

LABELS = {
    "macd": "MACD", "rsi": "RSI", "bollinger": "Bollinger", "kst": "KST", "dow": "Dow",
    "obv": "OBV", "mas": "MAs",
}  # fmt: skip
"""Display name of each reading kind."""

ZERO_WORD = {"rsi": "No Signal", "dow": "No Trend", "obv": "No Trend"}
"""Readings whose 0 is not called Sideways."""

PERIOD_WORD = {"w": "weekly", "m": "monthly"}


def _word(kind: str, value: float) -> str:
    if value == 0:
        return ZERO_WORD.get(kind, "Sideways")
    return READING[int(value)]


def _cmp(a: float, b: float) -> str:
    return ">" if a > b else "<" if a < b else "="


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1e5 else f"{x:.2f}"


def _detail(kind: str, d: dict[str, float]) -> str:
    if kind in ("macd", "kst"):
        value = d["macd" if kind == "macd" else "kst"]
        signal = d["signal" if kind == "macd" else "kst_signal"]
        return f"{value:.2f} {_cmp(value, signal)} signal {signal:.2f}, {_cmp(value, 0.0)} 0"
    if kind == "rsi":
        r, r2 = d["rsi"], d["rsi_2ago"]
        if r >= 60 or r <= 40:
            return f"{r:.2f} {'≥ 60' if r >= 60 else '≤ 40'}"
        if 50 < r < 60:
            return f"{r:.2f}, {'' if r > r2 else 'not '}above 2 bars ago {r2:.2f}"
        if 40 < r < 50:
            return f"{r:.2f}, {'' if r < r2 else 'not '}below 2 bars ago {r2:.2f}"
        return f"{r:.2f}"
    if kind == "bollinger":
        trend = {">": "rising", "<": "falling", "=": "flat"}[_cmp(d["mid"], d["mid_prev"])]
        return f"%B {d['pct_b']:.2f}, mid {trend} {d['mid']:.2f} vs {d['mid_prev']:.2f}"
    if kind == "obv":
        side = {">": "above", "<": "below", "=": "at"}[_cmp(d["obv"], d["obv_ema"])]
        flat = abs(d["obv_dema"]) < 0.01 * d["obv_mean_abs"]
        trend = "flat" if flat else "rising" if d["obv_dema"] > 0 else "falling"
        return f"OBV {_num(d['obv'])} {side} EMA20 {_num(d['obv_ema'])}, EMA {trend}"
    if kind == "dow":
        return (
            f"highs {_num(d['sh1'])} vs {_num(d['sh2'])}, lows {_num(d['sl1'])} vs "
            f"{_num(d['sl2'])}, close {_num(d['close'])}"
        )
    return (
        f"close {_num(d['close'])}, SMA50 {_num(d['sma50'])}, SMA200 {_num(d['sma200'])}, "
        f"SMA50 5 sessions ago {_num(d['sma50_5ago'])}"
    )


def _reading_lines(
    panel: Panel, col: int, t: int, params: Params
) -> tuple[list[str], dict[str, Any]]:
    filled = tuple(np.ascontiguousarray(a[:, col : col + 1]) for a in panel.filled)
    found: dict[str, tuple[float, dict[str, float], str]] = {}
    for suffix, pairs, kst_need in (
        ("w", ind.KST_STANDARD, NEEDS["kst_w"]),
        ("m", ind.KST_LONG, NEEDS["kst_m"]),
    ):
        bars = resample(periods(panel.dates, suffix.upper()), *filled)
        now, _ = period_readings(bars, pairs, kst_need, params.use_partial_bars)
        d = {k: float(a[t, 0]) for k, a in now.items()}
        d["close"] = float(bars.p_close[t, 0])
        for kind in ("macd", "rsi", "bollinger", "kst", "dow", "obv"):
            need = kst_need if kind == "kst" else NEEDS.get(kind, 0)
            unit = f"{PERIOD_WORD[suffix]} bars"
            found[f"{kind}_{suffix}"] = (
                d[f"r_{kind}"],
                d,
                f"needs {need} {unit}, has {int(d['count'])}",
            )
    daily = mas_reading(filled[3])
    dd = {k: float(np.asarray(a)[t, 0]) for k, a in daily.items() if k not in ("r_mas", "ok_mas")}
    has = int(np.sum(~np.isnan(filled[3][: t + 1, 0])))
    mas = float(daily["r_mas"][t, 0]) if daily["ok_mas"][t, 0] else math.nan
    found["mas"] = (mas, dd, f"needs {NEEDS['mas']} daily sessions, has {has}")
    lines: list[str] = []
    raw: dict[str, Any] = {}
    for name in READING_NAMES:
        kind, _, suffix = name.partition("_")
        value, d, missing = found[name]
        label = f"{LABELS[kind]} {suffix.upper()}".strip()
        raw[name] = value
        if math.isnan(value):
            why = "fewer than two swing highs and two swing lows" if kind == "dow" else missing
            lines.append(f"{label}: n/a ({why})")
        else:
            lines.append(f"{label}: {_word(kind, value)} ({_detail(kind, d)})")
    return lines, raw


def explain_technicals(
    panel: Panel, history: PillarHistory, symbol: str, t: int, params: Params = DEFAULT
) -> PillarExplanation:
    """Explain one stock's Technicals on session row t: readings, T, band and hysteresis.

    Args:
        panel: the panel the history was computed on.
        history: `technicals_history(panel, params)`.
        symbol: the stock.
        t: session row (negative counts from the end).
        params: the parameters used for the history.

    Raises:
        KeyError: for a symbol not in the panel.
    """
    n_t = panel.shape[0]
    t = t + n_t if t < 0 else t
    loc = panel.symbols.get_loc(symbol)
    if not isinstance(loc, int):
        raise KeyError(symbol)
    col = loc
    lines, raw = _reading_lines(panel, col, t, params)
    tv = history.extra("t", t, col)
    count_value = history.extra("count", t, col)
    if math.isnan(count_value):
        raise ValueError(f"technicals extras were not kept for session row {t}")
    count = int(count_value)
    grade = float(history.grade[history.row(t), col])
    raw |= {"t": tv, "count": count, "grade": None if math.isnan(grade) else int(grade)}
    if math.isnan(tv):
        need = params.tech_min_readings
        reason = f"{count} of 13 readings available (needs {need})"
        lines.append(f"Not rated: {reason}")
        return PillarExplanation("technicals", None, None, "not_rated", reason, tuple(lines), raw)
    plain = int(history.extra("band", t, col))
    lines.append(f"T = {tv:.6g} from {count} of 13 readings → band {TECHNICAL[plain]}")
    if int(grade) != plain:
        prev_t = history.extra("t", t - 1, col) if t > 0 else math.nan
        lines.append(
            f"held at {TECHNICAL[int(grade)]} (hysteresis): yesterday's T {prev_t:.6g} was not "
            f"in {TECHNICAL[plain]} and T is less than {params.tech_hysteresis_margin:g} "
            "inside it"
        )
    score = float(history.score[history.row(t), col])
    return PillarExplanation(
        "technicals", TECHNICAL[int(grade)], score, "rated", "", tuple(lines), raw
    )
