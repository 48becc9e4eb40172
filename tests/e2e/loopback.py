"""A loopback HTTP server for e2e tests and the fetch benchmark (sources.md §6).

`LoopbackServer(handler)` serves an httpx-style handler (`tests.sources.router`) from an asyncio
server on 127.0.0.1 (ephemeral port), in a thread running its own loop, so a CLI subprocess can
reach it: NSE under `/nse` (`/nse/archives`, `/nse/niftyindices`), BSE under `/bse`, Yahoo under
`/yahoo`. Seeded per-route `Fault`s add latency and jitter, status sequences, HTML on 200,
truncated bodies, dropped connections and stalls past the read timeout.

`market_router(market)` serves a `Market` (a `Universe` plus its calendar) ahead of the
fixtures: the router's own routes, plus NSE index history, results and the event calendar, and
BSE's results calendar, built from the same numbers.

    with LoopbackServer(market_router(e2e_market())) as server:
        env = server.environ()   # DALAL_*_BASE_URL
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import httpx

from tests.sources.router import JSON, OCTET, Router, locate, reply
from tests.sources.universe import Bar, Index, Stock, Universe, make_bars

Handler = Callable[[httpx.Request], httpx.Response]


# --- the served market -------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """A scheduled board meeting."""

    symbol: str
    date: dt.date
    purpose: str = "Financial Results"


@dataclass(frozen=True)
class Market:
    """A universe and its calendar."""

    universe: Universe
    meetings: tuple[Meeting, ...] = ()


def _wave(start: dt.date, base: float, moves: list[float], volume: float) -> tuple[Bar, ...]:
    closes, price = [], base
    for move in moves:
        price = round(price * (1 + move / 100), 2)
        closes.append(price)
    return make_bars(start, closes, volume)


def e2e_market() -> Market:
    """Twelve stocks over eight sessions (2–11 Feb 2026) in every NSE and BSE segment index,
    with results meetings inside and outside the week after the last session."""
    start = dt.date(2026, 2, 2)
    flat = [0.0, 0.5, -0.3, 0.2, 0.4, -0.1, 0.3]

    def stock(symbol: str, code: str, sector: str, last: float, n: int) -> Stock:
        isin = f"INE{n:03d}A01010"
        return Stock(symbol, f"{symbol.title()} Ltd.", isin, code, sector, f"{sector} Ind",
                     bars=_wave(start, 100.0 + 10 * n, [*flat, last], 2e5))  # fmt: skip

    small = [
        stock("ALPHA", "600001", "Chemicals", 4.2, 1),
        stock("BRAVO", "600002", "Chemicals", -2.5, 2),
        stock("CHARLIE", "600003", "Capital Goods", 1.1, 3),
        stock("DELTA", "600004", "Capital Goods", -0.8, 4),
        stock("ECHO", "600005", "Textiles", 7.9, 5),
        stock("FOXTROT", "600006", "Textiles", 0.0, 6),
    ]
    mid = [stock("GOLF", "600007", "Realty", 1.5, 7), stock("HOTEL", "600008", "Realty", -1.0, 8)]
    large = [
        stock("INDIA", "600009", "Financial Services", 0.6, 9),
        stock("JULIET", "600010", "Financial Services", -0.4, 10),
        stock("KILO", "600011", "Information Technology", 2.0, 11),
        stock("LIMA", "600012", "Information Technology", -3.0, 12),
    ]

    def index(name: str, members: list[Stock], base: float, yahoo: str | None) -> Index:
        bars = _wave(start, base, [0.1, 0.2, -0.1, 0.3, 0.2, -0.2, 0.1, 0.5], 0.0)
        return Index(name, tuple(s.symbol for s in members), bars, yahoo)

    indices = (
        index("NIFTY SMALLCAP 250", small, 16800.0, None),
        index("NIFTY MIDCAP 150", mid, 58000.0, None),
        index("NIFTY 100", large, 26500.0, None),
        index("NIFTY 50", large[:3], 25800.0, "^NSEI"),
        index("BSE SmallCap", small, 52000.0, "BSE-SMLCAP.BO"),
        index("BSE MidCap", mid, 46000.0, "BSE-MIDCAP.BO"),
        index("BSE 100", large, 27000.0, "BSE-100.BO"),
        index("SENSEX", large[:3], 84000.0, "^BSESN"),
    )
    last = dt.date(2026, 2, 11)
    meetings = (
        Meeting("ALPHA", last + dt.timedelta(days=2)),
        Meeting("CHARLIE", last + dt.timedelta(days=6)),
        Meeting("BRAVO", last + dt.timedelta(days=12)),  # beyond the 7-day window
        Meeting("DELTA", last + dt.timedelta(days=3), "Fund Raising"),  # not results
        Meeting("GOLF", last + dt.timedelta(days=1)),  # another segment
    )
    return Market(Universe((*small, *mid, *large), indices), meetings)


class MarketRouter:
    """`Router(market.universe)` plus the routes it lacks for a whole market."""

    def __init__(self, market: Market) -> None:
        self.market = market
        self.router = Router(market.universe)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (the router's 599 when nothing matches)."""
        where = locate(request.url)
        if where is not None:
            answer = self._extra(*where, request)
            if answer is not None:
                return answer
        return self.router(request)

    def _extra(self, site: str, path: str, request: httpx.Request) -> httpx.Response | None:
        params = request.url.params
        universe = self.market.universe
        if site == "nse" and path == "/api/historicalOR/indicesHistory":
            index = universe.index(params.get("indexType"))
            if index is None or index.name != params.get("indexType"):
                return None
            lo, hi = (_date(params.get(k)) for k in ("from", "to"))
            rows = [_eod(index.name, b) for b in index.bars if lo <= b.date <= hi]
            return reply({"data": rows[::-1]})
        if site == "nse" and path == "/api/results-comparision":
            if universe.stock(params.get("symbol")) is None:
                return None
            return reply({"resCmpData": [], "bankNonBnking": "N"})
        if site == "nse" and path == "/api/event-calendar":
            return reply([_event(m, universe) for m in self.market.meetings])
        if site == "bse" and path.endswith("/Corpforthresults/w"):
            rows = [_bse_event(m, universe) for m in self.market.meetings if "Result" in m.purpose]
            return reply(rows)
        if site == "niftyindices" and path.startswith("/IndexConstituent/ind_"):
            return self._index_list(path.rpartition("/")[2])
        return None

    def _index_list(self, file: str) -> httpx.Response | None:
        names = {
            "ind_niftysmallcap250list.csv": "NIFTY SMALLCAP 250",
            "ind_niftymidcap150list.csv": "NIFTY MIDCAP 150",
            "ind_nifty100list.csv": "NIFTY 100",
        }
        universe = self.market.universe
        if file == "ind_nifty500list.csv":
            members = list(universe.stocks)
        elif file in names and (index := universe.index(names[file])) is not None:
            members = universe.members(index)
        else:
            return None
        lines = ["Company Name,Industry,Symbol,Series,ISIN Code"]
        lines += [f"{s.name},{s.sector},{s.symbol},{s.series},{s.isin}" for s in members]
        return reply(("\r\n".join(lines) + "\r\n").encode(), OCTET)


