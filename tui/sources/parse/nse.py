"""NSE market-data bodies (sources.md §2.1): constituents, indices, quotes and history.

Pure `parse_*` functions from bytes to frames; both the 2026 shapes and the legacy ones they
replaced are read. One stock's quote is in `nse_quote`; corporate bodies (calendar, results,
market status, holidays) are in `nse_corporate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tui.sources.parse.common import (
    NAT,
    QUOTE_COLUMNS,
    Breadth,
    Kind,
    PayloadError,
    as_mapping,
    as_rows,
    by_date,
    endpoint,
    floats,
    load_json,
    number,
    parse_date,
    parse_time,
    require,
    section,
    text,
    to_frame,
    unwrap_rows,
)

__all__ = [
    "CONSTITUENT_COLUMNS",
    "HISTORY_COLUMNS",
    "INDEX_HISTORY_COLUMNS",
    "INDEX_QUOTE_COLUMNS",
    "IndexBoard",
    "IndexQuotes",
    "parse_advance_decline",
    "parse_all_indices",
    "parse_equity_history",
    "parse_equity_stock_indices",
    "parse_indices_history",
]

_CRORE = 1e7
"""NSE market caps are in ₹; dalal stores ₹ crore."""

_NSE_TIME = "%d-%b-%Y %H:%M:%S"
"""`01-Jan-2025 16:00:00`: top-level `timestamp`, legacy `lastUpdateTime`."""
_ROW_TIMES = (_NSE_TIME, "%Y-%m-%d %H:%M:%S")
"""A constituent row's `lastUpdateTime`: legacy shape, then the 2026 shape."""

_QUOTE: dict[str, Kind] = floats(QUOTE_COLUMNS) | {"symbol": "text", "date": "date"}
CONSTITUENT_COLUMNS: dict[str, Kind] = _QUOTE | {
    "time": "time", "series": "text", "name": "text", "industry": "text", "isin": "text",
    "ffmc_cr": "float", "year_high": "float", "year_low": "float",
}  # fmt: skip
"""`parse_equity_stock_indices` quotes: QUOTE_COLUMNS plus these extras."""
INDEX_QUOTE_COLUMNS: dict[str, Kind] = {
    "index": "text", "date": "date", "open": "float", "high": "float", "low": "float",
    "close": "float", "prev_close": "float", "change": "float", "change_pct": "float",
    "time": "time", "year_high": "float", "year_low": "float",
}  # fmt: skip
"""An index level today: INDEX_COLUMNS plus previous close, change and its time."""
_BOARD_COLUMNS: dict[str, Kind] = INDEX_QUOTE_COLUMNS | {
    "key": "text", "pe": "float", "pb": "float", "dy": "float",
    "advances": "int", "declines": "int", "unchanged": "int",
}  # fmt: skip
HISTORY_COLUMNS: dict[str, Kind] = {
    "symbol": "text", "date": "date", "open": "float", "high": "float", "low": "float",
    "close": "float", "volume": "float", "series": "text", "prev_close": "float",
    "isin": "text",
}  # fmt: skip
"""Daily bars: PRICE_COLUMNS plus series, previous close and ISIN."""
INDEX_HISTORY_COLUMNS: dict[str, Kind] = {
    "index": "text", "date": "date", "open": "float", "high": "float", "low": "float",
    "close": "float", "volume": "float", "turnover_cr": "float",
}  # fmt: skip
"""Daily index levels: INDEX_COLUMNS plus traded quantity and turnover in ₹ crore."""


@dataclass(frozen=True)
class IndexQuotes:
    """One index's constituent quotes and the index's own level (equity-stock-indices).

    Attributes:
        name: The index (legacy `name`, else the priority-1 row's symbol).
        quotes: One row per constituent, `CONSTITUENT_COLUMNS`.
        index: The priority-1 row, `INDEX_QUOTE_COLUMNS` (0 rows if the body has none).
        breadth: The legacy `advance` block as ints; None in the 2026 shape.
        as_of: The body's `timestamp` (IST), or NaT.
    """

    name: str
    quotes: pd.DataFrame
    index: pd.DataFrame
    breadth: Breadth | None
    as_of: pd.Timestamp


@dataclass(frozen=True)
class IndexBoard:
    """Every NSE index today (allIndices).

    Attributes:
        indices: One row per index, `INDEX_QUOTE_COLUMNS` plus key (the category), pe, pb, dy,
            advances, declines, unchanged.
        breadth: The market-wide top-level counts, or None.
        as_of: The body's `timestamp` (IST), or NaT.
    """

    indices: pd.DataFrame
    breadth: Breadth | None
    as_of: pd.Timestamp


