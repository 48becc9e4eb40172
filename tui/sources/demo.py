"""The bundled demo snapshot: built from the package's compact inputs into the cache dir.

The first use expands the inputs (tui.demo.build) into a data folder under the cache dir and
checks its checksum; later uses load that folder (through the folder loader's own fast cache).
A missing or damaged folder is rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from tui.demo import build
from tui.market.model import MarketData
from tui.paths import cache_dir
from tui.sources.base import SourceError
from tui.sources.folder import load_folder


def demo_folder() -> Path:
    """The demo's data folder, built on first use and rebuilt when missing or damaged."""
    expected = build.expected_checksum()
    target = cache_dir() / "demo" / f"v{build.BUILD_VERSION}-{expected[:16]}"
    marker = target / "CHECKSUM"
    if marker.exists() and marker.read_text().strip() == expected:
        return target
    got = build.write_folder(target)
    if got != expected:
        raise SourceError(
            f"the demo snapshot built at {target} does not match its checksum "
            f"({got[:12]} != {expected[:12]}); please report this"
        )
    return target


class DemoSource:
    """The bundled demo snapshot of 10 Feb 2026 (synthetic prices; real names)."""

    name = "demo"

    def load(self, compact: bool = False) -> MarketData:
        """Load the demo as MarketData labelled with source "demo".

        Args:
            compact: daily bars as a dense panel only (see `load_folder`).
        """
        from dataclasses import replace

        return replace(load_folder(demo_folder(), compact=compact), source="demo")
