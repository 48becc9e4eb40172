"""Grade scales of the rating model: ordinal codes, display words and bands (analytics.md §6)."""

from __future__ import annotations

import math

# Every grade is stored as a small integer code (rank, low to high) in float arrays, with NaN
# meaning "Not rated". Display words are the only strings that leave the package.

TECHNICAL = ("Bearish", "Mildly Bearish", "Sideways", "Mildly Bullish", "Bullish")
"""Technical trend, code 0..4; code - 2 is the reading value (-2..+2)."""

FIN_TREND = ("Very Negative", "Negative", "Flat", "Positive", "Very Positive", "Outstanding")
"""Financial trend, code 0..5."""

QUALITY = ("Below Average", "Average", "Good", "Excellent")
"""Quality, code 0..3."""

VALUATION = ("Risky", "Very Expensive", "Expensive", "Fair", "Attractive", "Very Attractive")
"""Valuation, code 0..5."""

CALL = ("Strong Sell", "Sell", "Hold", "Buy", "Strong Buy")
"""Composite call, code 0..4."""

MCAP_CLASS = ("Small", "Mid", "Large")
"""Market-cap class, code 0..2."""

READING = {-2: "Bearish", -1: "Mildly Bearish", 0: "Sideways", 1: "Mildly Bullish", 2: "Bullish"}
"""Words of one technical reading's value; RSI says No Signal and OBV/Dow No Trend for 0."""

SCALES: dict[str, tuple[str, ...]] = {
    "technical": TECHNICAL,
    "fin_trend": FIN_TREND,
    "quality": QUALITY,
    "valuation": VALUATION,
    "call": CALL,
    "mcap_class": MCAP_CLASS,
}


def word(scale: tuple[str, ...], code: float | None) -> str | None:
    """Return the display word of a grade code, or None when it is missing (Not rated)."""
    if code is None:
        return None
    value = float(code)  # NumPy scalars of any float width
    if math.isnan(value):
        return None
    return scale[int(value)]


def code(scale: tuple[str, ...], text: str) -> int:
    """Return the code of a display word (case-insensitive; space, '_' and '-' alike)."""
    wanted = normalise(text)
    for i, name in enumerate(scale):
        if normalise(name) == wanted:
            return i
    raise KeyError(text)


def normalise(text: str) -> str:
    """Case-fold and treat space, '_' and '-' alike, as names and values are matched."""
    return " ".join(text.replace("_", " ").replace("-", " ").lower().split())


def round_half_up(x: float) -> int:
    """Round half up, floor(x + 0.5), as integer scores are rounded (never Python's round)."""
    return math.floor(x + 0.5)