def _breadth(block: Any) -> Breadth | None:
    if not isinstance(block, dict):
        return None
    counts = [number(block.get(k), k) for k in ("advances", "declines", "unchanged")]
    if any(pd.isna(c) for c in counts):
        return None
    return Breadth(*(int(c) for c in counts))


def _index_row(row: dict[str, Any], as_of: pd.Timestamp) -> dict[str, Any]:
    time = parse_time(row.get("lastUpdateTime"), _ROW_TIMES, "lastUpdateTime")
    when = as_of if pd.isna(time) else time
    return {
        "index": text(require(row, "symbol")),
        "date": NAT if pd.isna(when) else pd.Timestamp(when.date()),
        "open": number(row.get("open"), "open"),
        "high": number(row.get("dayHigh"), "dayHigh"),
        "low": number(row.get("dayLow"), "dayLow"),
        "close": number(require(row, "lastPrice"), "lastPrice"),
        "prev_close": number(row.get("previousClose"), "previousClose"),
        "change": number(row.get("change"), "change"),
        "change_pct": number(row.get("pChange"), "pChange"),
        "time": when,
        "year_high": number(row.get("yearHigh"), "yearHigh"),
        "year_low": number(row.get("yearLow"), "yearLow"),
    }


def _constituent(row: dict[str, Any], as_of: pd.Timestamp) -> dict[str, Any]:
    level = _index_row(row, as_of)
    meta = section(row, "meta")
    return {
        "symbol": level["index"],
        "date": level["date"],
        "open": level["open"],
        "high": level["high"],
        "low": level["low"],
        "close": level["close"],
        "volume": number(row.get("totalTradedVolume"), "totalTradedVolume"),
        "prev_close": level["prev_close"],
        "change_pct": level["change_pct"],
        "time": level["time"],
        "series": text(row.get("series")),
        "name": text(meta.get("companyName")),
        "industry": text(meta.get("industry")),
        "isin": text(meta.get("isin")),
        "ffmc_cr": number(row.get("ffmc"), "ffmc") / _CRORE,
        "year_high": level["year_high"],
        "year_low": level["year_low"],
    }


@endpoint("nse", "/api/equity-stock-indices")
def parse_equity_stock_indices(body: bytes) -> IndexQuotes:
    """Parse equity-stock-indices (2026), equity-stockIndex and legacy equity-stockIndices.

    The `priority: 1` row is the index itself: it is left out of `quotes` and returned as
    `index`. Legacy bodies add `advance` (strings, here ints) and per-row `meta` (name, industry,
    ISIN); the 2026 shape has neither, so those columns are missing there.

    Returns:
        `IndexQuotes`; quotes have CONSTITUENT_COLUMNS: symbol, date, open, high, low, close
        (last price), volume, prev_close, change_pct, time, series, name, industry, isin,
        ffmc_cr (free-float market cap, ₹ crore), year_high, year_low.
    """
    payload = as_mapping(load_json(body))
    rows = as_rows(require(payload, "data"), "'data'")
    as_of = parse_time(payload.get("timestamp"), _NSE_TIME, "timestamp")
    index_rows = [_index_row(r, as_of) for r in rows if r.get("priority") == 1]
    stocks = [_constituent(r, as_of) for r in rows if r.get("priority") != 1]
    quotes = to_frame(stocks, CONSTITUENT_COLUMNS).drop_duplicates("symbol", keep="last")
    name = text(payload.get("name")) or (index_rows[0]["index"] if index_rows else "")
    return IndexQuotes(
        name=name or "",
        quotes=quotes.sort_values("symbol").reset_index(drop=True),
        index=to_frame(index_rows[:1], INDEX_QUOTE_COLUMNS),
        breadth=_breadth(payload.get("advance")),
        as_of=as_of,
    )


@endpoint("nse", "/api/equity-stockIndices-adu")
def parse_advance_decline(body: bytes) -> Breadth:
    """Parse equity-stockIndices-adu: `{advances, declines, unchanged}` as strings → ints."""
    breadth = _breadth(as_mapping(load_json(body)))
    if breadth is None:
        raise PayloadError("advances, declines or unchanged is missing")
    return breadth


