"""Parsed frames → one `MarketData` (design.md §2): stocks, prices (Yahoo history plus today's
quote row from the exchange), indices (segment and benchmark levels), results, calendar, meta.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from tui.market.model import (
    CALENDAR_COLUMNS,
    INDEX_COLUMNS,
    PRICE_COLUMNS,
    RESULT_COLUMNS,
    STOCK_COLUMNS,
    STOCK_OPTIONAL,
    MarketData,
    MarketMeta,
    empty_frame,
)
from tui.sources.live.modes import Mode

MARKET_NAME = "India"
_OHLCV = ("open", "high", "low", "close", "volume")


def bars_frame(payloads: Mapping[str, dict[str, list[Any]]], key: str) -> pd.DataFrame:
    """Many bars payloads as one long frame (`key` column, date, OHLC[V]), built column-wise."""
    names = [n for n, p in payloads.items() if p.get("date")]
    sizes = [len(payloads[n]["date"]) for n in names]
    frame = pd.DataFrame(
        {
            key: np.repeat(np.array(names, dtype=object), sizes),
            "date": pd.to_datetime(
                list(chain.from_iterable(payloads[n]["date"] for n in names)), format="%Y-%m-%d"
            ),
        }
    )
    for column in _OHLCV:
        values = chain.from_iterable(
            payloads[n].get(column) or [None] * s for n, s in zip(names, sizes, strict=True)
        )
        frame[column] = np.fromiter(
            (np.nan if v is None else v for v in values), dtype="float64", count=sum(sizes)
        )
    return frame


def overlay(bars: pd.DataFrame, rows: pd.DataFrame, key: str) -> pd.DataFrame:
    """Today's rows replace the bars of the same (key, date) or are appended. A value a row
    lacks is the existing bar's; else a missing open, high or low is the close and a missing
    volume 0. Rows older than the key's last bar never rewrite settled history."""
    if rows.empty:
        return bars
    columns = list(bars.columns)
    rows = rows.dropna(subset=[key, "date", "close"]).copy()
    rows["date"] = pd.to_datetime(rows["date"]).dt.normalize()
    last = bars.groupby(key)["date"].max()
    floor = rows[key].map(last)
    rows = rows[floor.isna() | (rows["date"] >= floor)]
    for column in columns:
        if column not in rows:
            rows[column] = np.nan
    rows = rows[columns].set_index([key, "date"])
    rows = rows.where(rows > 0)  # a 0 open or volume is "not sent" in the exchanges' bodies
    existing = bars.set_index([key, "date"])
    rows = rows.fillna(existing.reindex(rows.index))
    for column in ("open", "high", "low"):
        rows[column] = rows[column].fillna(rows["close"])
    if "volume" in rows:
        rows["volume"] = rows["volume"].fillna(0.0)
    merged = pd.concat([bars, rows.reset_index()[columns]], ignore_index=True)
    return merged.drop_duplicates([key, "date"], keep="last")


def assemble(
    mode: Mode,
    universe: pd.DataFrame,
    histories: Mapping[str, dict[str, list[Any]]],
    index_bars: Mapping[str, dict[str, list[Any]]],
    *,
    quotes: pd.DataFrame | None = None,
    index_today: pd.DataFrame | None = None,
    results: Sequence[pd.DataFrame] = (),
    calendar: pd.DataFrame | None = None,
    stale: bool = False,
) -> MarketData:
    """Build the `MarketData` of a live mode.

    Args:
        mode: The mode (segments, benchmarks, `source`).
        universe: `join_universe` output.
        histories: Display symbol → bars payload.
        index_bars: Index name → bars payload.
        quotes: Today's rows by display symbol (symbol, date, open, high, low, close, volume).
        index_today: Today's index rows (index, date, open, high, low, close).
        results: Quarterly results frames (RESULT_COLUMNS), by NSE symbol = display symbol.
        calendar: Results meetings (symbol, date, purpose, optional announced_on).
        stale: Some data was served from the cache past its TTL.

    Raises:
        ValueError: when no index has a single bar (there is no market calendar).
    """
    stock_columns = [*STOCK_COLUMNS, *STOCK_OPTIONAL, "mcap_basis"]
    stocks = universe.set_index("symbol")[stock_columns[1:]]
    stocks.index.name = "symbol"
    symbols = set(stocks.index)

    prices = bars_frame({s: p for s, p in histories.items() if s in symbols}, "symbol")
    if quotes is not None and not quotes.empty:
        prices = overlay(prices, quotes[quotes["symbol"].isin(symbols)], "symbol")
    prices = prices.sort_values(["symbol", "date"]).reset_index(drop=True)

    indices = bars_frame(index_bars, "index")[list(INDEX_COLUMNS)]
    if index_today is not None and not index_today.empty:
        known = set(mode.indices)
        indices = overlay(indices, index_today[index_today["index"].isin(known)], "index")
    indices = indices.sort_values(["index", "date"]).reset_index(drop=True)
    if indices.empty:
        raise ValueError("no index history arrived, so there is no market calendar")
    as_of = pd.Timestamp(indices["date"].max()).date()

    meta = MarketMeta(
        name=MARKET_NAME,
        as_of=as_of,
        benchmarks=mode.benchmarks,
        segments=dict(mode.segments),
    )
    data = MarketData(
        meta=meta,
        stocks=stocks,
        prices=prices[list(PRICE_COLUMNS)],
        indices=indices,
        source=mode.name,
        stale=stale,
    )
    frames = [r for r in results if not r.empty]
    if frames:
        res = pd.concat(frames, ignore_index=True)
        res = res[res["symbol"].isin(symbols)]
        data = replace(data, results=res[list(RESULT_COLUMNS)].reset_index(drop=True))
    if calendar is not None and not calendar.empty:
        data = replace(data, calendar=_calendar(calendar, symbols))
    return data


def _calendar(calendar: pd.DataFrame, symbols: set[str]) -> pd.DataFrame:
    columns = list(CALENDAR_COLUMNS)
    if "announced_on" in calendar.columns:
        columns.append("announced_on")
    frame = calendar[calendar["symbol"].isin(symbols)][columns].dropna(subset=["date"])
    frame = frame.drop_duplicates(["symbol", "date", "purpose"])
    if frame.empty:
        return empty_frame(tuple(columns), ("date", "announced_on"))
    return frame.sort_values(["date", "symbol"]).reset_index(drop=True)


def session_date(now: dt.datetime, is_trading_day: Any) -> dt.date:
    """The session a quote without a date belongs to: today from 09:15 on a trading day,
    else the last trading day before."""
    day = now.date()
    if is_trading_day(day) and now.time() >= dt.time(9, 15):
        return day
    for _ in range(30):
        day -= dt.timedelta(days=1)
        if is_trading_day(day):
            return day
    return day
