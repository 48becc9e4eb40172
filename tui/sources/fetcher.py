"""Every live request goes through `Fetcher` (sources.md §4): limits, retries, NSE cookies,
circuit breakers, content checks and endpoint fallback chains.

One logical call (`get_json`, `get_csv`, `fetch`) walks a fallback chain of endpoint paths
under `asyncio.timeout(call_timeout)`: a 404 moves to the next path, the first path that answers
is remembered and tried first next time, the end of the chain is `NotFound`. Each path gets up to
`attempts` tries on transient failures (timeout, connection error, `RemoteProtocolError`, 429,
5xx) with `uniform(0, min(cap, base·2ⁿ))` backoff or the `Retry-After` (capped), via tenacity on
the injected sleep. NSE gets a cookie warm-up GET of the owning HTML page (re-warmed when the jar
is `cookie_max_age` old, and once on 401/403; a second 401/403 is `Blocked` and opens the
breaker). HTML is never data. Only `Exception` is caught, so cancellation propagates, and limiter
slots are freed in `finally`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from tui.sources.clock import IST, system_now
from tui.sources.errors import BadPayload, Blocked, NotFound, RateLimited, Unavailable
from tui.sources.http import HOSTS, HttpConfig, build_client, page_headers, request_headers
from tui.sources.limits import Breaker, HostLimiter, Monotonic, Sleep
from tui.sources.responses import (
    THRESHOLD,
    Fetched,
    block_reason,
    has_block_marker,
    is_html,
    retry_after,
)

Params = Mapping[str, str | int | float]
DEFAULT_NSE_PAGE = "/market-data/live-equity-market"
_TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class _Transient(Exception):
    """A retryable failure of one attempt."""

    def __init__(self, detail: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


class _Gone(Exception):
    """The endpoint answered 404: try the next one in the chain."""


@dataclass
class _Call:
    """The state of one logical call to one endpoint."""

    source: str
    path: str
    method: str
    params: Params | None
    body: Any
    page: str
    accept: str | None
    rewarmed: bool = False
    trip: bool = field(default=False)


class Fetcher:
    """Sends every live request, within each host's limits and failure rules.

    Args:
        client: The shared `AsyncClient` (see `tui.sources.http.build_client`).
        config: Tunables, base URLs and policies; defaults to `HttpConfig()`.
        monotonic: Clock for limits, breakers and the cookie age, in seconds.
        now: Wall clock (timezone-aware) for `fetched_at` and "paused until 14:32".
        sleep: Waits for backoff, pacing and jitter.
        rng: Random source for backoff and jitter.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        config: HttpConfig | None = None,
        *,
        monotonic: Monotonic = time.monotonic,
        now: Callable[[], dt.datetime] = system_now,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.config = config or HttpConfig()
        self._monotonic = monotonic
        self._now = now
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._limiters = {
            host: HostLimiter(self.config.policies[host], monotonic, sleep, self._rng)
            for host in HOSTS
        }
        self._breakers = {host: Breaker(self.config.breaker_cooldown, monotonic) for host in HOSTS}
        self._warmed_at: dict[str, float] = {}
        self._warm_locks = {host: asyncio.Lock() for host in HOSTS}
        self._answered: dict[tuple[str, tuple[str, ...]], str] = {}

    @classmethod
    def from_settings(
        cls,
        http: Mapping[str, Any] | None = None,
        sources: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Fetcher:
        """A fetcher on a new client built from `Settings.http` / `Settings.sources` and the
        environment's base URLs (close it with `aclose`)."""
        config = HttpConfig.from_settings(http, sources)
        return cls(build_client(config, transport), config)

    async def aclose(self) -> None:
        """Close the client."""
        await self.client.aclose()

    def limiter(self, source: str) -> HostLimiter:
        """The limiter of a logical host (its `in_flight` count drops to 0 when idle)."""
        return self._limiters[self._host(source)]

    def breaker(self, source: str) -> Breaker:
        """The circuit breaker of a logical host."""
        return self._breakers[self._host(source)]

    def url(self, source: str, path: str) -> str:
        """The full URL of a path on a logical host."""
        return self.config.base_urls[self._host(source)] + path

    def remembered(self, source: str, chain: Sequence[str]) -> str | None:
        """The path of `chain` that last answered, if any."""
        return self._answered.get((source, tuple(chain)))

    async def get_json(
        self,
        source: str,
        paths: str | Sequence[str],
        *,
        params: Params | None = None,
        page: str | None = None,
        method: str = "GET",
        body: Any = None,
    ) -> Any:
        """The decoded JSON body of the first endpoint of the chain that answers.

        Args:
            source: The logical host (`nse`, `nse_archives`, `niftyindices`, `bse`, `yahoo`).
            paths: One path, or a fallback chain of paths, each starting with "/".
            params: Query parameters, raw (`M&M`, `NIFTY 50`); httpx encodes them.
            page: NSE only: the owning HTML page (path and query) to warm cookies from and send
                as `Referer`; defaults to the live-equity-market page.
            method: "GET" or "POST".
            body: A JSON request body (POST).

        Raises:
            BadPayload: HTML, non-JSON, `{}` or `null`.
            Blocked: see `fetch`.
            NotFound: every path answered 404.
            RateLimited: 429 through every attempt.
            Unavailable: other transient failures through every attempt, or the call timeout.
        """
        fetched = await self.fetch(
            source, paths, params=params, page=page, method=method, body=body
        )
        try:
            value = json.loads(fetched.content)
        except ValueError as exc:
            raise BadPayload(source, fetched.endpoint, "the body is not JSON") from exc
        if value is None or value == {}:
            raise BadPayload(source, fetched.endpoint, "the body is empty")
        return value

    async def get_csv(
        self,
        source: str,
        paths: str | Sequence[str],
        *,
        header: str | None = None,
        params: Params | None = None,
        allow_empty: bool = False,
    ) -> str:
        """The text of a CSV file, checked to start with `header` (case-insensitive).

        Args:
            source: The logical host.
            paths: One path or a fallback chain.
            header: The start of the expected header line, e.g. "SYMBOL,NAME OF COMPANY".
            params: Query parameters, raw.
            allow_empty: An empty file is "no data" (BSE `ProduceCSVForDate`), not BadPayload.

        Raises:
            BadPayload: HTML, an empty file (unless allowed), or a missing header.
            Blocked, NotFound, RateLimited, Unavailable: as `get_json`.
        """
        fetched = await self.fetch(source, paths, params=params, accept="text/csv, */*")
        text = fetched.content.decode("utf-8-sig", errors="replace")
        if not text.strip():
            if allow_empty:
                return ""
            raise BadPayload(source, fetched.endpoint, "the file is empty")
        first = text.lstrip().splitlines()[0].replace(" ", "").lower()
        if header is not None and not first.startswith(header.replace(" ", "").lower()):
            raise BadPayload(source, fetched.endpoint, f"the CSV lacks its '{header}' header")
        return text

    async def fetch(
        self,
        source: str,
        paths: str | Sequence[str],
        *,
        params: Params | None = None,
        page: str | None = None,
        method: str = "GET",
        body: Any = None,
        accept: str | None = None,
    ) -> Fetched:
        """One logical call: the chain, retries and checks under the call timeout.

        Raises:
            BadPayload: HTML (or a non-2xx, non-retryable status).
            Blocked: a second 401/403, a block page, a refused warm-up, or an open breaker
                (`until` set: "NSE paused until 14:32").
            NotFound, RateLimited, Unavailable: as `get_json`.
        """
        host = self._host(source)
        chain = (paths,) if isinstance(paths, str) else tuple(paths)
        if not chain:
            raise ValueError("an endpoint chain needs at least one path")
        first = self._answered.get((host, chain))
        order = [first, *(p for p in chain if p != first)] if first else list(chain)
        try:
            async with asyncio.timeout(self.config.call_timeout):
                for path in order:
                    call = _Call(host, path, method, params, body, page or DEFAULT_NSE_PAGE, accept)
                    try:
                        fetched = await self._endpoint(call)
                    except _Gone:
                        continue
                    self._answered[(host, chain)] = path
                    return fetched
        except TimeoutError as exc:
            raise Unavailable(
                host, chain[-1], f"no answer within {self.config.call_timeout:g} s"
            ) from exc
        raise NotFound(host, chain[-1], f"404 on {len(chain)} endpoint(s)", 404)

    def _host(self, source: str) -> str:
        if source not in HOSTS:
            raise ValueError(f"unknown host '{source}'; expected one of {', '.join(HOSTS)}")
        return source

    def _until(self, breaker: Breaker) -> dt.datetime:
        return self._now().astimezone(IST) + dt.timedelta(seconds=breaker.remaining())

    async def _endpoint(self, call: _Call) -> Fetched:
        breaker = self._breakers[call.source]
        if not breaker.admit():
            raise Blocked(call.source, call.path, until=self._until(breaker))
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.config.attempts),
            wait=self._backoff,
            retry=retry_if_exception_type(_Transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            fetched: Fetched = await retrying(self._attempt, call)
        except _Transient as exc:
            if exc.status == 429:
                raise RateLimited(call.source, call.path, exc.detail, 429) from exc
            raise Unavailable(call.source, call.path, exc.detail, exc.status) from exc
        except Blocked as exc:
            if not call.trip:
                breaker.succeed()
                raise
            breaker.trip()
            raise Blocked(
                call.source, call.path, exc.detail, exc.status, until=self._until(breaker)
            ) from exc
        except (_Gone, BadPayload):
            breaker.succeed()
            raise
        finally:
            # A probe that ended without a verdict (transient failure, timeout, cancellation)
            # lets the next call probe; after succeed() or trip() this does nothing.
            breaker.release_probe()
        breaker.succeed()
        return fetched

    def _backoff(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Transient) and error.retry_after is not None:
            return min(error.retry_after, self.config.retry_after_cap)
        ceiling = min(
            self.config.retry_cap, self.config.retry_base * 2 ** (state.attempt_number - 1)
        )
        return self._rng.uniform(0, ceiling)

    async def _attempt(self, call: _Call) -> Fetched:
        policy = self.config.policies[call.source]
        if policy.warm:
            await self._warm(call)
        response = await self._send(call)
        if (
            response.status_code in (401, 403)
            and policy.warm
            and not call.rewarmed
            and block_reason(response.content) != THRESHOLD
        ):
            call.rewarmed = True
            await self._warm(call, force=True)
            response = await self._send(call)
        return self._check(call, response)

    def _check(self, call: _Call, response: httpx.Response) -> Fetched:
        status = response.status_code
        content = response.content
        blocked_page = is_html(response) and has_block_marker(content)
        if status in (401, 403):
            call.trip = call.rewarmed or blocked_page
            raise Blocked(call.source, call.path, block_reason(content), status)
        if status == 404:
            raise _Gone(call.path)
        if status == 429 or status >= 500:
            raise _Transient(f"HTTP {status}", status, retry_after(response, self._now()))
        if blocked_page:
            call.trip = True
            raise Blocked(call.source, call.path, block_reason(content), status)
        if status >= 300:
            raise BadPayload(call.source, call.path, f"HTTP {status}", status)
        if is_html(response):
            raise BadPayload(call.source, call.path, "an HTML page instead of data", status)
        return Fetched(
            call.source,
            call.path,
            str(response.request.url),
            status,
            content,
            response.headers.get("content-type", ""),
            self._now().astimezone(IST),
        )

    async def _send(self, call: _Call) -> httpx.Response:
        headers = request_headers(call.source, page=call.page, accept=call.accept)
        return await self._request(
            call.source,
            call.method,
            self.config.base_urls[call.source] + call.path,
            headers,
            params=call.params,
            body=call.body,
        )

    async def _request(
        self,
        source: str,
        method: str,
        url: str,
        headers: dict[str, str],
        *,
        params: Params | None = None,
        body: Any = None,
    ) -> httpx.Response:
        async with self._limiters[source].slot():
            try:
                return await self.client.request(
                    method, url, params=params, json=body, headers=headers
                )
            except _TRANSIENT_ERRORS as exc:
                raise _Transient(type(exc).__name__) from exc
            except httpx.HTTPError as exc:
                raise Unavailable(source, httpx.URL(url).path, type(exc).__name__) from exc

    async def _warm(self, call: _Call, *, force: bool = False) -> None:
        """GET the owning HTML page so the jar holds fresh cookies; warm-ups count as requests.

        Concurrent callers share one warm-up: whoever waited on the lock skips it if the jar was
        refreshed meanwhile.
        """
        seen = self._warmed_at.get(call.source)
        async with self._warm_locks[call.source]:
            stamp = self._warmed_at.get(call.source)
            if force and stamp != seen:
                return
            fresh = stamp is not None and self._monotonic() - stamp < self.config.cookie_max_age
            if not force and fresh:
                return
            url = self.config.base_urls[call.source] + call.page
            response = await self._request(call.source, "GET", url, page_headers())
            if response.status_code in (401, 403):
                call.trip = True
                raise Blocked(
                    call.source, call.page, "the cookie page was refused", response.status_code
                )
            if response.status_code == 429 or response.status_code >= 500:
                raise _Transient(
                    f"HTTP {response.status_code} on the cookie page",
                    response.status_code,
                    retry_after(response, self._now()),
                )
            self._warmed_at[call.source] = self._monotonic()
