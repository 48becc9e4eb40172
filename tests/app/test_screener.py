"""The screener pane: selectors AND the query line, the virtualised table, its sort and keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.app.conftest import settle, text_of
from tui import cli, screening
from tui.app import DalalApp
from tui.app.panes import ScreenerPane
from tui.app.widgets.screener_columns import COLUMNS, FIELDS, GAP, layout, min_width
from tui.app.widgets.screener_table import ScreenerTable
from tui.app.widgets.selectors import combine, quote, typed_offset
from tui.market.analysis import Analysis
from tui.screening.output import sort_rows

SIZE = (120, 40)


def pane(app: DalalApp) -> ScreenerPane:
    return app.screen.query_one(ScreenerPane)


def table(app: DalalApp) -> ScreenerTable:
    return app.screen.query_one("#screener-table", ScreenerTable)


def cli_symbols(query: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What `dalal screen QUERY --format json` lists, in its order."""
    capsys.readouterr()
    assert cli.main(["screen", query, "--format", "json", "--source", "demo"]) == 0
    return [row["symbol"] for row in json.loads(capsys.readouterr().out)]


def expected(analysis: Analysis, query: str, sort: str | None = None) -> list[str]:
    """The rows of a query in the CLI's order (score first unless `sort`)."""
    fields = screening.query_registry(analysis)
    rows = screening.evaluate(analysis, screening.parse(query, fields=fields))
    return list(sort_rows(rows, sort, fields).index)


async def choose(app: DalalApp, pilot: Pilot[Any], select_id: str, value: str | None) -> None:
    select = app.screen.query_one(f"#{select_id}", Select)
    select.value = Select.NULL if value is None else value
    await pilot.pause()
    await settle(app, pilot)


async def set_query(app: DalalApp, pilot: Pilot[Any], text: str) -> None:
    app.screen.query_one("#query-line", Input).value = text
    await pilot.press("slash", "enter")
    await settle(app, pilot)


# --- pure parts ------------------------------------------------------------------------------


def test_combine_quotes_values_and_parenthesises_the_typed_query() -> None:
    clauses = ['call = "Buy"', "sector = " + quote('A "B" C')]
    assert combine(clauses, " ret 1d > 0 OR rsi < 30 ") == (
        'call = "Buy" AND sector = "A ""B"" C" AND (ret 1d > 0 OR rsi < 30)'
    )
    assert combine(clauses, "") == 'call = "Buy" AND sector = "A ""B"" C"'
    assert combine([], " x ") == "x"
    text = combine(clauses, "close > 1")
    assert text[typed_offset(clauses) :] == "close > 1)"


@pytest.mark.parametrize("width", [60, min_width(), 118, 140, 300])
def test_layout_fills_the_width_up_to_the_columns_limits(width: int) -> None:
    widths = layout(width)
    assert all(w >= c.width for w, c in zip(widths, COLUMNS, strict=True))
    total = sum(w + GAP for w in widths)
    most = sum((c.most or c.width) + GAP for c in COLUMNS)
    assert total == max(min_width(), min(width, most))


