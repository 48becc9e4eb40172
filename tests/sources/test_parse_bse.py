"""BSE parsers on replayed real captures (and synthetic stand-ins where none exists)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.sources.replay import BSE, fetch, replay
from tests.sources.router import make_router
from tests.sources.universe import sample_universe
from tui.sources.errors import BadPayload
from tui.sources.parse import bse
from tui.sources.parse.common import IST


async def test_advance_decline_skips_total_and_strips_the_prefix() -> None:
    frame = bse.parse_advance_decline(await replay("bse/advanceDecline.4073a96.json"))
    assert len(frame) == 54  # 55 rows less "Total"
    assert "Total" not in set(frame["index"])
    assert not frame["index"].str.startswith("S&P").any()
    sensex = frame.iloc[0]
    assert (sensex["index"], sensex["index_key"]) == ("BSE SENSEX", "bse sensex")
    assert (sensex["advances"], sensex["declines"], sensex["unchanged"], sensex["total"]) == (
        23, 7, 0, 30
    )  # fmt: skip
    assert str(frame["advances"].dtype) == "Int64"
    assert bse.index_key("BSE SENSEX") == bse.index_key("S&P BSE SENSEX") == "bse sensex"


async def test_gainers_in_their_table_wrapper() -> None:
    frame = bse.parse_gainers_losers(await replay("bse/gainers.json"))
    row = frame.iloc[0]
    assert (row["symbol"], row["bse_code"], row["name"]) == (
        "CREDITACC", "541770", "CreditAccess Grameen Ltd"
    )  # fmt: skip
    assert (row["close"], row["prev_close"], row["change_pct"]) == (1523.05, 1389.55, 9.61)
    assert row["volume"] == 101527
    assert row["time"] == pd.Timestamp("2023-10-23 13:02:34", tz=IST)
    assert row["date"] == pd.Timestamp("2023-10-23")
    assert "BSE SmallCap" in row["indices"].split("|")
    assert "S&P" not in row["indices"]


async def test_result_calendar() -> None:
    frame = bse.parse_result_calendar(await replay("bse/resultCalendar.json"))
    assert frame.to_dict("records") == [
        {
            "symbol": "ALOKTEXT",
            "date": pd.Timestamp("2023-10-23"),
            "purpose": "Financial Results",
            "bse_code": "521070",
            "name": "ALOK INDUSTRIES LTD.",
        }
    ]


async def test_result_calendar_also_in_a_table_wrapper() -> None:
    wrapped = b'{"Table": ' + await replay("bse/resultCalendar.json") + b"}"
    assert bse.parse_result_calendar(wrapped)["symbol"].tolist() == ["ALOKTEXT"]


async def test_scrip_list_all_strings() -> None:
    row = bse.parse_scrip_list(await replay("bse/listSecurities.json")).iloc[0]
    assert (row["bse_code"], row["symbol"], row["isin"]) == ("500002", "ABB", "INE117A01022")
    assert (row["mcap_cr"], row["face_value"]) == (83256.68, 2.0)
    assert row["industry"] == "Heavy Electrical Equipment"


async def test_scrip_list_skips_dummy_isins() -> None:
    body = (await replay("bse/listSecurities.json")).replace(b"INE117A01022", b"DUM117A01022")
    assert bse.parse_scrip_list(body).empty


@pytest.mark.synthetic
async def test_get_mkt_data() -> None:
    params = {"ordcol": "TT", "strType": "index", "strfilter": "BSE SmallCap"}
    frame = bse.parse_mkt_data((await fetch(f"{BSE}/GetMktData/w", params)).content)
    maninds = frame.set_index("symbol").loc["MANINDS"]
    assert (maninds["close"], maninds["change_pct"], maninds["volume"]) == (458.95, 15.38, 2345678)
    untraded = frame.set_index("symbol").loc["HCLTECH"]
    assert math.isnan(untraded["open"])
    assert math.isnan(untraded["volume"])


@pytest.mark.synthetic
async def test_scrip_header() -> None:
    params = {"Debtflag": "", "scripcode": "500325", "seriesid": ""}
    body = (await fetch(f"{BSE}/getScripHeaderData/w", params)).content
    row = bse.parse_scrip_header(body, "500325").iloc[0]
    assert (row["close"], row["prev_close"], row["change_pct"]) == (1455.40, 1449.90, 0.38)
    assert (row["symbol"], row["bse_code"]) == ("RELIANCE", "500325")


@pytest.mark.synthetic
async def test_index_movers() -> None:
    frame = bse.parse_index_movers((await fetch(f"{BSE}/IndexMovers/w")).content)
    small = frame.set_index("index_key").loc["bse smallcap"]
    assert (small["index"], small["close"], small["change_pct"]) == ("BSE SmallCap", 52118.30, 2.52)
    assert small["prev_close"] == pytest.approx(52118.30 - 1281.05)


@pytest.mark.synthetic
async def test_index_csv() -> None:
    params = {"strIndex": "SENSEX", "dtFromDate": "06/02/2026", "dtToDate": "10/02/2026"}
    body = (await fetch(f"{BSE}/ProduceCSVForDate/w", params | {"period": "D"})).content
    frame = bse.parse_index_csv(body, "SENSEX")
    assert frame["date"].tolist() == [pd.Timestamp(f"2026-02-{d:02d}") for d in (6, 9, 10)]
    assert frame.iloc[-1]["close"] == 84273.92


async def test_index_csv_empty_file_is_zero_rows() -> None:
    params = {"strIndex": "NO SUCH INDEX", "dtFromDate": "01/01/2026", "dtToDate": "02/01/2026"}
    body = (await fetch(f"{BSE}/ProduceCSVForDate/w", params)).content
    assert body == b""
    assert bse.parse_index_csv(body, "NO SUCH INDEX").empty


def test_index_csv_without_header_is_bad_payload() -> None:
    with pytest.raises(BadPayload, match="header"):
        bse.parse_index_csv(b"10-February-2026,1,2,0.5,1.5,\r\n", "SENSEX")


async def test_universe_serves_consistent_constituents_and_movers() -> None:
    router = make_router(sample_universe())
    params = {"strType": "index", "strfilter": "BSE SmallCap"}
    quotes = bse.parse_mkt_data((await fetch(f"{BSE}/GetMktData/w", params, router=router)).content)
    assert quotes["symbol"].tolist() == ["MANINDS", "AARTIIND"]  # sorted by bse_code
    params = {"GLtype": "gainer", "IndxGrp": "index", "IndxGrpval": "S&P BSE SmallCap"}
    body = (await fetch(f"{BSE}/MktRGainerLoserData/w", params, router=router)).content
    movers = bse.parse_gainers_losers(body)
    assert movers["symbol"].tolist() == ["MANINDS", "AARTIIND"]
    assert movers.iloc[0]["change_pct"] == pytest.approx(15.39, abs=0.01)


BAD = {"html on 200": b"<!DOCTYPE html><html></html>", "empty object": b"{}"}


@pytest.mark.parametrize("body", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize(
    "parse",
    [
        bse.parse_scrip_list,
        bse.parse_mkt_data,
        bse.parse_gainers_losers,
        bse.parse_advance_decline,
        bse.parse_index_movers,
        bse.parse_result_calendar,
        bse.parse_scrip_header,
    ],
)
def test_bad_bodies_raise_bad_payload(parse, body: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadPayload):
        parse(body)


async def test_missing_required_key_is_bad_payload() -> None:
    body = (await replay("bse/advanceDecline.4073a96.json")).replace(b'"UP"', b'"Up"')
    with pytest.raises(BadPayload, match="'UP'"):
        bse.parse_advance_decline(body)
