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
        extras: pillar-specific arrays (e.g. technicals' "t", fin trend's "points"), used by
            screen fields, events and explanations. Their rows are the panel's sessions from
            `extras_start` on: a pillar may keep only the last few sessions of bulky extras
            (the analysis only reads them on the as-of session and the one before).
        extras_start: the panel row of the extras' first row.
    """

    grade: np.ndarray
    score: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    extras_start: int = 0

    def extra(self, key: str, row: int, col: int) -> float:
        """One extras value at a panel row (NaN when that row was not kept)."""
        i = row - self.extras_start
        array = self.extras[key]
        if i < 0 or i >= array.shape[0]:
            return float("nan")
        return float(array[i, col])


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
