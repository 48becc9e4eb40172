"""Test-wide guards: no network beyond loopback, and user dirs under tmp_path."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("DALAL_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
"""../shared beside the project root (or $DALAL_SHARED_DIR): reference lists and captured
fixtures, read by tests only."""

BASE_URL_VARIABLES = (
    "DALAL_NSE_BASE_URL",
    "DALAL_BSE_BASE_URL",
    "DALAL_YAHOO_BASE_URL",
    "DALAL_NSE_ARCHIVES_BASE_URL",
    "DALAL_NIFTYINDICES_BASE_URL",
)


def _is_loopback(address: object) -> bool:
    if not (isinstance(address, tuple) and address):
        return isinstance(address, (str, bytes))  # AF_UNIX paths are local
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Refuse and record every non-loopback connection; fail the test if any was tried."""
    attempts: list[object] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: object) -> None:
        if not _is_loopback(address):
            attempts.append(address)
            raise OSError(f"network guard: connection to {address!r} refused in tests")
        return real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        if not _is_loopback(address):
            attempts.append(address)
            raise OSError(f"network guard: connection to {address!r} refused in tests")
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
    assert not attempts, f"test tried to reach the network: {attempts}"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every dalal directory and live host at places the test owns."""
    monkeypatch.setenv("DALAL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DALAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DALAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DALAL_SOURCE", "demo")
    monkeypatch.delenv("DALAL_NOW", raising=False)
    for variable in BASE_URL_VARIABLES:
        monkeypatch.setenv(variable, "http://127.0.0.1:9")
