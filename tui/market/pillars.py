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
        start: the panel row of grade's and score's first row.
    """

    grade: np.ndarray
    score: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    extras_start: int = 0
    start: int = 0
    """The panel row of grade's and score's first row (0 until `window` drops older ones)."""

    def row(self, i: int) -> int:
        """The row of `grade` and `score` that holds panel row i.

        Raises:
            IndexError: when panel row i is not kept (before `start`, or past the end).
        """
        r = i - self.start
        if r < 0 or r >= self.grade.shape[0]:
            raise IndexError(f"session row {i} is outside the kept history (from row {self.start})")
        return r

    def window(self, start: int) -> PillarHistory:
        """The history from panel row `start` on, in copies (the full arrays can be freed).

        The replay needs every session; what is read afterwards (today's grades, events within
        the last 250 sessions, explanations) needs only the last few hundred.
        """
        if start <= self.start:
            return self
        cut = start - self.start
        extras_start = max(self.extras_start, start)
        skip = extras_start - self.extras_start
        extras = {
            key: a[skip:].copy() if skip and a.ndim == 2 else a for key, a in self.extras.items()
        }
        return PillarHistory(
            self.grade[cut:].copy(), self.score[cut:].copy(), extras, extras_start, start
        )

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
