"""Benchmarks of design.md §7 (run by `make bench`, never by `make test`).

Each prints one line per figure; the README records them with the machine they ran on.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bench.synthetic import synthetic_market
from tui.market.analysis import analyse
from tui.market.dashboard import build_dashboard

BUDGET = {1500: 0.5, 5000: None, 20000: 6.0}


def _best(fn: object, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def _machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


@pytest.mark.parametrize("n", [1500, 5000, 20000])
def test_full_analytics(n: int) -> None:
    # As dalal holds it after loading: bars as a dense panel (MarketData.compact).
    data = synthetic_market(n, sessions=750).compact()
    analyse(data)  # warm caches of the data value (implied shares, sessions)
    repeat = 3 if n < 20000 else 2
    best, median = _best(lambda: analyse(data), repeat)
    budget = BUDGET[n]
    verdict = (
        "" if budget is None else f" (budget {budget} s: {'ok' if best <= budget else 'OVER'})"
    )
    print(
        f"\nfull analytics {n:,} stocks x 750 sessions: best {best:.3f} s, median {median:.3f} s"
        f"{verdict} [{_machine()}]"
    )


def test_dashboard_on_top_of_analysis() -> None:
    a = analyse(synthetic_market(1500).compact())
    best, _ = _best(lambda: build_dashboard(a, "small"), 3)
    print(f"\ndashboard model (1,500 stocks, after analysis): {best:.3f} s")


def test_peak_memory_5000(tmp_path: object) -> None:
    """Peak RSS of a process that loads a 5,000-stock market as the folder cache stores it for
    the analytics (a pickle of the compact form: bars as a dense panel), analyses it and builds
    the dashboard: what `dalal summary` holds."""
    import pickle

    path = Path(str(tmp_path)) / "market.pkl"
    market = synthetic_market(5000).compact()
    path.write_bytes(pickle.dumps(market, protocol=pickle.HIGHEST_PROTOCOL))
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
    code = (
        "import pickle, sys; sys.path.insert(0, '.');"
        "hwm = lambda: int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]);"
        "from tui.market.analysis import analyse;"
        "from tui.market.dashboard import build_dashboard;"
        f"data = pickle.load(open({str(path)!r}, 'rb'));"
        "loaded = hwm();"
        "a = analyse(data); build_dashboard(a, 'small');"
        "print(loaded, hwm())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, peak = (int(x) / 1024 for x in out.stdout.split())
    print(
        f"\npeak memory, 5,000 stocks x 750 sessions: {peak:.0f} MB "
        f"(loading the data alone: {loaded:.0f} MB; budget 400 MB: "
        f"{'ok' if peak <= 400 else 'OVER'})"
    )


def _wall(args: list[str], repeat: int = 5, before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def test_cli_wall_times() -> None:
    dalal = [sys.executable, "-m", "tui.cli"]
    analyses = Path(os.environ["DALAL_CACHE_DIR"]) / "v1" / "analyses"
    subprocess.run([*dalal, "--source", "demo", "summary"], check=True, capture_output=True)
    version = _wall([*dalal, "--version"])
    summary = [*dalal, "--source", "demo", "summary"]
    computed = _wall(summary, 3, lambda: shutil.rmtree(analyses, ignore_errors=True))
    cached = _wall(summary, 3)
    print(f"\ndalal --version: {version:.3f} s (budget 0.2 s)")
    for label, seconds in (("analysis computed", computed), ("analysis cached", cached)):
        verdict = "ok" if seconds <= 1.5 else "OVER"
        print(f"dalal summary on the demo, {label}: {seconds:.3f} s (budget 1.5 s: {verdict})")
