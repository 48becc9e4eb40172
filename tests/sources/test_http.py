"""The HTTP layer on MockTransport and a fake clock: limits, retries, cookies, breaker, chains."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from tui.sources.batch import run_batch
from tui.sources.cache import Cache
from tui.sources.clock import IST, MarketClock
from tui.sources.errors import BadPayload, Blocked, NotFound, RateLimited, Unavailable
from tui.sources.fetcher import Fetcher
from tui.sources.http import (
    DEFAULT_POLICIES,
    LOOPBACK_POLICY,
    HttpConfig,
    build_client,
    request_headers,
    resolve_base_urls,
)

START = dt.datetime(2026, 2, 10, 11, 0, tzinfo=IST)
ACCESS_DENIED = (
    b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>You don't have permission."
    b" Reference http://errors.edgesuite.net/18.abc</BODY></HTML>"
)
THRESHOLD_PAGE = b"<html><body>You have exceeded the permissible threshold.</body></html>"


class FakeClock:
    """Monotonic seconds, a wall clock from START, and a sleep that only moves time."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def now(self) -> dt.datetime:
        return START + dt.timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        target = self.t + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.t = max(self.t, target)


Reply = httpx.Response | Callable[[httpx.Request], Awaitable[httpx.Response]]


@dataclass
class Router:
    """A stateful handler: per path a queue of replies (the last one repeats)."""

    clock: FakeClock
    routes: dict[str, list[httpx.Response]] = field(default_factory=dict)
    log: list[httpx.Request] = field(default_factory=list)
    stamps: list[float] = field(default_factory=list)
    latency: float = 0.0
    in_flight: int = 0
    peak: int = 0

    def on(self, path: str, *replies: httpx.Response) -> None:
        self.routes[path] = list(replies)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request)
        self.stamps.append(self.clock.t)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            if self.latency:
                await self.clock.sleep(self.latency)
            path = request.url.path
            if path.startswith("/market-data") or path.startswith("/get-quotes"):
                return html(b"<html>page</html>", cookies={"nsit": f"c{len(self.log)}"})
            queue = self.routes.get(path)
            if not queue:
                return httpx.Response(599, text=f"unmatched {request.url}")
            return queue.pop(0) if len(queue) > 1 else queue[0]
        finally:
            self.in_flight -= 1

    def paths(self) -> list[str]:
        return [r.url.path for r in self.log]


def ok(value: Any) -> httpx.Response:
    return httpx.Response(200, json=value)


def html(body: bytes, status: int = 200, cookies: dict[str, str] | None = None) -> httpx.Response:
    headers = [("content-type", "text/html; charset=utf-8")]
    headers += [("set-cookie", f"{k}={v}; Path=/") for k, v in (cookies or {}).items()]
    return httpx.Response(status, content=body, headers=headers)


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, json={"message": "x"}, headers=headers)


