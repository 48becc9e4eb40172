"""Static-list parsers (NSE archives, niftyindices) and the replay router itself."""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest

from tests.sources.fixtures import REFERENCE, body, fixture_names
from tests.sources.replay import FIXTURE_REQUESTS, NIFTYINDICES, NSE, fetch, replay
from tests.sources.router import OCTET, locate, make_router, route
from tests.sources.universe import sample_universe
from tui.sources.errors import BadPayload
from tui.sources.parse import lists, nse

ARCHIVES = "https://nsearchives.nseindia.com"
INDEX_LISTS = sorted(p.name for p in REFERENCE.glob("ind_*list.csv"))


def test_every_fixture_has_a_replayed_request() -> None:
    assert sorted(FIXTURE_REQUESTS) == fixture_names()


@pytest.mark.parametrize("name", fixture_names())
async def test_router_serves_each_fixture_with_its_wrapper(name: str) -> None:
    url, params = FIXTURE_REQUESTS[name]
    response = await fetch(url, params)
    assert response.content == body(name)
    kind = response.headers["content-type"]
    assert kind == OCTET if name.endswith(".yaml") else kind.startswith("application/json")


async def test_equity_list() -> None:
    response = await fetch(f"{ARCHIVES}/content/equities/EQUITY_L.csv")
    assert response.headers["content-type"].startswith("text/csv")
    frame = lists.parse_equity_list(response.content)
    assert len(frame) == 2384
    assert frame["series"].value_counts().to_dict() == {"EQ": 2049, "BE": 308, "BZ": 27}
    first = frame.set_index("symbol").loc["20MICRONS"]
    assert (first["isin"], first["listed_on"]) == ("INE144J01027", pd.Timestamp("2008-10-06"))
    assert first["face_value"] == 5.0


@pytest.mark.parametrize("file", INDEX_LISTS)
async def test_index_lists_skip_dummy_rows(file: str) -> None:
    response = await fetch(f"{NIFTYINDICES}/IndexConstituent/{file}")
    assert response.headers["content-type"] == OCTET
    frame = lists.parse_index_list(response.content)
    rows = response.content.decode().strip().splitlines()[1:]
    dummies = [r for r in rows if r.rsplit(",", 1)[-1].startswith("DUM")]
    assert len(frame) == len(rows) - len(dummies)
    assert not frame["isin"].str.startswith("DUM").any()
    assert frame["sector"].notna().all()


async def test_cassette_nifty50_list() -> None:
    frame = lists.parse_index_list(
        await replay("nse/test_nse_index_constituents_fetcher_urllib3_v2.yaml")
    )
    assert len(frame) == 50
    assert {"ETERNAL", "JIOFIN", "TMPV"} <= set(frame["symbol"])
    assert frame.set_index("symbol").loc["ETERNAL", "sector"] == "Consumer Services"


def test_csv_without_its_header_is_bad_payload() -> None:
    headless = b"Adani Enterprises Ltd.,Metals & Mining,ADANIENT,EQ,INE423A01024\n"
    with pytest.raises(BadPayload, match="header"):
        lists.parse_index_list(headless)
    with pytest.raises(BadPayload, match="header"):
        lists.parse_equity_list(b"20MICRONS,20 Microns Limited,EQ,06-OCT-2008,5,1,INE144J01027,5\n")
    with pytest.raises(BadPayload, match="HTML"):
        lists.parse_index_list(b"<html><body>Access Denied</body></html>")


@pytest.mark.synthetic
@pytest.mark.parametrize("path", ["/BackPage/getHistoricaldatatabletoString",
                                  "/Backpage.aspx/getHistoricaldatatabletoString"])  # fmt: skip
