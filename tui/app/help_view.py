"""HelpView: every key of the app, the dashboard, the screener and the other views.

The rows are read from the live classes' `BINDINGS` (with the user's `[keys]` remappings
applied), so a binding added anywhere shows up here without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

EXTRA_KEYS = (
    ("tab / shift+tab", "move focus through every pane and control"),
    ("enter", "in the query line: run it; on a list: pick it"),
    ("ctrl+p", "command palette: stocks, screens, source, theme, refresh"),
    ("ctrl+q", "quit"),
)
"""Keys handled by widgets or Textual itself rather than our BINDINGS."""

Section = tuple[str, list[tuple[str, str]]]
"""A heading and its (key, what it does) rows."""


def own_bindings(classes: Iterable[type]) -> list[Binding]:
    """The Binding objects dalal's classes declare (Textual's own widgets are left out)."""
    out: list[Binding] = []
    seen: set[type] = set()
    for cls in classes:
        for klass in cls.__mro__:
            if klass in seen or not klass.__module__.startswith("tui."):
                continue
            seen.add(klass)
            for binding in klass.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    out.extend(Binding.make_bindings([binding]))
    return out


def binding_rows(
    app: App[Any], bindings: Iterable[Binding], keymap: Mapping[str, str]
) -> list[tuple[str, str]]:
    """(keys, description) per binding id, keys remapped by `keymap` and joined with " / "."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if not binding.show and not binding.tooltip and not binding.id:
            continue  # plain cursor movement
        key = binding
        if binding.id and binding.id in keymap:
            key = replace(binding, key=keymap[binding.id], key_display=None)
        display = app.get_key_display(key)
        slot = binding.id or f"{binding.action}:{binding.description}"
        keys, _ = rows.setdefault(slot, ([], binding.tooltip or binding.description))
        for part in display.split(","):
            if part.strip() and part.strip() not in keys:
                keys.append(part.strip())
    return [(" / ".join(keys), text) for keys, text in rows.values()]


def node_classes(root: DOMNode) -> list[type]:
    """The classes of a node and everything under it, once each, in DOM order."""
    classes: list[type] = []
    for node in [root, *root.query("*")]:
        if type(node) not in classes:
            classes.append(type(node))
    return classes


def help_sections(
    app: App[Any], views: list[tuple[str, list[type]]], keymap: Mapping[str, str]
) -> list[Section]:
    """One section per (title, classes whose BINDINGS it lists)."""
    return [(title, binding_rows(app, own_bindings(classes), keymap)) for title, classes in views]


def key_table(sections: list[Section]) -> Table:
    """A two-column key → action table with a heading row per section."""
    table = Table(box=None, padding=(0, 2, 0, 0), show_header=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for i, (heading, rows) in enumerate(sections):
        if i:
            table.add_row("", "")
        table.add_row(Text(heading, style="bold underline"), "")
        for key, text in rows:
            table.add_row(Text(key), Text(text))
    return table


class HelpView(ModalScreen[None]):
    """The keys, as a modal over the current view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close", id="close-help"),
    ]
    """escape, ? or q close the help."""

    def __init__(self, sections: list[Section]) -> None:
        """Show `sections` (then the keys Textual handles itself)."""
        super().__init__()
        self.sections = [*sections, ("Textual", list(EXTRA_KEYS))]

    @property
    def bindings(self) -> list[tuple[str, str]]:
        """Every (key, description) row shown, in order."""
        return [row for _, rows in self.sections for row in rows]

    def compose(self) -> ComposeResult:
        """A bordered box with the key table."""
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "escape closes"
            yield Static(key_table(self.sections))
