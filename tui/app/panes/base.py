"""Pane: a numbered, focusable, scrollable dashboard box, and the display helpers panes share."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.events import Mount
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard

GRADE_STYLE = {
    "Strong Buy": "bold green",
    "Buy": "green",
    "Hold": "yellow",
    "Sell": "red",
    "Strong Sell": "bold red",
    "Bullish": "green",
    "Mildly Bullish": "green",
    "Sideways": "yellow",
    "Mildly Bearish": "red",
    "Bearish": "red",
    "Outstanding": "bold green",
    "Very Positive": "green",
    "Positive": "green",
    "Flat": "yellow",
    "Negative": "red",
    "Very Negative": "bold red",
}
"""Display style of a grade word; unknown words stay plain."""


def is_missing(x: Any) -> bool:
    """True for None, NaN and pandas' missing values."""
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def pct(x: Any, digits: int = 2) -> Text:
    """A signed percent, green up and red down, "n/a" when missing (right-justified)."""
    if is_missing(x):
        return Text("n/a", style="dim", justify="right")
    value = float(x)
    style = "green" if value > 0 else "red" if value < 0 else ""
    return Text(f"{value:+.{digits}f}%", style=style, justify="right")


def grade(word: Any) -> Text:
    """A grade word in its colour; missing → "—"."""
    if not isinstance(word, str) or not word:
        return Text("—", style="dim")
    return Text(word, style=GRADE_STYLE.get(word, ""))


class CalmLoadingIndicator(LoadingIndicator):
    """Textual's loading indicator at 4 frames a second instead of 16.

    Six panes animating at 16 fps while the first load runs cost about 0.4 s of the 2 s launch
    budget on a 2-core machine: the animation shares the interpreter with the load worker.
    """

    def _on_mount(self, event: Mount) -> None:
        super()._on_mount(event)
        self.auto_refresh = 1 / 4


class Pane(ScrollableContainer):
    """One numbered dashboard pane: border title "N Name", freshness in the border subtitle.

    Subclasses set NUMBER and TITLE and implement `show(dashboard)`; the App sets `loading`
    while a load is in flight and calls `show` with each new dashboard.
    """

    NUMBER: ClassVar[int] = 0
    """The key that focuses the pane (design.md §5)."""
    TITLE: ClassVar[str] = ""
    """The pane's name in its border title."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.border_title = f"{self.NUMBER} {self.TITLE}"

    def get_loading_widget(self) -> Widget:
        """The pane's loading state: a calm indicator (see CalmLoadingIndicator)."""
        return CalmLoadingIndicator()

    def set_freshness(self, text: str) -> None:
        """Show where the data came from and how old it is ("as of 10 Feb 2026 · demo")."""
        self.border_subtitle = text

    def show(self, dashboard: Dashboard) -> None:
        """Render the pane's part of a new dashboard."""
        raise NotImplementedError


class TextPane(Pane):
    """A pane whose whole body is one Rich renderable in a Static."""

    def compose(self) -> ComposeResult:
        """One body, filled by `show`."""
        yield Static(Text("…", style="dim"), classes="pane-body")

    def show(self, dashboard: Dashboard) -> None:
        """Render the pane's part of a new dashboard."""
        self.query_one(".pane-body", Static).update(self.render_body(dashboard))

    def render_body(self, dashboard: Dashboard) -> RenderableType:
        """The body for one dashboard."""
        raise NotImplementedError
