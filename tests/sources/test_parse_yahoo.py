"""Yahoo chart and spark parsers on replayed real captures (and synthetic stand-ins)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from tests.sources.fixtures import synthetic
from tests.sources.replay import CHART, YAHOO, fetch, replay
from tests.sources.router import make_router
from tests.sources.universe import sample_universe
from tui.sources.errors import BadPayload, NotFound
from tui.sources.parse import yahoo

SPLIT = "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.json"
DIVIDENDS = "yahoo/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json"


async def test_split_event_is_kept_and_close_is_split_adjusted() -> None:
    chart = yahoo.parse_chart(await replay(SPLIT))
    assert chart.splits.to_dict("records") == [
        {"date": pd.Timestamp("2020-08-31"), "numerator": 4.0, "denominator": 1.0, "ratio": "4:1"}
    ]
    assert chart.dividends.to_dict("records") == [
        {"date": pd.Timestamp("2020-11-06"), "amount": 0.205}
    ]
    assert len(chart.bars) == 49
    first = chart.bars.iloc[0]
    assert first["date"] == pd.Timestamp("2020-08-31")
    assert first["close"] == pytest.approx(129.04, abs=0.01)  # post-split scale, not ~516
    assert chart.bars["date"].is_monotonic_increasing


async def test_close_is_stored_not_adjclose() -> None:
    chart = yahoo.parse_chart(await replay(DIVIDENDS))
    first = chart.bars.iloc[0]
    assert first["close"] == pytest.approx(239.65, abs=0.01)
    assert first["adjclose"] == pytest.approx(231.19, abs=0.01)
    assert len(chart.bars) == 252
    assert len(chart.dividends) == 4
    assert list(chart.bars.columns[:7]) == [
        "symbol",
        "date",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ]


async def test_previous_close_comes_from_the_series_not_chart_previous_close() -> None:
    chart = yahoo.parse_chart(await replay("yahoo/chart-AAPL.json"))
    assert len(chart.bars) == 1
    assert math.isnan(chart.prev_close)  # one bar, no meta.previousClose: unknown, never 167.3
    longer = yahoo.parse_chart(await replay(SPLIT))
    assert longer.prev_close == pytest.approx(longer.bars["close"].iloc[-2])
    assert longer.prev_close != pytest.approx(124.808)  # meta.chartPreviousClose
    quote = longer.quote.iloc[0]
    assert quote["close"] == pytest.approx(longer.bars["close"].iloc[-1])
    assert quote["change_pct"] == pytest.approx((quote["close"] / quote["prev_close"] - 1) * 100)


async def test_bars_at_seven_utc_are_dated_in_the_exchange_zone() -> None:
    chart = yahoo.parse_chart(await replay("yahoo/chart-WSU.DE-2023-08-04-to-2023-08-09.json"))
    assert chart.timezone == "Europe/Berlin"
    assert chart.bars["date"].tolist() == [
        pd.Timestamp("2023-08-04"), pd.Timestamp("2023-08-07"), pd.Timestamp("2023-08-08")
    ]  # fmt: skip
    first = chart.bars.iloc[0]["time"]
    assert first.tz_convert("UTC").hour == 7
    assert first.hour == 9  # 09:00 CEST


async def test_empty_weekend_range_is_zero_bars() -> None:
    body = await replay(
        "yahoo/chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"
    )
    chart = yahoo.parse_chart(body)
    assert chart.bars.empty
    assert list(chart.bars.columns) == list(yahoo.BAR_COLUMNS)
    assert chart.granularity == "1m"
    assert chart.prev_close == 244.47  # meta.previousClose, not chartPreviousClose (236)


async def test_2026_meta() -> None:
    chart = yahoo.parse_chart(await replay("yahoo/GET_v8_finance_chart_MSFT_88a60786b3.json"))
    bar = chart.bars.iloc[0]
    assert bar["date"] == pd.Timestamp("2026-09-25")
    assert bar["close"] == pytest.approx(516.17, abs=0.001)
    assert chart.currency == "USD"


@pytest.mark.synthetic
async def test_indian_chart_drops_nulls_and_dedupes_the_intraday_bar() -> None:
    body = (await fetch(f"{CHART}/RELIANCE.NS", {"range": "5d", "interval": "1d"})).content
    chart = yahoo.parse_chart(body)
    assert chart.timezone == "Asia/Kolkata"
    dates = [d.date() for d in chart.bars["date"]]
    assert dates == [dt.date(2026, 2, d) for d in (4, 5, 9, 10)]  # 6 Feb is all null
    assert chart.bars.iloc[-1]["close"] == 1455.4  # the later bar of 10 Feb wins
    assert chart.prev_close == 1449.9  # from the series, not chartPreviousClose (1180.35)


@pytest.mark.synthetic
async def test_chart_error_not_found() -> None:
    response = await fetch(f"{CHART}/NOSUCH.NS", {"range": "1d"}, status=404)
    with pytest.raises(NotFound):
        yahoo.parse_chart(response.content)


@pytest.mark.synthetic
def test_outage_page_is_bad_payload() -> None:
    with pytest.raises(BadPayload, match="HTML"):
        yahoo.parse_chart(synthetic("yahoo-outage.synthetic.html"))


@pytest.mark.synthetic
async def test_spark_quotes_unknown_symbols_missing() -> None:
    params = {"symbols": "RELIANCE.NS,NOSUCH.NS,^NSEI", "range": "1d", "interval": "1d"}
    frame = yahoo.parse_spark((await fetch(f"{YAHOO}/v7/finance/spark", params)).content)
    assert frame["symbol"].tolist() == ["RELIANCE.NS", "^NSEI"]
    reliance = frame.set_index("symbol").loc["RELIANCE.NS"]
    assert (reliance["close"], reliance["prev_close"]) == (1455.4, 1449.9)
    assert reliance["change_pct"] == pytest.approx((1455.4 / 1449.9 - 1) * 100)
    assert math.isnan(reliance["open"])  # spark sends close only


@pytest.mark.synthetic
async def test_spark_refuses_more_than_twenty_symbols() -> None:
    params = {"symbols": ",".join(f"S{i}.NS" for i in range(21)), "range": "1d"}
    response = await fetch(f"{YAHOO}/v7/finance/spark", params, status=400)
    with pytest.raises(BadPayload):
        yahoo.parse_spark(response.content)


async def test_universe_chart_and_spark_agree() -> None:
    router = make_router(sample_universe())
    chart = yahoo.parse_chart((await fetch(f"{CHART}/500325.BO", {}, router=router)).content)
    spark_body = (
        await fetch(f"{YAHOO}/v7/finance/spark", {"symbols": "RELIANCE.NS,^NSEI"}, router=router)
    ).content
    spark = yahoo.parse_spark(spark_body).set_index("symbol")
    assert chart.bars.iloc[-1]["close"] == spark.loc["RELIANCE.NS", "close"] == 1455.4
    assert spark.loc["RELIANCE.NS", "prev_close"] == chart.prev_close == 1449.9
    assert spark.loc["^NSEI", "close"] == 25935.15


BAD = {
    "html on 200": b"<html><head><title>Yahoo</title></head></html>",
    "empty object": b"{}",
    "no meta": b'{"chart": {"result": [{"indicators": {"quote": [{}]}}], "error": null}}',
}


@pytest.mark.parametrize("body", BAD.values(), ids=BAD.keys())
def test_bad_bodies_raise_bad_payload(body: bytes) -> None:
    with pytest.raises(BadPayload):
        yahoo.parse_chart(body)
    with pytest.raises(BadPayload):
        yahoo.parse_spark(body)


def test_other_chart_errors_are_bad_payload() -> None:
    body = b'{"chart": {"result": null, "error": {"code": "Bad Request", "description": "x"}}}'
    with pytest.raises(BadPayload, match=r"Bad Request|x"):
        yahoo.parse_chart(body)


async def test_spark_across_time_zones_reports_utc_times() -> None:
    results = []
    for name in ("yahoo/chart-WSU.DE-2023-08-04-to-2023-08-09.json", "yahoo/chart-AAPL.json"):
        result = json.loads(await replay(name))["chart"]["result"][0]
        results.append({"symbol": result["meta"]["symbol"], "response": [result]})
    body = json.dumps({"spark": {"result": results, "error": None}}).encode()
    frame = yahoo.parse_spark(body).set_index("symbol")
    assert str(frame["time"].dt.tz) == "UTC"
    assert frame.loc["WSU.DE", "time"] == pd.Timestamp("2023-08-08 07:00", tz="UTC")
    assert frame.loc["WSU.DE", "date"] == pd.Timestamp("2023-08-08")
