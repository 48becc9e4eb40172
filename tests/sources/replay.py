"""Replay helpers: the request that answers each real fixture, and a MockTransport fetch."""

from __future__ import annotations

from typing import Any

import httpx

from tests.sources.router import route

NSE = "https://www.nseindia.com"
NEXT_API = f"{NSE}/api/NextApi/apiClient/GetQuoteApi"
BSE = "https://api.bseindia.com/BseIndiaAPI/api"
YAHOO = "https://query1.finance.yahoo.com"
CHART = f"{YAHOO}/v8/finance/chart"
NIFTYINDICES = "https://www.niftyindices.com"

FIXTURE_REQUESTS: dict[str, tuple[str, dict[str, str]]] = {
    "nse/listEquityStocksByIndex.json": (f"{NSE}/api/equity-stock-indices", {"index": "NIFTY 50"}),
    "nse/listEquityStocksByIndex.ae2ae9a.json": (
        f"{NSE}/api/equity-stockIndices",
        {"index": "NIFTY 50"},
    ),
    "nse/advanceDecline.json": (f"{NSE}/api/equity-stockIndices-adu", {"index": "NIFTY 50"}),
    "nse/listIndices.json": (f"{NSE}/api/allIndices", {}),
    "nse/getDetailedScripData.json": (
        NEXT_API,
        {"functionName": "getSymbolData", "marketType": "N", "series": "EQ", "symbol": "ETERNAL"},
    ),
    "nse/equityMetaInfo.json": (NEXT_API, {"functionName": "getMetaData", "symbol": "HDFCBANK"}),
    "nse/quote.2900442.json": (f"{NSE}/api/quote-equity", {"symbol": "INFY"}),
    "nse/fetch_equity_historical_data.json": (
        f"{NSE}/api/historical/cm/equity",
        {"symbol": "HDFCBANK", "series": '["EQ"]', "from": "01-04-2025", "to": "01-04-2025"},
    ),
    "nse/fetch_historical_index_data.json": (
        f"{NSE}/api/historicalOR/indicesHistory",
        {"indexType": "NIFTY BANK", "from": "15-12-2025", "to": "15-12-2025"},
    ),
    "nse/boardMeetings.json": (f"{NSE}/api/corporate-board-meetings", {"index": "equities"}),
    "nse/results_comparison.json": (f"{NSE}/api/results-comparision", {"symbol": "RELIANCE"}),
    "nse/status.json": (f"{NSE}/api/marketStatus", {}),
    "nse/holidays.json": (f"{NSE}/api/holiday-master", {"type": "trading"}),
    "nse/test_nse_index_constituents_fetcher_urllib3_v2.yaml": (
        f"{NIFTYINDICES}/IndexConstituent/ind_nifty50list.csv",
        {},
    ),
    "bse/advanceDecline.4073a96.json": (f"{BSE}/advanceDecline/w", {"val": "Index"}),
    "bse/gainers.json": (
        f"{BSE}/MktRGainerLoserData/w",
        {"GLtype": "gainer", "IndxGrp": "group", "IndxGrpval": "A", "orderby": "all"},
    ),
    "bse/resultCalendar.json": (f"{BSE}/Corpforthresults/w", {}),
    "bse/listSecurities.json": (
        f"{BSE}/ListofScripData/w",
        {"Group": "", "Scripcode": "", "industry": "", "segment": "Equity", "status": "Active"},
    ),
    "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.json": (
        f"{CHART}/AAPL",
        {"interval": "1d", "period1": "1598832000", "period2": "1604707200", "events": "div|split"},
    ),
    "yahoo/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json": (
        f"{CHART}/MSFT",
        {"interval": "1d", "period1": "1612137600", "period2": "1643587200", "events": "div"},
    ),
    "yahoo/chart-AAPL.json": (
        f"{CHART}/AAPL",
        {"interval": "1d", "period1": "1645488000", "period2": "1645574400"},
    ),
    "yahoo/chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json": (
        f"{CHART}/AAPL",
        {"interval": "1m", "includePrePost": "false", "period1": "1738368000"},
    ),
    "yahoo/chart-WSU.DE-2023-08-04-to-2023-08-09.json": (
        f"{CHART}/WSU.DE",
        {"interval": "1d", "period1": "1691107200", "period2": "1691539200"},
    ),
    "yahoo/GET_v8_finance_chart_MSFT_88a60786b3.json": (
        f"{CHART}/MSFT",
        {"interval": "1d", "range": "1d"},
    ),
}
"""Every real fixture → the request (URL, params) the router answers with it."""


async def fetch(
    url: str,
    params: dict[str, str] | None = None,
    *,
    router: Any = route,
    method: str = "GET",
    json: Any = None,
    status: int = 200,
) -> httpx.Response:
    """One request through `httpx.MockTransport(router)`; asserts the status."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(router)) as client:
        response = await client.request(method, url, params=params, json=json)
    assert response.status_code == status, response.text
    return response


async def replay(fixture: str) -> bytes:
    """The body the router serves for a real fixture's request."""
    url, params = FIXTURE_REQUESTS[fixture]
    return (await fetch(url, params)).content
