"""SaveScreenDialog: asks for the name to save the screener's current screen under.

The dialog only asks; the App checks the name (through the `check` it passes in, which applies
`tui.store` rules) and writes the file. A name the check refuses keeps the dialog open with
the reason under the input.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.store.atomic import StoreError, name_key, validate_name

NameCheck = Callable[[str], str | None]
"""A name → why it cannot be used (one sentence), or None when it can."""


class SaveScreenDialog(ModalScreen[str | None]):
    """Name prompt over the dashboard: Enter saves, Escape cancels (dismisses with None)."""

    DEFAULT_CSS = """
    SaveScreenDialog {
        align: center middle;
        & > #save-screen-box {
            width: 72;
            max-width: 100%;
            height: auto;
            border: round $accent;
            background: $surface;
            padding: 1 2;
        }
        #save-screen-query { color: $text-muted; margin: 0 0 1 0; }
        #save-screen-error { color: $error; height: auto; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-save-screen"),
    ]
    """Escape closes without saving."""

    def __init__(self, query: str, check: NameCheck, name: str = "") -> None:
        """Build the dialog.

        Args:
            query: the query being saved (shown, never parsed as markup).
            check: the App's name check.
            name: a name to start from (the screen's current name, if any).
        """
        super().__init__()
        self.screen_query = query
        self._check = check
        self.initial_name = name

    def compose(self) -> ComposeResult:
        """Query, name input, error line."""
        with Vertical(id="save-screen-box") as box:
            box.border_title = "Save screen"
            box.border_subtitle = "enter saves · escape cancels"
            yield Static(Text(self.screen_query), id="save-screen-query")
            yield Input(
                self.initial_name,
                placeholder="name (letters, digits, space, _ and -)",
                id="save-screen-name",
            )
            yield Static(Text(""), id="save-screen-error")

    def on_mount(self) -> None:
        """Start in the name input."""
        self.query_one("#save-screen-name", Input).focus()

    def show_error(self, text: str) -> None:
        """Say why the name cannot be used."""
        self.query_one("#save-screen-error", Static).update(Text(text))

    @on(Input.Changed, "#save-screen-name")
    def _typed(self) -> None:
        self.show_error("")

    @on(Input.Submitted, "#save-screen-name")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        problem = self._check(name)
        if problem is not None:
            self.show_error(problem)
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


def screen_name_problem(name: str, builtin: Collection[str]) -> str | None:
    """Why `name` cannot name a saved screen (tui.store rules), or None when it can.

    Args:
        name: the name typed.
        builtin: the built-in screens' names, which a saved screen may not shadow.
    """
    try:
        name = validate_name(name, "screen name", filename=True)
    except StoreError as exc:
        return str(exc)
    if name_key(name) in {name_key(b) for b in builtin}:
        return f"'{name}' is a built-in screen; choose another name"
    return None
