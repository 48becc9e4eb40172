"""`fetch_market`: every capability of a live mode, cache first, into one `MarketData`
(sources.md §1, §4, §5).

Phase one asks, concurrently, for the segment indices' constituents (with today's quotes) and
the reference lists; the universe is joined from them. Phase two asks for every stock's history,
the segment and benchmark index histories, today's index levels, quotes (Yahoo spark in `yahoo`
mode), results and the calendar. Each item catches its own failure, so one bad symbol never
sinks the rest; the `FetchReport` keeps every outcome.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tui.market.model import MarketData
from tui.sources.batch import BatchResult, run_batch
from tui.sources.cache import Cache
from tui.sources.clock import MarketClock
from tui.sources.fetcher import Fetcher
from tui.sources.live import providers
from tui.sources.live.assemble import assemble, session_date
from tui.sources.live.frames import frame_from_payload
from tui.sources.live.modes import BROAD_LIST, Mode
from tui.sources.live.store import Served, Store
from tui.sources.live.universe import Reference, join_universe
from tui.sources.parse.lists import load_isin_sectors

Progress = Callable[[int, int, str], None]
"""Called with (done, total, label) after each item; `total` grows once the universe is known."""


@dataclass
class FetchReport:
    """What a run fetched, served from the cache, or failed on.

    Attributes:
        mode: The live mode.
        batches: Noun ("histories", "indices", "constituents", "lists", "results",
            "quotes", "calendar") → per-key outcomes and data.
        notices: One-sentence notices (a provider down, stale data shown).
        stale: Some data was served from the cache past its TTL.
    """

    mode: str
    batches: dict[str, BatchResult[Any]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    stale: bool = False

    def coverage(self, noun: str = "histories") -> str:
        """A status-line count: "1,198 of 1,211 histories · 13 failed"."""
        batch = self.batches.get(noun)
        return batch.summary(noun) if batch is not None else f"0 {noun}"

    def failed(self) -> dict[str, dict[str, str]]:
        """Noun → key → reason, for every failed key."""
        return {n: b.failed for n, b in self.batches.items() if b.failed}

    def failed_symbols(self) -> list[str]:
        """The stocks whose history failed, sorted."""
        batch = self.batches.get("histories")
        return sorted(batch.failed) if batch is not None else []

    def by_reason(self) -> dict[str, list[str]]:
        """Failure class name → "noun key" entries (for `dalal fetch`'s stderr)."""
        groups: dict[str, list[str]] = {}
        for noun, batch in self.batches.items():
            for error, keys in batch.by_error().items():
                groups.setdefault(error, []).extend(f"{noun} {k}" for k in keys)
        return {error: sorted(entries) for error, entries in groups.items()}

    @property
    def succeeded(self) -> int:
        """How many items arrived (fresh or cached)."""
        return sum(len(b.data) for b in self.batches.values())


@dataclass(frozen=True)
class LiveResult:
    """A live run's `MarketData` and its report."""

    data: MarketData
    report: FetchReport


class _Counter:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0
        self.total = 0

    def add(self, count: int) -> None:
        self.total += count
        self.tick("", 0)

    def tick(self, label: str, count: int = 1) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total, label)


async def _batch(
    report: FetchReport,
    counter: _Counter,
    noun: str,
    keys: list[str],
    task: Callable[[str], Awaitable[Served]],
) -> BatchResult[Any]:
    async def one(key: str) -> tuple[Any, Any]:
        try:
            served = await task(key)
        finally:
            counter.tick(noun)
        if served.stale:
            report.stale = True
            if served.error is not None:
                report.notices.append(f"{served.error} Showing cached {noun} for {key}.")
        return served.value, served.status

    result = await run_batch(keys, one)
    report.batches[noun] = result
    return result


