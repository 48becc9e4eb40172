"""Messages the workers post to the App: past tense, each carrying the request it answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from textual.message import Message

if TYPE_CHECKING:
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

    def __init__(self, symbol: str, explanation: dict[str, Any]) -> None:
        super().__init__()
        self.symbol = symbol
        self.explanation = explanation