@endpoint("nse", "/api/allIndices")
def parse_all_indices(body: bytes) -> IndexBoard:
    """Parse allIndices: every index's level today (row values are strings or numbers).

    Returns:
        `IndexBoard`; indices have index (`indexSymbol`), date, open, high, low, close (`last`),
        prev_close, change, change_pct, time, year_high, year_low, key, pe, pb, dy, advances,
        declines, unchanged.
    """
    payload = as_mapping(load_json(body))
    as_of = parse_time(payload.get("timestamp"), _NSE_TIME, "timestamp")
    records = []
    for row in as_rows(require(payload, "data"), "'data'"):
        name = text(row.get("indexSymbol")) or text(require(row, "index"))
        records.append(
            {
                "index": name,
                "date": NAT if pd.isna(as_of) else pd.Timestamp(as_of.date()),
                "open": number(row.get("open"), "open"),
                "high": number(row.get("high"), "high"),
                "low": number(row.get("low"), "low"),
                "close": number(require(row, "last"), "last"),
                "prev_close": number(row.get("previousClose"), "previousClose"),
                "change": number(row.get("variation"), "variation"),
                "change_pct": number(row.get("percentChange"), "percentChange"),
                "time": as_of,
                "year_high": number(row.get("yearHigh"), "yearHigh"),
                "year_low": number(row.get("yearLow"), "yearLow"),
                "key": text(row.get("key")),
                **{k: number(row.get(k), k) for k in ("pe", "pb", "dy")},
                **{k: number(row.get(k), k) for k in ("advances", "declines", "unchanged")},
            }
        )
    frame = to_frame(records, _BOARD_COLUMNS).drop_duplicates("index", keep="last")
    return IndexBoard(frame.reset_index(drop=True), _breadth(payload), as_of)


@endpoint("nse", "/api/NextApi/apiClient/GetQuoteApi?functionName=getHistoricalTradeData")
def parse_equity_history(body: bytes) -> pd.DataFrame:
    """Parse NextApi getHistoricalTradeData (a bare array) or legacy historical/cm/equity
    (`{"data": [...]}`); both use the `CH_*` keys and come newest first. Prices are unadjusted.

    Returns:
        HISTORY_COLUMNS, ascending and one row per (symbol, date): symbol, date, open, high,
        low, close, volume, series, prev_close, isin.
    """
    records = []
    for row in unwrap_rows(load_json(body), "data"):
        records.append(
            {
                "symbol": text(require(row, "CH_SYMBOL")),
                "date": parse_date(require(row, "CH_TIMESTAMP"), "%Y-%m-%d", "CH_TIMESTAMP"),
                "open": number(row.get("CH_OPENING_PRICE"), "CH_OPENING_PRICE"),
                "high": number(row.get("CH_TRADE_HIGH_PRICE"), "CH_TRADE_HIGH_PRICE"),
                "low": number(row.get("CH_TRADE_LOW_PRICE"), "CH_TRADE_LOW_PRICE"),
                "close": number(require(row, "CH_CLOSING_PRICE"), "CH_CLOSING_PRICE"),
                "volume": number(row.get("CH_TOT_TRADED_QTY"), "CH_TOT_TRADED_QTY"),
                "series": text(row.get("CH_SERIES")),
                "prev_close": number(row.get("CH_PREVIOUS_CLS_PRICE"), "CH_PREVIOUS_CLS_PRICE"),
                "isin": text(row.get("CH_ISIN")),
            }
        )
    return by_date(to_frame(records, HISTORY_COLUMNS), ("symbol", "date"))


@endpoint("nse", "/api/historicalOR/indicesHistory")
def parse_indices_history(body: bytes) -> pd.DataFrame:
    """Parse indicesHistory: daily levels from `EOD_*` keys (`EOD_TIMESTAMP` is `15-DEC-2025`;
    `HI_TIMESTAMP`, the IST midnight written in UTC, is ignored).

    Returns:
        INDEX_HISTORY_COLUMNS, ascending: index, date, open, high, low, close, volume,
        turnover_cr (`HIT_TURN_OVER`, already ₹ crore).
    """
    records = []
    for row in unwrap_rows(load_json(body), "data"):
        records.append(
            {
                "index": text(require(row, "EOD_INDEX_NAME")),
                "date": parse_date(require(row, "EOD_TIMESTAMP"), "%d-%b-%Y", "EOD_TIMESTAMP"),
                "open": number(row.get("EOD_OPEN_INDEX_VAL"), "EOD_OPEN_INDEX_VAL"),
                "high": number(row.get("EOD_HIGH_INDEX_VAL"), "EOD_HIGH_INDEX_VAL"),
                "low": number(row.get("EOD_LOW_INDEX_VAL"), "EOD_LOW_INDEX_VAL"),
                "close": number(require(row, "EOD_CLOSE_INDEX_VAL"), "EOD_CLOSE_INDEX_VAL"),
                "volume": number(row.get("HIT_TRADED_QTY"), "HIT_TRADED_QTY"),
                "turnover_cr": number(row.get("HIT_TURN_OVER"), "HIT_TURN_OVER"),
            }
        )
    return by_date(to_frame(records, INDEX_HISTORY_COLUMNS), ("index", "date"))
