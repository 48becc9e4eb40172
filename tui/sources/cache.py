"""The live sources' on-disk cache (sources.md §5): versioned, one gzip JSON envelope per entry.

Layout: `cache_dir()/v{CACHE_VERSION}/<source>/<kind>/<percent-encoded key>.json.gz`. Each file
is one envelope `{format, kind, key, source, endpoint, fetched_at, as_of, payload}`, written temp
file → fsync → `os.replace` in the same folder, so a reader sees the old or the new entry, never a
torn one. A missing, corrupt or wrong-format entry is a miss, never an error. `get` answers the
entry with its freshness (per `MarketClock.expires_at`) so callers can render stale data while a
refresh runs.

Payloads are JSON values the provider chose (parsed and normalised, never raw bodies); frames
are stored as column lists (see `tui.sources.cached_bars`). A negative entry (a cached
`NotFound`) has `payload: null`; a real payload is never null.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import os
import re
import shutil
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tui.paths import cache_dir
from tui.sources.clock import IST, Kind, MarketClock

CACHE_VERSION = 1
"""Bump when any payload's shape changes; old `v*` folders are then deleted."""
FORMAT = f"dalal-cache/{CACHE_VERSION}"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_VERSION_DIR = re.compile(r"^v\d+$")
_SUFFIX = ".json.gz"


@dataclass(frozen=True)
class Entry:
    """One cached envelope.

    Attributes:
        source: The logical host or provider (`nse`, `bse`, `yahoo`, ...).
        kind: The kind of data (a `Kind` value: `quotes`, `history`, ...).
        key: What the entry is for (`RELIANCE.NS`, `NIFTY SMALLCAP 250`).
        endpoint: The endpoint path that answered.
        fetched_at: When it was fetched (timezone-aware).
        as_of: What time the data describes (a session close, the last bar's date), if known.
        payload: The normalised JSON value; None for a negative (`NotFound`) entry.
    """

    source: str
    kind: str
    key: str
    endpoint: str
    fetched_at: dt.datetime
    as_of: dt.datetime | dt.date | None
    payload: Any

    @property
    def negative(self) -> bool:
        """Whether this entry records a `NotFound`."""
        return self.payload is None


@dataclass(frozen=True)
class Hit:
    """A cache lookup that found an entry.

    Attributes:
        entry: The entry.
        fresh: Whether it is within its TTL now; a stale entry is still shown while a refresh
            runs (stale-while-revalidate).
        expires_at: When it stops (or stopped) being fresh.
    """

    entry: Entry
    fresh: bool
    expires_at: dt.datetime

    @property
    def stale(self) -> bool:
        """The opposite of `fresh`."""
        return not self.fresh


