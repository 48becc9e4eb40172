"""Yahoo Finance bodies (sources.md §2.4): v8 chart (history, index levels) and v7 spark (batch
quotes).

Bars are stamped in UTC at the exchange's local open; they are dated in the exchange's own zone
(`exchangeTimezoneName`). dalal stores `close` (split-adjusted), never `adjclose` (which also
folds in dividends), and never trusts `chartPreviousClose` (the close before the *range*).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from tui.sources.errors import NotFound
from tui.sources.parse.common import (
    NAT,
    QUOTE_COLUMNS,
    Kind,
    PayloadError,
    as_mapping,
    as_rows,
    endpoint,
    floats,
    load_json,
    number,
    require,
    section,
    text,
    to_frame,
)

__all__ = [
    "BAR_COLUMNS",
    "DIVIDEND_COLUMNS",
    "SPLIT_COLUMNS",
    "YAHOO_QUOTE_COLUMNS",
    "Chart",
    "parse_chart",
    "parse_spark",
]

_CHART = "/v8/finance/chart"
_DAILY = frozenset({"1d", "5d", "1wk", "1mo", "3mo"})

BAR_COLUMNS: dict[str, Kind] = {
    "symbol": "text", "date": "date", "open": "float", "high": "float", "low": "float",
    "close": "float", "volume": "float", "adjclose": "float", "time": "time",
}  # fmt: skip
"""Bars: PRICE_COLUMNS plus adjclose (kept for reference, not stored) and the bar's time."""
SPLIT_COLUMNS: dict[str, Kind] = {
    "date": "date", "numerator": "float", "denominator": "float", "ratio": "text",
}  # fmt: skip
DIVIDEND_COLUMNS: dict[str, Kind] = {"date": "date", "amount": "float"}
YAHOO_QUOTE_COLUMNS: dict[str, Kind] = floats(QUOTE_COLUMNS) | {
    "symbol": "text", "date": "date", "time": "time", "currency": "text",
}  # fmt: skip
"""A latest quote built from a chart (last bar, or the meta when there is none)."""


@dataclass(frozen=True)
class Chart:
    """One symbol's chart.

    Attributes:
        symbol: Yahoo's symbol (`RELIANCE.NS`).
        currency: `meta.currency`, or None.
        timezone: `meta.exchangeTimezoneName` (bars are dated in it).
        granularity: `meta.dataGranularity` ("1d", "1m", ...).
        prev_close: The close of the bar before the last one; with a single bar (or none),
            `meta.previousClose` when present; else NaN. Never `chartPreviousClose`.
        bars: BAR_COLUMNS, ascending; null bars dropped; daily bars deduped by local date.
        splits: SPLIT_COLUMNS (date, numerator, denominator, ratio "4:1"), ascending.
        dividends: DIVIDEND_COLUMNS (date, amount), ascending.
        quote: One row of YAHOO_QUOTE_COLUMNS: the last bar with prev_close and change_pct, or
            `regularMarketPrice` at `regularMarketTime` when the range is empty.
    """

    symbol: str
    currency: str | None
    timezone: str
    granularity: str | None
    prev_close: float
    bars: pd.DataFrame
    splits: pd.DataFrame
    dividends: pd.DataFrame
    quote: pd.DataFrame


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PayloadError(f"unknown exchangeTimezoneName {name!r}") from None


def _stamp(epoch: Any, zone: ZoneInfo) -> pd.Timestamp:
    seconds = number(epoch, "timestamp")
    if math.isnan(seconds):
        return NAT
    return pd.Timestamp(seconds, unit="s", tz="UTC").tz_convert(zone)


def _series(block: dict[str, Any], key: str, size: int) -> list[Any]:
    values = block.get(key)
    if values is None:
        return [None] * size
    if not isinstance(values, list) or len(values) != size:
        raise PayloadError(f"indicators {key!r} does not match the timestamps")
    return values


def _bars(symbol: str, result: dict[str, Any], zone: ZoneInfo, daily: bool) -> pd.DataFrame:
    stamps = result.get("timestamp") or []
    indicators = as_mapping(require(result, "indicators"), "'indicators'")
    quotes = as_rows(require(indicators, "quote"), "'quote'")
    block = quotes[0] if quotes else {}
    adj_rows = indicators.get("adjclose")
    adj_block = adj_rows[0] if isinstance(adj_rows, list) and adj_rows else {}
    size = len(stamps)
    cols = {k: _series(block, k, size) for k in ("open", "high", "low", "close", "volume")}
    adj = _series(adj_block, "adjclose", size)
    # Spark sends close only; a series that is sent must not be null on a kept bar.
    sent = [k for k in ("open", "high", "low") if k in block] + ["close"]
    records = []
    for i, epoch in enumerate(stamps):
        ohlc = [number(cols[k][i], k) for k in ("open", "high", "low", "close")]
        values = dict(zip(("open", "high", "low", "close"), ohlc, strict=True))
        if any(math.isnan(values[k]) for k in sent):
            continue  # a holiday or a halt
        time = _stamp(epoch, zone)
        records.append(
            {
                "symbol": symbol,
                "date": pd.Timestamp(time.date()),
                **values,
                "volume": number(cols["volume"][i], "volume"),
                "adjclose": number(adj[i], "adjclose"),
                "time": time,
            }
        )
    frame = to_frame(records, BAR_COLUMNS).sort_values("time", kind="stable")
    if daily:
        frame = frame.drop_duplicates("date", keep="last")
    return frame.reset_index(drop=True)


