"""The composite score and call: weights, bands, hysteresis and caps (analytics.md §6.5).

The call is replayed daily over the whole loaded history, vectorised across stocks, so that
yesterday's published call is known on every session and runs over the same data agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui.market.grades import CALL, FIN_TREND, QUALITY, TECHNICAL, VALUATION
from tui.market.params import DEFAULT, Params

CALL_FLOORS = np.array([0.0, 30.0, 50.0, 65.0, 80.0])
"""Lowest score of each call code: Strong Sell, Sell, Hold, Buy, Strong Buy."""

PILLARS = ("quality", "valuation", "fin_trend", "technicals")
"""Pillar order of `Params.weights`."""

CAP_RISKY = 1
CAP_QUALITY_TREND = 2
CAP_BEARISH = 4
CAP_ILLIQUID = 8
CAP_TEXT = {
    CAP_RISKY: ("Hold", "valuation Risky"),
    CAP_QUALITY_TREND: ("Sell", "quality Below Average with a negative financial trend"),
    CAP_BEARISH: ("Hold", "technicals Bearish"),
    CAP_ILLIQUID: ("Hold", "illiquid: 20-session median traded value under ₹5 lakh"),
}
"""Cap bit → (highest call allowed, reason)."""


@dataclass(frozen=True, eq=False)
class RatingHistory:
    """Composite score and calls for every (session, symbol), arrays of shape (T, N).

    Attributes:
        raw: weighted score before rounding (NaN where Not rated).
        score: integer score, floor(raw + 0.5).
        plain: the score's plain band (call code).
        uncapped: the call after hysteresis, before caps.
        call: the published call code (after caps); NaN = Not rated.
        caps: bit set of the caps that lowered or bound the call (CAP_* constants).
        coverage: number of pillars rated (2–4).
    """

    raw: np.ndarray
    score: np.ndarray
    plain: np.ndarray
    uncapped: np.ndarray
    call: np.ndarray
    caps: np.ndarray
    coverage: np.ndarray


def composite(
    q: np.ndarray, v: np.ndarray, f: np.ndarray, t: np.ndarray, params: Params = DEFAULT
) -> np.ndarray:
    """Weighted pillar score, re-normalising away missing optional pillars (Q, V).

    F and T are required: where either is NaN the result is NaN.
    """
    wq, wv, wf, wt = params.weights
    parts = [(q, wq), (v, wv), (f, wf), (t, wt)]
    num = np.zeros(np.broadcast(q, v, f, t).shape)
    den = np.zeros_like(num)
    for values, weight in parts:
        ok = ~np.isnan(values)
        num += np.where(ok, values * weight, 0.0)
        den += np.where(ok, weight, 0.0)
    out = num / np.where(den > 0, den, np.nan)
    out[np.isnan(f) | np.isnan(t)] = np.nan
    return out


def plain_band(score: np.ndarray) -> np.ndarray:
    """Call code of each integer score by the plain bands (NaN stays NaN)."""
    band = (np.searchsorted(CALL_FLOORS, np.nan_to_num(score, nan=0.0), side="right") - 1).astype(
        float
    )
    band[np.isnan(score)] = np.nan
    return np.asarray(band)


def hysteresis_step(prev: np.ndarray, score: np.ndarray, params: Params = DEFAULT) -> np.ndarray:
    """Advance the uncapped call one session.

    Upgrade as soon as the score reaches a higher floor; downgrade only below
    floor(current) - slack, then to the score's plain band. NaN resets; a first rated day
    (prev NaN) takes the plain band.
    """
    band = plain_band(score)
    floor_prev = CALL_FLOORS[np.nan_to_num(prev, nan=0).astype(int)]
    keep = (~np.isnan(prev)) & (band < prev) & (score >= floor_prev - params.call_downgrade_slack)
    return np.where(keep, prev, band)


def cap_bits(
    technical: np.ndarray,
    fin_trend: np.ndarray,
    quality: np.ndarray,
    valuation: np.ndarray,
    illiquid: np.ndarray,
) -> np.ndarray:
    """Bit set of the caps that apply (§6.5), from grade codes (NaN = Not rated)."""
    bits = np.zeros(technical.shape, dtype=np.int8)
    bits |= np.where(valuation == VALUATION.index("Risky"), CAP_RISKY, 0)
    weak = (quality == QUALITY.index("Below Average")) & (fin_trend <= FIN_TREND.index("Negative"))
    bits |= np.where(weak, CAP_QUALITY_TREND, 0)
    bits |= np.where(technical == TECHNICAL.index("Bearish"), CAP_BEARISH, 0)
    bits |= np.where(illiquid, CAP_ILLIQUID, 0)
    return bits


def cap_limit(bits: np.ndarray) -> np.ndarray:
    """Highest call code allowed by a cap bit set (Strong Buy when none)."""
    limit = np.full(bits.shape, float(len(CALL) - 1))
    for bit, (highest, _) in CAP_TEXT.items():
        limit = np.where(bits & bit, np.minimum(limit, CALL.index(highest)), limit)
    return limit


def rating_history(
    quality: np.ndarray,
    valuation: np.ndarray,
    fin_trend: np.ndarray,
    technicals: np.ndarray,
    grades: dict[str, np.ndarray],
    illiquid: np.ndarray,
    params: Params = DEFAULT,
) -> RatingHistory:
    """Replay the call over every session.

    Args:
        quality, valuation, fin_trend, technicals: pillar scores (T, N), NaN = Not rated.
        grades: pillar grade codes (T, N) keyed "technicals", "fin_trend", "quality",
            "valuation", for the caps.
        illiquid: (T, N) booleans.
        params: weights and slack.
    """
    raw = composite(quality, valuation, fin_trend, technicals, params)
    score = np.floor(raw + 0.5)
    plain = plain_band(score).astype(np.float32)
    # Codes and integer scores are exact in float32; the raw score stays float64.
    uncapped = np.full(score.shape, np.nan, dtype=np.float32)
    prev = np.full(score.shape[1], np.nan)
    slack = params.call_downgrade_slack
    floors = np.append(CALL_FLOORS, np.nan)  # code 5 stands for "no call yesterday"
    for i in range(score.shape[0]):
        # hysteresis_step, unrolled on precomputed bands: this loop runs once per session.
        band, s = plain[i], score[i]
        code = np.where(np.isnan(prev), 5, prev).astype(np.intp)
        keep = (band < prev) & (s >= floors[code] - slack)
        prev = np.where(keep, prev, band)
        uncapped[i] = prev
    bits = cap_bits(
        grades["technicals"], grades["fin_trend"], grades["quality"], grades["valuation"], illiquid
    )
    limit = cap_limit(bits)
    call = np.minimum(uncapped, limit).astype(np.float32)
    bound = np.where(~np.isnan(uncapped) & (limit < uncapped), bits, 0).astype(np.int8)
    coverage = np.zeros(score.shape, dtype=np.int8)
    for p in (quality, valuation, fin_trend, technicals):
        coverage += ~np.isnan(p)
    return RatingHistory(raw, score.astype(np.float32), plain, uncapped, call, bound, coverage)


def weights_used(rated: dict[str, bool], params: Params = DEFAULT) -> dict[str, float]:
    """Effective weights of the rated pillars (re-normalised), for reasons and the UI."""
    total = sum(w for name, w in zip(PILLARS, params.weights, strict=True) if rated.get(name))
    if total == 0:
        return {}
    return {
        name: w / total for name, w in zip(PILLARS, params.weights, strict=True) if rated.get(name)
    }
