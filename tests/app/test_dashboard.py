"""The dashboard: panes fill from the load worker, keys move focus, the screener filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.conftest import settle, text_of
from tui import screening
from tui.app import DalalApp
from tui.app.dashboard_view import PANE_IDS, DashboardView
from tui.app.detail_view import StockDetailView
from tui.app.help_view import HelpView
from tui.app.panes import Pane, ScreenerPane
from tui.app.panes.screener import ScreenerTable
from tui.market.analysis import Analysis
from tui.sources.base import SourceError

SIZE = (120, 40)


def body(app: DalalApp, pane_id: str) -> str:
    from textual.widgets import Static

    return text_of(app.screen.query_one(f"#{pane_id} .pane-body", Static))


def table(app: DalalApp) -> ScreenerTable:
    return app.screen.query_one("#screener-table", ScreenerTable)


async def test_every_pane_gets_data(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "DEMO DATA" in app.title
        for pane_id in PANE_IDS:
            pane = app.screen.query_one(f"#{pane_id}", Pane)
            assert not pane.loading
            assert pane.border_subtitle == "as of 10 Feb 2026 · demo"
        assert "BSE SmallCap" in body(app, "index")
        assert "★ best" in body(app, "index")
        breadth = body(app, "breadth")
        assert "A/D 0.55x" in breadth
        assert "narrow rally" in breadth
        assert "Chemicals" in breadth
        assert "MANINDS" in body(app, "movers")
        assert "SGIL" in body(app, "movers")
        assert "Sell → Hold" in body(app, "upgrades")
        earnings = body(app, "earnings")
        assert "187 results due in 7 days" in earnings
        recent = app.dashboard.recent if app.dashboard is not None else None
        assert recent is not None
        changed = recent[recent["before"] != recent["after"]]
        assert f"{len(recent)} results filed in the last 7 days · {len(changed)} changed" in (
            earnings
        )
        assert "ACE" in earnings
        assert "Negative → Positive" in earnings
        expected = screening.evaluate(demo_analysis, "mcap class = small")
        assert sorted(table(app).symbols) == sorted(expected.index)


async def test_number_keys_focus_their_pane(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for number, pane_id in enumerate(PANE_IDS, start=1):
            await pilot.press(str(number))
            pane = app.screen.query_one(f"#{pane_id}", Pane)
            assert app.focused is not None
            assert pane in app.focused.ancestors_with_self, (number, app.focused)
            assert pane.has_focus_within
        assert isinstance(app.focused, ScreenerTable)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#query-line")


async def run_query(app: DalalApp, pilot: Pilot[Any], text: str, *, type_it: bool) -> None:
    """Focus the query line with `/`, put the query in (typed, or set to save time), Enter."""
    query_line = app.screen.query_one("#query-line", Input)
    await pilot.press("slash")
    query_line.value = ""
    if type_it:
        await pilot.press(*text)
        assert query_line.value == text
    else:
        query_line.value = text
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.mark.parametrize(
    "query", ["call >= buy AND ret 1d > 0", "sector = Power", "rsi < 30 OR pct b < 0", ""]
)
async def test_query_filters_to_exactly_what_evaluate_returns(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis, query: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await run_query(app, pilot, query, type_it=query.startswith("call"))
        shown = table(app).symbols
        if query:
            expected = list(screening.evaluate(demo_analysis, query).index)
        else:
            expected = list(demo_analysis.data.stocks.index)
        assert sorted(shown) == sorted(expected)
        assert len(shown) == len(set(shown))
        status = text_of(app.screen.query_one("#query-status"))  # type: ignore[arg-type]
        assert f"{len(expected):,} stocks" in status


async def test_invalid_query_shows_the_error_and_keeps_the_rows(
    make_app: Callable[..., DalalApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = table(app).symbols
        await run_query(app, pilot, "ret 1d >> [oops", type_it=False)
        status = text_of(app.screen.query_one("#query-status"))  # type: ignore[arg-type]
        assert "col " in status
        assert app.screen.query_one(ScreenerPane).has_class("-error")
        assert table(app).symbols == before


async def test_enter_opens_the_detail_view_and_escape_returns(
    make_app: Callable[..., DalalApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("6", "down")
        symbol = table(app).highlighted_symbol
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, StockDetailView)
        assert app.screen.explanation["symbol"] == symbol
        shown = "\n".join(text_of(s) for s in app.screen.query(".detail-section").results())  # type: ignore[arg-type]
        for title in ("Call:", "Quality:", "Valuation:", "Financial trend:", "Technicals:"):
            assert title in shown
        await pilot.press("1")  # dashboard keys do not act behind the detail view
        assert isinstance(app.screen, StockDetailView)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardView)


async def test_question_mark_opens_help(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpView)
        keys = dict(app.screen.bindings)
        assert keys["r"] == "Load the data again"
        assert keys["/"] == "Type a screener query"
        assert keys["6"] == "Focus the Screener pane"
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardView)


async def test_typing_in_the_query_line_fires_no_binding(
    make_app: Callable[..., DalalApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        query_line = app.screen.query_one("#query-line", Input)
        query_line.value = ""
        generation = app.generation
        await pilot.press("q", "1", "r", "question_mark", "4")
        assert query_line.value == "q1r?4"
        assert app.is_running
        assert app.return_code is None
        assert app.focused is query_line
        assert isinstance(app.screen, DashboardView)
        assert app.generation == generation


async def test_q_quits(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_failing_refresh_keeps_the_last_data_and_notifies(
    demo_analysis: Analysis, make_app: Callable[..., DalalApp]
) -> None:
    calls: list[int] = []

    def loader(spec: object, as_of: object, notice: object) -> Analysis:
        calls.append(1)
        if len(calls) > 1:
            raise SourceError("the source went away")
        return demo_analysis

    app = make_app(loader=loader)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        rows = table(app).symbols
        dashboard = app.dashboard
        await pilot.press("r")
        await settle(app, pilot)
        assert len(calls) == 2
        assert app.is_running
        assert app.dashboard is dashboard
        assert table(app).symbols == rows
        notices = list(app._notifications)
        assert any("the source went away" in n.message and n.severity == "error" for n in notices)
        for pane_id in PANE_IDS:
            pane = app.screen.query_one(f"#{pane_id}", Pane)
            assert not pane.loading
            assert pane.has_class("-stale")
        assert "BSE SmallCap" in body(app, "index")


async def test_failing_first_load_leaves_the_app_up(make_app: Callable[..., DalalApp]) -> None:
    def loader(spec: object, as_of: object, notice: object) -> Analysis:
        raise SourceError("no data here")

    app = make_app(loader=loader)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert app.is_running
        assert app.dashboard is None
        assert any("no data here" in n.message for n in app._notifications)
        assert not any(p.loading for p in app.screen.query(Pane).results())


async def test_narrow_terminal_scrolls_to_the_focused_pane(
    make_app: Callable[..., DalalApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.screen.has_class("-narrow")
        await pilot.press("6")
        await pilot.pause()
        pane = app.screen.query_one("#screener", Pane)
        assert pane.has_focus_within
        assert app.screen.query_one("#dashboard-scroll").scroll_y > 0
        assert table(app).row_count > 0
