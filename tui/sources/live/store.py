"""Cache first (sources.md §5): a fresh entry is served without a request, a stale one is
refreshed and kept when the refresh fails, daily bars are refreshed only at their tail.

`Store.item` serves one entry of any kind; `Store.bars` serves daily bars (cached forever,
tail merged, re-based on a split). Both answer a `Served` saying whether the value is `fresh`
(fetched now) or `cached`, and whether it is past its TTL (`stale`). Nothing is written
unless a fetch parsed completely, so a failed or cancelled refresh leaves the old entry.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from tui.sources.base import SourceError
from tui.sources.cache import Cache, Entry
from tui.sources.cached_bars import (
    bars_from_payload,
    bars_to_payload,
    merge_tail,
    tail_start,
)
from tui.sources.clock import Kind
from tui.sources.errors import NotFound, display_name

Fetch = Callable[[], Awaitable[tuple[Any, str]]]
"""Returns (JSON payload, endpoint that answered)."""
FetchBars = Callable[[dt.date | None], Awaitable[tuple[dict[str, list[Any]], str]]]
"""Returns (bars payload from that date on, or the full history for None; endpoint)."""


class NotCached(SourceError):
    """Offline: the entry is not in the cache."""


@dataclass(frozen=True)
class Served:
    """A value and how it was obtained.

    Attributes:
        value: The payload.
        status: `fresh` (fetched now) or `cached`.
        stale: Past its TTL (a refresh failed, or offline).
        error: The refresh failure behind a stale value, if any.
        fetched_at: When the value was fetched.
    """

    value: Any
    status: Literal["fresh", "cached"]
    stale: bool = False
    error: Exception | None = None
    fetched_at: dt.datetime | None = None


class Store:
    """Cache-first access for one run.

    Args:
        cache: The entry store.
        offline: Serve every entry from the cache whatever its age; never fetch.
    """

    def __init__(self, cache: Cache, *, offline: bool = False) -> None:
        self.cache = cache
        self.offline = offline

    async def item(
        self,
        source: str,
        kind: Kind,
        key: str,
        fetch: Fetch,
        *,
        as_of: dt.date | None = None,
        check: Callable[[Any], object] | None = None,
    ) -> Served:
        """One entry, cache first.

        Args:
            source: The cache folder (logical host or provider).
            kind: The kind of data (decides the TTL).
            key: The entry key.
            fetch: Fetches and parses the value; may raise.
            as_of: The date the fetched data describes, stored in the envelope.
            check: Decodes a cached payload and raises on a malformed one (treated as a miss).

        Raises:
            NotFound: the host has no such item (now, or cached negatively).
            NotCached: offline and nothing is cached.
            SourceError: the fetch failed and nothing usable is cached.
        """
        hit = self.cache.get(source, kind, key)
        if hit is not None and check is not None and not hit.entry.negative:
            try:
                check(hit.entry.payload)
            except (ValueError, KeyError, TypeError):
                hit = None
        if hit is not None and (hit.fresh or self.offline):
            if hit.entry.negative:
                raise NotFound(source, key, "cached as not found")
            return Served(hit.entry.payload, "cached", hit.stale, None, hit.entry.fetched_at)
        if self.offline:
            raise NotCached(f"{display_name(source)} {kind} '{key}' is not cached.")
        try:
            payload, endpoint = await fetch()
        except NotFound:
            self.cache.put_not_found(source, kind, key)
            raise
        except Exception as exc:
            if hit is None or hit.entry.negative:
                raise
            return Served(hit.entry.payload, "cached", True, exc, hit.entry.fetched_at)
        entry = await self._put(source, kind, key, payload, endpoint, as_of)
        return Served(payload, "fresh", False, None, entry.fetched_at)

    async def _put(
        self, source: str, kind: Kind, key: str, payload: Any, endpoint: str, as_of: dt.date | None
    ) -> Entry:
        """Write in a worker thread: gzip and fsync then overlap the network (the write is
        atomic, so a cancelled run leaves the old entry or the new one)."""
        return await asyncio.to_thread(
            self.cache.put, source, kind, key, payload, endpoint=endpoint, as_of=as_of
        )

    async def bars(
        self, source: str, key: str, fetch: FetchBars, kind: Kind = Kind.HISTORY
    ) -> Served:
        """Daily bars, cache first: past bars never expire; an expired entry refetches only
        its tail (from the second-newest bar) and merges it, or the whole history when the
        tail shows a re-base (split) or does not overlap.

        Raises:
            NotFound, NotCached, SourceError: as `item`.
        """
        hit = self.cache.get(source, kind, key)
        if hit is not None and not hit.entry.negative and not _bars_shape(hit.entry.payload):
            hit = None
        if hit is not None and (hit.fresh or self.offline):
            if hit.entry.negative:
                raise NotFound(source, key, "cached as not found")
            return Served(hit.entry.payload, "cached", hit.stale, None, hit.entry.fetched_at)
        stored: pd.DataFrame | None = None
        if hit is not None and not hit.entry.negative:
            try:
                stored = bars_from_payload(hit.entry.payload)
            except (ValueError, TypeError):
                hit = None
        if self.offline:
            raise NotCached(f"{display_name(source)} history '{key}' is not cached.")
        try:
            payload, endpoint = await self._refresh(stored, fetch)
        except NotFound:
            if stored is None:
                self.cache.put_not_found(source, kind, key)
            raise
        except Exception as exc:
            if hit is None or stored is None:
                raise
            return Served(hit.entry.payload, "cached", True, exc, hit.entry.fetched_at)
        dates = payload.get("date") or []
        as_of = dt.date.fromisoformat(max(dates)) if dates else None
        entry = await self._put(source, kind, key, payload, endpoint, as_of)
        return Served(payload, "fresh", False, None, entry.fetched_at)

    @staticmethod
    async def _refresh(
        stored: pd.DataFrame | None, fetch: FetchBars
    ) -> tuple[dict[str, list[Any]], str]:
        if stored is None or stored.empty:
            return await fetch(None)
        start = tail_start(stored)
        tail, endpoint = await fetch(start)
        merged = merge_tail(stored, bars_from_payload(tail))
        if merged.full_refetch:
            return await fetch(None)
        return bars_to_payload(merged.bars), endpoint


def _bars_shape(payload: Any) -> bool:
    """A cheap check of a bars payload: equal-length column lists with dates."""
    if not isinstance(payload, dict) or not isinstance(payload.get("date"), list):
        return False
    size = len(payload["date"])
    return all(isinstance(v, list) and len(v) == size for v in payload.values())
