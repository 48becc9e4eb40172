"""Screener pane: the query line, its status or error, and the table of matching stocks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from tui.app.panes.base import Pane, grade, pct
from tui.screening.output import DEFAULT_COLUMNS

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard

COLUMNS: dict[str, tuple[str, int | None]] = {
    "symbol": ("Symbol", 10),
    "name": ("Name", 22),
    "close": ("Close", 9),
    "ret_1d": ("1D %", 7),
    "score": ("Score", 5),
    "call": ("Call", 11),
    "technical": ("Technical", 14),
    "fin_trend": ("Fin. trend", 13),
    "sector": ("Sector", 18),
    "mcap_class": ("Cap", 5),
}
"""Field id → (label, width) of the table's columns: DEFAULT_COLUMNS, the grades before the
sector so they stay on screen at 120 columns."""

GRADE_FIELDS = frozenset({"call", "technical", "fin_trend"})
assert set(COLUMNS) == set(DEFAULT_COLUMNS)


def _cell(field: str, value: Any, symbol: str) -> Text:
    """A display cell: Text always, so names are never parsed as markup."""
    if field == "symbol":
        return Text(symbol, style="bold")
    if field in GRADE_FIELDS:
        return grade(None if _missing(value) else str(value))
    if field == "ret_1d":
        return pct(value)
    if _missing(value):
        return Text("—", style="dim", justify="right")
    if field == "close":
        return Text(f"{float(value):,.2f}", justify="right")
    if field == "score":
        return Text(f"{float(value):.0f}", justify="right")
    return Text(str(value), overflow="ellipsis", no_wrap=True)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


class ScreenerTable(DataTable[Text]):
    """The matching stocks: row key = symbol, column keys = field ids."""

    def on_mount(self) -> None:
        """Columns keyed by field id."""
        for field, (label, width) in COLUMNS.items():
            self.add_column(label, key=field, width=width)

    def show(self, rows: pd.DataFrame) -> None:
        """Replace the rows with the frame's (indexed by symbol, in display order)."""
        with self.app.batch_update():
            self.clear()
            columns = {f: rows[f].tolist() if f in rows.columns else None for f in COLUMNS}
            for i, symbol in enumerate(rows.index.astype(str)):
                cells = [
                    _cell(f, None if values is None else values[i], symbol)
                    for f, values in columns.items()
                ]
                self.add_row(*cells, key=symbol)

    @property
    def highlighted_symbol(self) -> str | None:
        """The symbol under the cursor, if any."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    @property
    def symbols(self) -> list[str]:
        """Every row's symbol, in display order."""
        return [str(row.key.value) for row in self.ordered_rows]


class ScreenerPane(Pane):
    """Query line over a table of the stocks that match it (Enter runs the query)."""

    NUMBER = 6
    TITLE = "Screener"
    can_focus = False

    @dataclass
    class QuerySubmitted(Message):
        """The user ran a query from the query line."""

        pane: ScreenerPane
        text: str

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

    def __init__(self, *, id: str, query: str = "") -> None:
        super().__init__(id=id)
        self._initial_query = query

    def compose(self) -> ComposeResult:
        """Query line, status line, table."""
        yield Input(
            self._initial_query,
            placeholder="query, e.g. call >= buy AND ret 1m > 5%   (Enter runs it)",
            id="query-line",
            compact=True,
        )
        yield Static(Text(""), id="query-status")
        table = ScreenerTable(id="screener-table", cursor_type="row", zebra_stripes=True)
        table.fixed_columns = 2
        yield table

    @property
    def query_text(self) -> str:
        """The query as typed."""
        return self.query_one("#query-line", Input).value.strip()

    @property
    def table(self) -> ScreenerTable:
        """The results table."""
        return self.query_one(ScreenerTable)

    def show(self, dashboard: Dashboard) -> None:
        """Nothing to draw from the dashboard itself: rows come from `show_rows`."""

    def show_rows(self, rows: pd.DataFrame, echo: str) -> None:
        """Fill the table and say what it holds."""
        self.table.show(rows)
        status = Text(f"{len(rows):,} stocks", style="bold")
        if echo:
            status.append(f" · {echo}", style="dim")
        self.query_one("#query-status", Static).update(status)
        self.remove_class("-error")

    def show_error(self, message: str) -> None:
        """Say why the query failed; the table keeps its rows."""
        self.query_one("#query-status", Static).update(Text(message, style="bold red"))
        self.add_class("-error")

    @on(Input.Submitted, "#query-line")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.QuerySubmitted(self, event.value.strip()))

    @on(DataTable.RowSelected, "#screener-table")
    def _choose(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.StockChosen(self, str(event.row_key.value)))