def _date(value: str | None) -> dt.date:
    return dt.datetime.strptime(value or "01-01-1970", "%d-%m-%Y").date()  # noqa: DTZ007


def _eod(name: str, bar: Bar) -> dict[str, Any]:
    return {
        "EOD_INDEX_NAME": name, "EOD_OPEN_INDEX_VAL": bar.open, "EOD_HIGH_INDEX_VAL": bar.high,
        "EOD_LOW_INDEX_VAL": bar.low, "EOD_CLOSE_INDEX_VAL": bar.close,
        "EOD_TIMESTAMP": bar.date.strftime("%d-%b-%Y").upper(), "HIT_TRADED_QTY": 0,
        "HIT_TURN_OVER": 0,
    }  # fmt: skip


def _event(meeting: Meeting, universe: Universe) -> dict[str, Any]:
    stock = universe.stock(meeting.symbol)
    return {"symbol": meeting.symbol, "company": stock.name if stock else meeting.symbol,
            "purpose": meeting.purpose, "bm_desc": meeting.purpose,
            "date": meeting.date.strftime("%d-%b-%Y")}  # fmt: skip


def _bse_event(meeting: Meeting, universe: Universe) -> dict[str, Any]:
    stock = universe.stock(meeting.symbol)
    return {"scrip_Code": stock.bse_code if stock else "", "short_name": meeting.symbol,
            "Long_Name": stock.name if stock else meeting.symbol,
            "meeting_date": meeting.date.strftime("%d %b %Y")}  # fmt: skip


def market_router(market: Market) -> MarketRouter:
    """The handler serving a whole market ahead of the fixtures."""
    return MarketRouter(market)


# --- faults ------------------------------------------------------------------------------------


@dataclass
class Fault:
    """A fault on the requests whose path and query contain `match`.

    Attributes:
        match: A substring of the request target (path and query, percent-decoded).
        latency: Seconds added to every matching response.
        jitter: Up to this many seconds more, drawn from the server's seeded RNG.
        statuses: Statuses answered to the first matching requests, in order (429 gets a
            `Retry-After: 0`); then the normal answer.
        html: Answer an HTML page with status 200 to the first `html` matching requests.
        truncate: Cut the body of the first `truncate` matching answers in half (a valid
            `Content-Length`, so the client reads broken JSON).
        drop: Close the connection without answering the first `drop` matching requests.
        stall: Sleep this long before the first `stalls` matching answers (past the read
            timeout).
        stalls: How many requests stall.
        always: Apply `statuses[-1]` to every matching request forever (a symbol that always
            fails).
        seen: Matching requests so far.
    """

    match: str
    latency: float = 0.0
    jitter: float = 0.0
    statuses: list[int] = field(default_factory=list)
    html: int = 0
    truncate: int = 0
    drop: int = 0
    stall: float = 0.0
    stalls: int = 0
    always: bool = False
    seen: int = 0


