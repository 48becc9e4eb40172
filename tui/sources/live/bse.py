"""BSE providers (sources.md §2.3): the universe, index constituents with quotes, index history
and the results calendar. No cookies; `Referer`/`Origin` are set by `tui.sources.http`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tui.sources.cached_bars import bars_to_payload
from tui.sources.fetcher import Fetcher
from tui.sources.parse import bse as parse_bse

API = "/BseIndiaAPI/api/"
SCRIPS = (API + "ListofScripData/w",)
MKT_DATA = (API + "GetMktData/w",)
INDEX_CSV = (API + "ProduceCSVForDate/w",)
RESULT_CALENDAR = (API + "Corpforthresults/w",)
HISTORY_DAYS = 730
_BAR_COLUMNS = ["date", "open", "high", "low", "close"]


async def scrips(fetcher: Fetcher) -> tuple[Any, str]:
    """ListofScripData: bse_code, symbol (scrip_id), name, isin, industry, group, mcap_cr."""
    params = {"Group": "", "Scripcode": "", "industry": "", "segment": "Equity", "status": "Active"}
    fetched = await fetcher.fetch("bse", SCRIPS, params=params)
    return parse_bse.parse_scrip_list(fetched.content), fetched.endpoint


async def constituents(fetcher: Fetcher, index: str) -> tuple[Any, str]:
    """GetMktData: one index's constituents with today's quotes (BSE_QUOTE_COLUMNS)."""
    params = {"ordcol": "TT", "strType": "index", "strfilter": index}
    fetched = await fetcher.fetch("bse", MKT_DATA, params=params)
    return parse_bse.parse_mkt_data(fetched.content), fetched.endpoint


async def index_history(
    fetcher: Fetcher, index: str, start: dt.date | None, today: dt.date
) -> tuple[dict[str, list[Any]], str]:
    """ProduceCSVForDate: an index's daily levels as a bars payload (empty file: no bars)."""
    first = start or today - dt.timedelta(days=HISTORY_DAYS)
    params = {
        "strIndex": index,
        "dtFromDate": f"{first:%d/%m/%Y}",
        "dtToDate": f"{today:%d/%m/%Y}",
        "period": "D",
    }
    fetched = await fetcher.fetch("bse", INDEX_CSV, params=params, accept="text/csv, */*")
    frame = parse_bse.parse_index_csv(fetched.content, index)
    return bars_to_payload(frame[_BAR_COLUMNS]), fetched.endpoint


async def result_calendar(fetcher: Fetcher) -> tuple[Any, str]:
    """Corpforthresults: upcoming results meetings (symbol, date, purpose, bse_code, name)."""
    fetched = await fetcher.fetch("bse", RESULT_CALENDAR)
    return parse_bse.parse_result_calendar(fetched.content), fetched.endpoint