class Cache:
    """The versioned entry store under `cache_dir()`.

    Args:
        clock: Decides freshness; defaults to a `MarketClock` on the system time.
        root: The folder holding the `v*` folders; defaults to `cache_dir()` read at each call,
            so `DALAL_CACHE_DIR` set later still applies.
    """

    def __init__(self, clock: MarketClock | None = None, root: Path | None = None) -> None:
        self.clock = clock or MarketClock()
        self._root = root

    @property
    def root(self) -> Path:
        """The folder holding the `v*` folders."""
        return self._root if self._root is not None else cache_dir()

    @property
    def version_dir(self) -> Path:
        """`root/v{CACHE_VERSION}`."""
        return self.root / f"v{CACHE_VERSION}"

    def path(self, source: str, kind: Kind | str, key: str) -> Path:
        """The file of one entry.

        Raises:
            ValueError: when `source` or `kind` is not a lower-case name, or `key` is empty.
        """
        for label, name in (("source", source), ("kind", str(kind))):
            if not _NAME.match(name):
                raise ValueError(f"cache {label} '{name}' must be a lower-case name")
        if not key:
            raise ValueError("cache key must not be empty")
        return self.version_dir / source / str(kind) / (quote(key, safe="") + _SUFFIX)

    def read(self, source: str, kind: Kind | str, key: str) -> Entry | None:
        """The stored entry, or None when it is missing, corrupt or of another format."""
        path = self.path(source, kind, key)
        try:
            with gzip.open(path, "rb") as handle:
                envelope = json.loads(handle.read().decode("utf-8"))
            return _entry(envelope, source, str(kind), key)
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None

    def get(
        self, source: str, kind: Kind | str, key: str, *, now: dt.datetime | None = None
    ) -> Hit | None:
        """The entry with its freshness at `now` (default the clock's now), or None on a miss."""
        entry = self.read(source, kind, key)
        if entry is None:
            return None
        expires = self.clock.expires_at(
            kind, entry.fetched_at, source=source, as_of=entry.as_of, negative=entry.negative
        )
        return Hit(entry, (now or self.clock.now()) < expires, expires)

    def put(
        self,
        source: str,
        kind: Kind | str,
        key: str,
        payload: Any,
        *,
        endpoint: str = "",
        fetched_at: dt.datetime | None = None,
        as_of: dt.datetime | dt.date | None = None,
    ) -> Entry:
        """Store a parsed payload atomically (replacing any previous entry).

        Raises:
            ValueError: when `payload` is None (use `put_not_found`) or not JSON-able.
            OSError: when the file cannot be written; the previous entry stays intact.
        """
        if payload is None:
            raise ValueError("a cache payload must not be None; use put_not_found")
        return self._write(source, kind, key, payload, endpoint, fetched_at, as_of)

    def put_not_found(
        self,
        source: str,
        kind: Kind | str,
        key: str,
        *,
        endpoint: str = "",
        fetched_at: dt.datetime | None = None,
    ) -> Entry:
        """Cache a `NotFound` (10 min while the market is open, 1 h while closed)."""
        return self._write(source, kind, key, None, endpoint, fetched_at, None)

    def delete(self, source: str, kind: Kind | str, key: str) -> None:
        """Remove one entry if present."""
        self.path(source, kind, key).unlink(missing_ok=True)

    def delete_old_versions(self) -> list[Path]:
        """Delete every `v*` folder other than the current version's; return what was removed."""
        removed: list[Path] = []
        if not self.root.is_dir():
            return removed
        for child in sorted(self.root.iterdir()):
            if child.is_dir() and _VERSION_DIR.match(child.name) and child != self.version_dir:
                shutil.rmtree(child, ignore_errors=True)
                removed.append(child)
        return removed

    def _write(
        self,
        source: str,
        kind: Kind | str,
        key: str,
        payload: Any,
        endpoint: str,
        fetched_at: dt.datetime | None,
        as_of: dt.datetime | dt.date | None,
    ) -> Entry:
        path = self.path(source, kind, key)
        fetched = (fetched_at or self.clock.now()).astimezone(IST)
        entry = Entry(source, str(kind), key, endpoint, fetched, as_of, payload)
        envelope = {
            "format": FORMAT,
            "kind": entry.kind,
            "key": key,
            "source": source,
            "endpoint": endpoint,
            "fetched_at": fetched.isoformat(),
            "as_of": None if as_of is None else as_of.isoformat(),
            "payload": payload,
        }
        data = json.dumps(envelope, allow_nan=False, separators=(",", ":")).encode("utf-8")
        atomic_write(path, gzip.compress(data, mtime=0))
        return entry


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temp file in the same folder, fsync and `os.replace`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    done = False
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
        done = True
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _entry(envelope: Any, source: str, kind: str, key: str) -> Entry | None:
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        return None
    if (envelope["source"], envelope["kind"], envelope["key"]) != (source, kind, key):
        return None
    fetched = dt.datetime.fromisoformat(envelope["fetched_at"])
    if fetched.tzinfo is None:
        return None
    raw_as_of = envelope["as_of"]
    as_of: dt.datetime | dt.date | None = None
    if isinstance(raw_as_of, str):
        as_of = (
            dt.date.fromisoformat(raw_as_of)
            if len(raw_as_of) == 10
            else dt.datetime.fromisoformat(raw_as_of)
        )
    return Entry(source, kind, key, str(envelope["endpoint"]), fetched, as_of, envelope["payload"])
