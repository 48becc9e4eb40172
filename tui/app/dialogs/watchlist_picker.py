"""WatchlistPicker: which watchlist a stock goes on (an existing one, or a new name)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.store.atomic import StoreError, validate_name

NEW_LIST_NAME = "Watchlist"
"""The name offered when there is no list yet."""


class WatchlistPicker(ModalScreen[str | None]):
    """Pick a list (the last used is highlighted) or type a new name; dismisses with the name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-pick"),
    ]
    """escape closes without adding."""

    def __init__(self, symbol: str, names: list[str], default: str | None) -> None:
        """Ask where `symbol` goes.

        Args:
            symbol: the stock being added (shown in the title).
            names: the existing lists, in the file's order.
            default: the list highlighted first (the last used).
        """
        super().__init__()
        self.symbol = symbol
        self.names = names
        self.default = default if default in names else (names[0] if names else None)

    def compose(self) -> ComposeResult:
        """The lists, a new-name line and an error line, in a box."""
        with Vertical(id="picker-box") as box:
            box.border_title = f"Add {self.symbol} to a watchlist"
            box.border_subtitle = "enter picks · escape cancels"
            if self.names:
                yield OptionList(
                    *(Option(Text(name), id=name) for name in self.names), id="picker-lists"
                )
            yield Input(
                "" if self.names else NEW_LIST_NAME,
                placeholder="or a new list's name (Enter)",
                id="picker-new",
                compact=True,
            )
            yield Static("", id="picker-error", markup=False)

    def on_mount(self) -> None:
        """Highlight the default list, or focus the name line when there is none."""
        if self.names:
            options = self.query_one("#picker-lists", OptionList)
            assert self.default is not None
            options.highlighted = self.names.index(self.default)
            options.focus()
        else:
            self.query_one("#picker-new", Input).focus()

    @on(OptionList.OptionSelected, "#picker-lists")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#picker-new")
    def _named(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = validate_name(event.value.strip(), "watchlist name")
        except StoreError as exc:
            self.query_one("#picker-error", Static).update(str(exc))
            return
        existing = next((n for n in self.names if n.casefold() == name.casefold()), None)
        self.dismiss(existing or name)

    def action_cancel(self) -> None:
        """Close without a choice."""
        self.dismiss(None)