async def test_niftyindices_history_bare_and_wrapped(path: str) -> None:
    cinfo = "{'name':'NIFTY 50','startDate':'01-Jan-2025','endDate':'03-Jan-2025'}"
    response = await fetch(f"{NIFTYINDICES}{path}", method="POST", json={"cinfo": cinfo})
    frame = lists.parse_niftyindices_history(response.content)
    assert frame["date"].tolist() == [pd.Timestamp(f"2025-01-0{d}") for d in (1, 2, 3)]
    assert frame.iloc[-1]["close"] == 24004.75  # "24,004.75"
    assert frame["index"].unique().tolist() == ["Nifty 50"]


def test_niftyindices_empty_and_bad() -> None:
    assert lists.parse_niftyindices_history(b'{"d": "[]"}').empty
    with pytest.raises(BadPayload):
        lists.parse_niftyindices_history(b"{}")
    with pytest.raises(BadPayload):
        lists.parse_niftyindices_history(json.dumps({"d": "<html>"}).encode())


def test_isin_sector_table() -> None:
    table = lists.load_isin_sectors()
    assert list(table.columns) == ["isin", "sector", "industry"]
    assert table["isin"].is_unique
    assert table.set_index("isin").loc["INE001E01012", "sector"] == "Textiles"


async def test_unmatched_requests_get_599_naming_them() -> None:
    response = await fetch(f"{NSE}/api/no-such-endpoint", status=599)
    assert "/api/no-such-endpoint" in response.text
    response = await fetch(f"{NSE}/api/quote-equity", {"symbol": "NOSUCH"}, status=599)
    assert "NOSUCH" in response.text
    await fetch("https://example.com/", status=599)


def test_loopback_prefixes_map_to_the_same_sites() -> None:
    assert locate(httpx.URL("http://127.0.0.1:8123/nse/api/allIndices")) == (
        "nse",
        "/api/allIndices",
    )
    archives = httpx.URL("http://127.0.0.1:8123/nse/archives/content/equities/EQUITY_L.csv")
    assert locate(archives) == ("nse_archives", "/content/equities/EQUITY_L.csv")
    assert locate(httpx.URL("http://localhost:1/yahoo/v8/finance/chart/AAPL")) == (
        "yahoo", "/v8/finance/chart/AAPL"
    )  # fmt: skip
    assert locate(httpx.URL("http://127.0.0.1:1/elsewhere")) is None


async def test_loopback_request_is_served_like_the_real_host() -> None:
    real = await fetch(f"{NSE}/api/allIndices")
    loop = await fetch("http://127.0.0.1:8123/nse/api/allIndices")
    assert loop.content == real.content
    bse = await fetch(
        "http://127.0.0.1:8123/bse/BseIndiaAPI/api/advanceDecline/w", {"val": "Index"}
    )
    assert bse.content == body("bse/advanceDecline.4073a96.json")


async def test_warm_up_page_sets_cookies() -> None:
    response = await fetch(f"{NSE}/market-data/live-equity-market", {"symbol": "NIFTY 50"})
    assert response.headers["content-type"].startswith("text/html")
    assert "nsit=" in response.headers["set-cookie"]


async def test_universe_nse_quotes_match_history() -> None:
    router = make_router(sample_universe())
    got = await fetch(
        f"{NSE}/api/equity-stock-indices", {"index": "NIFTY SMALLCAP 250"}, router=router
    )
    parsed = nse.parse_equity_stock_indices(got.content)
    assert parsed.quotes["symbol"].tolist() == ["AARTIIND", "MANINDS"]
    assert parsed.index.iloc[0]["close"] == 17098.6
    params = {"functionName": "getHistoricalTradeData", "symbol": "MANINDS", "series": "EQ",
              "fromDate": "05-02-2026", "toDate": "10-02-2026"}  # fmt: skip
    history = nse.parse_equity_history(
        (await fetch(f"{NSE}/api/NextApi/apiClient/GetQuoteApi", params, router=router)).content
    )
    assert history["close"].iloc[-1] == parsed.quotes.set_index("symbol").loc["MANINDS", "close"]
    assert history["date"].iloc[0] == pd.Timestamp("2026-02-05")
    assert route is not router  # the fixtures-only router stays untouched
