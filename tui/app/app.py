"""DalalApp: owns the workers, turns their messages into pane updates, and the global keys.

Workers (thread, one exclusive group per kind) do the loading and computing and post
messages; the handlers here change widgets. One `Worker.StateChanged` handler turns every
worker failure into a notice and keeps the last good data (style.md §3). A load on a live
source arms a one-shot refresh timer; `r` cancels it and loads now. The watchlist keys live in
the `WatchlistActions` base, the screener's in `ScreeningActions`, the palette's providers and
commands in `commands.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast
from zoneinfo import ZoneInfo

from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState, get_current_worker

from tui.app import commands, themes
from tui.app.commands import PaletteActions
from tui.app.dashboard_view import DashboardView
from tui.app.detail_view import StockDetailView
from tui.app.help_view import HelpView, help_sections, node_classes
from tui.app.loading import (
    LIVE_SOURCES,
    Loader,
    ProgressLoader,
    load_analysis,
    market_open,
    takes_progress,
)
from tui.app.messages import (
    DashboardComputed,
    LoadProgressed,
    MarketLoaded,
    QueryRequest,
    StockExplained,
)
from tui.app.panes import ScreenerPane
from tui.app.stock_data import WatchlistRows, membership, stock_detail
from tui.app.watchlists_view import WatchlistsView
from tui.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from tui.market.analysis import Analysis
    from tui.market.dashboard import Dashboard

Clock = Callable[[], dt.datetime]
"""Returns the current time, timezone-aware (tests pass a fixed one)."""

LOAD_GROUPS = frozenset({"load", "analytics"})


def system_clock() -> dt.datetime:
    """Now, timezone-aware; fixed at DALAL_NOW when that is set (design.md §4)."""
    from tui.sources.clock import now_from_env

    return now_from_env()()


def day(date: dt.date) -> str:
    """`10 Feb 2026`."""
    return date.strftime("%d %b %Y")


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError:
        return Settings()  # the CLI reports a bad config.toml before the TUI starts


class DalalApp(PaletteActions):
    """The dalal TUI: the dashboard of one segment on one source."""

    CSS_PATH = "dalal.tcss"
    TITLE = "dalal"
    COMMANDS = commands.COMMANDS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh", tooltip="Load the data again", id="refresh"),
        Binding(
            "question_mark", "help", "Help", tooltip="Show every key", id="help", key_display="?"
        ),
        Binding("q", "quit", "Quit", tooltip="Quit dalal", id="quit"),
    ]
    """Global keys (design.md §5) beside WatchlistActions' w and W; ctrl+q is Textual's."""

    def __init__(
        self,
        source: str | None = None,
        *,
        as_of: dt.date | None = None,
        segment: str = "small",
        loader: Loader | ProgressLoader | None = None,
        clock: Clock | None = None,
        theme: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Build the app; nothing loads until it is mounted.

        Args:
            source: the source spec (demo, folder:PATH, ...); None for the configured one.
            as_of: the session to analyse; None for the latest.
            segment: small, mid or large.
            loader: (source, as_of, notice[, progress]) → Analysis, run in a thread worker.
            clock: the time the "loaded at" stamp and the market-hours check read.
            theme: a Textual theme name (default: the settings').
            settings: refresh seconds, keys, theme (default: config.toml's).
        """
        super().__init__()
        self.settings = settings or _settings()
        self.keymap: dict[str, str] = dict(self.settings.keys)
        """Binding id → key, applied with set_keymap."""
        self.source = source
        self.as_of = as_of
        self.segment = segment
        self.loader: Loader | ProgressLoader = loader or load_analysis
        self.clock: Clock = clock or system_clock
        self._theme_name = theme or self.settings.theme
        self._saved_theme: str | None = None
        self.generation = 0
        """Bumped by every load; results of older loads are dropped."""
        self.analysis: Analysis | None = None
        """The last good analysis."""
        self.dashboard: Dashboard | None = None
        """The last good dashboard."""
        self.current_query: QueryRequest | None = None
        """The screener request whose rows the table should show."""
        self.refresh_timer: Timer | None = None
        """The armed one-shot timed refresh (live sources only)."""
        self.watchlists: list[WatchlistRows] = []
        self.last_watchlist: str | None = None
        self.screens: list[Any] = []
        """Built-in and saved screens (`tui.screening.presets.Screen`), for the palette."""
        self.painted = False
        """True once the dashboard's panes exist (`on_ready`)."""
        self._until_painted: list[Callable[[], None]] = []

    def get_default_screen(self) -> Screen[None]:
        """The dashboard, its query line preset to the segment."""
        return DashboardView(query=f"mcap class = {self.segment}")

    def on_mount(self) -> None:
        """Register dalal's themes, apply the theme and keymap, read watchlists and screens."""
        for theme in themes.THEMES:
            self.register_theme(theme)
        if self._theme_name in self.available_themes:
            self.theme = self._theme_name
        self._saved_theme = self.theme
        self.watch_theme_persisted()
        self.set_keymap(self.keymap)
        self.sub_title = "loading…"
        self.change_watchlists(None)
        self.read_screens()
        # The first load starts now, while the dashboard composes and paints (the panes do
        # not exist yet: what the load reports before `on_ready` waits for it).
        self.generation += 1
        self.load(self.generation)

    def on_ready(self) -> None:
        """The panes exist: show the first load's state and run what waited for them."""
        self.painted = True
        if self.analysis is None:
            view = self.dashboard_view
            view.set_loading(True, screener=True)
            view.show_progress(f"loading {self.source or self.settings.source}", None)
        waiting, self._until_painted = self._until_painted, []
        for step in waiting:
            step()

    def _when_painted(self, step: Callable[[], None]) -> None:
        """Run `step` now if the panes exist, else as soon as they do."""
        if self.painted:
            step()
        else:
            self._until_painted.append(step)

    # --- loading ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Load the source again now (design.md §5 `r`), cancelling the timed refresh."""
        self._disarm_refresh()
        self.generation += 1
        view = self.dashboard_view
        view.set_loading(True, screener=self.analysis is None)
        view.show_progress(f"loading {self.source or self.settings.source}", None)
        self.load(self.generation)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False,
          description="Loading market data")  # fmt: skip
    def load(self, generation: int) -> None:
        """Open the source and analyse it, reporting stages to the progress bar."""

        def progress(stage: str, done: float | None) -> None:
            self.post_message(LoadProgressed(generation, stage, done))  # thread-safe

        if takes_progress(self.loader):
            loader = cast(ProgressLoader, self.loader)
            analysis = loader(self.source, self.as_of, self._notice_from_thread, progress)
        else:
            analysis = self.loader(self.source, self.as_of, self._notice_from_thread)
        if not get_current_worker().is_cancelled:
            self.post_message(MarketLoaded(generation, analysis))

    @on(LoadProgressed)
    def _progressed(self, message: LoadProgressed) -> None:
        if self.closing:
            return
        if message.generation == self.generation and self.painted:
            self.dashboard_view.show_progress(message.stage, message.done)

    def _arm_refresh(self, source: str | None) -> None:
        """After a load: schedule the next one if the source is live and no --as-of is set."""
        self._disarm_refresh()
        if self.as_of is None and source in LIVE_SOURCES:
            self.refresh_timer = self.set_timer(self.settings.refresh, self._timed_refresh)

    def _disarm_refresh(self) -> None:
        if self.refresh_timer is not None:
            self.refresh_timer.stop()
            self.refresh_timer = None

    def _timed_refresh(self) -> None:
        self.refresh_timer = None
        zone = self.analysis.data.meta.timezone if self.analysis else "Asia/Kolkata"
        if market_open(self.clock(), zone):
            self.action_refresh()
        else:  # closed: look again later, fetch nothing
            self.refresh_timer = self.set_timer(self.settings.refresh, self._timed_refresh)

    def _notice_from_thread(self, text: str) -> None:
        self.call_from_thread(self.notify, text, severity="warning", markup=False)

    @on(MarketLoaded)
    def _loaded(self, message: MarketLoaded) -> None:
        if self.closing:
            return
        if not self.painted:
            self._when_painted(lambda: self._loaded(message))
            return
        if message.generation == self.generation:
            n = len(message.analysis.data.stocks)
            self.dashboard_view.show_progress(f"building the dashboard of {n:,} stocks", 0.85)
            self.analysis = message.analysis
            self.compute_dashboard(message.generation, message.analysis)
            # The screener's rows do not wait for the dashboard model: both start now.
            self.run_query(self.dashboard_view.screener.query_text)

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
        if self.closing:
            return
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
        self.dashboard_view.hide_progress()
        self._arm_refresh(data.source)
        if self.watchlists:  # returns since added move with the data
            self.change_watchlists(None)

    # --- detail ----------------------------------------------------------------------------

    @on(ScreenerPane.StockChosen)
    def _stock_chosen(self, message: ScreenerPane.StockChosen) -> None:
        self.open_stock(message.symbol)

    def open_stock(self, symbol: str) -> None:
        """Open a stock's detail view (after the explain worker has run)."""
        if self.analysis is not None:
            self.explain_stock(symbol, self.analysis)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False,
          description="Explaining a call")  # fmt: skip
    def explain_stock(self, symbol: str, analysis: Analysis) -> None:
        """Everything behind one stock's call, its chart series, results and next meeting."""
        from tui.market.explain import explain

        result = explain(analysis, symbol)
        detail = stock_detail(analysis, symbol)
        if not get_current_worker().is_cancelled:
            self.post_message(StockExplained(symbol, result, detail))

    @on(StockExplained)
    def _explained(self, message: StockExplained) -> None:
        lists = membership(self.watchlists, message.symbol)
        if isinstance(self.screen, StockDetailView):
            self.pop_screen()  # a palette jump replaces the stock shown
        self.push_screen(StockDetailView(message.explanation, message.detail, lists))

    # --- failures, help --------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if self.closing:
            return
        worker = event.worker
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        reason = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        if worker.group in LOAD_GROUPS and not self.painted:
            self._when_painted(lambda: self._worker_changed(event))
        elif worker.group in LOAD_GROUPS:
            kept = "; showing the last good data" if self.dashboard is not None else ""
            self.notify(f"Could not load the data ({reason}){kept}.", title="Refresh failed",
                        severity="error", markup=False, timeout=10)  # fmt: skip
            self.dashboard_view.mark_stale()
            self.dashboard_view.hide_progress()
            self._arm_refresh(self.analysis.data.source if self.analysis else self.source)
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
        classes: list[tuple[str, list[type]]] = [
            ("Everywhere", [type(self)]),
            ("Dashboard", [DashboardView]),
            ("Screener", node_classes(self.dashboard_view.screener)),
            ("Stock detail", [StockDetailView]),
            ("Watchlists", [WatchlistsView]),
        ]
        self.push_screen(HelpView(help_sections(self, classes, self.keymap)))
