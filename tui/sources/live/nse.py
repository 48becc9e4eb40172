"""NSE, NSE archives and niftyindices providers (sources.md §2.1, §2.2): fallback chains as
constants, one coroutine per request kind, each returning parsed frames.

Requests go through `Fetcher` (limits, cookie warm-up on the owning page, retries, content
checks); parsing is `tui.sources.parse`. Index history is asked for in windows of at most 365
days (NSE's limit) and returned as a bars payload.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pandas as pd

from tui.sources.cached_bars import bars_to_payload
from tui.sources.fetcher import Fetcher
from tui.sources.parse import lists, nse_corporate
from tui.sources.parse import nse as parse_nse
from tui.sources.parse.nse import IndexBoard, IndexQuotes

CONSTITUENTS = ("/api/equity-stock-indices", "/api/equity-stockIndex", "/api/equity-stockIndices")
ALL_INDICES = ("/api/allIndices",)
INDEX_HISTORY = ("/api/historicalOR/indicesHistory",)
EVENT_CALENDAR = ("/api/event-calendar",)
BOARD_MEETINGS = ("/api/corporate-board-meetings",)
RESULTS = ("/api/results-comparision",)
HOLIDAYS = ("/api/holiday-master",)
EQUITY_LIST = ("/content/equities/EQUITY_L.csv",)
INDEX_LIST_FOLDER = "/IndexConstituent/"
NIFTY_HISTORY = (
    "/BackPage/getHistoricaldatatabletoString",
    "/Backpage.aspx/getHistoricaldatatabletoString",
)

MARKET_PAGE = "/market-data/live-equity-market"
QUOTE_PAGE = "/get-quotes/equity"
CALENDAR_PAGE = "/companies-listing/corporate-filings-event-calendar"
WINDOW_DAYS = 365
HISTORY_DAYS = 730
"""Calendar days of index history fetched cold (about 500 sessions)."""
_BAR_COLUMNS = ["date", "open", "high", "low", "close"]


def _page(path: str, symbol: str) -> str:
    return f"{path}?symbol={quote(symbol)}"


async def constituents(fetcher: Fetcher, index: str) -> tuple[IndexQuotes, str]:
    """An index's constituents with today's quotes and the index's own row."""
    fetched = await fetcher.fetch(
        "nse", CONSTITUENTS, params={"index": index}, page=_page(MARKET_PAGE, index)
    )
    return parse_nse.parse_equity_stock_indices(fetched.content), fetched.endpoint


async def all_indices(fetcher: Fetcher) -> tuple[IndexBoard, str]:
    """Every NSE index's level today."""
    fetched = await fetcher.fetch("nse", ALL_INDICES)
    return parse_nse.parse_all_indices(fetched.content), fetched.endpoint


def windows(start: dt.date, end: dt.date, days: int = WINDOW_DAYS) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut into consecutive windows of at most `days` days."""
    spans = []
    while start <= end:
        stop = min(end, start + dt.timedelta(days=days - 1))
        spans.append((start, stop))
        start = stop + dt.timedelta(days=1)
    return spans


async def index_history(
    fetcher: Fetcher, index: str, start: dt.date | None, today: dt.date
) -> tuple[dict[str, list[Any]], str]:
    """An index's daily levels from `start` (None: the last `HISTORY_DAYS`) to `today`."""
    first = start or today - dt.timedelta(days=HISTORY_DAYS)
    frames, endpoint = [], INDEX_HISTORY[0]
    for lo, hi in windows(first, today):
        params = {"indexType": index, "from": f"{lo:%d-%m-%Y}", "to": f"{hi:%d-%m-%Y}"}
        fetched = await fetcher.fetch(
            "nse", INDEX_HISTORY, params=params, page=_page(MARKET_PAGE, index)
        )
        frames.append(parse_nse.parse_indices_history(fetched.content))
        endpoint = fetched.endpoint
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_BAR_COLUMNS)
    return bars_to_payload(frame[_BAR_COLUMNS]), endpoint


async def nifty_history(
    fetcher: Fetcher, index: str, start: dt.date | None, today: dt.date
) -> tuple[dict[str, list[Any]], str]:
    """An index's daily levels from niftyindices (the static site's POST)."""
    first = start or today - dt.timedelta(days=HISTORY_DAYS)
    info = (
        f"{{'name':'{index}','startDate':'{first:%d-%b-%Y}','endDate':'{today:%d-%b-%Y}',"
        f"'indexName':'{index}'}}"
    )
    fetched = await fetcher.fetch(
        "niftyindices", NIFTY_HISTORY, method="POST", body={"cinfo": info}
    )
    frame = lists.parse_niftyindices_history(fetched.content)
    return bars_to_payload(frame[_BAR_COLUMNS]), fetched.endpoint


async def event_calendar(fetcher: Fetcher) -> tuple[pd.DataFrame, str]:
    """Upcoming board meetings (event-calendar), else corporate-board-meetings."""
    try:
        fetched = await fetcher.fetch("nse", EVENT_CALENDAR, page=CALENDAR_PAGE)
        return nse_corporate.parse_event_calendar(fetched.content), fetched.endpoint
    except Exception as first:
        try:
            fetched = await fetcher.fetch(
                "nse", BOARD_MEETINGS, params={"index": "equities"}, page=CALENDAR_PAGE
            )
        except Exception:
            raise first from None
        return nse_corporate.parse_board_meetings(fetched.content), fetched.endpoint


async def results(fetcher: Fetcher, symbol: str) -> tuple[pd.DataFrame, str]:
    """One company's last quarterly results, ₹ crore (RESULT_COLUMNS, period_start, audited)."""
    fetched = await fetcher.fetch(
        "nse", RESULTS, params={"symbol": symbol}, page=_page(QUOTE_PAGE, symbol)
    )
    return nse_corporate.parse_results_comparison(fetched.content, symbol), fetched.endpoint


async def holidays(fetcher: Fetcher) -> tuple[pd.DataFrame, str]:
    """NSE capital-market trading holidays."""
    fetched = await fetcher.fetch("nse", HOLIDAYS, params={"type": "trading"})
    return nse_corporate.parse_holidays(fetched.content), fetched.endpoint


async def equity_list(fetcher: Fetcher) -> tuple[pd.DataFrame, str]:
    """EQUITY_L.csv: every NSE equity with its series and ISIN."""
    text = await fetcher.get_csv("nse_archives", EQUITY_LIST, header="SYMBOL,NAME OF COMPANY")
    return lists.parse_equity_list(text.encode("utf-8")), EQUITY_LIST[0]


async def index_list(fetcher: Fetcher, file: str) -> tuple[pd.DataFrame, str]:
    """An `ind_*list.csv` constituent list: symbol, name, sector, series, isin."""
    path = INDEX_LIST_FOLDER + file
    text = await fetcher.get_csv("niftyindices", path, header="Company Name,Industry")
    return lists.parse_index_list(text.encode("utf-8")), path
