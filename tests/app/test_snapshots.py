"""SVG snapshots on the demo: dashboard (wide and 80×24), detail, watchlists, help.

Baselines: `pytest tests/app/test_snapshots.py --snapshot-update`, after reading the report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.conftest import fixed_clock, settle
from tui.app import DalalApp
from tui.market.analysis import Analysis
from tui.store import watchlists as store
from tui.store.watchlists import Entry


async def _ready(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, DalalApp)
    await pilot.pause()  # run_before can start before the dashboard has composed
    await settle(app, pilot)
    app.dashboard_view.query_one("#query-line", Input).cursor_blink = False
    await pilot.pause()


def _then(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _ready(pilot)
        await pilot.press(*keys)
        app = pilot.app
        assert isinstance(app, DalalApp)
        await settle(app, pilot)
        for line in app.screen.query(Input).results():
            line.cursor_blink = False
        await pilot.pause()

    return run_before


def _app(analysis: Analysis) -> DalalApp:
    return DalalApp("demo", clock=fixed_clock, loader=lambda spec, as_of, notice: analysis)


def test_dashboard_120x40(snap_compare: Any, demo_cache: Path) -> None:
    # The real loader on the demo source (the session fixture has built it once).
    app = DalalApp("demo", clock=fixed_clock)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_ready)


def test_dashboard_80x24(snap_compare: Any, demo_analysis: Analysis) -> None:
    assert snap_compare(_app(demo_analysis), terminal_size=(80, 24), run_before=_ready)


def test_detail_view(snap_compare: Any, demo_analysis: Analysis) -> None:
    store.add_symbols("core", [Entry("DWARKESH", demo_analysis.as_of, 650.0)])
    assert snap_compare(
        _app(demo_analysis), terminal_size=(120, 40), run_before=_then("6", "down", "enter")
    )


def test_watchlists_view(snap_compare: Any, demo_analysis: Analysis) -> None:
    as_of = demo_analysis.as_of
    store.add_symbols(
        "core", [Entry("GOKULAGRO", as_of, 200.0), Entry("SGIL", as_of, 300.0), "MANINDS"]
    )
    store.add_symbols("swing", [Entry("IVC", as_of, 480.0)])
    assert snap_compare(_app(demo_analysis), terminal_size=(120, 30), run_before=_then("W"))


def test_help_view(snap_compare: Any, demo_analysis: Analysis) -> None:
    assert snap_compare(
        _app(demo_analysis), terminal_size=(120, 40), run_before=_then("question_mark")
    )
