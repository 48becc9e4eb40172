"""ScreenerTable: a virtualised, sortable table of screen rows that draws only the visible lines.

A `ScrollView` with the Line API (the shape of toolong's `LogLines`): it keeps the pandas frame
it was handed and formats a row's cells only when that row scrolls into view, so a new set of
rows costs the same at 1,500 and at 20,000 stocks (design.md §7: ≤ 100 ms). Line 0 is a fixed
header; the symbol column stays put when the table scrolls sideways. Sorting reads the raw
values through `tui.screening.output.sort_rows` (missing last), never the formatted text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.app.widgets.screener_columns import COLUMNS, FIELDS, GAP, cell, fit, layout, min_width
from tui.screening.fields import registry
from tui.screening.output import sort_rows

SortSpec = tuple[str, bool]
"""(field id, descending)."""


class ScreenerTable(ScrollView, can_focus=True):
    """The matching stocks, one per row: column keys are screening field ids."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "screener-table--header",
        "screener-table--header-sorted",
        "screener-table--even-row",
        "screener-table--cursor",
    }

    DEFAULT_CSS = """
    ScreenerTable {
        width: 100%;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        & > .screener-table--header { text-style: bold; background: $panel; }
        & > .screener-table--header-sorted { color: $accent; }
        & > .screener-table--even-row { background: $surface-lighten-1 50%; }
        &:dark > .screener-table--even-row { background: $surface-darken-1 40%; }
        & > .screener-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .screener-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
        Binding("enter", "select_row", "Open", tooltip="Open the stock's detail", show=False),
        Binding("o", "sort_next", "Sort", tooltip="Sort by the next column", id="sort-next"),
        Binding("O", "sort_reverse", "Reverse", tooltip="Reverse the sort", id="sort-reverse"),
    ]
    """Row keys; `o`/`O` (or a click on a header) sort. None is priority (style.md §5)."""

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """The highlighted row (0 = first), in display order."""

    @dataclass
    class RowHighlighted(Message):
        """The cursor moved to a stock."""

        table: ScreenerTable
        symbol: str

        @property
        def control(self) -> ScreenerTable:
            """The table the cursor moved in."""
            return self.table

    @dataclass
    class RowSelected(Message):
        """The user chose the highlighted stock (Enter, or a click on the highlighted row)."""

        table: ScreenerTable
        symbol: str

        @property
        def control(self) -> ScreenerTable:
            """The table the choice came from."""
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._given = pd.DataFrame(columns=list(FIELDS))
        """The rows as handed over (their order is the unsorted order)."""
        self._frame = self._given
        """The rows in display order."""
        self._symbols: np.ndarray = np.array([], dtype=object)
        self._values: dict[str, np.ndarray] = {}
        self._sort: SortSpec | None = None
        self._lines: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self._highlighted: str | None = None

    # --- the narrow surface ----------------------------------------------------------------

    def show(self, rows: pd.DataFrame) -> None:
        """Show a new set of rows (indexed by symbol), keeping the sort and the current stock."""
        self._given = rows
        self._arrange(keep=self._highlighted)

    @property
    def frame(self) -> pd.DataFrame:
        """The rows in display order (the current sort applied)."""
        return self._frame

    @property
    def row_count(self) -> int:
        """How many rows the table holds."""
        return len(self._symbols)

    @property
    def symbols(self) -> list[str]:
        """Every row's symbol, in display order."""
        return [str(s) for s in self._symbols]

    @property
    def highlighted_symbol(self) -> str | None:
        """The symbol under the cursor, if any."""
        return str(self._symbols[self.cursor_row]) if self.row_count else None

    @property
    def sort(self) -> SortSpec | None:
        """(field, descending) of the sort, or None for the order the rows came in."""
        return self._sort

    def sort_by(self, field: str | None, descending: bool = False) -> None:
        """Sort by a column (None: back to the order the rows came in); the stock stays current.

        Args:
            field: a column key (screening field id).
            descending: largest (or best grade, or Z) first; missing values stay last.
        """
        self._sort = None if field is None else (field, descending)
        self._arrange(keep=self.highlighted_symbol)

    def sort_spec(self) -> str | None:
        """The sort as `sort_rows` spells it (`score:desc`), or None."""
        if self._sort is None:
            return None
        field, descending = self._sort
        return f"{field}:{'desc' if descending else 'asc'}"

    # --- data ------------------------------------------------------------------------------

    def _arrange(self, keep: str | None) -> None:
        spec = self.sort_spec()
        frame = self._given
        if spec is not None and len(frame):
            frame = sort_rows(frame, spec, registry())
        self._frame = frame
        self._symbols = frame.index.to_numpy(dtype=object)
        self._values = {
            f: frame[f].to_numpy() if f in frame.columns else self._symbols for f in FIELDS
        }
        self._lines.clear()
        self.virtual_size = Size(min_width(), len(frame) + 1)
        row = 0
        if keep is not None and len(frame):
            found = np.flatnonzero(self._symbols == keep)
            row = int(found[0]) if len(found) else 0
        self.cursor_row = row
        self.refresh()

    def _validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self.row_count - 1))

    def _watch_cursor_row(self, row: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        symbol = self.highlighted_symbol
        if symbol is not None and symbol != self._highlighted:
            self.post_message(self.RowHighlighted(self, symbol))
        self._highlighted = symbol

    def _scroll_to_cursor(self) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False)

    # --- drawing ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """Theme or pseudo-class change: the cached lines hold old colours."""
        super().notify_style_update()
        self._lines.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self._lines.clear()
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self._lines.clear()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        """Line y of the view: the header, or the row scrolled there."""
        width = self.scrollable_content_region.width
        scroll_x = self.scroll_offset.x
        if y == 0:
            key: tuple[Any, ...] = ("header", width, scroll_x, self._sort)
            row = -1
        else:
            row = self.scroll_offset.y + y - 1
            if row >= self.row_count:
                return Strip.blank(width, self.rich_style)
            key = (row, width, scroll_x, row == self.cursor_row)
        strip = self._lines.get(key)
        if strip is None:
            full = self._header_strip(width) if row < 0 else self._row_strip(row, width)
            strip = self._lines[key] = self._scrolled(full, width, scroll_x)
        return strip

    def _scrolled(self, full: Strip, width: int, scroll_x: int) -> Strip:
        """The visible part: the symbol column fixed, the rest shifted by scroll_x."""
        if scroll_x <= 0 or full.cell_length <= width:
            return full.crop_extend(0, width, self.rich_style)
        fixed = COLUMNS[0].width + GAP
        rest = full.crop(fixed + scroll_x, fixed + scroll_x + width - fixed)
        return Strip.join([full.crop(0, fixed), rest]).crop_extend(0, width, self.rich_style)

    def _header_strip(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("screener-table--header")
        sorted_style = self.get_component_rich_style("screener-table--header-sorted")
        line = Text(style=style, no_wrap=True, end="")
        for column, w in zip(COLUMNS, layout(width), strict=True):
            label = Text(column.label)
            if self._sort is not None and self._sort[0] == column.field:
                label.append(" ▼" if self._sort[1] else " ▲")
                label.stylize(sorted_style)
            line.append(" " * GAP)
            line.append_text(fit(label, w, column.justify))
        return self._strip(line, width, style)

    def _row_strip(self, row: int, width: int) -> Strip:
        style = self.rich_style
        if row % 2:
            style += self.get_component_rich_style("screener-table--even-row")
        line = Text(style=style, no_wrap=True, end="")
        for column, w in zip(COLUMNS, layout(width), strict=True):
            line.append(" " * GAP)
            line.append_text(fit(cell(column.field, self._values[column.field][row]), w,
                                 column.justify))  # fmt: skip
        strip = self._strip(line, width, style)
        if row == self.cursor_row:
            cursor = self.get_component_rich_style("screener-table--cursor")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip

    def _strip(self, line: Text, width: int, style: Style) -> Strip:
        segments = list(line.render(self.app.console))
        return Strip(segments, line.cell_len).extend_cell_length(width, style)

    # --- keys and mouse --------------------------------------------------------------------

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        """Highlight the row above."""
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        """Highlight the row below."""
        self.cursor_row += 1

    def action_page_up(self) -> None:
        """Up one page."""
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        """Down one page."""
        self.cursor_row += self._page()

    def action_first_row(self) -> None:
        """The first row."""
        self.cursor_row = 0

    def action_last_row(self) -> None:
        """The last row."""
        self.cursor_row = self.row_count - 1

    def action_select_row(self) -> None:
        """Choose the highlighted stock."""
        symbol = self.highlighted_symbol
        if symbol is not None:
            self.post_message(self.RowSelected(self, symbol))

    def action_sort_next(self) -> None:
        """Sort by the next column (from the first when unsorted)."""
        at = -1 if self._sort is None else FIELDS.index(self._sort[0])
        column = COLUMNS[(at + 1) % len(COLUMNS)]
        self.sort_by(column.field, column.descending_first)

    def action_sort_reverse(self) -> None:
        """Reverse the sort (by score, best last, when unsorted)."""
        field, descending = self._sort or ("score", True)
        self.sort_by(field, not descending)

    def column_at(self, x: int) -> str | None:
        """The column key at content x (scrolling accounted for), or None between columns."""
        widths = layout(self.scrollable_content_region.width)
        fixed = COLUMNS[0].width + GAP
        if x >= fixed:
            x += self.scroll_offset.x
        start = 0
        for column, w in zip(COLUMNS, widths, strict=True):
            if start + GAP <= x < start + GAP + w:
                return column.field
            start += GAP + w
        return None

    def on_click(self, event: events.Click) -> None:
        """A header click sorts by that column; a row click highlights, a second one opens."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            field = self.column_at(offset.x)
            if field is not None:
                column = COLUMNS[FIELDS.index(field)]
                same = self._sort is not None and self._sort[0] == field
                self.sort_by(field, not self._sort[1] if same and self._sort
                             else column.descending_first)  # fmt: skip
            return
        row = self.scroll_offset.y + offset.y - 1
        if row >= self.row_count:
            return
        if row == self.cursor_row:  # like DataTable since 7.5: a second click chooses
            self.action_select_row()
        else:
            self.cursor_row = row
