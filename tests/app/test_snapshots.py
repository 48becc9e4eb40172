"""SVG snapshot of the dashboard on the demo (baselines: `pytest tests/app --snapshot-update`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.conftest import fixed_clock, settle
from tui.app import DalalApp


async def _ready(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, DalalApp)
    await pilot.pause()  # run_before can start before the dashboard has composed
    await settle(app, pilot)
    app.screen.query_one("#query-line", Input).cursor_blink = False
    await pilot.pause()


def test_dashboard_120x40(snap_compare: Any, demo_cache: Path) -> None:
    # The real loader on the demo source (the session fixture has built it once).
    app = DalalApp("demo", clock=fixed_clock)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_ready)
