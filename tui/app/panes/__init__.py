"""The six dashboard panes (design.md §5): each renders what it is handed, nothing more."""

from tui.app.panes.base import Pane
from tui.app.panes.breadth import BreadthPane
from tui.app.panes.earnings import EarningsPane
from tui.app.panes.index import IndexPane
from tui.app.panes.movers import MoversPane
from tui.app.panes.screener import ScreenerPane
from tui.app.panes.upgrades import UpgradesPane

__all__ = [
    "BreadthPane",
    "EarningsPane",
    "IndexPane",
    "MoversPane",
    "Pane",
    "ScreenerPane",
    "UpgradesPane",
]
