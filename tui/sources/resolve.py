"""Turn a --source value into MarketData: demo, folder:PATH, or a live source with fallback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tui.market.model import MarketData
from tui.settings import Settings
from tui.sources.base import SourceError

LIVE = ("nse", "bse", "yahoo")


def open_source(
    spec: str,
    settings: Settings,
    notice: Callable[[str], None] | None = None,
    *,
    progress: Callable[[int, int, str], None] | None = None,
    on_report: Callable[[Any], None] | None = None,
) -> MarketData:
    """Load the data a source spec names.

    Args:
        spec: demo, folder:PATH, nse, bse, yahoo or auto.
        settings: for the live source `auto` uses.
        notice: called with a one-line notice when a fallback is taken.
        progress: live sources only: called with (done, total, label) as items arrive.
        on_report: live sources only: called with the run's `FetchReport` (per-symbol
            outcomes, coverage, notices).
    """
    return _open(spec, settings, notice, progress, on_report).compact()


def _live(
    spec: str,
    settings: Settings,
    notice: Callable[[str], None] | None,
    progress: Callable[[int, int, str], None] | None,
    on_report: Callable[[Any], None] | None,
    *,
    offline: bool = False,
) -> MarketData:
    from tui.sources.live import LiveSource

    source = LiveSource(spec, settings, progress, offline=offline)
    try:
        data = source.load()
    finally:
        if source.report is not None and on_report is not None:
            on_report(source.report)
    if notice and source.report is not None and data.stale:
        why = next((n for n in source.report.notices if "Showing cached" in n), "")
        why = why.split(" Showing cached")[0].rstrip(".")
        notice(f"{why or spec.upper()}; showing stale cached data")
    return data


def _open(
    spec: str,
    settings: Settings,
    notice: Callable[[str], None] | None,
    progress: Callable[[int, int, str], None] | None = None,
    on_report: Callable[[Any], None] | None = None,
) -> MarketData:
    if spec == "demo":
        from tui.sources.demo import DemoSource

        return DemoSource().load(compact=True)
    if spec.startswith("folder:"):
        from tui.sources.folder import load_folder

        path = Path(spec.removeprefix("folder:")).expanduser()
        if not str(path) or not path.is_dir():
            raise SourceError(f"folder source: '{path}' is not a folder")
        return replace(load_folder(path, compact=True), source="folder")
    if spec == "auto":
        return _auto(settings, notice, progress, on_report)
    if spec in LIVE:
        return _live(spec, settings, notice, progress, on_report)
    raise SourceError(f"unknown source '{spec}'; use demo, folder:PATH, nse, bse, yahoo or auto")


def _auto(
    settings: Settings,
    notice: Callable[[str], None] | None,
    progress: Callable[[int, int, str], None] | None,
    on_report: Callable[[Any], None] | None,
) -> MarketData:
    """The configured live source; else its cache alone; else the demo, with a notice."""
    live = settings.live_source
    try:
        return _live(live, settings, notice, progress, on_report)
    except SourceError as exc:
        reason = str(exc).rstrip(".")
    try:
        data = _live(live, settings, None, None, on_report, offline=True)
    except SourceError:
        pass
    else:
        if notice:
            notice(f"{reason}; showing cached {live.upper()} data")
        return data
    from tui.sources.demo import DemoSource

    if notice:
        notice(f"{reason}; showing the DEMO DATA snapshot")
    return DemoSource().load(compact=True)
