"""Keys: binding ids, focus and tab order, inputs swallowing letters, help, the keymap."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Input

from tests.app.conftest import settle
from tui.app import DalalApp
from tui.app.dashboard_view import PANE_IDS, DashboardView
from tui.app.dialogs.watchlist_picker import WatchlistPicker
from tui.app.help_view import HelpView
from tui.app.panes import Pane
from tui.app.watchlists_view import WatchlistsView
from tui.settings import Settings

SIZE = (120, 40)

DESIGN_KEYS = {
    "focus-index": "1",
    "focus-breadth": "2",
    "focus-movers": "3",
    "focus-upgrades": "4",
    "focus-earnings": "5",
    "focus-screener": "6",
    "focus-query": "slash",
    "add-to-watchlist": "w",
    "watchlists": "W",
    "refresh": "r",
    "help": "question_mark",
    "quit": "q",
}
"""design.md §5 keys of the app and dashboard, by binding id (s and e are the screener's)."""


def test_bindings_have_kebab_case_ids() -> None:
    ids: dict[str, str] = {}
    for cls in (DalalApp, DashboardView, WatchlistsView):
        for klass in cls.__mro__:
            for binding in klass.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and klass.__module__.startswith("tui."):
                    assert binding.id, binding
                    assert binding.id == binding.id.lower()
                    assert " " not in binding.id
                    assert "_" not in binding.id
                    ids[binding.id] = binding.key
    for binding_id, key in DESIGN_KEYS.items():
        assert ids[binding_id] == key


async def test_pane_keys_and_slash_focus_their_target(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for number, pane_id in enumerate(PANE_IDS, start=1):
            await pilot.press(str(number))
            assert app.screen.query_one(f"#{pane_id}", Pane).has_focus_within
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#query-line")


async def test_tab_walks_the_panes_in_key_order(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("1")
        visited: list[str] = []
        for _ in range(len(app.screen.focus_chain)):
            assert app.focused is not None
            pane = next((n for n in app.focused.ancestors_with_self if isinstance(n, Pane)), None)
            if pane is not None and (not visited or visited[-1] != pane.id):
                visited.append(str(pane.id))
            await pilot.press("tab")
        assert visited[: len(PANE_IDS)] == list(PANE_IDS)
        await pilot.press("shift+tab")
        assert app.focused is not None


async def test_letters_typed_in_an_input_fire_nothing(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        line = app.screen.query_one("#query-line", Input)
        line.value = ""
        generation = app.generation
        await pilot.press("w", "W", "r", "q", "s", "e", "x", "question_mark", "1")
        await pilot.pause()
        assert line.value == "wWrqsex?1"
        assert isinstance(app.screen, DashboardView)
        assert app.generation == generation
        assert app.is_running


async def test_w_and_W_open_their_screens(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("6", "w")
        await pilot.pause()
        assert isinstance(app.screen, WatchlistPicker)
        await pilot.press("escape")
        await pilot.press("W")
        await settle(app, pilot)
        assert isinstance(app.screen, WatchlistsView)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardView)


async def test_help_lists_every_binding(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpView)
        keys = dict(app.screen.bindings)
        for key in ("1", "6", "/", "w", "W", "s", "e", "r", "?", "q", "del / x", "ctrl+p"):
            assert key in keys, key
        assert keys["w"] == "Add the highlighted stock to a watchlist"
        assert keys["W"] == "Show the watchlists"
        titles = [title for title, _ in app.screen.sections]
        assert titles[:5] == ["Everywhere", "Dashboard", "Screener", "Stock detail", "Watchlists"]
        await pilot.press("w")  # app keys are off over the help
        assert isinstance(app.screen, HelpView)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardView)


async def test_keymap_from_settings_remaps_and_help_follows(
    make_app: Callable[..., DalalApp],
) -> None:
    app = make_app(settings=Settings(keys={"watchlists": "v", "refresh": "f5"}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        generation = app.generation
        await pilot.press("r")
        await settle(app, pilot)
        assert app.generation == generation
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.generation == generation + 1
        await pilot.press("question_mark")
        keys = dict(app.screen.bindings)  # type: ignore[attr-defined]
        assert keys["v"] == "Show the watchlists"
        assert keys["f5"] == "Load the data again"
        await pilot.press("escape", "v")
        await settle(app, pilot)
        assert isinstance(app.screen, WatchlistsView)
