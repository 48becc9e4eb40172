"""DalalApp: owns the workers, turns their messages into pane updates, and the global keys.

Workers (thread, one exclusive group per kind) do the loading and computing and post
messages; the handlers here change widgets. One `Worker.StateChanged` handler turns every
worker failure into a notice and keeps the last good data (style.md §3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from tui.app.dashboard_view import DashboardView
from tui.app.detail_view import StockDetailView
from tui.app.help_view import HelpView
from tui.app.loading import Loader, load_analysis
from tui.app.messages import (
    DashboardComputed,
    MarketLoaded,
    QueryFailed,
    QueryRequest,
    RowsEvaluated,
    StockExplained,
)
from tui.app.panes import ScreenerPane

if TYPE_CHECKING:
    from tui.market.analysis import Analysis
    from tui.market.dashboard import Dashboard

Clock = Callable[[], dt.datetime]
"""Returns the current time, timezone-aware (tests pass a fixed one)."""

LOAD_GROUPS = frozenset({"load", "analytics"})


def system_clock() -> dt.datetime:
    """Now, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def day(date: dt.date) -> str:
    """`10 Feb 2026`."""
    return date.strftime("%d %b %Y")


class DalalApp(App[None]):
    """The dalal TUI: the dashboard of one segment on one source."""

    CSS_PATH = "dalal.tcss"
    TITLE = "dalal"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", tooltip="Load the data again", id="refresh"),
        Binding("question_mark", "help", "Help", id="help", key_display="?"),
        Binding("q", "quit", "Quit", id="quit"),
    ]
    """Global keys (design.md §5); ctrl+q is Textual's own quit."""

    def __init__(
        self,
        source: str | None = None,
        *,
        as_of: dt.date | None = None,
        segment: str = "small",
        loader: Loader | None = None,
        clock: Clock | None = None,
        theme: str | None = None,
    ) -> None:
        """Build the app; nothing loads until it is mounted.

        Args:
            source: the source spec (demo, folder:PATH, ...); None for the configured one.
            as_of: the session to analyse; None for the latest.
            segment: small, mid or large.
            loader: (source, as_of, notice) → Analysis, run in a thread worker.
            clock: the time the "loaded at" stamp reads.
            theme: a Textual theme name.
        """
        super().__init__()
        self.source = source
        self.as_of = as_of
        self.segment = segment
        self.loader: Loader = loader or load_analysis
        self.clock: Clock = clock or system_clock
        self._theme_name = theme
        self.generation = 0
        """Bumped by every load; results of older loads are dropped."""
        self.analysis: Analysis | None = None
        """The last good analysis."""
        self.dashboard: Dashboard | None = None
        """The last good dashboard."""
        self.current_query: QueryRequest | None = None
        """The screener request whose rows the table should show."""

    def get_default_screen(self) -> Screen[None]:
        """The dashboard, its query line preset to the segment."""
        return DashboardView(query=f"mcap class = {self.segment}")

    @property
    def dashboard_view(self) -> DashboardView:
        """The dashboard screen (wherever the screen stack is)."""
        view = self.screen_stack[0]
        assert isinstance(view, DashboardView)
        return view

    def on_mount(self) -> None:
        """Apply the theme."""
        if self._theme_name and self._theme_name in self.available_themes:
            self.theme = self._theme_name
        self.sub_title = "loading…"

    def on_ready(self) -> None:
        """Start the first load once the dashboard's panes exist."""
        self.action_refresh()

    # --- loading ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Load the source again (design.md §5 `r`)."""
        self.generation += 1
        self.dashboard_view.set_loading(True, screener=self.analysis is None)
        self.load(self.generation)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False,
          description="Loading market data")  # fmt: skip
    def load(self, generation: int) -> None:
        """Open the source and analyse it."""
        analysis = self.loader(self.source, self.as_of, self._notice_from_thread)
        if not get_current_worker().is_cancelled:
            self.post_message(MarketLoaded(generation, analysis))

    def _notice_from_thread(self, text: str) -> None:
        self.call_from_thread(self.notify, text, severity="warning", markup=False)

    @on(MarketLoaded)
    def _loaded(self, message: MarketLoaded) -> None:
        if message.generation == self.generation:
            self.compute_dashboard(message.generation, message.analysis)

    @work(thread=True, exclusive=True, group="analytics", exit_on_error=False,
          description="Computing the dashboard")  # fmt: skip
    def compute_dashboard(self, generation: int, analysis: Analysis) -> None:
        """Build the dashboard model of the segment."""
        from tui.market.dashboard import build_dashboard

        dashboard = build_dashboard(analysis, self.segment)
        if not get_current_worker().is_cancelled:
            self.post_message(DashboardComputed(generation, analysis, dashboard))

    @on(DashboardComputed)
    def _computed(self, message: DashboardComputed) -> None:
        if message.generation != self.generation:
            return
        self.analysis, self.dashboard = message.analysis, message.dashboard
        data = message.analysis.data
        demo = data.source == "demo"
        self.title = "dalal · DEMO DATA" if demo else "dalal"
        loaded = self.clock().astimezone(ZoneInfo(data.meta.timezone)).strftime("%H:%M")
        stale = " (stale)" if data.stale else ""
        self.sub_title = (
            f"{data.meta.name} · {self.segment} caps · as of {day(message.analysis.as_of)}"
            f" · {data.source}{stale} · loaded {loaded}"
        )
        freshness = f"as of {day(message.analysis.as_of)} · {data.source}{stale}"
        self.dashboard_view.show_dashboard(message.dashboard, freshness)
        self.run_query(self.dashboard_view.screener.query_text)

    # --- screening -------------------------------------------------------------------------

    @on(ScreenerPane.QuerySubmitted)
    def _query_submitted(self, message: ScreenerPane.QuerySubmitted) -> None:
        self.run_query(message.text)

    def run_query(self, text: str) -> None:
        """Evaluate a query against the current analysis (no-op before the first load)."""
        if self.analysis is None:
            return
        self.current_query = QueryRequest(self.generation, text)
        self.dashboard_view.screener.loading = True
        self.evaluate(self.current_query, self.analysis)

    @work(thread=True, exclusive=True, group="screening", exit_on_error=False,
          description="Evaluating query")  # fmt: skip
    def evaluate(self, request: QueryRequest, analysis: Analysis) -> None:
        """The rows matching the request's query, best score first; "" matches every stock."""
        from tui import screening
        from tui.screening.frame import screen_frame
        from tui.screening.output import sort_rows

        fields = screening.query_registry(analysis)
        try:
            if request.text:
                query = screening.parse(request.text, fields=fields)
                rows, echo = screening.evaluate(analysis, query), query.echo
            else:
                rows, echo = screen_frame(analysis), "every stock"
        except screening.QueryError as exc:
            if not get_current_worker().is_cancelled:
                self.post_message(QueryFailed(request, str(exc)))
            return
        rows = sort_rows(rows, None, fields)
        if not get_current_worker().is_cancelled:
            self.post_message(RowsEvaluated(request, rows, echo))

    @on(RowsEvaluated)
    def _rows(self, message: RowsEvaluated) -> None:
        if message.request == self.current_query:
            screener = self.dashboard_view.screener
            screener.show_rows(message.rows, message.echo)
            screener.loading = False

    @on(QueryFailed)
    def _query_failed(self, message: QueryFailed) -> None:
        if message.request == self.current_query:
            screener = self.dashboard_view.screener
            screener.show_error(message.error)
            screener.loading = False

    # --- detail ----------------------------------------------------------------------------

    @on(ScreenerPane.StockChosen)
    def _stock_chosen(self, message: ScreenerPane.StockChosen) -> None:
        if self.analysis is not None:
            self.explain_stock(message.symbol, self.analysis)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False,
          description="Explaining a call")  # fmt: skip
    def explain_stock(self, symbol: str, analysis: Analysis) -> None:
        """Everything behind one stock's call."""
        from tui.market.explain import explain

        result = explain(analysis, symbol)
        if not get_current_worker().is_cancelled:
            self.post_message(StockExplained(symbol, result))

    @on(StockExplained)
    def _explained(self, message: StockExplained) -> None:
        self.push_screen(StockDetailView(message.explanation))

    # --- failures, help --------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        reason = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        if worker.group in LOAD_GROUPS:
            kept = "; showing the last good data" if self.dashboard is not None else ""
            self.notify(f"Could not load the data ({reason}){kept}.", title="Refresh failed",
                        severity="error", markup=False, timeout=10)  # fmt: skip
            self.dashboard_view.mark_stale()
        elif worker.group == "screening":
            screener = self.dashboard_view.screener
            screener.loading = False
            screener.show_error(f"query failed: {reason}")
        else:
            self.notify(f"{worker.description} failed ({reason}).", severity="error",
                        markup=False)  # fmt: skip

    def action_help(self) -> None:
        """Show every key (design.md §5 `?`)."""
        if isinstance(self.screen, HelpView):
            return
        rows: list[tuple[str, str]] = []
        for bindings in (DashboardView.BINDINGS, self.BINDINGS):
            for binding in bindings:
                if isinstance(binding, Binding):
                    rows.append(
                        (self.get_key_display(binding), binding.tooltip or binding.description)
                    )
        self.push_screen(HelpView(rows))