_HTML = b"<html><head><title>Access Denied</title></head><body>Access Denied</body></html>"


class LoopbackServer:
    """The handler behind an HTTP/1.1 server on 127.0.0.1, in a thread with its own loop.

    Args:
        handler: Answers an `httpx.Request` (e.g. `market_router(...)`).
        faults: Per-route faults, checked in order (each matching fault applies).
        latency: Seconds added to every response.
        seed: Seeds the jitter.
        memo: Keep each GET answer by target and serve it again (benchmarks, no faults).
    """

    def __init__(
        self,
        handler: Handler,
        faults: list[Fault] | None = None,
        *,
        latency: float = 0.0,
        seed: int = 7,
        memo: bool = False,
    ) -> None:
        self.handler = handler
        self.faults = faults or []
        self.latency = latency
        self.rng = random.Random(seed)
        self.memo: dict[str, tuple[int, dict[str, str], bytes]] | None = {} if memo else None
        self.requests: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    def environ(self) -> dict[str, str]:
        """The base-URL variables pointing the live sources here (archives and niftyindices
        derive from NSE, so they are left empty)."""
        return {
            "DALAL_NSE_BASE_URL": f"{self.url}/nse",
            "DALAL_BSE_BASE_URL": f"{self.url}/bse",
            "DALAL_YAHOO_BASE_URL": f"{self.url}/yahoo",
            "DALAL_NSE_ARCHIVES_BASE_URL": "",
            "DALAL_NIFTYINDICES_BASE_URL": "",
        }

    def start(self) -> LoopbackServer:
        """Start serving; returns self."""
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        started.result(timeout=10)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, backlog=512)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        """Stop serving and end the thread."""

        async def close() -> None:
            if self._server is not None:
                self._server.close()
            current = asyncio.current_task()
            tasks = [t for t in asyncio.all_tasks() if t is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, text: str) -> int:
        """How many requests so far had `text` in their target."""
        with self._lock:
            return sum(1 for r in self.requests if text in r)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while (raw := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = raw.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                size = int(headers.get("content-length", "0") or 0)
                body = await reader.readexactly(size) if size else b""
                if not await self._answer(method, target, headers, body, writer):
                    break
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:  # the server is stopping (test code: end quietly)
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> bool:
        decoded = unquote(target.replace("+", " "))
        with self._lock:
            self.requests.append(decoded)
            matching = [f for f in self.faults if f.match in decoded]
            for fault in matching:
                fault.seen += 1
        delay = self.latency + sum(f.latency + self.rng.uniform(0, f.jitter) for f in matching)
        if delay:
            await asyncio.sleep(delay)
        for fault in matching:
            if fault.seen <= fault.stalls:
                await asyncio.sleep(fault.stall)
            if fault.seen <= fault.drop:
                return False
        status, out_headers, content = self._respond(method, target, headers, body)
        for fault in matching:
            n = fault.seen
            if fault.always and fault.statuses:
                status, content = fault.statuses[-1], b"{}"
            elif n <= len(fault.statuses):
                status, content = fault.statuses[n - 1], b"{}"
                if status == 429:
                    out_headers["retry-after"] = "0"
            elif n - len(fault.statuses) <= fault.html:
                status, content = 200, _HTML
                out_headers["content-type"] = "text/html; charset=utf-8"
            elif n - len(fault.statuses) - fault.html <= fault.truncate:
                content = content[: len(content) // 2]
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "X"
        lines = [f"HTTP/1.1 {status} {reason}"]
        out_headers["content-length"] = str(len(content))
        lines += [f"{k}: {v}" for k, v in out_headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + content)
        await writer.drain()
        return True

    def _respond(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        path, _, query = target.partition("?")
        key = f"{method} {path}?{'&'.join(sorted(query.split('&')))}"
        if self.memo is not None and method == "GET" and key in self.memo:
            status, cached, content = self.memo[key]
            return status, dict(cached), content
        request = httpx.Request(method, self.url + target, headers=headers, content=body)
        response = self.handler(request)
        out = {"content-type": response.headers.get("content-type", JSON)}
        if "set-cookie" in response.headers:
            out["set-cookie"] = response.headers["set-cookie"]
        answer = (response.status_code, out, response.content)
        if self.memo is not None and method == "GET":
            self.memo[key] = answer
        return answer[0], dict(out), answer[2]


@contextlib.contextmanager
def serving(handler: Handler, **options: Any) -> Iterator[LoopbackServer]:
    """`with serving(handler) as server:` a started `LoopbackServer`."""
    server = LoopbackServer(handler, **options).start()
    try:
        yield server
    finally:
        server.stop()


def write_config(folder: Any, http: dict[str, float | int]) -> None:
    """Write a config.toml with an `[http]` table (timeouts, backoff) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[http]", *(f"{k} = {v}" for k, v in http.items())]
    (folder / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
