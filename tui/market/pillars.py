"""The shape every rating pillar shares: a daily history for the replay, and an explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class PillarHistory:
    """One pillar for every (session, symbol): arrays of shape (T, N) on the panel's axes.

    Attributes:
        grade: grade code (see grades.py), NaN where Not rated.
        score: 0–100 pillar score, NaN where Not rated.
        extras: pillar-specific (T, N) arrays (e.g. technicals' "t", fin trend's "points",
            valuation's "pe"), used by screen fields and events.
    """

    grade: np.ndarray
    score: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class PillarExplanation:
    """One stock's pillar on one date, as `dalal explain` prints it (analytics.md §6).

    Attributes:
        pillar: "technicals", "fin_trend", "quality" or "valuation".
        grade: display word, or None when Not rated.
        score: 0–100, or None.
        status: "rated" or "not_rated".
        reason: why it is not rated ("" when rated).
        reasons: one line per reading or check, with its numbers.
        raw: the raw inputs and intermediate values (JSON-safe scalars).
    """

    pillar: str
    grade: str | None
    score: float | None
    status: str
    reason: str = ""
    reasons: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)
