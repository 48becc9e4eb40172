"""NSE parsers on replayed real captures (and synthetic stand-ins where none exists)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.sources.replay import NEXT_API, NSE, fetch, replay
from tui.sources.errors import BadPayload
from tui.sources.parse import nse, nse_corporate, nse_quote
from tui.sources.parse.common import IST, Breadth


async def test_constituents_2026_shape_is_only_the_index_row() -> None:
    parsed = nse.parse_equity_stock_indices(await replay("nse/listEquityStocksByIndex.json"))
    assert parsed.quotes.empty
    assert list(parsed.quotes.columns) == list(nse.CONSTITUENT_COLUMNS)
    assert parsed.name == "NIFTY 50"
    assert parsed.breadth is None
    row = parsed.index.iloc[0]
    assert row["index"] == "NIFTY 50"
    assert row["close"] == 23944.8
    assert row["prev_close"] == 23913.7
    assert row["date"] == pd.Timestamp("2026-05-27")
    assert row["time"] == pd.Timestamp("2026-05-27 11:54:23", tz=IST)
    assert parsed.as_of == pd.Timestamp("2026-05-27 11:54:31", tz=IST)


async def test_constituents_legacy_shape_skips_the_index_row_and_reads_meta() -> None:
    parsed = nse.parse_equity_stock_indices(
        await replay("nse/listEquityStocksByIndex.ae2ae9a.json")
    )
    assert parsed.breadth == Breadth(advances=37, declines=13, unchanged=0)
    assert parsed.index.iloc[0]["close"] == 23742.9
    assert parsed.quotes["symbol"].tolist() == ["MARUTI"]
    maruti = parsed.quotes.iloc[0]
    assert maruti["open"] == 10858.0  # a JSON int, read as a float
    assert maruti["close"] == 11185.0
    assert maruti["volume"] == 383202
    assert maruti["industry"] == "Passenger Cars & Utility Vehicles"
    assert maruti["isin"] == "INE585B01010"
    assert maruti["ffmc_cr"] == pytest.approx(1469953369263.37 / 1e7)
    assert str(maruti["time"].tz) == "Asia/Kolkata"


@pytest.mark.synthetic
async def test_constituents_2026_rows() -> None:
    body = (await fetch(f"{NSE}/api/equity-stock-indices", {"index": "NIFTY SMALLCAP 250"})).content
    parsed = nse.parse_equity_stock_indices(body)
    assert parsed.index.iloc[0]["index"] == "NIFTY SMALLCAP 250"
    assert parsed.quotes["symbol"].tolist() == ["AARTIIND", "AAVAS", "ACE"]
    assert parsed.quotes["name"].isna().all()  # no meta in the 2026 shape
    ace = parsed.quotes.set_index("symbol").loc["ACE"]
    assert ace["change_pct"] == -2.22
    assert ace["time"] == pd.Timestamp("2026-05-27 15:29:59", tz=IST)
    assert math.isnan(parsed.quotes.set_index("symbol").loc["AAVAS", "ffmc_cr"])


@pytest.mark.synthetic
async def test_fno_list_has_no_index_row() -> None:
    body = (await fetch(f"{NSE}/api/equity-stockIndex", {"index": "SECURITIES IN F&O"})).content
    parsed = nse.parse_equity_stock_indices(body)
    assert parsed.index.empty
    assert parsed.quotes["symbol"].tolist() == ["HDFCBANK"]


async def test_advance_decline_strings_become_ints() -> None:
    breadth = nse.parse_advance_decline(await replay("nse/advanceDecline.json"))
    assert breadth == Breadth(37, 13, 0)
    assert breadth.total == 50


async def test_all_indices() -> None:
    board = nse.parse_all_indices(await replay("nse/listIndices.json"))
    assert board.breadth == Breadth(2507, 2342, 53)
    row = board.indices.iloc[0]
    assert row["index"] == "NIFTY 50"
    assert (row["close"], row["prev_close"], row["change_pct"]) == (19731.75, 19751.05, -0.1)
    assert (row["pe"], row["pb"], row["dy"]) == (22.29, 3.46, 1.36)
    assert (row["advances"], row["declines"], row["unchanged"]) == (22, 27, 1)
    assert row["date"] == pd.Timestamp("2023-10-16")


async def test_symbol_data_takes_the_last_price_not_the_close_price() -> None:
    row = nse_quote.parse_symbol_data(await replay("nse/getDetailedScripData.json")).iloc[0]
    assert row["symbol"] == "ETERNAL"
    assert row["close"] == 268.2
    assert row["official_close"] == 269.45
    assert row["prev_close"] == 271.75
    assert row["volume"] == 19317167
    assert row["mcap_cr"] == pytest.approx(258822.4043525)
    assert (row["sector"], row["industry"]) == ("Consumer Services", "E-Retail/ E-Commerce")
    assert row["date"] == pd.Timestamp("2026-02-20")


async def test_legacy_quote_equity() -> None:
    row = nse_quote.parse_quote_equity(await replay("nse/quote.2900442.json")).iloc[0]
    assert (row["symbol"], row["close"], row["official_close"]) == ("INFY", 1432.95, 1434.15)
    assert (row["high"], row["low"]) == (1443.6, 1430.0)
    assert row["sector"] == "Information Technology"
    assert row["industry"] == "Computers - Software & Consulting"
    assert math.isnan(row["volume"])


async def test_meta_data_string_booleans() -> None:
    meta = nse_quote.parse_meta_data(await replay("nse/equityMetaInfo.json"))
    assert meta.active_series == ("EQ", "T0")
    assert (meta.is_fno, meta.is_suspended, meta.is_delisted) == (True, False, False)
    assert (meta.isin, meta.market_type) == ("INE040A01034", "N")


async def test_legacy_equity_history_in_its_data_wrapper() -> None:
    bars = nse.parse_equity_history(await replay("nse/fetch_equity_historical_data.json"))
    assert bars[["symbol", "date", "open", "high", "low", "close", "volume"]].iloc[0].tolist() == [
        "HDFCBANK", pd.Timestamp("2025-04-01"), 1802.0, 1809.9, 1765.35, 1767.85, 14255503.0
    ]  # fmt: skip


@pytest.mark.synthetic
async def test_next_api_history_is_a_bare_array_newest_first() -> None:
    params = {"functionName": "getHistoricalTradeData", "symbol": "RELIANCE", "series": "EQ"}
    bars = nse.parse_equity_history((await fetch(NEXT_API, params)).content)
    assert bars["date"].is_monotonic_increasing
    assert bars["close"].tolist() == [1408.2, 1419.9, 1432.8]


async def test_indices_history() -> None:
    levels = nse.parse_indices_history(await replay("nse/fetch_historical_index_data.json"))
    row = levels.iloc[0]
    assert (row["index"], row["date"]) == ("NIFTY BANK", pd.Timestamp("2025-12-15"))
    assert (row["close"], row["turnover_cr"]) == (59461.8, 4598.78)


async def test_board_meetings() -> None:
    meetings = nse_corporate.parse_board_meetings(await replay("nse/boardMeetings.json"))
    row = meetings.iloc[0]
    assert (row["symbol"], row["date"]) == ("SIYSIL", pd.Timestamp("2023-10-30"))
    assert row["announced_on"] == pd.Timestamp("2023-10-18")
    assert row["industry"] == "Textiles - Synthetic"
    assert row["is_results"]


@pytest.mark.synthetic
async def test_event_calendar() -> None:
    calendar = nse_corporate.parse_event_calendar(
        (await fetch(f"{NSE}/api/event-calendar")).content
    )
    assert calendar["date"].is_monotonic_increasing
    results = calendar[calendar["is_results"]]
    assert sorted(results["symbol"]) == ["NANDANDEN", "WELSPUNLIV"]
    assert set(results["date"]) == {pd.Timestamp("2026-02-12")}


async def test_results_lakh_to_crore_and_the_pbt_identity() -> None:
    body = await replay("nse/results_comparison.json")
    results = nse_corporate.parse_results_comparison(body, "RELIANCE")
    row = results.iloc[0]
    assert 13_147_400 - 11_987_700 == 1_159_700  # the row check, in ₹ lakh
    assert row["pbt"] == pytest.approx(11_597.0)
    assert row["sales"] == pytest.approx(128_260.0)
    assert row["other_income"] == pytest.approx(3_214.0)
    assert row["interest"] == pytest.approx(2_371.0)
    assert row["depreciation"] == pytest.approx(4_459.0)
    assert row["expenses"] == pytest.approx(119_877.0 - 2_371.0 - 4_459.0)
    assert row["pbdit"] == pytest.approx(row["pbt"] + row["interest"] + row["depreciation"])
    assert (row["tax"], row["pat"], row["eps"]) == pytest.approx((2_876.0, 8_721.0, 6.44))
    assert (row["period_end"], row["filed_on"]) == (
        pd.Timestamp("2024-12-31"),
        pd.Timestamp("2025-01-16"),
    )
    assert row["symbol"] == "RELIANCE"


async def test_results_row_failing_the_identity_is_dropped() -> None:
    body = (await replay("nse/results_comparison.json")).replace(b'"1159700"', b'"1159000"')
    assert nse_corporate.parse_results_comparison(body).empty


@pytest.mark.synthetic
async def test_bank_results_are_unrated() -> None:
    body = (await fetch(f"{NSE}/api/results-comparision", {"symbol": "HDFCBANK"})).content
    assert nse_corporate.parse_results_comparison(body, "HDFCBANK").empty


async def test_market_status_reads_the_capital_market_row() -> None:
    status = nse_corporate.parse_market_status(await replay("nse/status.json"))
    assert (status.market, status.status, status.is_open) == ("Capital Market", "Closed", False)
    assert status.trade_date == pd.Timestamp("2023-10-16")
    assert status.last == 19731.75


async def test_holidays() -> None:
    holidays = nse_corporate.parse_holidays(await replay("nse/holidays.json"))
    assert holidays.to_dict("records") == [
        {"date": pd.Timestamp("2023-01-26"), "description": "Republic Day"}
    ]


BAD_BODIES = {
    "html on 200": b"<html><body>Service unavailable</body></html>",
    "empty object": b"{}",
    "not json": b"data: none",
    "empty body": b"",
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
@pytest.mark.parametrize(
    "parse",
    [
        nse.parse_equity_stock_indices,
        nse.parse_advance_decline,
        nse.parse_all_indices,
        nse_quote.parse_symbol_data,
        nse_quote.parse_quote_equity,
        nse_quote.parse_meta_data,
        nse.parse_equity_history,
        nse.parse_indices_history,
        nse_corporate.parse_results_comparison,
        nse_corporate.parse_market_status,
        nse_corporate.parse_holidays,
    ],
)
def test_bad_bodies_raise_bad_payload(parse, body: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadPayload):
        parse(body)


@pytest.mark.synthetic
def test_akamai_access_denied_page_is_bad_payload() -> None:
    from tests.sources.fixtures import synthetic

    with pytest.raises(BadPayload, match="HTML"):
        nse.parse_all_indices(synthetic("nse-access-denied.synthetic.html"))
    with pytest.raises(BadPayload):
        nse.parse_all_indices(synthetic("nse-rate-threshold.synthetic.html"))


async def test_missing_required_key_names_it() -> None:
    body = (await replay("nse/getDetailedScripData.json")).replace(b'"metaData"', b'"metaDatum"')
    with pytest.raises(BadPayload, match="metaData"):
        nse_quote.parse_symbol_data(body)
    with pytest.raises(BadPayload, match="Capital Market"):
        nse_corporate.parse_market_status(b'{"marketState": []}')


def test_numeric_strings_are_trimmed_and_separators_removed() -> None:
    body = b'{"advances": " 1,234 ", "declines": "-", "unchanged": "0"}'
    with pytest.raises(BadPayload):
        nse.parse_advance_decline(body)  # "-" is missing, and the counts are required
    breadth = nse.parse_advance_decline(b'{"advances": " 1,234 ", "declines": "5", "unchanged": 0}')
    assert breadth == Breadth(1234, 5, 0)
