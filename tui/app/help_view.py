"""HelpView: every key of the dashboard and the app, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

EXTRA_KEYS = (
    ("tab / shift+tab", "move focus through every pane and control"),
    ("enter", "in the screener table: open the stock's detail; in the query line: run it"),
    ("escape", "back from a detail or help view"),
    ("ctrl+p", "command palette"),
    ("ctrl+q", "quit"),
)
"""Keys handled by widgets or Textual itself rather than our BINDINGS."""


def key_table(bindings: list[tuple[str, str]]) -> Table:
    """A two-column key → action table."""
    table = Table(box=None, padding=(0, 2, 0, 0), show_header=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, text in bindings:
        table.add_row(Text(key), Text(text))
    return table


class HelpView(ModalScreen[None]):
    """The keys, as a modal over the dashboard."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close", id="close-help"),
    ]
    """escape, ? or q close the help."""

    def __init__(self, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        """A bordered box with the key table."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes"
            yield Static(key_table([*self.bindings, *EXTRA_KEYS]))
