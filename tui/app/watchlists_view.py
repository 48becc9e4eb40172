"""WatchlistsView: every watchlist, its entries with the return since each was added.

The view renders `WatchlistRows` the App computed in a worker and asks the App, by message, to
change the store (add, remove) or to limit the screener to a list; it never touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.app.panes.base import pct
from tui.app.stock_data import EntryRow, WatchlistRows

COLUMNS = (
    ("Symbol", "symbol", 11),
    ("Name", "name", 26),
    ("Added on", "added_on", 11),
    ("Added at", "added_price", 10),
    ("Close", "close", 10),
    ("Since added", "since_added", 11),
)
"""Label, column key and width of the entries table."""


def _price(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim", justify="right")
    return Text(f"{value:,.2f}", justify="right")


def entry_cells(row: EntryRow) -> list[Text]:
    """One table row's cells (Text, so names are never read as markup)."""
    return [
        Text(row.symbol, style="bold"),
        Text(row.name or "—", overflow="ellipsis", no_wrap=True),
        Text("—" if row.added_on is None else f"{row.added_on:%d %b %Y}"),
        _price(row.added_price),
        _price(row.close),
        pct(row.since_added),
    ]


class WatchlistsView(Screen[None]):
    """Lists on the left, the chosen list's entries on the right, an add line under them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding(
            "delete,x",
            "remove_entry",
            "Remove",
            tooltip="Remove the highlighted stock from the list",
            id="remove-from-watchlist",
        ),
        Binding("a", "add_entry", "Add", tooltip="Add a symbol to the list", id="add-symbol"),
        Binding(
            "l",
            "limit_screener",
            "Screen it",
            tooltip="Limit the screener to this list",
            id="limit-screener",
        ),
        Binding(
            "left_square_bracket",
            "cycle(-1)",
            "Prev list",
            tooltip="Show the previous list",
            id="previous-watchlist",
            show=False,
            key_display="[",
        ),
        Binding(
            "right_square_bracket",
            "cycle(1)",
            "Next list",
            tooltip="Show the next list",
            id="next-watchlist",
            show=False,
            key_display="]",
        ),
    ]
    """Keys of the watchlists view; none is priority, so the add line takes every letter."""

    current: reactive[str | None] = reactive(None, bindings=True)
    """The name of the list shown."""

    @dataclass
    class RemoveRequested(Message):
        """Remove `symbol` from the list `name`."""

        name: str
        symbol: str

    @dataclass
    class AddRequested(Message):
        """Add `symbol` to the list `name`."""

        name: str
        symbol: str

    @dataclass
    class LimitRequested(Message):
        """Limit the screener to the list `name`."""

        name: str
        symbols: list[str]

    def __init__(self, lists: list[WatchlistRows], current: str | None = None) -> None:
        """Show `lists`, starting on `current` (else the first)."""
        super().__init__()
        self.lists = lists
        self._start = current

    def compose(self) -> ComposeResult:
        """Header, the names and the entries side by side, footer."""
        yield Header()
        with Horizontal(id="watchlists-body"):
            names = OptionList(id="watchlist-names")
            names.border_title = "Watchlists"
            yield names
            with Vertical(id="watchlist-side"):
                table: DataTable[Text] = DataTable(
                    id="watchlist-entries", cursor_type="row", zebra_stripes=True
                )
                for label, key, width in COLUMNS:
                    table.add_column(label, key=key, width=width)
                yield table
                yield Input(placeholder="symbol to add (Enter)", id="watchlist-add", compact=True)
                yield Static("", id="watchlist-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        """Fill in the lists and focus the entries."""
        self.sub_title = "watchlists"
        self.show(self.lists, self._start)
        self.query_one("#watchlist-entries").focus()

    def show(self, lists: list[WatchlistRows], current: str | None = None) -> None:
        """Show new lists, staying on `current` (else the list shown, else the first)."""
        self.lists = lists
        names = [w.name for w in lists]
        wanted = current or self.current
        pick = wanted if wanted in names else (names[0] if names else None)
        options = self.query_one("#watchlist-names", OptionList)
        options.set_options(Option(Text(name), id=name) for name in names)
        if pick is not None:
            options.highlighted = names.index(pick)
        self.current = pick
        self._fill()

    def _watchlist(self) -> WatchlistRows | None:
        return next((w for w in self.lists if w.name == self.current), None)

    def _fill(self) -> None:
        table = self.query_one("#watchlist-entries", DataTable)
        shown = self._watchlist()
        cursor = table.cursor_row
        table.clear()
        status = self.query_one("#watchlist-status", Static)
        if shown is None:
            table.border_title = ""
            status.update("no watchlists yet: press w on a stock, or a and type a symbol")
            return
        for row in shown.rows:
            table.add_row(*entry_cells(row), key=row.symbol)
        if shown.rows:
            table.move_cursor(row=min(cursor, len(shown.rows) - 1))
        count = len(shown.rows)
        status.update(f"{shown.name}: {count} stock{'' if count == 1 else 's'}")

    @on(OptionList.OptionHighlighted, "#watchlist-names")
    def _switched(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id != self.current:
            self.current = event.option.id
            self._fill()

    def action_cycle(self, step: int) -> None:
        """Show the next (1) or previous (-1) list."""
        names = [w.name for w in self.lists]
        if not names:
            return
        i = names.index(self.current) if self.current in names else 0
        self.query_one("#watchlist-names", OptionList).highlighted = (i + step) % len(names)

    @property
    def highlighted_symbol(self) -> str | None:
        """The symbol under the entries' cursor, if any."""
        table = self.query_one("#watchlist-entries", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Remove and limit need a list (and remove an entry); dimmed otherwise."""
        if action in ("remove_entry", "limit_screener", "add_entry"):
            return True if self._watchlist() is not None or action == "add_entry" else None
        return True

    def action_remove_entry(self) -> None:
        """Ask the App to remove the highlighted stock from the list."""
        symbol = self.highlighted_symbol
        if self.current is not None and symbol is not None:
            self.post_message(self.RemoveRequested(self.current, symbol))

    def action_add_entry(self) -> None:
        """Focus the add line."""
        self.query_one("#watchlist-add", Input).focus()

    @on(Input.Submitted, "#watchlist-add")
    def _add(self, event: Input.Submitted) -> None:
        event.stop()
        symbol = event.value.strip().upper()
        if not symbol:
            return
        event.input.value = ""
        self.post_message(self.AddRequested(self.current or "Watchlist", symbol))
        self.query_one("#watchlist-entries").focus()

    def action_limit_screener(self) -> None:
        """Ask the App to screen only this list's stocks."""
        shown = self._watchlist()
        if shown is not None:
            self.post_message(self.LimitRequested(shown.name, shown.symbols))

    @property
    def current_symbol(self) -> str | None:
        """The stock `w` acts on here: the highlighted entry."""
        return self.highlighted_symbol
