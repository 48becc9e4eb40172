"""The screener table's columns: labels, widths, how they share the width, and cell text.

Columns are the screening fields of `DEFAULT_COLUMNS` (their ids are the column keys); cells
are formatted from the raw values of the screen frame, always as `Text`, so a company name is
never parsed as markup.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import pandas as pd
from rich.text import Text

from tui.app.panes.base import grade, pct
from tui.screening.output import DEFAULT_COLUMNS

Justify = Literal["left", "right"]


@dataclass(frozen=True)
class Column:
    """One table column.

    Attributes:
        field: the screening field id (the column key).
        label: the header text.
        width: the least cells it takes (room for the label and a sort arrow).
        flex: its share of the width left over (0: fixed width).
        most: the most cells it takes when flexible.
        justify: where its cells sit.
        descending_first: a first sort on it is descending (numbers, grades).
    """

    field: str
    label: str
    width: int
    flex: int = 0
    most: int = 0
    justify: Justify = "left"
    descending_first: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("symbol", "Symbol", 11, descending_first=False),
    Column("name", "Name", 14, flex=3, most=36, descending_first=False),
    Column("close", "Close", 10, justify="right"),
    Column("ret_1d", "1D %", 8, justify="right"),
    Column("score", "Score", 7, justify="right"),
    Column("call", "Call", 11),
    Column("technical", "Technical", 14),
    Column("fin_trend", "Fin. trend", 13),
    Column("sector", "Sector", 10, flex=2, most=30, descending_first=False),
    Column("mcap_class", "Cap", 5),
)
"""DEFAULT_COLUMNS in display order: the grades before the sector so they stay in view."""

FIELDS = tuple(c.field for c in COLUMNS)
"""Column keys in display order."""

GRADE_FIELDS = frozenset({"call", "technical", "fin_trend"})
GAP = 1
"""Blank cells before each column."""

assert set(FIELDS) == set(DEFAULT_COLUMNS)


def min_width() -> int:
    """Cells the table needs before it scrolls sideways."""
    return sum(c.width + GAP for c in COLUMNS)


@lru_cache(maxsize=8)
def layout(width: int) -> tuple[int, ...]:
    """Each column's width when the table is `width` cells wide (flexible ones share the rest).

    Args:
        width: the cells available.

    Returns:
        One width per column of COLUMNS.
    """
    widths = [c.width for c in COLUMNS]
    spare = width - min_width()
    flexible = [i for i, c in enumerate(COLUMNS) if c.flex]
    while spare > 0 and flexible:
        shares = sum(COLUMNS[i].flex for i in flexible)
        given = 0
        for i in flexible:
            extra = max(1, spare * COLUMNS[i].flex // shares)
            extra = min(extra, COLUMNS[i].most - widths[i], spare - given)
            widths[i] += extra
            given += extra
        spare -= given
        flexible = [i for i in flexible if widths[i] < COLUMNS[i].most]
        if not given:
            break
    return tuple(widths)


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing values."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def cell(field: str, value: Any) -> Text:
    """The display cell of one raw value (not yet fitted to its width)."""
    if field == "symbol":
        return Text(str(value), style="bold")
    if field in GRADE_FIELDS:
        return grade(None if is_missing(value) else str(value))
    if field == "ret_1d":
        return pct(value)
    if is_missing(value):
        return Text("—", style="dim")
    if field == "close":
        return Text(f"{float(value):,.2f}")
    if field == "score":
        return Text(f"{float(value):.0f}")
    return Text(str(value))


def fit(text: Text, width: int, justify: Justify) -> Text:
    """The cell cut to `width` (ending in …) and padded to it on the side away from `justify`."""
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    pad = width - text.cell_len
    if pad > 0:
        if justify == "right":
            text.pad_left(pad)
        else:
            text.pad_right(pad)
    return text
