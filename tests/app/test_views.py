"""Detail and watchlists views, the watchlist picker, the palette, themes, progress, refresh."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import DataTable, Input

from tests.app.conftest import settle, text_of
from tui.app import DalalApp
from tui.app.dashboard_view import DashboardView
from tui.app.detail_view import StockDetailView
from tui.app.dialogs.watchlist_picker import WatchlistPicker
from tui.app.messages import LoadProgressed
from tui.app.stock_data import chart_series, symbols_query
from tui.app.watchlists_view import WatchlistsView
from tui.app.widgets.price_chart import plot
from tui.market.analysis import Analysis
from tui.store import watchlists as store
from tui.store.watchlists import Entry

SIZE = (120, 40)


async def test_detail_shows_chart_results_meeting_and_membership(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    store.add_symbols("core", [Entry("GOKULAGRO", demo_analysis.as_of, 200.0)])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_stock("GOKULAGRO")
        await settle(app, pilot)
        view = app.screen
        assert isinstance(view, StockDetailView)
        assert view.detail is not None
        assert view.detail.chart.dates[-1] == demo_analysis.as_of
        assert set(view.detail.chart.lines) == {"Close", "EMA 20", "SMA 50", "SMA 200"}
        events = text_of(view.query_one("#detail-events"))  # type: ignore[arg-type]
        assert "Next meeting: Wed 11 Feb 2026 · Financial Results" in events
        assert "Watchlists: core" in events
        results = text_of(view.query_one("#detail-results"))  # type: ignore[arg-type]
        assert "Sep 2025" in results
        assert "921.5" in results
        assert view.query_one("#detail-chart").region.height > 5
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardView)


def test_chart_series_and_plot_are_pure(demo_analysis: Analysis) -> None:
    series = chart_series(demo_analysis, "GOKULAGRO")
    close = series.lines["Close"]
    assert close[-1] == demo_analysis.panel.filled_close[-1, demo_analysis.column("GOKULAGRO")]
    colours = {"Close": "white"}
    first = [t.plain for t in plot(series, 60, 12, colours)]
    assert first == [t.plain for t in plot(series, 60, 12, colours)]
    assert len(first) == 12
    assert all(len(line) <= 60 for line in first)
    assert "10 Feb 2026" in first[-1]
    assert any("⠀" < ch <= "⣿" for ch in "".join(first[1:-1]))


def test_symbols_query_parses_and_chunks(demo_analysis: Analysis) -> None:
    from tui import screening

    symbols = list(demo_analysis.data.stocks.index[:150])
    query = symbols_query(symbols)
    assert query.count(" OR ") == 1
    rows = screening.evaluate(demo_analysis, query)
    assert sorted(rows.index) == sorted(symbols)


async def _add_with_w(app: DalalApp, pilot: Any) -> str:
    await pilot.press("6", "down")
    symbol = app.screen.query_one("#screener").highlighted_symbol  # type: ignore[attr-defined]
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(app.screen, WatchlistPicker)
    return str(symbol)


async def test_w_adds_to_a_new_list_and_a_restart_shows_it(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        symbol = await _add_with_w(app, pilot)
        name_line = app.screen.query_one("#picker-new", Input)
        name_line.value = ""
        await pilot.press(*"swing")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardView)
    (entry,) = store.get("swing").entries
    col = demo_analysis.column(symbol)
    assert entry == Entry(symbol, demo_analysis.as_of, demo_analysis.panel.close[-1, col])
    assert store.last_used() == "swing"

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(again, pilot)
        assert again.last_watchlist == "swing"
        await pilot.press("W")
        await settle(again, pilot)
        view = again.screen
        assert isinstance(view, WatchlistsView)
        assert view.current == "swing"
        table = view.query_one("#watchlist-entries", DataTable)
        assert [str(r.key.value) for r in table.ordered_rows] == [symbol]
        since = table.get_cell(symbol, "since_added")
        assert str(since) == "+0.00%"


async def test_w_defaults_to_the_last_used_list(make_app: Callable[..., DalalApp]) -> None:
    store.add_symbols("alpha", ["SGIL"])
    store.add_symbols("beta", ["SGIL"])
    store.set_last_used("beta")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        symbol = await _add_with_w(app, pilot)
        assert app.screen.query_one("#picker-lists").highlighted == 1  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
    assert symbol in store.get("beta").symbols
    assert symbol not in store.get("alpha").symbols


async def test_escape_in_the_picker_adds_nothing(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await _add_with_w(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardView)
    assert store.load_all() == []


async def test_watchlists_view_removes_adds_switches_and_limits(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    store.add_symbols("core", ["GOKULAGRO", "SGIL"])
    store.add_symbols("other", ["MANINDS"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("W")
        await settle(app, pilot)
        view = app.screen
        assert isinstance(view, WatchlistsView)
        assert view.current == "core"
        assert view.highlighted_symbol == "GOKULAGRO"
        await pilot.press("x")
        await settle(app, pilot)
        assert store.get("core").symbols == ["SGIL"]
        await pilot.press("a")
        assert app.focused is view.query_one("#watchlist-add")
        await pilot.press(*"ivc", "enter")
        await settle(app, pilot)
        assert store.get("core").symbols == ["SGIL", "IVC"]
        (ivc,) = [e for e in store.get("core").entries if e.symbol == "IVC"]
        assert ivc.added_on == demo_analysis.as_of
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert view.current == "other"
        assert view.highlighted_symbol == "MANINDS"
        await pilot.press("delete")
        await settle(app, pilot)
        assert store.get("other").symbols == []
        await pilot.press("left_square_bracket", "l")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardView)
        shown = app.screen.query_one("#screener").table.symbols  # type: ignore[attr-defined]
        assert sorted(shown) == ["IVC", "SGIL"]
        await pilot.press("W")
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardView)


async def test_palette_stock_search_opens_the_detail(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"GOKULAGRO")
        for _ in range(40):  # the palette searches in a task of its own
            await pilot.pause(0.05)
            if app.screen.query("CommandList Option") or app.screen.query("#--results Option"):
                break
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StockDetailView)
        assert app.screen.current_symbol == "GOKULAGRO"


async def test_palette_providers_and_commands(make_app: Callable[..., DalalApp]) -> None:
    from tui.app.commands import COMMANDS, ScreenSearch, StockSearch

    assert {StockSearch, ScreenSearch} <= set(COMMANDS)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert any(s.key == "top-small" for s in app.screens)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Theme", "Refresh", "Source: auto", "Source: nse", "Watchlists"):
            assert title in titles
        assert "Source: demo" not in titles  # the current one
        screen = next(s for s in app.screens if s.key == "top-small")
        app.load_screen(screen.key, screen.query)
        await settle(app, pilot)
        assert app.screen.query_one("#query-line", Input).value == screen.query.strip()


async def test_theme_switch_persists_keeping_comments(
    make_app: Callable[..., DalalApp], tmp_path: Path
) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("# my settings\nrefresh = 30  # seconds\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert {"dalal-dark", "dalal-light"} <= set(app.available_themes)
        assert not config.read_text(encoding="utf-8").count("theme")  # start-up writes nothing
        app.theme = "dalal-light"
        await settle(app, pilot)
    assert config.read_text(encoding="utf-8") == (
        '# my settings\nrefresh = 30  # seconds\ntheme = "dalal-light"\n'
    )
    from tui.settings import load_settings

    assert load_settings().theme == "dalal-light"
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        assert again.theme == "dalal-light"


async def test_progress_bar_follows_the_loader_stages(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    seen: list[Message] = []

    def loader(spec: Any, as_of: Any, notice: Any, progress: Any = None) -> Analysis:
        for i in range(5):
            progress(f"fetched {i + 1}/5", (i + 1) / 5)
        return demo_analysis

    app = make_app(loader=loader)
    async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await settle(app, pilot)
        stages = [m.stage for m in seen if isinstance(m, LoadProgressed)]
        assert stages
        assert stages[-1].startswith("fetched")
        assert not app.screen.query_one("#load-progress").has_class("-loading")
        app.dashboard_view.show_progress("x", 0.5)
        assert app.screen.query_one("#load-progress").has_class("-loading")
    old, new = LoadProgressed(1, "a", 0.1), LoadProgressed(1, "b", 0.2)
    assert new.can_replace(old)
    assert not LoadProgressed(2, "b", 0.2).can_replace(old)


def _live(analysis: Analysis) -> Analysis:
    data = dataclasses.replace(analysis.data, source="nse")
    return dataclasses.replace(analysis, data=data)


def _open_clock() -> dt.datetime:
    return dt.datetime(2026, 2, 10, 5, 0, tzinfo=dt.UTC)  # 10:30 IST, a Tuesday


async def test_live_source_arms_the_refresh_and_r_cancels_it(
    demo_analysis: Analysis, make_app: Callable[..., DalalApp]
) -> None:
    calls: list[int] = []
    live = _live(demo_analysis)

    def loader(spec: Any, as_of: Any, notice: Any) -> Analysis:
        calls.append(1)
        return live

    app = make_app(loader=loader)
    app.clock = _open_clock
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = app.refresh_timer
        assert first is not None
        await pilot.press("r")
        assert first._task is None  # stopped
        await settle(app, pilot)
        assert len(calls) == 2
        assert app.refresh_timer is not None
        assert app.refresh_timer is not first
        generation = app.generation
        app._timed_refresh()  # the timer firing while the market is open: load now
        await settle(app, pilot)
        assert app.generation == generation + 1
        app.clock = lambda: dt.datetime(2026, 2, 10, 12, 0, tzinfo=dt.UTC)  # 17:30 IST
        app._timed_refresh()  # closed: re-armed, nothing fetched
        await settle(app, pilot)
        assert app.generation == generation + 1
        assert app.refresh_timer is not None


async def test_no_timed_refresh_on_demo_or_as_of(
    demo_analysis: Analysis, make_app: Callable[..., DalalApp]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.refresh_timer is None
    live = _live(demo_analysis)
    pinned = make_app(loader=lambda spec, as_of, notice: live, as_of=demo_analysis.as_of)
    async with pinned.run_test(size=SIZE) as pilot:
        await settle(pinned, pilot)
        assert pinned.refresh_timer is None
