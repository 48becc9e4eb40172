"""App fixtures: the demo built once per session, a fixed clock, and a settle helper."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerFailed, WorkerState

from tui.app import DalalApp
from tui.app.loading import load_analysis
from tui.market.analysis import Analysis

FIXED_NOW = dt.datetime(2026, 2, 10, 10, 0, tzinfo=dt.UTC)
"""15:30 IST on the demo's session."""


def fixed_clock() -> dt.datetime:
    return FIXED_NOW


@pytest.fixture(scope="session")
def demo_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir holding the built demo (building it takes seconds; do it once)."""
    cache = tmp_path_factory.mktemp("demo-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DALAL_CACHE_DIR", str(cache))
        from tui.sources.demo import demo_folder

        demo_folder()
    return cache


@pytest.fixture(scope="session")
def demo_analysis(demo_cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    """The demo analysed at its as-of session, shared read-only by the app tests."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DALAL_CACHE_DIR", str(demo_cache_dir))
        mp.setenv("DALAL_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
        return load_analysis("demo", None, lambda _: None)


@pytest.fixture
def demo_cache(demo_cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point this test's DALAL_CACHE_DIR at the session's built demo."""
    monkeypatch.setenv("DALAL_CACHE_DIR", str(demo_cache_dir))
    return demo_cache_dir


@pytest.fixture
def make_app(demo_analysis: Analysis) -> Iterator[Callable[..., DalalApp]]:
    """Build a DalalApp on the demo; `loader=` overrides the shared-analysis loader."""

    def build(**kwargs: Any) -> DalalApp:
        kwargs.setdefault("loader", lambda spec, as_of, notice: demo_analysis)
        return DalalApp("demo", clock=fixed_clock, **kwargs)

    return build


async def settle(app: DalalApp, pilot: Pilot[Any]) -> None:
    """Wait until no worker is pending or running (a result may start the next worker)."""
    for _ in range(20):
        with contextlib.suppress(WorkerFailed):  # failures are the app's to report
            await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
            return
    raise AssertionError("workers did not settle")


def text_of(widget: Static, width: int = 120) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(widget.content)
    return console.export_text()
