"""The App's watchlist half: `w` (add the current stock), `W` (the watchlists view), the store.

`WatchlistActions` is a layer of `DalalApp`: its thread workers read and change
`tui.store.watchlists` (files, locks) and post `WatchlistsLoaded`; its handlers update the
open views. Views never touch the store; they post requests that land here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.worker import get_current_worker

from tui.app.detail_view import StockDetailView
from tui.app.dialogs.watchlist_picker import WatchlistPicker
from tui.app.messages import WatchlistsLoaded
from tui.app.stock_data import WatchlistRows, close_at_as_of, membership, symbols_query
from tui.app.watchlists_view import WatchlistsView

if TYPE_CHECKING:
    from tui.market.analysis import Analysis
    from tui.store.atomic import StoreNotice
    from tui.store.watchlists import Entry


class WatchlistActions(App[None]):
    """Watchlist keys, workers and handlers (a base of DalalApp)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "w",
            "add_to_watchlist",
            "Watch",
            tooltip="Add the highlighted stock to a watchlist",
            id="add-to-watchlist",
        ),
        Binding(
            "W",
            "watchlists",
            "Lists",
            tooltip="Show the watchlists",
            id="watchlists",
            key_display="W",
        ),
    ]
    """w and W (design.md §5); not priority, so the query line can take both letters."""

    analysis: Analysis | None
    watchlists: list[WatchlistRows]
    """Every list with its rows, as last read from the store."""
    last_watchlist: str | None
    """The list `w` offers first: the last one chosen (persisted as `last_used`)."""

    def current_symbol(self) -> str | None:
        """The stock `w` acts on: the detail view's, a watchlist's entry, or the screener's."""
        screen = self.screen
        symbol = getattr(screen, "current_symbol", None)
        if symbol is not None or isinstance(screen, (StockDetailView, WatchlistsView)):
            return symbol if isinstance(symbol, str) else None
        from textual.css.query import NoMatches

        from tui.app.panes import ScreenerPane

        try:
            return screen.query_one(ScreenerPane).highlighted_symbol
        except NoMatches:  # a view without a screener
            return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The app's keys do nothing over a modal (help, the list picker)."""
        if action in ("add_to_watchlist", "watchlists", "refresh", "help"):
            return not isinstance(self.screen, ModalScreen)
        return True

    # --- w ---------------------------------------------------------------------------------

    def action_add_to_watchlist(self) -> None:
        """Ask which list, then add the current stock at the as-of session's close."""
        symbol = self.current_symbol()
        if symbol is None or self.analysis is None:
            self.notify("No stock highlighted to add.", severity="warning")
            return
        names = [w.name for w in self.watchlists]

        def chosen(name: str | None) -> None:
            if name is not None:
                self.add_to_watchlist(name, symbol)

        self.push_screen(WatchlistPicker(symbol, names, self.last_watchlist), chosen)

    def add_to_watchlist(self, name: str, symbol: str) -> None:
        """Add `symbol` to list `name` (created if new) at the as-of session and close."""
        if self.analysis is None:
            return
        from tui.store.watchlists import Entry

        symbol = symbol.strip().upper()
        if symbol not in self.analysis.data.stocks.index:
            self.notify(f"Unknown symbol {symbol}; nothing added.", severity="warning",
                        markup=False)  # fmt: skip
            return
        entry = Entry(symbol, self.analysis.as_of, close_at_as_of(self.analysis, symbol))
        self.last_watchlist = name
        self.change_watchlists(("add", name, entry))

    # --- W ---------------------------------------------------------------------------------

    def action_watchlists(self) -> None:
        """Open the watchlists view (design.md §5 `W`)."""
        if isinstance(self.screen, WatchlistsView):
            return
        self.push_screen(WatchlistsView(self.watchlists, self.last_watchlist))
        self.change_watchlists(None)  # re-read: another dalal may have changed the file

    @on(WatchlistsView.RemoveRequested)
    def _remove_requested(self, message: WatchlistsView.RemoveRequested) -> None:
        self.change_watchlists(("remove", message.name, message.symbol))

    @on(WatchlistsView.AddRequested)
    def _add_requested(self, message: WatchlistsView.AddRequested) -> None:
        self.add_to_watchlist(message.name, message.symbol)

    @on(WatchlistsView.LimitRequested)
    def _limit_requested(self, message: WatchlistsView.LimitRequested) -> None:
        if not message.symbols:
            self.notify(f"'{message.name}' is empty.", severity="warning", markup=False)
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.load_screen(message.name, symbols_query(message.symbols))

    def load_screen(self, name: str, query: str) -> None:
        """Put a screen's query in the screener and run it (the screener pane's method)."""
        raise NotImplementedError

    # --- the store -------------------------------------------------------------------------

    @work(thread=True, group="watchlists", exit_on_error=False,
          description="Updating watchlists")  # fmt: skip
    def change_watchlists(self, change: tuple[str, str, Entry | str] | None) -> None:
        """Apply one change (add/remove, list, entry or symbol) if any, then re-read every list."""
        from tui.store import watchlists as store
        from tui.store.atomic import StoreError

        done = ""
        try:
            if change is not None:
                kind, name, item = change
                if kind == "add":
                    result = store.add_symbols(name, [item], notice=self._store_notice)
                    store.set_last_used(result.name, notice=self._store_notice)
                    on = f"'{result.name}'"
                    done = (
                        f"Added {', '.join(result.done)} to {on}."
                        if result.done
                        else f"{', '.join(result.skipped)} is already on {on}."
                    )
                else:
                    symbol = item if isinstance(item, str) else item.symbol
                    result = store.remove_symbols(name, [symbol], notice=self._store_notice)
                    done = f"Removed {symbol} from '{result.name}'." if result.done else ""
            lists = store.load_all(notice=self._store_notice)
            last = store.last_used(notice=self._store_notice)
        except StoreError as exc:
            self.call_from_thread(self.notify, str(exc), title="Watchlists", severity="error",
                                  markup=False)  # fmt: skip
            return
        from tui.app.stock_data import watchlist_rows

        rows = watchlist_rows(self.analysis, lists)
        if done:
            self.call_from_thread(self.notify, done, markup=False)
        if not get_current_worker().is_cancelled:
            self.post_message(WatchlistsLoaded(rows, last))

    def _store_notice(self, notice: StoreNotice) -> None:
        self.call_from_thread(self.notify, str(notice), title="Watchlists", severity="warning",
                              markup=False, timeout=10)  # fmt: skip

    @on(WatchlistsLoaded)
    def _watchlists_loaded(self, message: WatchlistsLoaded) -> None:
        self.watchlists = message.lists
        if self.last_watchlist is None or self.last_watchlist not in membership_names(message):
            self.last_watchlist = message.last_used
        for screen in self.screen_stack:
            if isinstance(screen, WatchlistsView):
                screen.show(message.lists)
            elif isinstance(screen, StockDetailView):
                screen.set_watchlists(membership(message.lists, screen.current_symbol))


def membership_names(message: WatchlistsLoaded) -> list[str]:
    """The names of the lists a WatchlistsLoaded carries."""
    return [w.name for w in message.lists]
