"""One NSE stock's quote and metadata (sources.md §2.1): NextApi getSymbolData and getMetaData,
and the legacy quote-equity they replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from tui.sources.parse.common import (
    NAT,
    QUOTE_COLUMNS,
    Kind,
    PayloadError,
    as_mapping,
    as_rows,
    endpoint,
    flag,
    floats,
    load_json,
    number,
    parse_time,
    require,
    section,
    text,
    to_frame,
)

__all__ = [
    "SYMBOL_QUOTE_COLUMNS",
    "SymbolMeta",
    "parse_meta_data",
    "parse_quote_equity",
    "parse_symbol_data",
]

_CRORE = 1e7
"""NSE market caps are in ₹; dalal stores ₹ crore."""
_NSE_TIME = "%d-%b-%Y %H:%M:%S"
"""`20-Feb-2026 16:00:00`: `lastUpdateTime`."""

_QUOTE: dict[str, Kind] = floats(QUOTE_COLUMNS) | {"symbol": "text", "date": "date"}
SYMBOL_QUOTE_COLUMNS: dict[str, Kind] = _QUOTE | {
    "time": "time", "series": "text", "name": "text", "isin": "text", "official_close": "float",
    "mcap_cr": "float", "ffmc_cr": "float", "macro": "text", "sector": "text",
    "industry": "text", "year_high": "float", "year_low": "float",
}  # fmt: skip
"""One stock's quote (`parse_symbol_data`, `parse_quote_equity`)."""


@dataclass(frozen=True)
class SymbolMeta:
    """What NextApi getMetaData says about a symbol (needed to ask getSymbolData)."""

    symbol: str
    name: str | None
    isin: str | None
    active_series: tuple[str, ...]
    market_type: str | None
    is_fno: bool | None
    is_suspended: bool | None
    is_delisted: bool | None


def _quote_record(
    symbol: str, price: dict[str, Any], high_low: tuple[Any, Any], time: pd.Timestamp
) -> dict[str, Any]:
    return {
        "symbol": symbol,
        "date": NAT if pd.isna(time) else pd.Timestamp(time.date()),
        "open": number(price.get("open"), "open"),
        "high": number(high_low[0], "high"),
        "low": number(high_low[1], "low"),
        "prev_close": number(price.get("previousClose"), "previousClose"),
        "change_pct": number(price.get("pChange"), "pChange"),
        "time": time,
    }


@endpoint("nse", "/api/NextApi/apiClient/GetQuoteApi?functionName=getSymbolData")
def parse_symbol_data(body: bytes) -> pd.DataFrame:
    """Parse NextApi getSymbolData: one stock's quote, `equityResponse[0]`.

    The last price comes from `orderBook`/`tradeInfo`; `metaData.closePrice` is the official
    close (0 until the close, then often different from the last price) and goes to
    `official_close`. Market caps are in ₹ and become ₹ crore.

    Returns:
        One row of SYMBOL_QUOTE_COLUMNS: symbol, date, open, high, low, close (last price),
        volume, prev_close, change_pct, time, series, name, isin, official_close, mcap_cr,
        ffmc_cr, macro, sector, industry (`basicIndustry`), year_high, year_low.
    """
    payload = as_mapping(load_json(body))
    responses = as_rows(require(payload, "equityResponse"), "'equityResponse'")
    if not responses:
        raise PayloadError("'equityResponse' is empty")
    item = responses[0]
    meta = as_mapping(require(item, "metaData"), "'metaData'")
    trade = section(item, "tradeInfo")
    book = section(item, "orderBook")
    info = section(item, "priceInfo")
    sec = section(item, "secInfo")
    last = number(trade.get("lastPrice"), "lastPrice")
    if pd.isna(last) or last == 0:
        last = number(book.get("lastPrice"), "lastPrice")
    if pd.isna(last):
        raise PayloadError("no last price in 'tradeInfo' or 'orderBook'")
    time = parse_time(item.get("lastUpdateTime"), _NSE_TIME, "lastUpdateTime")
    record = _quote_record(
        str(require(meta, "symbol")), meta, (meta.get("dayHigh"), meta.get("dayLow")), time
    )
    official = number(meta.get("closePrice"), "closePrice")
    record |= {
        "close": last,
        "volume": number(trade.get("totalTradedVolume"), "totalTradedVolume"),
        "series": text(meta.get("series")),
        "name": text(meta.get("companyName")),
        "isin": text(meta.get("isinCode")),
        "official_close": official if official else float("nan"),
        "mcap_cr": number(trade.get("totalMarketCap"), "totalMarketCap") / _CRORE,
        "ffmc_cr": number(trade.get("ffmc"), "ffmc") / _CRORE,
        "macro": text(sec.get("macro")),
        "sector": text(sec.get("sector")),
        "industry": text(sec.get("basicIndustry")),
        "year_high": number(info.get("yearHigh"), "yearHigh"),
        "year_low": number(info.get("yearLow"), "yearLow"),
    }
    return to_frame([record], SYMBOL_QUOTE_COLUMNS)


@endpoint("nse", "/api/quote-equity")
def parse_quote_equity(body: bytes) -> pd.DataFrame:
    """Parse the legacy quote-equity body (the quote chain's last fallback).

    `priceInfo.lastPrice` is the last price; `priceInfo.close` the official close. This shape
    carries no volume and no market cap.

    Returns:
        One row of SYMBOL_QUOTE_COLUMNS (see `parse_symbol_data`).
    """
    payload = as_mapping(load_json(body))
    info = as_mapping(require(payload, "info"), "'info'")
    meta = section(payload, "metadata")
    price = as_mapping(require(payload, "priceInfo"), "'priceInfo'")
    industry = section(payload, "industryInfo")
    day = section(price, "intraDayHighLow")
    year = section(price, "weekHighLow")
    time = parse_time(meta.get("lastUpdateTime"), _NSE_TIME, "lastUpdateTime")
    record = _quote_record(
        str(require(info, "symbol")), price, (day.get("max"), day.get("min")), time
    )
    official = number(price.get("close"), "close")
    record |= {
        "close": number(require(price, "lastPrice"), "lastPrice"),
        "volume": float("nan"),
        "series": text(meta.get("series")),
        "name": text(info.get("companyName")),
        "isin": text(info.get("isin")),
        "official_close": official if official else float("nan"),
        "mcap_cr": float("nan"),
        "ffmc_cr": float("nan"),
        "macro": text(industry.get("macro")),
        "sector": text(industry.get("sector")),
        "industry": text(industry.get("basicIndustry")),
        "year_high": number(year.get("max"), "weekHighLow.max"),
        "year_low": number(year.get("min"), "weekHighLow.min"),
    }
    return to_frame([record], SYMBOL_QUOTE_COLUMNS)


@endpoint("nse", "/api/NextApi/apiClient/GetQuoteApi?functionName=getMetaData")
def parse_meta_data(body: bytes) -> SymbolMeta:
    """Parse NextApi getMetaData: active series, market type and ISIN (booleans are strings)."""
    payload = as_mapping(load_json(body))
    series = payload.get("activeSeries")
    return SymbolMeta(
        symbol=str(require(payload, "symbol")),
        name=text(payload.get("companyName")),
        isin=text(payload.get("isin")),
        active_series=tuple(str(s) for s in series) if isinstance(series, list) else (),
        market_type=text(payload.get("marketType")),
        is_fno=flag(payload.get("isFNOSec")),
        is_suspended=flag(payload.get("isSuspended")),
        is_delisted=flag(payload.get("isDelisted")),
    )
