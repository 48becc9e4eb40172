"""Messages the workers post to the App: past tense, each carrying the request it answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from textual.message import Message

if TYPE_CHECKING:
    from tui.app.stock_data import StockDetail, WatchlistRows
    from tui.market.analysis import Analysis
    from tui.market.dashboard import Dashboard


@dataclass(frozen=True)
class QueryRequest:
    """One evaluation of the screener's query against one load of the data."""

    load: int
    """The load generation the rows must come from."""
    text: str
    """The query as typed ("" means every stock)."""


class MarketLoaded(Message):
    """The load worker has the data and its analysis."""

    def __init__(self, generation: int, analysis: Analysis) -> None:
        super().__init__()
        self.generation = generation
        self.analysis = analysis


class DashboardComputed(Message):
    """The analytics worker has the dashboard model of one load."""

    def __init__(self, generation: int, analysis: Analysis, dashboard: Dashboard) -> None:
        super().__init__()
        self.generation = generation
        self.analysis = analysis
        self.dashboard = dashboard


class RowsEvaluated(Message):
    """The screening worker has the rows that match a query."""

    def __init__(self, request: QueryRequest, rows: pd.DataFrame, echo: str) -> None:
        super().__init__()
        self.request = request
        self.rows = rows
        self.echo = echo


class QueryFailed(Message):
    """The query did not parse or could not be evaluated; the table stays as it was."""

    def __init__(self, request: QueryRequest, error: str) -> None:
        super().__init__()
        self.request = request
        self.error = error


class StockExplained(Message):
    """The detail worker has one stock's explanation (`tui.market.explain.explain`)."""

    def __init__(
        self, symbol: str, explanation: dict[str, Any], detail: StockDetail | None = None
    ) -> None:
        super().__init__()
        self.symbol = symbol
        self.explanation = explanation
        self.detail = detail
        """The chart, results and next meeting (tui.app.stock_data)."""


class LoadProgressed(Message):
    """A load reached a stage; a burst collapses into the newest (`can_replace`)."""

    def __init__(self, generation: int, stage: str, done: float | None) -> None:
        super().__init__()
        self.generation = generation
        self.stage = stage
        """What the loader is doing ("analysing 1,211 stocks")."""
        self.done = done
        """Fraction done, 0–1; None when unknown."""

    def can_replace(self, message: Message) -> bool:
        """A newer progress report of the same load replaces an older one still queued."""
        return isinstance(message, LoadProgressed) and message.generation == self.generation


class WatchlistsLoaded(Message):
    """The watchlists worker has read the store (after any change it made)."""

    def __init__(self, lists: list[WatchlistRows], last_used: str | None) -> None:
        super().__init__()
        self.lists = lists
        """Every watchlist with its entries' rows, in the file's order."""
        self.last_used = last_used
        """The list last chosen in the TUI, if it still exists."""


class ScreensLoaded(Message):
    """The screens worker has the built-in and saved screens (for the command palette)."""

    def __init__(self, screens: list[Any], problems: list[str]) -> None:
        super().__init__()
        self.screens = screens
        """`tui.screening.presets.Screen` values, built-in first."""
        self.problems = problems
        """One sentence per saved screen that could not be read."""


class SectorsListed(Message):
    """The screening worker has the sectors of the universe a query ran on (for the selector)."""

    def __init__(self, request: QueryRequest, sectors: list[str]) -> None:
        super().__init__()
        self.request = request
        self.sectors = sectors


class ScreenSaved(Message):
    """The store worker wrote a saved screen."""

    def __init__(self, name: str, query: str, path: str) -> None:
        super().__init__()
        self.name = name
        self.query = query
        self.path = path


class RowsExported(Message):
    """The export worker wrote the screener's rows to a CSV file."""

    def __init__(self, path: str, count: int) -> None:
        super().__init__()
        self.path = path
        self.count = count
