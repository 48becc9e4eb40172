"""Yahoo Finance (sources.md §2.4): daily history of stocks and indices, and batch quotes.

Chart and spark need no crumb. `daily_bars` reads a chart body straight into the cached bars
payload with numpy (the per-row parser costs ~15 ms a history, too slow for 1,211 of them); any
body off the common path (an error, HTML, strings for numbers, intraday bars) goes through
`tui.sources.parse.yahoo.parse_chart`, which holds the rules and raises `NotFound` or
`BadPayload`. Tests check both paths give the same payload on every chart fixture.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from tui.sources.cached_bars import bars_to_payload
from tui.sources.clock import IST
from tui.sources.fetcher import Fetcher
from tui.sources.parse.yahoo import parse_chart, parse_spark

CHART = "/v8/finance/chart/"
SPARK = ("/v7/finance/spark",)
SPARK_BATCH = 20
"""Symbols per spark call (50 gets a 400)."""
HISTORY_RANGE = "2y"
_DAILY = frozenset({"1d", "5d", "1wk", "1mo", "3mo", None})
_PRICE = ("open", "high", "low", "close")


class _Slow(Exception):
    """The body is off the fast path: use the full parser."""


def chart_path(symbol: str) -> str:
    """The chart endpoint of a Yahoo symbol (`^NSEI` percent-encoded)."""
    return CHART + quote(symbol, safe=".-&")


async def history(
    fetcher: Fetcher, symbol: str, start: dt.date | None = None, *, now: dt.datetime | None = None
) -> tuple[dict[str, list[Any]], str]:
    """Daily bars of a Yahoo symbol as a bars payload: `range=2y`, or from `start` on.

    Raises:
        NotFound: Yahoo does not know the symbol.
        BadPayload, Blocked, RateLimited, Unavailable: see `Fetcher.fetch`.
    """
    params: dict[str, str | int] = {"interval": "1d", "includePrePost": "false"}
    if start is None:
        params |= {"range": HISTORY_RANGE, "events": "div|split"}
    else:
        end = (now or dt.datetime.now(IST)) + dt.timedelta(days=1)
        params |= {
            "period1": int(dt.datetime.combine(start, dt.time(), IST).timestamp()),
            "period2": int(end.timestamp()),
        }
    path = chart_path(symbol)
    fetched = await fetcher.fetch("yahoo", path, params=params)
    return daily_bars(fetched.content), fetched.endpoint


def daily_bars(body: bytes) -> dict[str, list[Any]]:
    """A v8 chart body as the cached bars payload (dates ascending, one bar a local date).

    Raises:
        NotFound: `chart.error` "Not Found".
        BadPayload: anything `parse_chart` rejects.
    """
    try:
        return _fast(body)
    except (_Slow, ValueError, TypeError, KeyError, IndexError, AttributeError):
        chart = parse_chart(body)
        columns = ["date", "open", "high", "low", "close", "volume"]
        return bars_to_payload(chart.bars[columns])


def _fast(body: bytes) -> dict[str, list[Any]]:
    chart = json.loads(body)["chart"]
    if chart.get("error") or not isinstance(chart.get("result"), list) or not chart["result"]:
        raise _Slow
    result = chart["result"][0]
    meta = result["meta"]
    if meta.get("dataGranularity") not in _DAILY or not isinstance(meta.get("symbol"), str):
        raise _Slow
    try:
        zone = ZoneInfo(meta["exchangeTimezoneName"])
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _Slow from None
    stamps = result.get("timestamp") or []
    quotes = result["indicators"]["quote"]
    block = quotes[0] if quotes else {}
    size = len(stamps)
    values: dict[str, np.ndarray] = {}
    for key in (*_PRICE, "volume"):
        series = block.get(key)
        if series is None:
            values[key] = np.full(size, np.nan)
            continue
        if not isinstance(series, list) or len(series) != size:
            raise _Slow
        values[key] = np.array(series, dtype="float64")
    sent = [k for k in ("open", "high", "low") if k in block] + ["close"]
    keep = np.ones(size, dtype=bool)
    for key in sent:
        keep &= ~np.isnan(values[key])
    epochs = np.array(stamps, dtype="float64")[keep]
    if np.isnan(epochs).any():
        raise _Slow
    order = np.argsort(epochs, kind="stable")
    times = pd.to_datetime(epochs[order], unit="s", utc=True).tz_convert(zone)
    days = times.tz_localize(None).normalize().to_numpy().astype("datetime64[D]")
    last = np.ones(len(days), dtype=bool)
    last[:-1] = days[:-1] != days[1:]
    dates = np.datetime_as_string(days[last], unit="D").tolist()
    payload: dict[str, list[Any]] = {"date": dates}
    for key in (*_PRICE, "volume"):
        column = values[key][keep][order][last]
        payload[key] = [None if not math.isfinite(x) else x for x in column.tolist()]
    return payload


async def spark(fetcher: Fetcher, symbols: list[str]) -> tuple[pd.DataFrame, str]:
    """Latest quotes of Yahoo symbols, 20 a call, calls run concurrently; unknown symbols are
    missing. A failed call fails the whole batch (the caller serves the cache or nothing).

    Returns:
        (YAHOO_QUOTE_COLUMNS frame, endpoint).
    """

    async def one(chunk: list[str]) -> pd.DataFrame:
        fetched = await fetcher.fetch(
            "yahoo", SPARK, params={"symbols": ",".join(chunk), "range": "1d", "interval": "1d"}
        )
        return parse_spark(fetched.content)

    chunks = [symbols[i : i + SPARK_BATCH] for i in range(0, len(symbols), SPARK_BATCH)]
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(c)) for c in chunks]
    frames = [t.result() for t in tasks]
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["symbol", "date", "close"]), SPARK[0]
    frame = pd.concat(frames, ignore_index=True)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame, SPARK[0]