async def fetch_market(
    fetcher: Fetcher,
    cache: Cache,
    clock: MarketClock,
    mode: Mode,
    progress: Progress | None = None,
    *,
    offline: bool = False,
) -> LiveResult:
    """Fetch (or read from the cache) everything a live mode shows, and assemble it.

    Args:
        fetcher: Sends the requests (its client stays open; the caller closes it).
        cache: The entry store.
        clock: IST time for TTLs and the session of undated quotes.
        mode: The live mode.
        progress: Called with (done, total, label) as items finish.
        offline: Read only the cache, whatever its age (no request is sent).

    Raises:
        SourceError: nothing usable arrived (no constituents or no index history).
    """
    store = Store(cache, offline=offline)
    report = FetchReport(mode.name)
    counter = _Counter(progress)
    today = clock.now().date()
    ask = providers.Providers(fetcher, store, mode, today)

    # Phase one: constituents (with today's quotes) and the reference lists.
    segment_keys = list(mode.segments)
    list_files = [BROAD_LIST, *mode.index_lists.values()]
    references = ["EQUITY_L.csv", *([] if mode.quotes == "yahoo" else ["ListofScripData"])]
    counter.add(len(segment_keys) * (mode.quotes != "yahoo") + len(list_files) + len(references))
    async with asyncio.TaskGroup() as group:
        quotes_task = group.create_task(
            _batch(report, counter, "constituents", segment_keys if mode.quotes != "yahoo" else [],
                   ask.constituents)
        )  # fmt: skip
        lists_task = group.create_task(
            _batch(report, counter, "lists", [*list_files, *references], ask.reference)
        )
    constituents, lists = quotes_task.result().data, lists_task.result().data

    members: dict[str, pd.DataFrame] = {}
    for key in segment_keys:
        if key in constituents:
            members[key] = frame_from_payload(constituents[key]["quotes"])
        elif mode.index_lists.get(key) in lists:
            members[key] = frame_from_payload(lists[mode.index_lists[key]])
    if not members:
        raise providers.NothingArrived(report, "no segment index constituents arrived")
    index_lists = [frame_from_payload(lists[f]) for f in list_files if f in lists]
    reference = Reference(
        index_lists=pd.concat(index_lists, ignore_index=True) if index_lists else None,
        equity_list=_frame(lists.get("EQUITY_L.csv")),
        scrips=_frame(lists.get("ListofScripData")),
        isin_sectors=load_isin_sectors(),
    )
    universe = join_universe(mode, members, reference)

    # Phase two: histories, index levels, quotes, results and the calendar.
    symbols = list(universe["symbol"])
    yahoo_of = dict(zip(universe["symbol"], universe["yahoo"], strict=True))
    nse_symbols = list(universe.loc[universe["exchange"] == "NSE", "symbol"])
    result_keys = nse_symbols if mode.results else []
    calendar_keys = ["calendar"] if mode.calendar else []
    spark_keys = segment_keys if mode.quotes == "yahoo" else []
    level_keys = ["allIndices"] if mode.quotes == "nse" else []
    counter.add(
        len(symbols) + len(mode.indices) + len(result_keys) + len(calendar_keys)
        + len(spark_keys) + len(level_keys)
    )  # fmt: skip
    spark_symbols = {k: list(universe.loc[universe["segment"] == k, "yahoo"]) for k in spark_keys}

    def spark(key: str) -> Awaitable[Served]:
        return ask.spark(key, spark_symbols[key])

    async with asyncio.TaskGroup() as group:
        tasks = {
            "histories": group.create_task(
                _batch(report, counter, "histories", symbols, lambda s: ask.history(yahoo_of[s]))
            ),
            "indices": group.create_task(
                _batch(report, counter, "indices", list(mode.indices), ask.index_history)
            ),
            "results": group.create_task(
                _batch(report, counter, "results", result_keys, ask.results)
            ),
            "calendar": group.create_task(
                _batch(report, counter, "calendar", calendar_keys, lambda _: ask.calendar())
            ),
            "quotes": group.create_task(
                _batch(report, counter, "quotes", spark_keys, spark)
            ),
            "levels": group.create_task(
                _batch(report, counter, "levels", level_keys, lambda _: ask.levels())
            ),
        }  # fmt: skip
    got = {name: task.result().data for name, task in tasks.items()}
    if not got["indices"]:
        raise providers.NothingArrived(report, "no index history arrived")

    now = clock.now()
    fallback_day = session_date(now, clock.is_trading_day)
    quotes = providers.quote_rows(mode, universe, constituents, got["quotes"], fallback_day)
    index_today = providers.index_rows(mode, constituents, got["levels"])
    calendar = providers.calendar_rows(universe, got["calendar"].get("calendar"))
    data = assemble(
        mode,
        universe,
        got["histories"],
        got["indices"],
        quotes=quotes,
        index_today=index_today,
        results=[frame_from_payload(p) for p in got["results"].values()],
        calendar=calendar,
        stale=report.stale,
    )
    for noun, batch in report.batches.items():
        if batch.failed and noun in ("histories", "indices", "constituents"):
            report.notices.append(batch.summary(noun))
    return LiveResult(data, report)


def _frame(payload: Any) -> pd.DataFrame | None:
    return None if payload is None else frame_from_payload(payload)
