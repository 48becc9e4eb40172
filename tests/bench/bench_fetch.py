"""Fetch benchmark of design.md §7 (run by `make bench`, never by `make test`): 1,211 stock
histories from the loopback server with 50 ms latency, in-process, cold and warm cache.

Budget: cold ≤ 4 s (the floor at 32 requests in flight is about 1.9 s), warm ≤ 1 s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import os
import platform
import random
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from tests.e2e.loopback import LoopbackServer, Market, market_router
from tests.sources.universe import Stock, Universe, make_bars
from tui.sources.batch import run_batch
from tui.sources.cache import Cache
from tui.sources.clock import IST, MarketClock
from tui.sources.fetcher import Fetcher
from tui.sources.live.modes import MODES
from tui.sources.live.providers import Providers
from tui.sources.live.store import Store

STOCKS = 1211
SESSIONS = 400
LATENCY = 0.05
BUDGET = {"cold": 4.0, "warm": 1.0}
NOW = dt.datetime(2026, 2, 11, 20, 0, tzinfo=IST)


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _universe() -> Universe:
    rng = random.Random(11)
    start = dt.date(2024, 7, 1)
    stocks = []
    for i in range(STOCKS):
        price, closes = 100.0 + i % 500, []
        for _ in range(SESSIONS):
            price = round(price * (1 + rng.gauss(0, 0.015)), 2)
            closes.append(price)
        stocks.append(Stock(f"S{i:04d}", f"Stock {i}", f"INE{i:05d}01", f"{700000 + i}",
                            bars=make_bars(start, closes)))  # fmt: skip
    return Universe(tuple(stocks))


async def _histories(
    cache_root: Path, symbols: list[str], env: dict[str, str]
) -> tuple[float, int]:
    os.environ.update(env)
    clock = MarketClock(lambda: NOW)
    fetcher = Fetcher.from_settings()
    try:
        ask = Providers(fetcher, Store(Cache(clock, cache_root)), MODES["nse"], NOW.date())
        started = time.perf_counter()
        result = await run_batch(symbols, lambda s: _served(ask, s))
        elapsed = time.perf_counter() - started
    finally:
        await fetcher.aclose()
    return elapsed, len(result.data)


async def _served(ask: Providers, symbol: str) -> tuple[object, str]:
    served = await ask.history(f"{symbol}.NS")
    return served.value, served.status


def _serve(conn: Connection) -> None:
    """The loopback server, in a process of its own: dalal's client is what is measured, so
    the server must not share its interpreter lock."""
    served = LoopbackServer(market_router(Market(_universe())), latency=LATENCY, memo=True)
    conn.send(served.start().environ())
    conn.recv()  # until the benchmark is done
    served.stop()


@pytest.fixture(scope="module")
def server() -> Iterator[dict[str, str]]:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,))
    process.start()
    try:
        yield parent.recv()
    finally:
        parent.send("stop")
        process.join(10)


def test_fetch_1211_histories(server: dict[str, str], tmp_path: Path) -> None:
    symbols = [f"S{i:04d}" for i in range(STOCKS)]
    env = server
    asyncio.run(_histories(tmp_path / "prime", symbols, env))  # fills the server's memo
    figures = {}
    cold, got = asyncio.run(_histories(tmp_path / "cache", symbols, env))
    assert got == STOCKS
    warm, got = asyncio.run(_histories(tmp_path / "cache", symbols, env))
    assert got == STOCKS
    figures = {"cold": cold, "warm": warm}
    for name, seconds in figures.items():
        verdict = "ok" if seconds <= BUDGET[name] else "OVER"
        print(
            f"\nfetch {STOCKS:,} histories ({SESSIONS} bars, {LATENCY * 1000:.0f} ms latency), "
            f"{name} cache: {seconds:.2f} s (budget {BUDGET[name]} s: {verdict}) [{_machine()}]"
        )