def _events(result: dict[str, Any], zone: ZoneInfo) -> tuple[pd.DataFrame, pd.DataFrame]:
    events = section(result, "events")
    splits, dividends = [], []
    for item in (events.get("splits") or {}).values():
        when = _stamp(require(item, "date"), zone)
        splits.append(
            {
                "date": pd.Timestamp(when.date()),
                "numerator": number(item.get("numerator"), "numerator"),
                "denominator": number(item.get("denominator"), "denominator"),
                "ratio": text(item.get("splitRatio")),
            }
        )
    for item in (events.get("dividends") or {}).values():
        when = _stamp(require(item, "date"), zone)
        dividends.append(
            {"date": pd.Timestamp(when.date()), "amount": number(item.get("amount"), "amount")}
        )
    split_frame = to_frame(splits, SPLIT_COLUMNS).sort_values("date").reset_index(drop=True)
    dividend_frame = to_frame(dividends, DIVIDEND_COLUMNS).sort_values("date")
    return split_frame, dividend_frame.reset_index(drop=True)


def _chart(result: dict[str, Any]) -> Chart:
    meta = as_mapping(require(result, "meta"), "'meta'")
    symbol = str(require(meta, "symbol"))
    tz_name = str(require(meta, "exchangeTimezoneName"))
    zone = _zone(tz_name)
    granularity = text(meta.get("dataGranularity"))
    bars = _bars(symbol, result, zone, granularity in _DAILY or granularity is None)
    splits, dividends = _events(result, zone)
    if len(bars) >= 2:
        prev_close = float(bars["close"].iloc[-2])
    else:
        prev_close = number(meta.get("previousClose"), "previousClose")
    if len(bars):
        last = bars.iloc[-1]
        close, time = float(last["close"]), last["time"]
        day_bar = {k: float(last[k]) for k in ("open", "high", "low", "volume")}
    else:
        close = number(meta.get("regularMarketPrice"), "regularMarketPrice")
        time = _stamp(meta.get("regularMarketTime"), zone)
        day_bar = {}
    change = (close / prev_close - 1) * 100 if prev_close else math.nan
    quote = {
        "symbol": symbol,
        "date": NAT if pd.isna(time) else pd.Timestamp(time.date()),
        **day_bar,
        "close": close,
        "prev_close": prev_close,
        "change_pct": change,
        "time": time,
        "currency": text(meta.get("currency")),
    }
    return Chart(
        symbol=symbol,
        currency=text(meta.get("currency")),
        timezone=tz_name,
        granularity=granularity,
        prev_close=prev_close,
        bars=bars,
        splits=splits,
        dividends=dividends,
        quote=to_frame([quote], YAHOO_QUOTE_COLUMNS),
    )


def _raise_error(error: Any, path: str) -> None:
    if not error:
        return
    detail = error if isinstance(error, str) else None
    code = None
    if isinstance(error, dict):
        code = text(error.get("code"))
        detail = text(error.get("description")) or code
    if code == "Not Found" or (detail and "not found" in detail.lower() and code is None):
        raise NotFound("yahoo", path, detail or "")
    raise PayloadError(f"Yahoo answered an error: {detail or code or error!r}")


@endpoint("yahoo", _CHART)
def parse_chart(body: bytes) -> Chart:
    """Parse a v8 chart body: `chart.result[0]` or `chart.error`.

    An empty range (status 200, no `timestamp`, `indicators.quote == [{}]`) is zero bars, not
    an error. A null open/high/low/close drops the bar.

    Returns:
        `Chart` (see its attributes for every frame's columns).

    Raises:
        NotFound: `chart.error` is "Not Found" (an unknown or delisted symbol).
        BadPayload: any other error, HTML, or a missing `meta`/`indicators`.
    """
    chart = as_mapping(require(as_mapping(load_json(body)), "chart"), "'chart'")
    _raise_error(chart.get("error"), _CHART)
    results = as_rows(require(chart, "result"), "'result'")
    if not results:
        raise PayloadError("'result' is empty")
    return _chart(results[0])


@endpoint("yahoo", "/v7/finance/spark")
def parse_spark(body: bytes) -> pd.DataFrame:
    """Parse a v7 spark body: `spark.result[]{symbol, response[<chart result>]}` (≤ 20 symbols).

    Unknown symbols are simply missing from the result, and so from the frame.

    Returns:
        YAHOO_QUOTE_COLUMNS, one row per symbol sorted by symbol: symbol, date, open, high, low,
        close (the last bar's), volume, prev_close (as `Chart.prev_close`), change_pct, time
        (the exchange's zone, or UTC when the symbols span several), currency.
    """
    spark = as_mapping(require(as_mapping(load_json(body)), "spark"), "'spark'")
    _raise_error(spark.get("error"), "/v7/finance/spark")
    quotes = []
    for entry in as_rows(require(spark, "result"), "'result'"):
        responses = entry.get("response")
        if not isinstance(responses, list) or not responses:
            continue
        quotes.append(_chart(as_mapping(responses[0], "a spark response")).quote)
    if not quotes:
        return to_frame([], YAHOO_QUOTE_COLUMNS)
    frame = pd.concat(quotes, ignore_index=True).drop_duplicates("symbol", keep="last")
    if not isinstance(frame["time"].dtype, pd.DatetimeTZDtype):
        frame["time"] = pd.to_datetime(frame["time"], utc=True)  # symbols in several zones
    return frame.sort_values("symbol").reset_index(drop=True)
