"""The composite score and call: weights, bands, hysteresis and caps (analytics.md §6.5).

The call is replayed daily over the whole loaded history, vectorised across stocks, so that
yesterday's published call is known on every session and runs over the same data agree.
"""

from __future__ import annotations

import itertools
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
    """Composite score and calls per (session, symbol): arrays of shape (T − start, N).

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
    start: int = 0
    """The panel row of every array's first row (the replay keeps only the rows from it)."""

    def row(self, i: int) -> int:
        """The array row holding panel row i.

        Raises:
            IndexError: when panel row i is not kept.
        """
        r = i - self.start
        if r < 0 or r >= self.call.shape[0]:
            raise IndexError(f"session row {i} is outside the kept history (from row {self.start})")
        return r


def composite(
    q: np.ndarray, v: np.ndarray, f: np.ndarray, t: np.ndarray, params: Params = DEFAULT
) -> np.ndarray:
    """Weighted pillar score, re-normalising away missing optional pillars (Q, V).

    F and T are required: where either is NaN the result is NaN.
    """
    wq, wv, wf, wt = params.weights
    # The same additions in the same order as Σ over (Q, V, F, T) of where(rated, w·x, 0),
    # so scores at a band's edge round identically; F and T are required, so a missing one
    # makes the sum NaN by itself.
    ok_q, ok_v = ~np.isnan(q), ~np.isnan(v)
    num = np.where(ok_q, q * wq, 0.0)
    num += np.where(ok_v, v * wv, 0.0)
    num += f * wf
    num += t * wt
    den = np.where(ok_q, wq, 0.0)
    den += np.where(ok_v, wv, 0.0)
    den += wf
    den += wt
    num /= den
    return num


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
    weak = (quality == QUALITY.index("Below Average")) & (fin_trend <= FIN_TREND.index("Negative"))
    bits = (valuation == VALUATION.index("Risky")).view(np.int8) * np.int8(CAP_RISKY)
    bits |= weak.view(np.int8) * np.int8(CAP_QUALITY_TREND)
    bits |= (technical == TECHNICAL.index("Bearish")).view(np.int8) * np.int8(CAP_BEARISH)
    bits |= np.asarray(illiquid, dtype=bool).view(np.int8) * np.int8(CAP_ILLIQUID)
    return np.asarray(bits, dtype=np.int8)


def _limit_table() -> np.ndarray:
    table = np.full(16, float(len(CALL) - 1))
    for bits in range(16):
        for bit, (highest, _) in CAP_TEXT.items():
            if bits & bit:
                table[bits] = min(table[bits], CALL.index(highest))
    return table


_LIMITS = _limit_table()


def cap_limit(bits: np.ndarray) -> np.ndarray:
    """Highest call code allowed by a cap bit set (Strong Buy when none)."""
    return np.asarray(_LIMITS[np.asarray(bits, dtype=np.intp)])


def rating_history(
    quality: np.ndarray,
    valuation: np.ndarray,
    fin_trend: np.ndarray,
    technicals: np.ndarray,
    grades: dict[str, np.ndarray],
    illiquid: np.ndarray,
    params: Params = DEFAULT,
    keep_from: int = 0,
) -> RatingHistory:
    """Replay the call over every session; keep the rows from `keep_from` on.

    Args:
        quality, valuation, fin_trend, technicals: pillar scores (T, N), NaN = Not rated.
        grades: pillar grade codes (T, N) keyed "technicals", "fin_trend", "quality",
            "valuation", for the caps.
        illiquid: (T, N) booleans.
        params: weights and slack.
        keep_from: the first panel row whose results are kept; the hysteresis still runs
            from row 0, but caps (which never feed it) are computed on kept rows only.
    """
    n_t, n = technicals.shape
    keep_from = min(max(keep_from, 0), n_t)
    kept = (n_t - keep_from, n)
    raw = np.empty(kept)
    score = np.empty(kept, dtype=np.float32)  # integer scores and codes are exact in float32
    plain = np.empty(kept, dtype=np.float32)
    uncapped = np.empty(kept, dtype=np.float32)
    call = np.empty(kept, dtype=np.float32)
    bound = np.empty(kept, dtype=np.int8)
    coverage = np.empty(kept, dtype=np.int8)
    prev = np.full(n, np.nan)
    slack = params.call_downgrade_slack
    floors = np.append(CALL_FLOORS, np.nan)  # code 5 stands for "no call yesterday"
    # Blocks of sessions keep every temporary small (cache-sized at 20,000 stocks) instead
    # of a dozen full-history arrays; the replay itself runs session by session. A block
    # boundary falls on keep_from, so each block is either replayed only or also kept.
    bounds = [*range(0, keep_from, RATING_BLOCK), *range(keep_from, n_t, RATING_BLOCK), n_t]
    for lo, hi in itertools.pairwise(bounds):
        q, v, f, t = (a[lo:hi] for a in (quality, valuation, fin_trend, technicals))
        r = composite(q, v, f, t, params)
        sc = np.floor(r + 0.5)
        pl = plain_band(sc)
        unc = np.empty(sc.shape, dtype=np.float32)
        for k in range(hi - lo):
            # hysteresis_step, unrolled on precomputed bands: once per session.
            band, s_k = pl[k], sc[k]
            code = np.where(np.isnan(prev), 5, prev).astype(np.intp)
            keep = (band < prev) & (s_k >= floors[code] - slack)
            prev = np.where(keep, prev, band)
            unc[k] = prev
        if lo < keep_from:
            continue
        a, b = lo - keep_from, hi - keep_from
        raw[a:b], score[a:b], plain[a:b], uncapped[a:b] = r, sc, pl, unc
        bits = cap_bits(
            grades["technicals"][lo:hi], grades["fin_trend"][lo:hi], grades["quality"][lo:hi],
            grades["valuation"][lo:hi], illiquid[lo:hi],
        )  # fmt: skip
        limit = cap_limit(bits)
        call[a:b] = np.minimum(unc, limit)
        bound[a:b] = np.where(~np.isnan(unc) & (limit < unc), bits, 0)
        cov = coverage[a:b]
        cov[:] = 0
        for p_ in (q, v, f, t):
            cov += ~np.isnan(p_)
    return RatingHistory(raw, score, plain, uncapped, call, bound, coverage, keep_from)


RATING_BLOCK = 32
"""Sessions per block of the call replay."""


def weights_used(rated: dict[str, bool], params: Params = DEFAULT) -> dict[str, float]:
    """Effective weights of the rated pillars (re-normalised), for reasons and the UI."""
    total = sum(w for name, w in zip(PILLARS, params.weights, strict=True) if rated.get(name))
    if total == 0:
        return {}
    return {
        name: w / total for name, w in zip(PILLARS, params.weights, strict=True) if rated.get(name)
    }
