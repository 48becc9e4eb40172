"""Turn a --source value into MarketData: demo, folder:PATH, or a live source with fallback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from tui.market.model import MarketData
from tui.settings import Settings
from tui.sources.base import SourceError

LIVE = ("nse", "bse", "yahoo")


def open_source(
    spec: str, settings: Settings, notice: Callable[[str], None] | None = None
) -> MarketData:
    """Load the data a source spec names.

    Args:
        spec: demo, folder:PATH, nse, bse, yahoo or auto.
        settings: for the live source `auto` uses.
        notice: called with a one-line notice when a fallback is taken.
    """
    return _open(spec, settings, notice).compact()


def _open(spec: str, settings: Settings, notice: Callable[[str], None] | None) -> MarketData:
    if spec == "demo":
        from tui.sources.demo import DemoSource

        return DemoSource().load()
    if spec.startswith("folder:"):
        from tui.sources.folder import load_folder

        path = Path(spec.removeprefix("folder:")).expanduser()
        if not str(path) or not path.is_dir():
            raise SourceError(f"folder source: '{path}' is not a folder")
        return replace(load_folder(path), source="folder")
    if spec == "auto":
        from tui.sources.demo import DemoSource

        if notice:
            notice(
                f"live source '{settings.live_source}' is not available in this build; "
                "showing the DEMO DATA snapshot"
            )
        return DemoSource().load()
    if spec in LIVE:
        raise SourceError(f"source '{spec}' is not available in this build yet")
    raise SourceError(f"unknown source '{spec}'; use demo, folder:PATH, nse, bse, yahoo or auto")
