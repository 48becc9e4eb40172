"""A small, consistent market the replay router can serve (tests/sources/router.py).

A `Universe` holds a few stocks and indices with daily bars. The body builders below render it
in each endpoint's real shape (NSE 2026 constituents and NextApi quotes and history, BSE
GetMktData, Yahoo chart and spark), so one set of numbers answers every provider the same way.

    universe = Universe(
        stocks=(Stock("RELIANCE", "Reliance Industries Ltd.", "INE002A01018", "500325",
                      bars=make_bars(dt.date(2026, 2, 2), [1400, 1410, 1405])),),
        indices=(Index("NIFTY 50", ("RELIANCE",), yahoo="^NSEI", bars=...),),
    )
    transport = httpx.MockTransport(make_router(universe))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
_OPEN = dt.time(9, 15)


@dataclass(frozen=True)
class Bar:
    """One daily bar."""

    date: dt.date
    open: float
    high: float
    low: float
    close: float
    volume: float = 0.0


@dataclass(frozen=True)
class Stock:
    """A listed company: NSE symbol, BSE code and its daily bars (ascending)."""

    symbol: str
    name: str
    isin: str
    bse_code: str
    sector: str = ""
    industry: str = ""
    series: str = "EQ"
    bars: tuple[Bar, ...] = ()

    @property
    def yahoo_symbols(self) -> tuple[str, str]:
        """`SYMBOL.NS` and `CODE.BO`."""
        return f"{self.symbol}.NS", f"{self.bse_code}.BO"


@dataclass(frozen=True)
class Index:
    """An index as the exchange names it in requests, its members and its levels."""

    name: str
    members: tuple[str, ...]
    bars: tuple[Bar, ...] = ()
    yahoo: str | None = None


@dataclass(frozen=True)
class Universe:
    """The stocks and indices a router serves beyond the real fixtures."""

    stocks: tuple[Stock, ...] = ()
    indices: tuple[Index, ...] = ()

    def stock(self, symbol: str | None) -> Stock | None:
        """The stock with this NSE symbol or BSE code."""
        return next((s for s in self.stocks if symbol in (s.symbol, s.bse_code)), None)

    def index(self, name: str | None) -> Index | None:
        """The index by name; BSE names match without "S&P " and in any case."""
        key = _index_key(name)
        return next((i for i in self.indices if _index_key(i.name) == key), None)

    def members(self, index: Index) -> list[Stock]:
        """The index's members that have bars."""
        found = (self.stock(m) for m in index.members)
        return [s for s in found if s is not None and s.bars]

    def yahoo(self, symbol: str) -> tuple[str, tuple[Bar, ...]] | None:
        """(name, bars) for a Yahoo symbol (`X.NS`, `CODE.BO` or an index's symbol)."""
        for stock in self.stocks:
            if symbol in stock.yahoo_symbols:
                return stock.name, stock.bars
        for index in self.indices:
            if symbol == index.yahoo:
                return index.name, index.bars
        return None


def _index_key(name: str | None) -> str:
    cleaned = " ".join((name or "").split())
    return cleaned.removeprefix("S&P ").casefold()


def make_bars(start: dt.date, closes: Sequence[float], volume: float = 100_000) -> tuple[Bar, ...]:
    """Weekday bars from `start`: open at the previous close, a 1 % range around the body."""
    bars, day, previous = [], start, closes[0]
    for close in closes:
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        high, low = max(previous, close) * 1.01, min(previous, close) * 0.99
        bars.append(Bar(day, previous, round(high, 2), round(low, 2), close, volume))
        previous, day = close, day + dt.timedelta(days=1)
    return tuple(bars)


def sample_universe() -> Universe:
    """Three stocks, NIFTY 50, NIFTY SMALLCAP 250 and BSE SmallCap over five sessions."""
    start = dt.date(2026, 2, 4)
    stocks = (
        Stock("RELIANCE", "Reliance Industries Ltd.", "INE002A01018", "500325",
              "Oil Gas & Consumable Fuels", "Refineries & Marketing",
              bars=make_bars(start, [1429.8, 1438.65, 1444.0, 1449.9, 1455.4], 5e6)),
        Stock("AARTIIND", "Aarti Industries Ltd.", "INE769A01020", "524208", "Chemicals",
              "Specialty Chemicals", bars=make_bars(start, [401.0, 398.5, 404.2, 401.2, 409.35])),
        Stock("MANINDS", "Man Industries (India) Ltd.", "INE993A01026", "513269",
              "Capital Goods", "Iron & Steel Products",
              bars=make_bars(start, [390.0, 395.2, 401.0, 397.75, 458.95])),
    )  # fmt: skip
    small = make_bars(start, [16800.0, 16850.5, 16910.2, 16975.05, 17098.6])
    indices = (
        Index("NIFTY 50", ("RELIANCE",), make_bars(start, [25800.0, 25790.4, 25850.0, 25867.3,
                                                          25935.15]), "^NSEI"),
        Index("NIFTY SMALLCAP 250", ("AARTIIND", "MANINDS"), small),
        Index("BSE SmallCap", ("AARTIIND", "MANINDS"), small, "BSE-SMLCAP.BO"),
    )  # fmt: skip
    return Universe(stocks, indices)


def _stamp(day: dt.date, time: dt.time = _OPEN) -> int:
    return int(dt.datetime.combine(day, time, IST).timestamp())


def _last_two(bars: tuple[Bar, ...]) -> tuple[Bar, float]:
    last = bars[-1]
    return last, (bars[-2].close if len(bars) > 1 else last.open)


def _pct(close: float, previous: float) -> float:
    return round((close / previous - 1) * 100, 2) if previous else 0.0


