"""The command palette: stock and screen search providers, and the App's system commands.

The providers score with `self.matcher(query)` over data the App already holds in memory (the
last analysis' stocks, the screens a worker read at start-up); neither does I/O (style.md §5).
`PaletteActions`, a base of DalalApp, reads the screens, loads one into the screener, switches
the source and persists the theme the palette's theme switcher picks.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.app import themes
from tui.app.messages import ScreensLoaded
from tui.app.screening_actions import ScreeningActions
from tui.app.watchlist_actions import WatchlistActions

if TYPE_CHECKING:
    from tui.app.app import DalalApp
    from tui.settings import Settings

SOURCES = ("demo", "auto", "nse", "bse", "yahoo")
"""Sources the palette offers (plus folder:PATH when one is configured or in use)."""

MAX_HITS = 40
"""Most hits one provider offers for a query (the universe can be 20,000 stocks)."""


def _app(provider: Provider) -> DalalApp:
    from tui.app.app import DalalApp

    app = provider.app
    assert isinstance(app, DalalApp)
    return app


class StockSearch(Provider):
    """Find a stock by symbol or name and open its detail view."""

    def _candidates(self) -> list[tuple[str, str]]:
        analysis = _app(self).analysis
        if analysis is None:
            return []
        names = analysis.data.stocks["name"]
        return [(str(symbol), str(name)) for symbol, name in names.items()]

    async def search(self, query: str) -> Hits:
        """Stocks whose "SYMBOL · Name" matches the query, best first."""
        matcher = self.matcher(query)
        app = _app(self)
        scored = []
        for symbol, name in self._candidates():
            text = f"{symbol} · {name}"
            score = matcher.match(text)
            if score > 0:
                scored.append((score, symbol, text))
        scored.sort(key=lambda hit: -hit[0])
        for score, symbol, text in scored[:MAX_HITS]:
            yield Hit(
                score,
                matcher.highlight(text),
                partial(app.open_stock, symbol),
                text=text,
                help="Open the stock's detail",
            )


class ScreenSearch(Provider):
    """Find a built-in or saved screen and load it into the screener."""

    def _screens(self) -> list[Any]:
        return list(_app(self).screens)

    async def search(self, query: str) -> Hits:
        """Screens whose title or key matches the query."""
        matcher = self.matcher(query)
        app = _app(self)
        for screen in self._screens():
            text = f"Screen: {screen.title}"
            score = max(matcher.match(text), matcher.match(screen.key))
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(app.load_screen, screen.key, screen.query),
                    text=text,
                    help=screen.description or screen.query,
                )

    async def discover(self) -> Hits:
        """Every screen, when nothing is typed yet."""
        app = _app(self)
        for screen in self._screens():
            yield DiscoveryHit(
                f"Screen: {screen.title}",
                partial(app.load_screen, screen.key, screen.query),
                help=screen.description or screen.query,
            )


class PaletteActions(WatchlistActions, ScreeningActions):
    """Screens, source switching, system commands and theme persistence (a base of DalalApp)."""

    source: str | None
    settings: Settings
    screens: list[Any]
    _saved_theme: str | None

    def action_refresh(self) -> None:
        """Load the data again (DalalApp's)."""
        raise NotImplementedError

    @work(thread=True, group="presets", exit_on_error=False,
          description="Reading the screens")  # fmt: skip
    def read_screens(self) -> None:
        """Built-in and saved screens, for the palette's screen search."""
        from tui.screening.presets import all_screens

        found, problems = all_screens()
        self.post_message(ScreensLoaded(found, problems))

    @on(ScreensLoaded)
    def _screens_loaded(self, message: ScreensLoaded) -> None:
        self.screens = message.screens
        for problem in message.problems:
            self.notify(problem, title="Saved screens", severity="warning", markup=False)

    def load_screen(self, name: str, query: str) -> None:
        """Put a screen's query in the screener and run it, back on the dashboard."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screener = self.dashboard_view.screener
        screener.load_screen(name, query)
        self.set_focus(screener.table)

    def switch_source(self, spec: str) -> None:
        """Load from another source (demo, folder:PATH, nse, bse, yahoo, auto)."""
        self.source = spec
        self.notify(f"Switching to {spec}…", markup=False)
        self.action_refresh()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands (Theme, Keys, Quit, …), then refresh, sources, watchlists."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh", "Load the data again now", self.action_refresh)
        folders = {s for s in (self.source, self.settings.source) if s and s.startswith("folder:")}
        for spec in (*SOURCES, *sorted(folders)):
            if spec != self.source:
                yield SystemCommand(f"Source: {spec}", f"Reload the data from {spec}",
                                    partial(self.switch_source, spec))  # fmt: skip
        yield SystemCommand("Watchlists", "Show the watchlists", self.action_watchlists)
        yield SystemCommand("Add to watchlist", "Add the highlighted stock to a watchlist",
                            self.action_add_to_watchlist)  # fmt: skip

    def watch_theme_persisted(self) -> None:
        """Persist the theme whenever it changes (subscribed to theme_changed_signal)."""
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: object) -> None:
        if self.theme != self._saved_theme:
            self._saved_theme = self.theme
            self.run_worker(partial(themes.save_theme, self.theme), thread=True, group="config",
                            exit_on_error=False, description="Saving the theme")  # fmt: skip


COMMANDS = App.COMMANDS | {StockSearch, ScreenSearch}
"""The App's palette: Textual's system commands, then stocks and screens."""