# --- selectors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("select_id", "value", "typed"),
    [
        ("select-call", "Buy", "mcap class = small"),
        ("select-technical", "Mildly Bullish", "ret 1d > 0 OR rsi < 40"),
        ("select-sector", "Capital Goods", ""),
        ("select-mcap-class", "Mid", ""),
    ],
)
async def test_each_selector_shows_what_dalal_screen_prints(
    make_app: Callable[..., DalalApp],
    demo_cache: Path,
    capsys: pytest.CaptureFixture[str],
    select_id: str,
    value: str,
    typed: str,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await set_query(app, pilot, typed)
        await choose(app, pilot, select_id, value)
        query = pane(app).query_text
        assert f'= "{value}"' in query
        if typed:
            assert query.endswith(f"AND ({typed})")
        shown = table(app).symbols
        assert shown, query
        status = text_of(app.screen.query_one("#query-status"))  # type: ignore[arg-type]
        assert f"{len(shown):,} stocks" in status
        await choose(app, pilot, select_id, None)
        assert pane(app).query_text == typed
    assert shown == cli_symbols(query, capsys)  # outside the app, which redirects stdout


async def test_selectors_combine_with_and(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        sectors = app.screen.query_one("#select-sector", Select)
        offered = [value for _, value in sectors._options[1:]]
        assert offered == sorted(set(demo_analysis.data.stocks["sector"].dropna()))
        await choose(app, pilot, "select-call", "Buy")
        await choose(app, pilot, "select-technical", "Bullish")
        await choose(app, pilot, "select-sector", "Financial Services")
        query = pane(app).query_text
        assert query == (
            'call = "Buy" AND technical = "Bullish" AND sector = "Financial Services"'
            " AND (mcap class = small)"
        )
        assert table(app).symbols == expected(demo_analysis, query)
        assert 0 < table(app).row_count < 100


async def test_selectors_can_be_used_with_the_keyboard(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#select-call", Select).focus()
        await pilot.press("enter", "down", "enter")  # the option under "any": Strong Buy
        await settle(app, pilot)
        assert pane(app).query_text == 'call = "Strong Buy" AND (mcap class = small)'
        assert table(app).symbols == expected(demo_analysis, pane(app).query_text)


async def test_an_error_in_the_query_line_counts_columns_from_the_line(
    make_app: Callable[..., DalalApp],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await choose(app, pilot, "select-call", "Hold")
        before = table(app).symbols
        await set_query(app, pilot, "ret 1d > 0 AND market cp > 500")
        status = text_of(app.screen.query_one("#query-status"))  # type: ignore[arg-type]
        with pytest.raises(screening.QueryError) as alone:
            screening.parse("ret 1d > 0 AND market cp > 500")
        assert str(alone.value) in status
        assert pane(app).has_class("-error")
        assert table(app).symbols == before


async def test_load_screen_sets_the_line_clears_the_selectors_and_runs(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await choose(app, pilot, "select-call", "Sell")
        query = "mcap class = small AND technical >= mildly bullish AND call >= buy"
        pane(app).load_screen("bullish-small-caps", query)
        await pilot.pause()
        await settle(app, pilot)
        assert app.screen.query_one("#query-line", Input).value == query
        assert app.screen.query_one("#select-call", Select).value is Select.NULL
        assert pane(app).query_text == query
        assert pane(app).screen_name == "bullish-small-caps"
        assert table(app).symbols == expected(demo_analysis, query)
        await choose(app, pilot, "select-sector", "Chemicals")
        assert pane(app).screen_name == "query"


# --- the table -------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["ret_1d", "name", "call", "sector", "close"])
async def test_sorting_by_a_column_matches_sort_rows(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis, field: str
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("6")
        presses = FIELDS.index(field) + 1  # `o` from unsorted: the first column, then on
        await pilot.press(*["o"] * presses)
        column = COLUMNS[FIELDS.index(field)]
        assert table(app).sort == (field, column.descending_first)
        if not column.descending_first:
            await pilot.press("O")
        assert table(app).sort == (field, True)
        query = pane(app).query_text
        assert table(app).symbols == expected(demo_analysis, query, f"{field}:desc")
        await pilot.press("O")
        assert table(app).symbols == expected(demo_analysis, query, f"{field}:asc")
        await choose(app, pilot, "select-call", "Hold")  # new rows keep the sort
        query = pane(app).query_text
        assert table(app).symbols == expected(demo_analysis, query, f"{field}:asc")


async def test_clicking_a_header_sorts_and_a_second_click_reverses(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        widths = layout(table(app).scrollable_content_region.width)
        x = sum(w + GAP for w in widths[: FIELDS.index("score")]) + GAP + 1
        await pilot.click("#screener-table", offset=(x, 0))
        assert table(app).sort == ("score", True)
        await pilot.click("#screener-table", offset=(x, 0))
        assert table(app).sort == ("score", False)
        query = pane(app).query_text
        assert table(app).symbols == expected(demo_analysis, query, "score:asc")
        header = table(app).render_line(0).text
        assert "Score ▲" in header


async def test_cursor_keys_scroll_and_enter_posts_stock_chosen(
    make_app: Callable[..., DalalApp],
) -> None:
    chosen: list[str] = []
    seen: list[Message] = []

    def hook(message: Message) -> None:
        if isinstance(message, ScreenerPane.StockChosen) and all(m is not message for m in seen):
            seen.append(message)  # the hook sees a message at each step of its bubbling
            chosen.append(message.symbol)

    app = make_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(app, pilot)
        grid = table(app)
        symbols = grid.symbols
        await pilot.press("6", "down", "down")
        assert grid.cursor_row == 2
        assert pane(app).highlighted_symbol == symbols[2]
        await pilot.press("end")
        assert grid.highlighted_symbol == symbols[-1]
        assert grid.scroll_offset.y == grid.max_scroll_y > 0
        await pilot.pause()
        last_line = grid.render_line(grid.scrollable_content_region.height - 1).text
        assert symbols[-1] in last_line
        await pilot.press("home", "pagedown")
        assert grid.cursor_row == grid.scrollable_content_region.height - 2
        await pilot.press("up")
        target = grid.highlighted_symbol
        assert target is not None
        await pilot.press("enter")
        await pilot.pause()
        assert chosen == [target]


async def test_a_click_highlights_a_row_and_a_second_click_chooses_it(
    make_app: Callable[..., DalalApp],
) -> None:
    chosen: list[str] = []
    seen: list[Message] = []
    app = make_app()

    def hook(message: Message) -> None:
        if isinstance(message, ScreenerPane.StockChosen) and all(m is not message for m in seen):
            seen.append(message)  # the hook sees a message at each step of its bubbling
            chosen.append(message.symbol)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(app, pilot)
        symbols = table(app).symbols
        await pilot.click("#screener-table", offset=(3, 4))  # line 4 = row 3
        assert table(app).highlighted_symbol == symbols[3]
        assert not chosen
        await pilot.click("#screener-table", offset=(3, 4))
        await pilot.pause()
        assert chosen == [symbols[3]]


async def test_lines_show_formatted_cells_from_raw_values(
    make_app: Callable[..., DalalApp], demo_analysis: Analysis
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        grid = table(app)
        row = grid.frame.iloc[0]
        line = grid.render_line(1).text
        assert line.split()[0] == grid.symbols[0]
        assert f"{row['close']:,.2f}" in line
        assert f"{row['ret_1d']:+.2f}%" in line
        assert str(row["call"]) in line
        header = grid.render_line(0).text
        for column in COLUMNS:
            assert column.label in header
