"""The screener's `s` (save the screen) and `e` (export the rows), and keys in the query line."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from tests.app.conftest import settle, text_of
from tui import cli, screening
from tui.app import DalalApp
from tui.app.dialogs.save_screen import SaveScreenDialog
from tui.app.panes import ScreenerPane
from tui.app.widgets.screener_table import ScreenerTable
from tui.market.analysis import Analysis
from tui.screening.output import DEFAULT_COLUMNS, csv_text
from tui.store.screens import list_screens, screens_dir

SIZE = (120, 40)


def pane(app: DalalApp) -> ScreenerPane:
    return app.screen.query_one(ScreenerPane)


def table(app: DalalApp) -> ScreenerTable:
    return app.screen.query_one("#screener-table", ScreenerTable)


def csv_files(folder: Path) -> list[Path]:
    return list(folder.glob("*.csv"))


async def type_name(pilot: Pilot[Any], name: str) -> None:
    name_line = pilot.app.screen.query_one("#save-screen-name", Input)
    name_line.value = ""
    await pilot.press(*name, "enter")
    await pilot.pause()


async def test_s_saves_the_screen_and_dalal_screens_lists_it(
    make_app: Callable[..., DalalApp],
    demo_analysis: Analysis,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#select-call", Select).value = "Buy"
        await pilot.pause()
        await settle(app, pilot)
        query = pane(app).query_text
        await pilot.press("6", "s")
        await pilot.pause()
        assert isinstance(app.screen, SaveScreenDialog)
        await type_name(pilot, "top/small")  # a path separator
        error = text_of(app.screen.query_one("#save-screen-error", Static))
        assert "may only hold letters" in error
        await type_name(pilot, "Top-Small")  # a built-in screen, in another case
        error = text_of(app.screen.query_one("#save-screen-error", Static))
        assert "built-in screen" in error
        assert isinstance(app.screen, SaveScreenDialog)
        await type_name(pilot, "buy small")
        await settle(app, pilot)
        assert not isinstance(app.screen, SaveScreenDialog)
        assert (screens_dir() / "buy small.toml").is_file()
        assert [(s.name, s.query) for s in list_screens()] == [("buy small", query)]
        assert any("Saved screen 'buy small'" in n.message for n in app._notifications)
        assert pane(app).screen_name == "buy small"
    capsys.readouterr()
    assert cli.main(["screens"]) == 0
    listing = capsys.readouterr().out
    assert "Saved screens" in listing
    assert "buy small" in listing
    assert query in listing


async def test_escape_cancels_saving(make_app: Callable[..., DalalApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("6", "s")
        await pilot.pause()
        await pilot.press("x", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SaveScreenDialog)
        assert not screens_dir().exists() or not list(screens_dir().glob("*.toml"))


async def test_e_exports_the_rows_in_table_order(
    make_app: Callable[..., DalalApp],
    demo_analysis: Analysis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("6", "o", "o", "o", "o")  # sorted by 1D %, largest first
        assert table(app).sort == ("ret_1d", True)
        await pilot.press("e")
        await settle(app, pilot)
        path = tmp_path / "query-2026-02-10.csv"
        assert path.is_file()
        with path.open(newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == list(DEFAULT_COLUMNS)
        assert [r[0] for r in rows[1:]] == table(app).symbols
        fields = screening.query_registry(demo_analysis)
        assert path.read_text() == csv_text(table(app).frame, DEFAULT_COLUMNS, fields)
        assert any(str(path) in n.message for n in app._notifications)
        query = "mcap class = small AND technical >= mildly bullish AND call >= buy"
        pane(app).load_screen("bullish-small-caps", query)
        await pilot.pause()
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        assert (tmp_path / "bullish-small-caps-2026-02-10.csv").is_file()


async def test_export_is_disabled_on_an_empty_table(
    make_app: Callable[..., DalalApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#query-line", Input).value = "close < 0"
        await pilot.press("slash", "enter")
        await settle(app, pilot)
        assert table(app).row_count == 0
        assert pane(app).check_action("export_rows", ()) is None
        await pilot.press("6", "e")
        await settle(app, pilot)
        assert not csv_files(tmp_path)
        assert table(app).highlighted_symbol is None


async def test_s_and_e_typed_in_the_query_line_go_into_the_query(
    make_app: Callable[..., DalalApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        query_line = app.screen.query_one("#query-line", Input)
        query_line.value = ""
        await pilot.press("s", "e", "o", "O")
        await settle(app, pilot)
        assert query_line.value == "seoO"
        assert app.focused is query_line
        assert not isinstance(app.screen, SaveScreenDialog)
        assert not csv_files(tmp_path)
        assert table(app).sort is None
