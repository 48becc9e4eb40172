"""Screener pane: the query line, the selectors, a status line and the table of matching stocks.

The selectors and the typed query combine with AND into one query of the screening language
(`query_text`); the App evaluates it and hands the rows back (`show_rows`). The pane asks the
App, by message, to run, save or export; it never evaluates or writes anything itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import pandas as pd
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select, Static

from tui.app.panes.base import Pane
from tui.app.widgets.screener_table import ScreenerTable
from tui.app.widgets.selectors import ScreenerSelectors, combine, typed_offset

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard

__all__ = ["ScreenerPane", "ScreenerTable"]

QUERY_SCREEN = "query"
"""The screen name of rows that come from no saved or built-in screen (export file names)."""

_COLUMN = re.compile(r"^col (\d+): ")


class ScreenerPane(Pane):
    """Query line and selectors over a table of the stocks that match them (Enter runs)."""

    NUMBER = 6
    TITLE = "Screener"
    can_focus = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "s",
            "save_screen",
            "Save",
            tooltip="Save the current screen under a name",
            id="save-screen",
        ),
        Binding(
            "e",
            "export_rows",
            "Export",
            tooltip="Export the screener's rows to ./<screen>-<as_of>.csv",
            id="export-rows",
        ),
    ]
    """Screen keys (design.md §5); not priority, so the query line takes `s` and `e`."""

    @dataclass
    class QuerySubmitted(Message):
        """The user ran a query (query line, selector or a loaded screen)."""

        pane: ScreenerPane
        text: str
        """The combined query (selectors AND the typed query)."""

        @property
        def control(self) -> ScreenerPane:
            """The pane the query came from."""
            return self.pane

    @dataclass
    class StockChosen(Message):
        """The user chose a row (Enter on the table)."""

        pane: ScreenerPane
        symbol: str

        @property
        def control(self) -> ScreenerPane:
            """The pane the choice came from."""
            return self.pane

    @dataclass
    class SaveRequested(Message):
        """The user wants the current screen saved (`s`); the App asks the name and writes."""

        pane: ScreenerPane
        query: str
        name: str
        """The screen's current name ("" for an ad-hoc query)."""

        @property
        def control(self) -> ScreenerPane:
            """The pane to save."""
            return self.pane

    @dataclass
    class ExportRequested(Message):
        """The user wants the rows written to CSV (`e`), in the table's order."""

        pane: ScreenerPane
        rows: pd.DataFrame
        screen: str
        """The screen's name, or "query"."""

        @property
        def control(self) -> ScreenerPane:
            """The pane to export."""
            return self.pane

    def __init__(self, *, id: str, query: str = "") -> None:
        super().__init__(id=id)
        self._initial_query = query
        self._screen: tuple[str, str] | None = None
        """(name, combined query) of the loaded or saved screen."""

    def compose(self) -> ComposeResult:
        """Query line; selectors beside the status line; table."""
        yield Input(
            self._initial_query,
            placeholder="query, e.g. call >= buy AND ret 1m > 5%   (Enter runs it)",
            id="query-line",
            compact=True,
        )
        with Horizontal(id="screener-bar"):
            yield ScreenerSelectors(id="screener-selectors")
            yield Static(Text(""), id="query-status")
        yield ScreenerTable(id="screener-table")

    # --- what the App reads ----------------------------------------------------------------

    @property
    def typed_query(self) -> str:
        """The query line's text."""
        return self.query_one("#query-line", Input).value.strip()

    @property
    def query_text(self) -> str:
        """The effective query: the selectors' clauses AND the typed query ("" = every stock)."""
        return combine(self.selectors.clauses(), self.typed_query)

    @property
    def screen_name(self) -> str:
        """The loaded or saved screen's name while its query is unchanged, else "query"."""
        if self._screen is not None and self._screen[1] == self.query_text:
            return self._screen[0]
        return QUERY_SCREEN

    @property
    def highlighted_symbol(self) -> str | None:
        """The stock under the table's cursor."""
        return self.table.highlighted_symbol

    @property
    def table(self) -> ScreenerTable:
        """The results table."""
        return self.query_one(ScreenerTable)

    @property
    def selectors(self) -> ScreenerSelectors:
        """The rating, technical, sector and cap pickers."""
        return self.query_one(ScreenerSelectors)

    # --- what the App calls ----------------------------------------------------------------

    def show(self, dashboard: Dashboard) -> None:
        """Nothing to draw from the dashboard itself: rows come from `show_rows`."""

    def show_rows(self, rows: pd.DataFrame, echo: str) -> None:
        """Fill the table and say what it holds."""
        self.table.show(rows)
        status = Text(f"{len(rows):,} stocks", style="bold")
        if echo:
            status.append(f" · {echo}", style="dim")
        status.no_wrap, status.overflow = True, "ellipsis"
        self.query_one("#query-status", Static).update(status)
        self.remove_class("-error")
        self.refresh_bindings()

    def show_error(self, message: str) -> None:
        """Say why the query failed (columns counted in the query line); the rows stay."""
        offset = typed_offset(self.selectors.clauses())
        match = _COLUMN.match(message)
        if offset and match and int(match[1]) > offset:
            message = f"col {int(match[1]) - offset}: {message[match.end() :]}"
        status = Text(message, style="bold red", no_wrap=True, overflow="ellipsis")
        self.query_one("#query-status", Static).update(status)
        self.add_class("-error")

    def set_sectors(self, sectors: list[str]) -> None:
        """Offer the loaded universe's sectors in the sector selector."""
        self.selectors.set_sectors(sectors)

    def load_screen(self, name: str, query: str) -> None:
        """Put a saved or built-in screen's query in the line, clear the selectors, run it.

        Args:
            name: the screen's name (export files are named after it).
            query: its query.
        """
        self.query_one("#query-line", Input).value = query.strip()
        self.selectors.clear()
        self._screen = (name, self.query_text)
        self.post_message(self.QuerySubmitted(self, self.query_text))

    def screen_saved(self, name: str, query: str) -> None:
        """The App saved `query` as `name`: rows of that query now belong to that screen."""
        self._screen = (name, query)

    # --- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Export needs rows, save a query: dimmed otherwise."""
        if action == "export_rows" and not self.table.row_count:
            return None
        if action == "save_screen" and not self.query_text:
            return None
        return True

    def action_save_screen(self) -> None:
        """Ask the App to save the current screen (it asks for the name)."""
        name = self.screen_name
        self.post_message(
            self.SaveRequested(self, self.query_text, "" if name == QUERY_SCREEN else name)
        )

    def action_export_rows(self) -> None:
        """Ask the App to write the rows, in the table's order, to CSV."""
        if self.table.row_count:
            self.post_message(self.ExportRequested(self, self.table.frame, self.screen_name))

    @on(Input.Submitted, "#query-line")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.QuerySubmitted(self, self.query_text))

    @on(Input.Changed, "#query-line")
    def _typing(self) -> None:
        self.refresh_bindings()

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.QuerySubmitted(self, self.query_text))

    @on(ScreenerTable.RowSelected, "#screener-table")
    def _choose(self, event: ScreenerTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.StockChosen(self, event.symbol))
