"""Store durability (design.md §6): SIGKILLed writers, two concurrent writers, one lock file.

Writers run as child processes that inherit the test's DALAL_* dirs. Each kill lands at a
random moment inside a loop of saves; the file must then parse and hold a complete save, the
old one or the new one, never a torn mix or an older one.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tui.store import watchlists as wl
from tui.store.atomic import StoreNotice

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

ROUNDS = 15

STORE_WRITER = """
import sys
from tui.store import watchlists as wl
lists = wl.load_all(notice=lambda n: sys.exit(f"unexpected notice: {n}"))
i = len(lists[0].entries) if lists else 0
print("ready", flush=True)
while True:
    wl.add_symbols("kill test", [f"S{i}"])
    i += 1
"""

RAW_WRITER = """
import hashlib, sys
from pathlib import Path
from tui.store.atomic import atomic_write
path = Path(sys.argv[1])
i = int(sys.argv[2])
print("ready", flush=True)
while True:
    payload = (f"{i:08d}" * 40_000)
    check = hashlib.sha256(payload.encode()).hexdigest()
    text = f'n = {i}\\ncheck = "{check}"\\npayload = "{payload}"\\n'
    atomic_write(path, text.encode())
    i += 1
"""


def _run_and_kill(args: list[str], rng: random.Random) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "ready", child.stderr.read() if child.stderr else line
        time.sleep(rng.uniform(0.0, 0.12))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        if child.stdout:
            child.stdout.close()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def test_killed_store_writer_leaves_old_or_new_list() -> None:
    rng = random.Random(20260210)
    path = wl.default_path()
    notices: list[StoreNotice] = []
    previous = 0
    for _ in range(ROUNDS):
        _run_and_kill([STORE_WRITER], rng)
        tomllib.loads(path.read_text(encoding="utf-8"))  # parses
        symbols = wl.get("kill test", notice=notices.append).symbols
        assert symbols == [f"S{j}" for j in range(len(symbols))]  # a complete save
        assert len(symbols) >= previous  # never an older one
        previous = len(symbols)
    assert not notices
    assert previous > ROUNDS  # the kills really landed among many saves
    leftovers = list(path.parent.glob(f".{path.name}.*.tmp"))
    assert len(leftovers) <= 1  # stale temp files are swept under the lock


def test_killed_raw_writer_leaves_a_whole_file(tmp_path: Path) -> None:
    rng = random.Random(7)
    path = tmp_path / "big.toml"
    previous = -1
    for _ in range(ROUNDS):
        _run_and_kill([RAW_WRITER, str(path), str(previous + 1)], rng)
        if not path.exists():  # killed before its first save finished
            assert previous == -1
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert hashlib.sha256(data["payload"].encode()).hexdigest() == data["check"]
        assert data["payload"] == f"{data['n']:08d}" * 40_000
        assert data["n"] >= previous
        previous = data["n"]
    assert previous >= 0


ADDER = """
import sys, time
from pathlib import Path
from tui.store import watchlists as wl
prefix, go = sys.argv[1], Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
for i in range(100):
    wl.add_symbols("shared", [wl.Entry(f"{prefix}{i}", None, float(i))])
"""


def test_two_processes_adding_100_each_keep_all_200(tmp_path: Path) -> None:
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, prefix, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("A", "B")
    ]
    for child in children:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    symbols = wl.get("shared").symbols
    assert len(symbols) == 200
    assert set(symbols) == {f"{p}{i}" for p in "AB" for i in range(100)}
    for p in "AB":  # each writer's own order survives
        mine = [s for s in symbols if s[0] == p]
        assert mine == [f"{p}{i}" for i in range(100)]