def make(
    router: Router,
    clock: FakeClock,
    http: dict[str, Any] | None = None,
    sources: dict[str, dict[str, Any]] | None = None,
) -> Fetcher:
    config = HttpConfig.from_settings(http, sources)
    client = build_client(config, httpx.MockTransport(router))
    return Fetcher(
        client,
        config,
        monotonic=clock.monotonic,
        now=clock.now,
        sleep=clock.sleep,
        rng=random.Random(7),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def router(clock: FakeClock) -> Router:
    return Router(clock)


async def test_404_moves_down_the_chain_and_the_answer_is_remembered(
    router: Router, clock: FakeClock
) -> None:
    chain = ("/api/equity-stock-indices", "/api/equity-stockIndex", "/api/equity-stockIndices")
    router.on(chain[0], status(404))
    router.on(chain[1], ok({"data": [1]}))
    fetcher = make(router, clock)
    assert await fetcher.get_json("yahoo", chain) == {"data": [1]}
    assert router.paths() == [chain[0], chain[1]]
    assert fetcher.remembered("yahoo", chain) == chain[1]
    assert await fetcher.get_json("yahoo", chain) == {"data": [1]}
    assert router.paths()[2:] == [chain[1]]


async def test_end_of_chain_is_not_found(router: Router, clock: FakeClock) -> None:
    router.on("/a", status(404))
    router.on("/b", status(404))
    fetcher = make(router, clock)
    with pytest.raises(NotFound) as caught:
        await fetcher.get_json("bse", ("/a", "/b"))
    assert caught.value.source == "bse"
    assert caught.value.endpoint == "/b"
    assert str(caught.value) == "BSE has no data on /b (404 on 2 endpoint(s))."
    assert router.paths() == ["/a", "/b"]


async def test_nse_warms_cookies_first_and_rewarms_when_the_jar_is_old(
    router: Router, clock: FakeClock
) -> None:
    router.on("/api/allIndices", ok({"data": []}))
    fetcher = make(router, clock)
    page = "/market-data/live-equity-market?symbol=NIFTY 50"
    await fetcher.get_json("nse", "/api/allIndices", page=page)
    warm, api = router.log
    assert warm.url.path == "/market-data/live-equity-market"
    assert warm.url.params["symbol"] == "NIFTY 50"
    assert "text/html" in warm.headers["accept"]
    assert "x-requested-with" not in warm.headers
    assert api.headers["x-requested-with"] == "XMLHttpRequest"
    assert api.headers["referer"] == "https://www.nseindia.com" + page
    assert api.headers["cookie"] == "nsit=c1"
    clock.t += 60
    await fetcher.get_json("nse", "/api/allIndices", page=page)
    assert router.paths()[2:] == ["/api/allIndices"]
    clock.t += 61
    await fetcher.get_json("nse", "/api/allIndices", page=page)
    assert router.paths()[3:] == ["/market-data/live-equity-market", "/api/allIndices"]
    assert router.log[-1].headers["cookie"] == "nsit=c4"


async def test_403_rewarms_once_then_succeeds(router: Router, clock: FakeClock) -> None:
    router.on("/api/marketStatus", html(ACCESS_DENIED, 403), ok({"marketState": []}))
    fetcher = make(router, clock)
    assert await fetcher.get_json("nse", "/api/marketStatus") == {"marketState": []}
    assert router.paths() == [
        "/market-data/live-equity-market",
        "/api/marketStatus",
        "/market-data/live-equity-market",
        "/api/marketStatus",
    ]
    assert not fetcher.breaker("nse").is_open


async def test_403_twice_blocks_opens_the_breaker_then_one_probe(
    router: Router, clock: FakeClock
) -> None:
    router.on("/api/marketStatus", status(403))
    fetcher = make(router, clock)
    with pytest.raises(Blocked) as caught:
        await fetcher.get_json("nse", "/api/marketStatus")
    assert caught.value.status == 403
    assert caught.value.until == START + dt.timedelta(minutes=10)
    assert str(caught.value).startswith("NSE paused until 11:10")
    assert len(router.log) == 4
    assert fetcher.breaker("nse").is_open

    clock.t += 300
    with pytest.raises(Blocked) as refused:
        await fetcher.get_json("nse", "/api/allIndices")
    assert str(refused.value) == "NSE paused until 11:10."
    assert len(router.log) == 4
    other = make(router, clock)
    router.on("/v8/finance/chart/X", ok({"chart": {}}))
    assert await other.get_json("yahoo", "/v8/finance/chart/X") == {"chart": {}}

    clock.t += 301
    router.on("/api/marketStatus", ok({"marketState": [1]}))
    router.latency = 1.0
    probe = asyncio.create_task(fetcher.get_json("nse", "/api/marketStatus"))
    await asyncio.sleep(0)
    with pytest.raises(Blocked):
        await fetcher.get_json("nse", "/api/marketStatus")
    assert await probe == {"marketState": [1]}
    assert not fetcher.breaker("nse").is_open
    assert await fetcher.get_json("nse", "/api/marketStatus") == {"marketState": [1]}


async def test_a_failed_probe_reopens_the_breaker(router: Router, clock: FakeClock) -> None:
    router.on("/api/marketStatus", status(403))
    fetcher = make(router, clock)
    with pytest.raises(Blocked):
        await fetcher.get_json("nse", "/api/marketStatus")
    clock.t += 601
    sent = len(router.log)
    with pytest.raises(Blocked) as caught:
        await fetcher.get_json("nse", "/api/marketStatus")
    assert len(router.log) > sent
    assert caught.value.until == clock.now() + dt.timedelta(minutes=10)
    sent = len(router.log)
    with pytest.raises(Blocked):
        await fetcher.get_json("nse", "/api/marketStatus")
    assert len(router.log) == sent


async def test_a_cancelled_probe_lets_the_next_call_probe(router: Router, clock: FakeClock) -> None:
    router.on("/api/allIndices", status(403))
    fetcher = make(router, clock)
    with pytest.raises(Blocked):
        await fetcher.get_json("nse", "/api/allIndices")
    clock.t += 601
    router.latency = 1.0
    probe = asyncio.create_task(fetcher.get_json("nse", "/api/allIndices"))
    await asyncio.sleep(0)
    assert fetcher.breaker("nse").is_open
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    assert fetcher.limiter("nse").in_flight == 0
    router.on("/api/allIndices", ok({"data": [2]}))
    assert await fetcher.get_json("nse", "/api/allIndices") == {"data": [2]}
    assert not fetcher.breaker("nse").is_open


async def test_threshold_page_trips_without_rewarming(router: Router, clock: FakeClock) -> None:
    router.on("/api/allIndices", html(THRESHOLD_PAGE, 403))
    fetcher = make(router, clock)
    with pytest.raises(Blocked) as caught:
        await fetcher.get_json("nse", "/api/allIndices")
    assert "threshold" in str(caught.value)
    assert router.paths() == ["/market-data/live-equity-market", "/api/allIndices"]
    assert fetcher.breaker("nse").is_open


async def test_access_denied_with_200_on_bse_opens_its_breaker(
    router: Router, clock: FakeClock
) -> None:
    router.on("/BseIndiaAPI/api/IndexMovers/w", html(ACCESS_DENIED, 200))
    fetcher = make(router, clock)
    with pytest.raises(Blocked):
        await fetcher.get_json("bse", "/BseIndiaAPI/api/IndexMovers/w")
    assert fetcher.breaker("bse").is_open
    assert not fetcher.breaker("nse").is_open
    assert len(router.log) == 1


async def test_429_honours_retry_after_on_the_fake_clock(router: Router, clock: FakeClock) -> None:
    router.on(
        "/v8/finance/chart/RELIANCE.NS",
        status(429, **{"retry-after": "7"}),
        status(429, **{"retry-after": "100"}),
        ok({"chart": {"result": []}}),
    )
    fetcher = make(router, clock)
    value = await fetcher.get_json("yahoo", "/v8/finance/chart/RELIANCE.NS")
    assert value == {"chart": {"result": []}}
    assert clock.sleeps == [7.0, 30.0]
    assert router.stamps == [0.0, 7.0, 37.0]


async def test_5xx_then_success_backs_off_within_the_bound(
    router: Router, clock: FakeClock
) -> None:
    router.on("/api/x", status(503), status(502), ok({"a": 1}))
    fetcher = make(router, clock)
    assert await fetcher.get_json("bse", "/api/x") == {"a": 1}
    assert len(clock.sleeps) == 2
    assert 0 <= clock.sleeps[0] <= 0.5
    assert 0 <= clock.sleeps[1] <= 1.0
    assert clock.sleeps[0] != clock.sleeps[1]


@pytest.mark.parametrize(
    ("code", "error"), [(503, Unavailable), (429, RateLimited), (500, Unavailable)]
)
async def test_retries_are_bounded(
    router: Router, clock: FakeClock, code: int, error: type[Exception]
) -> None:
    router.on("/api/x", status(code))
    fetcher = make(router, clock)
    with pytest.raises(error) as caught:
        await fetcher.get_json("yahoo", "/api/x")
    assert len(router.log) == 3
    assert len(clock.sleeps) == 2
    assert "Yahoo" in str(caught.value)


async def test_transport_errors_are_retried(clock: FakeClock) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        if len(calls) == 2:
            raise httpx.ReadTimeout("slow", request=request)
        return ok([1, 2])

    config = HttpConfig.from_settings()
    fetcher = Fetcher(
        build_client(config, httpx.MockTransport(handler)),
        config,
        monotonic=clock.monotonic,
        now=clock.now,
        sleep=clock.sleep,
    )
    assert await fetcher.get_json("yahoo", "/x") == [1, 2]
    assert len(calls) == 3

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("malformed header", request=request)

    fetcher.client = build_client(config, httpx.MockTransport(broken))
    with pytest.raises(Unavailable) as caught:
        await fetcher.get_json("bse", "/BseIndiaAPI/api/IndexMovers/w")
    assert "RemoteProtocolError" in str(caught.value)


@pytest.mark.parametrize(
    "reply",
    [
        html(b"<html><body>Will be right back</body></html>"),
        httpx.Response(
            200, content=b"  <!doctype html><p>hi", headers={"content-type": "application/json"}
        ),
    ],
)
async def test_html_with_200_is_bad_payload_without_retry(
    router: Router, clock: FakeClock, reply: httpx.Response
) -> None:
    router.on("/v8/finance/chart/X", reply)
    fetcher = make(router, clock)
    with pytest.raises(BadPayload) as caught:
        await fetcher.get_json("yahoo", "/v8/finance/chart/X")
    assert "HTML" in str(caught.value)
    assert len(router.log) == 1
    assert clock.sleeps == []
    assert not fetcher.breaker("yahoo").is_open


@pytest.mark.parametrize("body", [b"{}", b"null", b"not json", b""])
async def test_empty_or_non_json_bodies_are_bad_payload(
    router: Router, clock: FakeClock, body: bytes
) -> None:
    router.on("/api/x", httpx.Response(200, content=body))
    fetcher = make(router, clock)
    with pytest.raises(BadPayload):
        await fetcher.get_json("bse", "/api/x")
    assert len(router.log) == 1


async def test_csv_needs_its_header(router: Router, clock: FakeClock) -> None:
    path = "/content/equities/EQUITY_L.csv"
    good = b"\xef\xbb\xbfSYMBOL,NAME OF COMPANY, SERIES\n20MICRONS,20 Microns Ltd,EQ\n"
    router.on(path, httpx.Response(200, content=good), httpx.Response(200, content=b"a,b\n1,2\n"))
    fetcher = make(router, clock)
    text = await fetcher.get_csv("nse_archives", path, header="SYMBOL,NAME OF COMPANY")
    assert text.splitlines()[1] == "20MICRONS,20 Microns Ltd,EQ"
    with pytest.raises(BadPayload, match="header"):
        await fetcher.get_csv("nse_archives", path, header="SYMBOL,NAME OF COMPANY")
    router.on("/csv", httpx.Response(200, content=b""))
    assert await fetcher.get_csv("bse", "/csv", allow_empty=True) == ""
    with pytest.raises(BadPayload, match="empty"):
        await fetcher.get_csv("bse", "/csv")


async def test_params_go_raw_and_headers_follow_the_host(router: Router, clock: FakeClock) -> None:
    router.on("/api/quote-equity", ok({"info": 1}))
    router.on("/BseIndiaAPI/api/GetMktData/w", ok({"Table": []}))
    fetcher = make(router, clock)
    await fetcher.get_json("nse", "/api/quote-equity", params={"symbol": "M&M"})
    await fetcher.get_json(
        "bse", "/BseIndiaAPI/api/GetMktData/w", params={"strfilter": "BSE 100", "ordcol": "TT"}
    )
    nse, bse = router.log[1], router.log[2]
    assert nse.url.params["symbol"] == "M&M"
    assert b"symbol=M%26M" in nse.url.raw_path
    assert bse.url.params["strfilter"] == "BSE 100"
    assert bse.headers["referer"] == "https://www.bseindia.com/"
    assert bse.headers["origin"] == "https://www.bseindia.com"
    assert "x-requested-with" not in bse.headers
    assert "Chrome/" in bse.headers["user-agent"]
    for host in ("nse", "bse", "yahoo"):
        assert "Accept-Encoding" not in request_headers(host)


async def test_nse_stays_under_3_per_second_and_2_in_flight(
    router: Router, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DALAL_NSE_BASE_URL", "https://www.nseindia.com")
    monkeypatch.delenv("DALAL_NSE_ARCHIVES_BASE_URL")
    monkeypatch.delenv("DALAL_NIFTYINDICES_BASE_URL")
    router.on("/api/quote-equity", ok({"ok": True}))
    router.latency = 0.05
    fetcher = make(router, clock)
    assert fetcher.config.policies["nse"] == DEFAULT_POLICIES["nse"]
    await asyncio.gather(
        *(
            fetcher.get_json("nse", "/api/quote-equity", params={"symbol": f"S{i}"})
            for i in range(20)
        )
    )
    assert len(router.log) == 21
    assert router.log[0].url.host == "www.nseindia.com"
    assert router.paths()[0] == "/market-data/live-equity-market"
    assert router.peak <= 2
    assert fetcher.limiter("nse").peak <= 2
    stamps = sorted(router.stamps)
    for i, start in enumerate(stamps):
        in_window = [s for s in stamps[i:] if s < start + 1.0 - 1e-9]
        assert len(in_window) <= 3, (start, in_window)
    assert stamps[-1] >= 20 / 3
    assert fetcher.limiter("nse").in_flight == 0


async def test_loopback_base_url_is_not_rate_limited(router: Router, clock: FakeClock) -> None:
    router.on("/api/quote-equity", ok({"ok": True}))
    fetcher = make(router, clock)
    assert fetcher.config.policies["yahoo"] == LOOPBACK_POLICY
    assert fetcher.config.policies["nse"].warm
    await asyncio.gather(*(fetcher.get_json("yahoo", "/api/quote-equity") for _ in range(10)))
    assert clock.t == 0.0


async def test_call_timeout_bounds_a_logical_call(clock: FakeClock) -> None:
    async def stall(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return ok({})

    config = HttpConfig.from_settings({"call_timeout": 0.05})
    fetcher = Fetcher(build_client(config, httpx.MockTransport(stall)), config, sleep=clock.sleep)
    with pytest.raises(Unavailable, match=r"no answer within 0\.05 s"):
        await fetcher.get_json("yahoo", "/slow")
    assert fetcher.limiter("yahoo").in_flight == 0


async def test_cancelling_frees_limiter_slots(router: Router, clock: FakeClock) -> None:
    gate = asyncio.Event()
    busy = asyncio.Event()
    arrived: list[str] = []

    async def hold(request: httpx.Request) -> httpx.Response:
        arrived.append(request.url.path)
        if len(arrived) == 2:
            busy.set()
        await gate.wait()
        return ok({"late": 1})

    fetcher = make(router, clock, sources={"bse": {"in_flight": 2}})
    fetcher.client = build_client(fetcher.config, httpx.MockTransport(hold))
    tasks = [asyncio.create_task(fetcher.get_json("bse", f"/x{i}")) for i in range(5)]
    await busy.wait()
    assert fetcher.limiter("bse").in_flight == 2
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    assert fetcher.limiter("bse").in_flight == 0
    gate.set()
    done = await asyncio.gather(*(fetcher.get_json("bse", "/y") for _ in range(3)))
    assert done == [{"late": 1}] * 3


def test_base_urls_env_then_config_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"DALAL_NSE_BASE_URL": "http://127.0.0.1:8080/nse/"}
    urls = resolve_base_urls({"bse": {"base_url": "http://127.0.0.1:8081/bse"}}, env)
    assert urls == {
        "nse": "http://127.0.0.1:8080/nse",
        "nse_archives": "http://127.0.0.1:8080/nse/archives",
        "niftyindices": "http://127.0.0.1:8080/nse/niftyindices",
        "bse": "http://127.0.0.1:8081/bse",
        "yahoo": "https://query1.finance.yahoo.com",
    }
    env["DALAL_NIFTYINDICES_BASE_URL"] = "http://localhost:9000"
    env["DALAL_BSE_BASE_URL"] = "http://localhost:9001"
    urls = resolve_base_urls({"bse": {"base_url": "http://127.0.0.1:8081/bse"}}, env)
    assert urls["niftyindices"] == "http://localhost:9000"
    assert urls["nse_archives"] == "http://127.0.0.1:8080/nse/archives"
    assert urls["bse"] == "http://localhost:9001"
    assert resolve_base_urls({}, {})["nse_archives"] == "https://nsearchives.nseindia.com"
    with pytest.raises(ValueError, match="yahoo"):
        resolve_base_urls({"yahoo": {"base_url": "ftp://x"}}, {})

    monkeypatch.setenv("DALAL_NSE_BASE_URL", "http://127.0.0.1:7000")
    monkeypatch.delenv("DALAL_NSE_ARCHIVES_BASE_URL")
    config = HttpConfig.from_settings(None, {"nse": {"rps": 10}})
    assert config.base_urls["nse_archives"] == "http://127.0.0.1:7000/archives"
    assert config.base_urls["niftyindices"] == "http://127.0.0.1:9"
    assert config.policies["nse"].rps == 10
    assert config.policies["nse"].in_flight == 32


async def test_derived_archives_url_is_where_requests_go(
    router: Router, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DALAL_NSE_BASE_URL", "http://127.0.0.1:7000/nse")
    monkeypatch.delenv("DALAL_NSE_ARCHIVES_BASE_URL")
    router.on("/nse/archives/content/equities/EQUITY_L.csv", httpx.Response(200, text="SYMBOL,X\n"))
    fetcher = make(router, clock)
    await fetcher.get_csv("nse_archives", "/content/equities/EQUITY_L.csv", header="SYMBOL")
    assert (
        str(router.log[0].url) == "http://127.0.0.1:7000/nse/archives/content/equities/EQUITY_L.csv"
    )


def test_config_tunables_and_client() -> None:
    config = HttpConfig.from_settings({"read_timeout": 2, "attempts": 5}, {})
    assert config.read_timeout == 2.0
    assert config.attempts == 5
    with pytest.raises(ValueError, match=r"\[http\] 'retries'"):
        HttpConfig.from_settings({"retries": 2})
    with pytest.raises(ValueError, match=r"\[sources.bse\] 'rps'"):
        HttpConfig.from_settings({}, {"bse": {"rps": "fast"}})
    client = build_client(HttpConfig())
    assert client.timeout == httpx.Timeout(connect=5.0, read=15.0, write=5.0, pool=30.0)
    assert client._transport._pool._http2  # type: ignore[attr-defined]


# --- batches -------------------------------------------------------------------------------


async def test_mixed_batch_reports_exactly_the_failures(
    router: Router, clock: FakeClock, tmp_path: Path
) -> None:
    router.on("/v8/finance/chart/A.NS", ok({"close": [1.0]}))
    router.on("/v8/finance/chart/B.NS", status(404))
    router.on("/v8/finance/chart/C.NS", html(b"<html>Will be right back</html>"))
    router.on("/v8/finance/chart/E.NS", status(503))
    fetcher = make(router, clock)
    market = MarketClock(now=clock.now)
    cache = Cache(market, tmp_path)
    cache.put("yahoo", "history", "D.NS", {"close": [4.0]}, endpoint="/v8", fetched_at=clock.now())

    async def history(symbol: str) -> tuple[Any, Literal["fresh", "cached"]]:
        hit = cache.get("yahoo", "history", symbol)
        if hit is not None:
            return hit.entry.payload, "cached"
        return await fetcher.get_json("yahoo", f"/v8/finance/chart/{symbol}"), "fresh"

    progress: list[tuple[int, int]] = []
    result = await run_batch(
        ["A.NS", "B.NS", "C.NS", "D.NS", "E.NS"],
        history,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert result.data == {"A.NS": {"close": [1.0]}, "D.NS": {"close": [4.0]}}
    assert set(result.failed) == {"B.NS", "C.NS", "E.NS"}
    assert str(result.report["A.NS"]) == "fresh"
    assert str(result.report["D.NS"]) == "cached"
    assert str(result.report["B.NS"]).startswith("failed: Yahoo has no data")
    assert result.by_error() == {
        "NotFound": ["B.NS"],
        "BadPayload": ["C.NS"],
        "Unavailable": ["E.NS"],
    }
    assert result.summary("histories") == "2 of 5 histories · 3 failed"
    assert progress[-1] == (5, 5)
    assert [p[0] for p in progress] == [1, 2, 3, 4, 5]


async def test_cancelling_a_batch_leaves_the_cache_and_frees_slots(
    clock: FakeClock, tmp_path: Path
) -> None:
    gate = asyncio.Event()
    busy = asyncio.Event()
    arrived: list[str] = []

    async def hold(request: httpx.Request) -> httpx.Response:
        arrived.append(request.url.path)
        if len(arrived) == 3:
            busy.set()
        await gate.wait()
        return ok({"close": [9.9]})

    config = HttpConfig.from_settings(None, {"yahoo": {"in_flight": 3}})
    fetcher = Fetcher(
        build_client(config, httpx.MockTransport(hold)),
        config,
        monotonic=clock.monotonic,
        now=clock.now,
        sleep=clock.sleep,
    )
    cache = Cache(MarketClock(now=clock.now), tmp_path)
    symbols = [f"S{i}.NS" for i in range(8)]
    for symbol in symbols:
        cache.put("yahoo", "history", symbol, {"close": [1.0]}, fetched_at=START)
    folder = tmp_path / "v1" / "yahoo" / "history"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    async def refresh(symbol: str) -> tuple[Any, Literal["fresh", "cached"]]:
        value = await fetcher.get_json("yahoo", f"/v8/finance/chart/{symbol}")
        cache.put("yahoo", "history", symbol, value, fetched_at=clock.now())
        return value, "fresh"

    batch = asyncio.create_task(run_batch(symbols, refresh))
    await busy.wait()
    assert fetcher.limiter("yahoo").in_flight == 3
    batch.cancel()
    with pytest.raises(asyncio.CancelledError):
        await batch
    assert fetcher.limiter("yahoo").in_flight == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert len(arrived) == 3
