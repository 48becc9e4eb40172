"""`dalal summary --source nse|bse` and `dalal fetch` in a subprocess against the loopback
server: breadth, movers and calendar are what the served universe implies, computed here from
its bars (not by the code under test)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.loopback import LoopbackServer, Market, e2e_market, market_router, write_config
from tests.sources.universe import Stock

NOW = "2026-02-11T20:00:00+05:30"
FAST_HTTP = {"retry_base": 0.01, "retry_cap": 0.05, "read_timeout": 2, "call_timeout": 10}


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def market() -> Market:
    return e2e_market()


@pytest.fixture(scope="module")
def server(market: Market) -> Iterator[LoopbackServer]:
    with LoopbackServer(market_router(market)) as served:
        yield served


@pytest.fixture
def env(server: LoopbackServer, tmp_path: Path) -> dict[str, str]:
    write_config(tmp_path / "config", FAST_HTTP)
    return {**server.environ(), "DALAL_NOW": NOW, "DALAL_CONFIG_DIR": str(tmp_path / "config")}


def _ret(stock: Stock) -> float:
    *_, prev, last = stock.bars
    return (round(last.close, 2) / round(prev.close, 2) - 1) * 100


def _expected(market: Market, index_name: str) -> dict[str, object]:
    index = market.universe.index(index_name)
    assert index is not None
    members = market.universe.members(index)
    rets = {s.symbol: _ret(s) for s in members}
    ups = sorted((s for s in rets if rets[s] > 0), key=lambda s: -rets[s])
    downs = sorted((s for s in rets if rets[s] < 0), key=lambda s: rets[s])
    as_of = max(b.date for s in market.universe.stocks for b in s.bars)
    window = as_of + dt.timedelta(days=7)
    names = {s.symbol: s.name for s in members}
    meetings = sorted(
        (m for m in market.meetings
         if m.symbol in names and "result" in m.purpose.lower() and as_of <= m.date <= window),
        key=lambda m: (m.date, names[m.symbol]),
    )  # fmt: skip
    return {
        "as_of": as_of.isoformat(),
        "breadth": (len(members), len(ups), len(downs), sum(1 for r in rets.values() if r == 0)),
        "gainers": ups[:5],
        "losers": downs[:5],
        "ret_1d": {s: rets[s] for s in rets},
        "calendar": [(m.date.isoformat(), m.symbol) for m in meetings],
    }


@pytest.mark.parametrize(("source", "index"), [("nse", "NIFTY SMALLCAP 250"),
                                               ("bse", "BSE SmallCap")])  # fmt: skip
def test_summary_from_a_live_source(
    source: str, index: str, market: Market, env: dict[str, str]
) -> None:
    out = run("--source", source, "summary", "--format", "json", env=env)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    want = _expected(market, index)
    assert summary["source"] == source
    assert "stale" not in summary
    assert summary["as_of"] == want["as_of"]
    assert summary["index"]["name"] == index
    breadth = summary["breadth"]
    got = (breadth["universe"], breadth["advancers"], breadth["decliners"], breadth["unchanged"])
    assert got == want["breadth"]
    gainers = summary["movers"]["gainers"]
    assert [g["symbol"] for g in gainers] == want["gainers"]
    assert [g["symbol"] for g in summary["movers"]["losers"]] == want["losers"]
    rets = want["ret_1d"]
    assert isinstance(rets, dict)
    for row in gainers:
        assert row["ret_1d"] == pytest.approx(rets[row["symbol"]], abs=1e-9)
    assert [(c["date"], c["symbol"]) for c in summary["calendar"]] == want["calendar"]


def test_fetch_fills_the_cache_then_summary_reads_it(
    market: Market, env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "cache" / "v0" / "old").mkdir(parents=True)
    out = run("--source", "nse", "fetch", env=env)
    assert out.returncode == 0, out.stderr
    assert "12 of 12 histories" in out.stdout
    assert "failed" not in out.stderr
    assert not (tmp_path / "cache" / "v0").exists()
    files = list((tmp_path / "cache").rglob("*.json.gz"))
    assert any("RELIANCE" not in f.name and f.parent.name == "history" for f in files)
    for path in files:
        envelope = json.loads(gzip.decompress(path.read_bytes()))
        assert envelope["payload"] is not None or envelope["kind"] != "history"
    # Offline: the server is gone for this call, the cache alone serves `auto`.
    dead = {**env, "DALAL_NSE_BASE_URL": "http://127.0.0.1:9/nse",
            "DALAL_BSE_BASE_URL": "http://127.0.0.1:9/bse",
            "DALAL_YAHOO_BASE_URL": "http://127.0.0.1:9/yahoo", "DALAL_SOURCE": "auto",
            "DALAL_NOW": "2026-02-12T20:00:00+05:30"}  # fmt: skip
    out = run("summary", "--format", "json", env=dead)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["source"] == "nse"
    assert summary["as_of"] == _expected(market, "NIFTY SMALLCAP 250")["as_of"]
