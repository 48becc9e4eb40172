"""DashboardView: the six panes in a grid that reflows between narrow and wide terminals."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from tui.app.panes import (
    BreadthPane,
    EarningsPane,
    IndexPane,
    MoversPane,
    Pane,
    ScreenerPane,
    UpgradesPane,
)

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard

_PANES = Binding.Group("Pane", compact=True)

PANE_IDS = ("index", "breadth", "movers", "upgrades", "earnings", "screener")
"""Pane ids in key order: key N focuses PANE_IDS[N - 1]."""


class DashboardView(Screen[None]):
    """The dashboard: Index, Breadth, Movers, Upgrades, Earnings and Screener panes."""

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 - Textual declares it on Screen
        (0, "-narrow"),
        (110, "-wide"),
    ]
    """Under 110 columns the grid has two columns and scrolls; from 110 it fills the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "app.focus('index')",
            "Index",
            tooltip="Focus the Index pane",
            id="focus-index",
            group=_PANES,
        ),
        Binding(
            "2",
            "app.focus('breadth')",
            "Breadth",
            tooltip="Focus the Breadth pane",
            id="focus-breadth",
            group=_PANES,
        ),
        Binding(
            "3",
            "app.focus('movers')",
            "Movers",
            tooltip="Focus the Movers pane",
            id="focus-movers",
            group=_PANES,
        ),
        Binding(
            "4",
            "app.focus('upgrades')",
            "Upgrades",
            tooltip="Focus the Upgrades pane",
            id="focus-upgrades",
            group=_PANES,
        ),
        Binding(
            "5",
            "app.focus('earnings')",
            "Earnings",
            tooltip="Focus the Earnings pane",
            id="focus-earnings",
            group=_PANES,
        ),
        # The screener pane is a container; its table is where the keys act.
        Binding(
            "6",
            "app.focus('screener-table')",
            "Screener",
            tooltip="Focus the Screener pane",
            id="focus-screener",
            group=_PANES,
        ),
        Binding(
            "slash",
            "app.focus('query-line')",
            "Query",
            tooltip="Type a screener query",
            id="focus-query",
            key_display="/",
        ),
    ]
    """Pane keys of design.md §5; none is priority, so the query line can take them."""

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self._query = query

    def compose(self) -> ComposeResult:
        """Header, the pane grid in a scroll (for narrow terminals), footer."""
        yield Header()
        with VerticalScroll(id="dashboard-scroll") as scroll:
            scroll.can_focus = False
            with Grid(id="dashboard"):
                yield IndexPane(id="index")
                yield BreadthPane(id="breadth")
                yield MoversPane(id="movers")
                yield UpgradesPane(id="upgrades")
                yield EarningsPane(id="earnings")
                yield ScreenerPane(id="screener", query=self._query)
        with Horizontal(id="load-progress"):
            yield Static("", id="load-stage", markup=False)
            yield ProgressBar(id="load-bar", show_eta=False)
        yield Footer()

    @property
    def panes(self) -> list[Pane]:
        """The six panes, in key order."""
        return [self.query_one(f"#{pane_id}", Pane) for pane_id in PANE_IDS]

    @property
    def screener(self) -> ScreenerPane:
        """The screener pane."""
        return self.query_one(ScreenerPane)

    def set_loading(self, loading: bool, *, screener: bool = True) -> None:
        """Show or clear every pane's loading state (the screener's only if asked)."""
        for pane in self.panes:
            if screener or not isinstance(pane, ScreenerPane):
                pane.loading = loading

    def show_progress(self, stage: str, done: float | None) -> None:
        """Show the load's progress bar: its stage, and the fraction done (None: unknown)."""
        self.query_one("#load-stage", Static).update(stage)
        bar = self.query_one("#load-bar", ProgressBar)
        if done is None:
            bar.update(total=None)
        else:
            bar.update(total=100, progress=round(max(0.0, min(done, 1.0)) * 100))
        self.query_one("#load-progress").add_class("-loading")

    def hide_progress(self) -> None:
        """The load ended (with data or a failure)."""
        self.query_one("#load-progress").remove_class("-loading")

    def show_dashboard(self, dashboard: Dashboard, freshness: str) -> None:
        """Hand each pane the new dashboard; the screener's rows follow separately."""
        for pane in self.panes:
            pane.show(dashboard)
            pane.set_freshness(freshness)
            pane.remove_class("-stale")
            if not isinstance(pane, ScreenerPane):
                pane.loading = False

    def mark_stale(self) -> None:
        """The last refresh failed: keep the data, say it is old."""
        for pane in self.panes:
            pane.loading = False
            if pane.border_subtitle:
                pane.add_class("-stale")
                if "stale" not in str(pane.border_subtitle):
                    pane.set_freshness(f"{pane.border_subtitle} · stale")
