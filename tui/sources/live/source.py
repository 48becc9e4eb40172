"""`LiveSource`: the `Source` of `--source nse|bse|yahoo` (sources.md §1, §4, §5).

`load()` runs `fetch_market` with `asyncio.run` on its own `Fetcher` and client, closed at the
end: the TUI calls it from a thread worker, so it never touches another loop's client. The run's
`FetchReport` is kept on `report` (per-symbol outcomes, coverage, notices).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from tui.market.model import MarketData
from tui.settings import Settings
from tui.sources.base import SourceError
from tui.sources.cache import Cache
from tui.sources.clock import MarketClock, clock_from_env
from tui.sources.fetcher import Fetcher
from tui.sources.http import HttpConfig, build_client
from tui.sources.live.market import FetchReport, LiveResult, Progress, fetch_market
from tui.sources.live.modes import MODES


class LiveSource:
    """A live source: `nse`, `bse` or `yahoo`.

    Args:
        name: The mode.
        settings: `http` tunables and `[sources.<name>]` limits and base URLs.
        progress: Called with (done, total, label) as items finish (from the worker thread).
        offline: Serve the cache only, whatever its age (never send a request).
        transport: Replaces the network (tests: `httpx.MockTransport`).
        sleep: Replaces `asyncio.sleep` for backoff and pacing (tests).
        clock: The market clock; default from `DALAL_NOW` or the system time.
        cache: The cache; default under `cache_dir()`.

    Raises:
        SourceError: for an unknown mode.
    """

    def __init__(
        self,
        name: str,
        settings: Settings | None = None,
        progress: Progress | None = None,
        *,
        offline: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: MarketClock | None = None,
        cache: Cache | None = None,
    ) -> None:
        if name not in MODES:
            raise SourceError(f"unknown live source '{name}'; use nse, bse or yahoo")
        self.name = name
        self.settings = settings or Settings()
        self.progress = progress
        self.offline = offline
        self.transport = transport
        self.sleep = sleep
        self.clock = clock or clock_from_env()
        self.cache = cache or Cache(self.clock)
        self.report: FetchReport | None = None
        """The last run's report (None before `load`, or when it raised)."""

    def load(self) -> MarketData:
        """Fetch (cache first) and assemble the market.

        Returns:
            `MarketData` with `source` = the mode and `stale` when cached data past its TTL
            is shown.

        Raises:
            SourceError: nothing usable arrived (the message names the reason).
        """
        return self.run().data

    def run(self) -> LiveResult:
        """`load`, returning the report too."""
        result = asyncio.run(self.fetch())
        self.report = result.report
        return result

    async def fetch(self) -> LiveResult:
        """The async core on the running loop, with a fetcher built and closed here."""
        try:
            config = HttpConfig.from_settings(self.settings.http, self.settings.sources)
        except ValueError as exc:
            raise SourceError(str(exc)) from exc
        client = build_client(config, self.transport)
        if self.sleep is None:
            fetcher = Fetcher(client, config)
        else:
            fetcher = Fetcher(client, config, sleep=self.sleep)
        try:
            return await fetch_market(
                fetcher, self.cache, self.clock, MODES[self.name], self.progress,
                offline=self.offline,
            )  # fmt: skip
        except SourceError:
            raise
        except ValueError as exc:
            raise SourceError(f"{self.name.upper()}: {exc}") from exc
        finally:
            await fetcher.aclose()
