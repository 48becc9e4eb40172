"""Faults from the loopback server (sources.md §4, §6): 429 waves, 5xx, stalls past the read
timeout, dropped connections, truncated JSON, HTML on 200, 403 then success after a re-warm,
and one symbol that always fails. The run completes within its retry bounds, reports exactly
the failing items, and leaves no corrupt cache file."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.loopback import Fault, LoopbackServer, e2e_market, market_router, write_config
from tui.settings import Settings
from tui.sources.cache import FORMAT
from tui.sources.live import LiveSource

NOW = "2026-02-11T20:00:00+05:30"
HTTP = {"retry_base": 0.01, "retry_cap": 0.05, "read_timeout": 0.5, "call_timeout": 10}


def faults() -> list[Fault]:
    return [
        Fault("/yahoo/v8/finance/chart/BRAVO.NS", statuses=[429, 429]),
        Fault("/yahoo/v8/finance/chart/CHARLIE.NS", statuses=[503], latency=0.05, jitter=0.05),
        Fault("/yahoo/v8/finance/chart/DELTA.NS", stall=2.0, stalls=1),
        Fault("/yahoo/v8/finance/chart/ECHO.NS", drop=1),
        Fault("indexType=NIFTY 50", html=1),  # BadPayload → Yahoo ^NSEI answers
        Fault("/nse/api/allIndices", truncate=1),  # truncated JSON: no retry, no fallback
        Fault("results-comparision?symbol=GOLF", statuses=[403]),  # re-warm, then 200
        Fault("FOXTROT", statuses=[500], always=True),  # history and results always fail
    ]


def check_cache(root: Path) -> int:
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    assert not [p for p in files if p.name.endswith(".tmp")]
    for path in files:
        envelope = json.loads(gzip.decompress(path.read_bytes()))
        assert envelope["format"] == FORMAT
        assert {"kind", "key", "source", "endpoint", "fetched_at", "payload"} <= set(envelope)
    return len(files)


def test_faults_are_absorbed_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with LoopbackServer(market_router(e2e_market()), faults(), seed=3) as server:
        for key, value in server.environ().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("DALAL_NOW", NOW)
        started = time.perf_counter()
        result = LiveSource("nse", Settings(http=HTTP)).run()
        elapsed = time.perf_counter() - started
        rewarms = server.count("/nse/get-quotes/equity?symbol=GOLF")
    report = result.report
    assert elapsed < 20
    assert report.failed_symbols() == ["FOXTROT"]
    assert report.failed() == {
        "histories": {"FOXTROT": report.failed()["histories"]["FOXTROT"]},
        "results": {"FOXTROT": report.failed()["results"]["FOXTROT"]},
        "levels": {"allIndices": report.failed()["levels"]["allIndices"]},
    }
    assert "unavailable" in report.failed()["histories"]["FOXTROT"]
    assert rewarms == 1  # the 403 re-warmed the cookie jar on the results page once
    data = result.data
    counts = data.prices.groupby("symbol", observed=True).size()
    assert counts["FOXTROT"] == 1  # today's quote row from the exchange; no history
    assert (counts.drop("FOXTROT") == 8).all()
    assert "NIFTY 50" in set(data.indices["index"])
    check_cache(tmp_path / "cache")


def test_fetch_reports_the_failing_symbols_and_exits_0(tmp_path: Path) -> None:
    write_config(tmp_path / "config", HTTP)
    with LoopbackServer(market_router(e2e_market()), faults(), seed=5) as server:
        env = {**os.environ, **server.environ(), "DALAL_NOW": NOW,
               "DALAL_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "tui.cli", "--source", "nse", "fetch"],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
    assert out.returncode == 0, out.stderr
    failed = [line for line in out.stderr.splitlines() if line.startswith("failed")]
    assert failed == [
        "failed (BadPayload, 1): levels allIndices",
        "failed (Unavailable, 2): histories FOXTROT, results FOXTROT",
    ]
    assert "11 of 12 histories · 1 failed" in out.stdout
    check_cache(tmp_path / "cache")


def test_fetch_exits_1_when_nothing_succeeds(tmp_path: Path) -> None:
    write_config(tmp_path / "config", HTTP)
    env = {**os.environ, "DALAL_NSE_BASE_URL": "http://127.0.0.1:9/nse", "DALAL_NOW": NOW,
           "DALAL_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip
    env.pop("DALAL_NSE_ARCHIVES_BASE_URL", None)
    env.pop("DALAL_NIFTYINDICES_BASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--source", "nse", "fetch"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 1
    assert out.stderr.strip().splitlines()[-1].startswith("dalal: NSE: no segment index")
