"""Replay router for `httpx.MockTransport`: every endpoint of sources.md §2, served offline.

`route(request)` is a pure function: it matches host, path and the relevant params, serves the
real capture with its §3 wrapper put back (tests/sources/fixtures.py), a hand-written stand-in
for endpoints without one (synthetic/), and the real content type. Anything else gets status
599 naming the request, which fails the test.

    client = httpx.AsyncClient(transport=httpx.MockTransport(route))

`make_router(universe)` also serves a small consistent market (tests/sources/universe.py):
its indices' constituents and quotes, its stocks' quotes and history, on NSE, BSE and Yahoo,
ahead of the fixtures. The same handler works for the real hosts and for a loopback server
that mounts the sites under `/nse` (with `/nse/archives` and `/nse/niftyindices`, as
`DALAL_NSE_BASE_URL` derives them), `/bse` and `/yahoo` on `127.0.0.1:PORT`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

import httpx

from tests.sources.fixtures import REFERENCE, body, reference, synthetic, synthetic_json
from tests.sources.universe import (
    Universe,
    bse_mkt_data,
    nse_constituents,
    nse_history,
    nse_symbol_data,
    yahoo_chart,
    yahoo_result,
)

JSON = "application/json; charset=utf-8"
YAHOO_JSON = "application/json;charset=utf-8"
CSV = "text/csv; charset=utf-8"
OCTET = "application/octet-stream"
HTML = "text/html; charset=utf-8"

HOSTS = {
    "www.nseindia.com": "nse",
    "nseindia.com": "nse",
    "nsearchives.nseindia.com": "nse_archives",
    "www.niftyindices.com": "niftyindices",
    "niftyindices.com": "niftyindices",
    "api.bseindia.com": "bse",
    "query1.finance.yahoo.com": "yahoo",
    "query2.finance.yahoo.com": "yahoo",
}
"""Real host → logical site."""
PREFIXES = (
    ("/nse/archives", "nse_archives"),
    ("/nse/niftyindices", "niftyindices"),
    ("/nse", "nse"),
    ("/bse", "bse"),
    ("/yahoo", "yahoo"),
)
"""Loopback path prefix → logical site (longest first)."""
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_WARM_PAGES = {
    "/", "/market-data/live-equity-market", "/get-quotes/equity", "/option-chain",
    "/companies-listing/corporate-filings-event-calendar",
}  # fmt: skip
_COOKIES = ("nsit=replay", "nseappid=replay", "ak_bmsc=replay", "bm_sv=replay")
_NEXT_API = "/api/NextApi/apiClient/GetQuoteApi"
_BSE_API = "/BseIndiaAPI/api/"
_SPARK_LIMIT = 20
_ADU = "nse/advanceDecline.json"
_LEGACY_HISTORY = "nse/fetch_equity_historical_data.json"
_INDEX_HISTORY = "nse/fetch_historical_index_data.json"
_MEETINGS = "nse/boardMeetings.json"
_AAPL_1M = "yahoo/chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"
_MSFT_DIVIDENDS = "yahoo/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json"

Handler = Callable[[httpx.Request], httpx.Response | None]

_YAHOO_FIXTURES: tuple[tuple[str, dict[str, str], str], ...] = (
    ("AAPL", {"interval": "1m"}, _AAPL_1M),
    ("AAPL", {"period1": "1645488000"}, "yahoo/chart-AAPL.json"),
    ("AAPL", {}, "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.json"),
    ("MSFT", {"range": "1d"}, "yahoo/GET_v8_finance_chart_MSFT_88a60786b3.json"),
    ("MSFT", {}, _MSFT_DIVIDENDS),
    ("WSU.DE", {}, "yahoo/chart-WSU.DE-2023-08-04-to-2023-08-09.json"),
)  # fmt: skip
"""Yahoo symbol, params that must match, fixture; the last entry of a symbol is its default
daily answer."""


def locate(url: httpx.URL) -> tuple[str, str] | None:
    """(logical site, path on that site) for a real host or a loopback prefix, else None."""
    if url.host in HOSTS:
        return HOSTS[url.host], url.path
    if url.host in _LOOPBACK:
        for prefix, site in PREFIXES:
            if url.path == prefix or url.path.startswith(prefix + "/"):
                return site, url.path[len(prefix) :] or "/"
    return None


def reply(
    content: bytes | Any, content_type: str = JSON, status: int = 200, **headers: str
) -> httpx.Response:
    """A response with a real content type; non-bytes content is encoded as JSON."""
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    return httpx.Response(status, content=data, headers={"content-type": content_type, **headers})


def unmatched(request: httpx.Request) -> httpx.Response:
    """Status 599 naming the request the router has no answer for."""
    text = f"replay router: no route for {request.method} {request.url}"
    return httpx.Response(599, text=text)


def _date(value: str | None) -> dt.date | None:
    return dt.datetime.strptime(value, "%d-%m-%Y").date() if value else None  # noqa: DTZ007


class Router:
    """The replay handler; immutable, so calling it is a pure function of the request."""

    def __init__(self, universe: Universe | None = None) -> None:
        """Serve the fixtures, and `universe` ahead of them when given."""
        self.universe = universe or Universe()
        param, fixed = self._param, self._fixed
        self._exact: dict[tuple[str, str], Handler] = {
            ("nse", "/api/equity-stock-indices"): self._nse_constituents,
            ("nse", "/api/equity-stockIndex"): self._nse_fno,
            ("nse", "/api/equity-stockIndices"): self._nse_legacy_constituents,
            ("nse", "/api/equity-stockIndices-adu"): param("index", "NIFTY 50", _ADU),
            ("nse", "/api/allIndices"): fixed(body("nse/listIndices.json")),
            ("nse", _NEXT_API): self._next_api,
            ("nse", "/api/quote-equity"): param("symbol", "INFY", "nse/quote.2900442.json"),
            ("nse", "/api/historical/cm/equity"): param("symbol", "HDFCBANK", _LEGACY_HISTORY),
            ("nse", "/api/historicalOR/indicesHistory"): param(
                "indexType", "NIFTY BANK", _INDEX_HISTORY
            ),
            ("nse", "/api/event-calendar"): fixed(synthetic("nse-event-calendar.synthetic.json")),
            ("nse", "/api/corporate-board-meetings"): param("index", "equities", _MEETINGS),
            ("nse", "/api/results-comparision"): self._nse_results,
            ("nse", "/api/marketStatus"): fixed(body("nse/status.json")),
            ("nse", "/api/holiday-master"): param("type", "trading", "nse/holidays.json"),
            ("nse_archives", "/content/equities/EQUITY_L.csv"): fixed(
                reference("EQUITY_L.csv"), CSV
            ),
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one request, or 599 when nothing matches."""
        where = locate(request.url)
        if where is None:
            return unmatched(request)
        site, path = where
        handler = self._exact.get((site, path))
        if handler is None:
            handler = self._prefixed(site, path)
        answer = handler(request) if handler is not None else None
        return answer if answer is not None else unmatched(request)

    def _prefixed(self, site: str, path: str) -> Handler | None:
        if site == "nse" and request_is_page(path):
            return lambda r: reply(
                b"<html><body>NSE</body></html>", HTML, **{"set-cookie": "; ".join(_COOKIES)}
            )
        if site == "bse" and path.startswith(_BSE_API) and path.endswith("/w"):
            name = path[len(_BSE_API) : -2]
            return lambda r: self._bse(name, r)
        if site == "yahoo" and path.startswith("/v8/finance/chart/"):
            return lambda r: self._yahoo_chart(path.rpartition("/")[2], r)
        if site == "yahoo" and path == "/v7/finance/spark":
            return self._yahoo_spark
        if site == "niftyindices":
            return lambda r: self._niftyindices(path, r)
        return None

    @staticmethod
    def _param(key: str, value: str, fixture: str) -> Handler:
        return lambda r: reply(body(fixture)) if r.url.params.get(key) == value else None

    @staticmethod
    def _fixed(content: bytes, content_type: str = JSON) -> Handler:
        return lambda r: reply(content, content_type)

    # NSE

    def _nse_constituents(self, request: httpx.Request) -> httpx.Response | None:
        name = request.url.params.get("index")
        index = self.universe.index(name)
        if index is not None and index.name == name:
            return reply(nse_constituents(self.universe, index))
        if name == "NIFTY 50":
            return reply(body("nse/listEquityStocksByIndex.json"))
        if name == "NIFTY SMALLCAP 250":
            return reply(synthetic("nse-equity-stock-indices.synthetic.json"))
        return None

    def _nse_fno(self, request: httpx.Request) -> httpx.Response | None:
        if request.url.params.get("index") == "SECURITIES IN F&O":
            return reply(synthetic("nse-equity-stockIndex.synthetic.json"))
        return self._nse_constituents(request)

    def _nse_legacy_constituents(self, request: httpx.Request) -> httpx.Response | None:
        if request.url.params.get("index") == "NIFTY 50":
            return reply(body("nse/listEquityStocksByIndex.ae2ae9a.json"))
        return None

    def _next_api(self, request: httpx.Request) -> httpx.Response | None:
        params = request.url.params
        function, symbol = params.get("functionName"), params.get("symbol")
        stock = self.universe.stock(symbol)
        if function == "getSymbolData":
            if stock is not None and stock.bars:
                return reply(nse_symbol_data(stock))
            return reply(body("nse/getDetailedScripData.json")) if symbol == "ETERNAL" else None
        if function == "getMetaData":
            return reply(body("nse/equityMetaInfo.json")) if symbol == "HDFCBANK" else None
        if function == "getHistoricalTradeData":
            if stock is not None:
                window = _date(params.get("fromDate")), _date(params.get("toDate"))
                return reply(nse_history(stock, *window))
            if symbol == "RELIANCE":
                return reply(synthetic("nse-historical-trade-data.synthetic.json"))
        return None

    def _nse_results(self, request: httpx.Request) -> httpx.Response | None:
        symbol = request.url.params.get("symbol")
        if symbol == "RELIANCE":
            return reply(body("nse/results_comparison.json"))
        if symbol == "HDFCBANK":
            return reply(synthetic("nse-results-bank.synthetic.json"))
        return None

    # niftyindices

    def _niftyindices(self, path: str, request: httpx.Request) -> httpx.Response | None:
        folder, _, file = path.rpartition("/")
        if request.method == "GET" and folder == "/IndexConstituent":
            if file == "ind_nifty50list.csv":
                return reply(body("nse/test_nse_index_constituents_fetcher_urllib3_v2.yaml"), OCTET)
            if re.fullmatch(r"ind_\w+\.csv", file) and (REFERENCE / file).is_file():
                return reply(reference(file), OCTET)
            return None
        if request.method != "POST" or file != "getHistoricaldatatabletoString":
            return None
        try:
            cinfo = str(json.loads(request.content)["cinfo"])
        except (ValueError, KeyError, TypeError):
            return None
        name = re.search(r"""['"]name['"]\s*:\s*['"]([^'"]+)['"]""", cinfo)
        if name is None or name.group(1).upper() != "NIFTY 50":
            return None
        rows = synthetic("niftyindices-history.synthetic.json")
        if folder == "/Backpage.aspx":
            return reply({"d": rows.decode()})
        return reply(rows) if folder == "/BackPage" else None

    # BSE

    def _bse(self, name: str, request: httpx.Request) -> httpx.Response | None:
        params = request.url.params
        if name == "ListofScripData" and params.get("segment") == "Equity":
            return reply(body("bse/listSecurities.json"))
        if name == "GetMktData" and params.get("strType") == "index":
            index = self.universe.index(params.get("strfilter"))
            if index is not None:
                return reply(bse_mkt_data(self.universe, index))
            if (params.get("strfilter") or "").casefold() == "bse smallcap":
                return reply(synthetic("bse-getmktdata.synthetic.json"))
            return None
        if name == "MktRGainerLoserData":
            return self._bse_movers(request)
        if name == "advanceDecline" and params.get("val") == "Index":
            return reply(body("bse/advanceDecline.4073a96.json"))
        if name == "IndexMovers":
            return reply(synthetic("bse-index-movers.synthetic.json"))
        if name == "ProduceCSVForDate":
            return self._bse_index_csv(params.get("strIndex"))
        if name == "Corpforthresults":
            return reply(body("bse/resultCalendar.json"))
        if name == "getScripHeaderData" and params.get("scripcode") == "500325":
            return reply(synthetic("bse-scrip-header.synthetic.json"))
        return None

    def _bse_movers(self, request: httpx.Request) -> httpx.Response | None:
        params = request.url.params
        kind = params.get("GLtype")
        index = self.universe.index(params.get("IndxGrpval"))
        if index is not None and kind in ("gainer", "loser"):
            rows = bse_mkt_data(self.universe, index)["Table"]
            sign = 1 if kind == "gainer" else -1
            chosen = [r for r in rows if sign * float(r["change_percent"]) > 0]
            chosen.sort(key=lambda r: -sign * float(r["change_percent"]))
            return reply({"Table": chosen})
        return reply(body("bse/gainers.json")) if kind == "gainer" else None

    def _bse_index_csv(self, name: str | None) -> httpx.Response:
        index = self.universe.index(name)
        if index is not None and index.bars:
            lines = ["Date,Open,High,Low,Close,"]
            for bar in reversed(index.bars):
                day = f"{bar.date.day:02d}-{bar.date:%B-%Y}"
                lines.append(f"{day},{bar.open},{bar.high},{bar.low},{bar.close},")
            return reply(("\r\n".join(lines) + "\r\n").encode(), CSV)
        if name == "SENSEX":
            return reply(synthetic("bse-index-history.synthetic.csv"), CSV)
        return reply(b"", CSV)  # BSE's "no data" is an empty file

    # Yahoo

    def _yahoo_chart(self, symbol: str, request: httpx.Request) -> httpx.Response | None:
        params = request.url.params
        found = self.universe.yahoo(symbol)
        if found is not None:
            period = None
            if params.get("period1") and params.get("period2"):
                period = int(params["period1"]), int(params["period2"])
            return reply(yahoo_chart(symbol, found[0], found[1], period), YAHOO_JSON)
        if symbol == "RELIANCE.NS":
            return reply(synthetic("yahoo-chart-RELIANCE.NS.synthetic.json"), YAHOO_JSON)
        entries = [e for e in _YAHOO_FIXTURES if e[0] == symbol]
        if not entries:
            return reply(synthetic("yahoo-chart-not-found.synthetic.json"), YAHOO_JSON, 404)
        daily = params.get("interval", "1d") == "1d"
        for _, needs, fixture in entries:
            if needs and all(params.get(k) == v for k, v in needs.items()):
                return reply(body(fixture), YAHOO_JSON)
        return reply(body(entries[-1][2]), YAHOO_JSON) if daily else None

    def _yahoo_spark(self, request: httpx.Request) -> httpx.Response:
        symbols = [s for s in (request.url.params.get("symbols") or "").split(",") if s]
        if len(symbols) > _SPARK_LIMIT:
            error = {"code": "Bad Request", "description": "too many symbols"}
            return reply({"spark": {"result": None, "error": error}}, YAHOO_JSON, 400)
        canned = {
            e["symbol"]: e for e in synthetic_json("yahoo-spark.synthetic.json")["spark"]["result"]
        }
        results = []
        for symbol in symbols:
            found = self.universe.yahoo(symbol)
            if found is not None:
                chart = yahoo_result(symbol, found[0], found[1][-2:], close_only=True)
                results.append({"symbol": symbol, "response": [chart]})
            elif symbol in canned:
                results.append(canned[symbol])
        return reply({"spark": {"result": results, "error": None}}, YAHOO_JSON)


def request_is_page(path: str) -> bool:
    """True for the NSE HTML pages that set the cookie jar (sources.md §2.1 "Cookies")."""
    return path in _WARM_PAGES


def make_router(universe: Universe | None = None) -> Router:
    """A replay handler serving `universe` ahead of the fixtures."""
    return Router(universe)


_FIXTURES_ONLY = Router()


def route(request: httpx.Request) -> httpx.Response:
    """The replay handler over the fixtures alone (for `httpx.MockTransport`)."""
    return _FIXTURES_ONLY(request)
