"""Real captured responses, served as the endpoint would serve them (sources.md §3).

`body("nse/status.json")` returns the bytes the endpoint would send: the capture with the wrapper
its library stripped put back (`{"marketState": …}`, `{"data": …}`, `{"Table": …}`), the yaml
cassette's recorded string, or the JSON inside a Yahoo recording. Captures saved whole are
returned byte for byte. `reference(name)` gives a real static list and `synthetic(name)` a
hand-written stand-in (see synthetic/SYNTHETIC.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import SHARED

FIXTURES = SHARED / "data" / "fixtures"
REFERENCE = SHARED / "data" / "reference"
if not FIXTURES.is_dir():  # a checkout without ../shared beside it: say so, don't error
    pytest.skip(
        f"the captured responses are not at {FIXTURES} (set DALAL_SHARED_DIR)",
        allow_module_level=True,
    )
SYNTHETIC = Path(__file__).resolve().parent / "synthetic"


def _wrap(key: str) -> Callable[[bytes], bytes]:
    def wrap(raw: bytes) -> bytes:
        return json.dumps({key: json.loads(raw)}).encode()

    return wrap


def _cassette(raw: bytes) -> bytes:
    # The recorded gzip header is dropped: the stored string is already decoded.
    recording: Any = yaml.safe_load(raw)
    return str(recording["interactions"][0]["response"]["body"]["string"]).encode()


def _node_yahoo(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw)["response"]["bodyJson"]).encode()


def _yfinance(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw)[0]["response"]["json"]).encode()


WRAPPERS: dict[str, Callable[[bytes], bytes]] = {
    "nse/fetch_equity_historical_data.json": _wrap("data"),
    "nse/fetch_historical_index_data.json": _wrap("data"),
    "nse/status.json": _wrap("marketState"),
    "nse/test_nse_index_constituents_fetcher_urllib3_v2.yaml": _cassette,
    "bse/gainers.json": _wrap("Table"),
    "yahoo/GET_v8_finance_chart_MSFT_88a60786b3.json": _yfinance,
}
"""Fixture → how its served body is rebuilt (sources.md §3); node-yahoo files by prefix."""


def fixture_names() -> list[str]:
    """Every captured fixture, as `provider/file` (SOURCES.md excluded)."""
    return sorted(
        str(path.relative_to(FIXTURES))
        for path in FIXTURES.rglob("*")
        if path.is_file() and path.name != "SOURCES.md"
    )


@cache
def body(name: str) -> bytes:
    """The HTTP body the endpoint answered with, for the fixture `provider/file`."""
    raw = (FIXTURES / name).read_bytes()
    if name in WRAPPERS:
        return WRAPPERS[name](raw)
    file = name.rpartition("/")[2]
    if name.startswith("yahoo/") and file.startswith(("chart-", "historical-via-chart-")):
        return _node_yahoo(raw)
    return raw


@cache
def reference(name: str) -> bytes:
    """A real static list from ../shared/data/reference (EQUITY_L.csv, ind_*list.csv)."""
    return (REFERENCE / name).read_bytes()


@cache
def synthetic(name: str) -> bytes:
    """A hand-written stand-in from synthetic/ (`nse-event-calendar.synthetic.json`)."""
    return (SYNTHETIC / name).read_bytes()


def synthetic_json(name: str) -> Any:
    """A synthetic JSON body, decoded (for routers that filter or rewrap it)."""
    return json.loads(synthetic(name))
