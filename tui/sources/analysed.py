"""Open a source and analyse it, remembering the analysis of an unchanged folder on disk.

The replay behind an analysis (every pillar and the call over every session) is the costly
part of opening dalal. For the demo and folder sources the inputs are files: when none of
them changed, and the session, the analytics parameters and the analytics code are the same,
the analysis is the same, so it is kept under the cache dir and read back instead of being
recomputed. Live sources are always analysed afresh.

One entry per folder (a newer analysis replaces the older), written atomically; an entry that
fails to load or whose key differs is a miss, never an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import tui
from tui import paths
from tui.market.analysis import Analysis, analyse
from tui.market.params import Params
from tui.settings import Settings
from tui.sources import folder as folder_module
from tui.sources.pickled import read_entry, write_entry
from tui.sources.resolve import open_source

CACHE_VERSION = 1


def open_analysis(
    spec: str,
    settings: Settings,
    as_of: dt.date | None,
    params: Params,
    notice: Callable[[str], None] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Analysis:
    """`analyse(open_source(spec, ...), as_of, params)`, from the disk cache when it can be.

    Args:
        spec: demo, folder:PATH, nse, bse, yahoo or auto.
        settings: passed to `open_source`.
        as_of: the session to analyse (None: the data's latest).
        params: the analytics parameters.
        notice: one-line notices of fallbacks (live sources).
        progress: a live source's (done, total, label) reports.
    """
    folder = _folder_of(spec)
    if folder is None:
        return analyse(open_source(spec, settings, notice, progress=progress), as_of, params)
    key = _key(folder, as_of, params)
    entry = _entry_file(folder)
    cached = _read(entry, key)
    if cached is not None:
        return cached
    analysis = analyse(open_source(spec, settings, notice, progress=progress), as_of, params)
    if _key(folder, as_of, params) == key:  # a file changed meanwhile: don't pin that state
        _write(entry, key, analysis)
    return analysis


def _folder_of(spec: str) -> Path | None:
    """The data folder behind a demo or folder spec (None for live sources)."""
    if spec == "demo":
        from tui.sources.demo import demo_folder

        return demo_folder()
    if spec.startswith("folder:"):
        path = Path(spec.removeprefix("folder:")).expanduser().absolute()
        return path if path.is_dir() else None  # open_source reports the error
    return None


def _key(folder: Path, as_of: dt.date | None, params: Params) -> str:
    parts = (
        CACHE_VERSION,
        folder_module._fingerprint(folder),
        None if as_of is None else as_of.isoformat(),
        repr(params),
        _code_digest(),
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@cache
def _code_digest() -> str:
    """The analytics code and the libraries it runs on: a change recomputes every analysis."""
    digest = hashlib.sha256(f"{tui.__version__} {np.__version__} {pd.__version__}".encode())
    root = Path(__file__).resolve().parents[1]
    for package in ("market", "sources"):
        for file in sorted((root / package).rglob("*.py")):
            digest.update(file.relative_to(root).as_posix().encode("utf-8"))
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _entry_file(folder: Path) -> Path:
    name = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()
    return paths.cache_dir() / f"v{CACHE_VERSION}" / "analyses" / f"{name}.pkl"


def _read(entry: Path, key: str) -> Analysis | None:
    analysis = read_entry(entry, key)
    return analysis if isinstance(analysis, Analysis) else None


def _write(entry: Path, key: str, analysis: Analysis) -> None:
    write_entry(entry, key, analysis)