def nse_constituents(universe: Universe, index: Index) -> dict[str, Any]:
    """equity-stock-indices in its 2026 shape: the index row (priority 1), then the members."""

    def row(symbol: str, bars: tuple[Bar, ...], priority: int) -> dict[str, Any]:
        last, previous = _last_two(bars)
        return {
            "priority": priority, "symbol": symbol, "identifier": symbol,
            "series": "EQ" if priority == 0 else None, "open": last.open, "dayHigh": last.high,
            "dayLow": last.low, "lastPrice": last.close, "previousClose": previous,
            "change": round(last.close - previous, 2), "pChange": _pct(last.close, previous),
            "totalTradedVolume": last.volume, "lastUpdateTime": f"{last.date} 15:30:00",
        }  # fmt: skip

    rows = [row(index.name, index.bars, 1)] if index.bars else []
    rows += [row(s.symbol, s.bars, 0) for s in universe.members(index)]
    day = max((r["lastUpdateTime"][:10] for r in rows), default="2026-01-01")
    stamp = dt.date.fromisoformat(day).strftime("%d-%b-%Y") + " 15:30:00"
    return {"data": rows, "marketStatus": {"market": "CM", "marketStatus": "Closed"},
            "timestamp": stamp}  # fmt: skip


def nse_symbol_data(stock: Stock) -> dict[str, Any]:
    """NextApi getSymbolData for one stock (after the close)."""
    last, previous = _last_two(stock.bars)
    meta = {
        "symbol": stock.symbol, "companyName": stock.name, "isinCode": stock.isin,
        "series": stock.series, "marketType": "N", "open": last.open, "dayHigh": last.high,
        "dayLow": last.low, "previousClose": previous, "pChange": _pct(last.close, previous),
        "closePrice": last.close,
    }  # fmt: skip
    trade = {"lastPrice": last.close, "totalTradedVolume": last.volume}
    sec = {"sector": stock.sector, "basicIndustry": stock.industry}
    stamp = last.date.strftime("%d-%b-%Y") + " 16:00:00"
    return {"equityResponse": [{"metaData": meta, "tradeInfo": trade, "secInfo": sec,
                                "orderBook": {"lastPrice": last.close},
                                "lastUpdateTime": stamp}]}  # fmt: skip


def nse_history(stock: Stock, start: dt.date | None, end: dt.date | None) -> list[dict[str, Any]]:
    """NextApi getHistoricalTradeData: a bare array, newest first, within [start, end]."""
    rows = [
        {
            "CH_SYMBOL": stock.symbol,
            "CH_SERIES": stock.series,
            "CH_TIMESTAMP": str(b.date),
            "CH_OPENING_PRICE": b.open,
            "CH_TRADE_HIGH_PRICE": b.high,
            "CH_TRADE_LOW_PRICE": b.low,
            "CH_CLOSING_PRICE": b.close,
            "CH_TOT_TRADED_QTY": b.volume,
            "CH_ISIN": stock.isin,
        }
        for b in stock.bars
        if (start is None or b.date >= start) and (end is None or b.date <= end)
    ]
    return rows[::-1]


def bse_mkt_data(universe: Universe, index: Index) -> dict[str, Any]:
    """GetMktData for one index: `{Table: [...]}` with string values, as BSE sends them."""
    table = []
    for stock in universe.members(index):
        last, previous = _last_two(stock.bars)
        table.append(
            {
                "scrip_cd": stock.bse_code,
                "scripname": stock.symbol,
                "LONG_NAME": stock.name,
                "openrate": f"{last.open:.2f}",
                "highrate": f"{last.high:.2f}",
                "lowrate": f"{last.low:.2f}",
                "ltradert": f"{last.close:.2f}",
                "prevdayclose": f"{previous:.2f}",
                "change_percent": f"{_pct(last.close, previous)}",
                "trd_vol": f"{last.volume:,.0f}",
                "dt_tm": f"{last.date}T16:00:00",
            }
        )
    return {"Table": table}


def yahoo_result(
    symbol: str, name: str, bars: Sequence[Bar], close_only: bool = False
) -> dict[str, Any]:
    """One chart result (`chart.result[0]`, or a spark response) for daily bars."""
    last_time = _stamp(bars[-1].date, dt.time(15, 30)) if bars else 0
    meta = {
        "currency": "INR", "symbol": symbol, "exchangeTimezoneName": "Asia/Kolkata",
        "timezone": "IST", "gmtoffset": 19800, "longName": name, "dataGranularity": "1d",
        "regularMarketPrice": bars[-1].close if bars else None, "regularMarketTime": last_time,
    }  # fmt: skip
    if not bars:
        return {"meta": meta, "indicators": {"quote": [{}]}}
    quote: dict[str, list[float]] = {"close": [b.close for b in bars]}
    if not close_only:
        quote |= {"open": [b.open for b in bars], "high": [b.high for b in bars],
                  "low": [b.low for b in bars], "volume": [b.volume for b in bars]}  # fmt: skip
    return {
        "meta": meta,
        "timestamp": [_stamp(b.date) for b in bars],
        "indicators": {"quote": [quote], "adjclose": [{"adjclose": quote["close"]}]},
    }


def yahoo_chart(
    symbol: str, name: str, bars: Sequence[Bar], period: tuple[int, int] | None
) -> dict[str, Any]:
    """A v8 chart body, cut to `[period1, period2)` epochs when given."""
    if period is not None:
        bars = [b for b in bars if period[0] <= _stamp(b.date) < period[1]]
    return {"chart": {"result": [yahoo_result(symbol, name, bars)], "error": None}}
