"""Change events: upgrades and downgrades of call, technicals and the other pillars (§7).

A change is a difference between two consecutive sessions of the daily replay, so each side
uses only the data known on its own session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tui.market.grades import CALL, FIN_TREND, QUALITY, SCALES, TECHNICAL, VALUATION, word

KINDS = ("call", "technical", "fin_trend", "quality", "valuation")
"""Event kinds, in the order lists show them."""

KIND_SCALE = {
    "call": CALL,
    "technical": TECHNICAL,
    "fin_trend": FIN_TREND,
    "quality": QUALITY,
    "valuation": VALUATION,
}
"""The grade scale of each kind."""

PILLAR_TEXT = {"technical": "technical trend", "quality": "quality", "valuation": "valuation"}


@dataclass(frozen=True)
class Event:
    """One change of one stock's grade between two consecutive sessions.

    Attributes:
        date: the session of the change (ISO string).
        symbol, name: the stock.
        kind: call | technical | fin_trend | quality | valuation.
        direction: "upgrade", "downgrade", "rated" (first rating) or "unrated" (lost).
        from_, to: grade words (None for Not rated).
        score_from, score_to: the scores on either side (fin_trend: integer points).
        drivers: up to three short lines explaining the change.
        text: the sentence of §7.
    """

    date: str
    symbol: str
    name: str
    kind: str
    direction: str
    from_: str | None
    to: str | None
    score_from: float | None
    score_to: float | None
    drivers: tuple[str, ...] = field(default=())
    text: str = ""

    @property
    def rank_change(self) -> int:
        """Steps moved on the grade scale (0 for a first or lost rating)."""
        scale = SCALES.get(self.kind, KIND_SCALE.get(self.kind, ()))
        if self.from_ is None or self.to is None:
            return 0
        return abs(scale.index(self.to) - scale.index(self.from_))

    def as_json(self) -> dict[str, object]:
        """The summary JSON record (design.md §4)."""
        return {
            "symbol": self.symbol,
            "name": self.name,
            "from": self.from_,
            "to": self.to,
            "score_from": _json_num(self.score_from),
            "score_to": _json_num(self.score_to),
            "date": self.date,
            "drivers": list(self.drivers),
            "text": self.text,
        }


def _json_num(x: float | None) -> float | int | None:
    if x is None or np.isnan(x):
        return None
    return int(x) if float(x).is_integer() else float(x)


def change_mask(grades: np.ndarray) -> np.ndarray:
    """(T, N) int8: +1 upgrade, -1 downgrade, 2 first rated, -2 lost rating, 0 none.

    Row 0 never changes (no previous session in the replay).
    """
    out = np.zeros(grades.shape, dtype=np.int8)
    if grades.shape[0] < 2:
        return out
    prev, cur = grades[:-1], grades[1:]
    pn, cn = np.isnan(prev), np.isnan(cur)
    both = ~pn & ~cn
    body = out[1:]
    body[both & (cur > prev)] = 1
    body[both & (cur < prev)] = -1
    body[pn & ~cn] = 2
    body[~pn & cn] = -2
    return out


def direction_word(change: int) -> str:
    """Word of a change_mask value."""
    return {1: "upgrade", -1: "downgrade", 2: "rated", -2: "unrated"}[change]


def event_text(
    kind: str,
    name: str,
    change: int,
    from_: str | None,
    to: str | None,
    score_from: float | None,
    score_to: float | None,
    quarter: str | None = None,
    reason: str = "",
) -> str:
    """The §7 sentence of an event (ASCII '-' for negative numbers)."""
    s0 = _fmt_score(score_from)
    s1 = _fmt_score(score_to)
    if kind == "call":
        if change == 2:
            return f"{name} rated {to} (score {s1})"
        if change == -2:
            return f"{name} no longer rated ({reason or 'pillar not rated'})"
        verb = "upgraded" if change > 0 else "downgraded"
        return f"{name} {verb} from {from_} to {to} (score {s0} → {s1})"
    if kind == "fin_trend":
        if change in (2, -2):
            state = f"rated {to}" if change == 2 else f"no longer rated ({reason or 'results'})"
            return f"{name}: financial trend {state}"
        verb = "improved" if change > 0 else "deteriorated"
        after = f" after {quarter} results" if quarter else ""
        return f"{name}: financial trend {verb} from {from_} to {to}{after} (score {s0} → {s1})"
    label = PILLAR_TEXT[kind]
    if change == 2:
        return f"{name}: {label} rated {to}"
    if change == -2:
        return f"{name}: {label} no longer rated"
    verb = "improved" if change > 0 else "deteriorated"
    return f"{name}: {label} {verb} from {from_} to {to}"


def _fmt_score(x: float | None) -> str:
    if x is None or np.isnan(x):
        return "n/a"
    value = int(x) if float(x).is_integer() else round(float(x), 2)
    return str(value).replace("−", "-")


def grade_word(kind: str, code: float) -> str | None:
    """Display word of a grade code of one kind."""
    return word(KIND_SCALE[kind], code)


def sort_events(events: list[Event]) -> list[Event]:
    """Lists sort by rank change, score change (both largest first), then name."""

    def key(e: Event) -> tuple[int, float, str, str]:
        delta = 0.0
        if e.score_from is not None and e.score_to is not None:
            delta = abs(float(e.score_to) - float(e.score_from))
            if np.isnan(delta):
                delta = 0.0
        return (-e.rank_change, -delta, e.name, e.symbol)

    return sorted(events, key=key)
