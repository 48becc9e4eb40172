"""The live sources replayed through `httpx.MockTransport`: assembled values, cache first,
stale data on a failed refresh, offline loads, and the `auto` fallbacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pandas as pd
import pytest

from tests.e2e.loopback import e2e_market, market_router
from tests.sources.router import make_router
from tests.sources.universe import sample_universe
from tui.settings import Settings
from tui.sources.clock import IST, MarketClock
from tui.sources.live import LiveResult, LiveSource
from tui.sources.resolve import open_source

EVENING = dt.datetime(2026, 2, 10, 20, 0, tzinfo=IST)
FAST = Settings(http={"retry_base": 0.001, "retry_cap": 0.002})
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def loopback_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback prefixes: the router's paths, and unlimited loopback host limits."""
    monkeypatch.setenv("DALAL_NSE_BASE_URL", "http://127.0.0.1:9/nse")
    monkeypatch.setenv("DALAL_BSE_BASE_URL", "http://127.0.0.1:9/bse")
    monkeypatch.setenv("DALAL_YAHOO_BASE_URL", "http://127.0.0.1:9/yahoo")
    monkeypatch.delenv("DALAL_NSE_ARCHIVES_BASE_URL")
    monkeypatch.delenv("DALAL_NIFTYINDICES_BASE_URL")


async def _no_sleep(_: float) -> None:
    return None


def load(
    mode: str, handler: Handler, at: dt.datetime = EVENING, **options: object
) -> tuple[LiveResult, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def counting(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    source = LiveSource(
        mode, FAST, transport=httpx.MockTransport(counting), sleep=_no_sleep,
        clock=MarketClock(lambda: at), **options,  # type: ignore[arg-type]
    )  # fmt: skip
    return source.run(), seen


def closes(result: LiveResult, symbol: str) -> list[float]:
    prices = result.data.prices
    return list(prices.loc[prices["symbol"] == symbol, "close"])


def down(request: httpx.Request) -> httpx.Response:
    return httpx.Response(503, text="down")


def test_nse_assembles_the_sample_universe() -> None:
    universe = sample_universe()
    result, _ = load("nse", make_router(universe))
    data, report = result.data, result.report
    assert data.source == "nse"
    assert not data.stale
    assert data.meta.as_of == dt.date(2026, 2, 10)
    assert data.meta.segments["small"] == "NIFTY SMALLCAP 250"
    assert data.meta.benchmarks == ("NIFTY 50",)
    for stock in universe.stocks:
        assert closes(result, stock.symbol) == [b.close for b in stock.bars]
    small = data.stocks.loc[["AARTIIND", "MANINDS"]]
    assert set(small["mcap_class"]) == {"Small"}
    assert set(small["mcap_basis"]) == {"derived: index membership"}
    assert data.stocks.loc["AARTIIND", "isin"] == "INE769A01020"
    # NIFTY 100 failed on NSE, so the static list gave the large segment (RELIANCE among it).
    assert data.stocks.loc["RELIANCE", "mcap_class"] == "Large"
    assert report.batches["constituents"].failed.keys() == {"mid", "large"}
    # NSE indicesHistory has no NIFTY 50 here: Yahoo ^NSEI answered.
    nifty = data.indices[data.indices["index"] == "NIFTY 50"]
    assert list(nifty["close"]) == [b.close for b in universe.index("NIFTY 50").bars]  # type: ignore[union-attr]
    small_index = data.indices[data.indices["index"] == "NIFTY SMALLCAP 250"]
    assert small_index["close"].iloc[-1] == 17098.6  # today's row from the constituents call
    reliance = data.results[data.results["symbol"] == "RELIANCE"]
    assert len(reliance) >= 1
    assert (reliance["sales"] > 0).all()
    assert report.batches["histories"].report["AARTIIND"].status == "fresh"
    assert "ABB" in report.failed_symbols()  # in the NIFTY 100 list, unknown to the router
    assert report.coverage().startswith("3 of ")


def test_a_second_run_is_served_from_the_cache() -> None:
    first, _ = load("nse", make_router(sample_universe()))
    second, requests = load("nse", down)
    assert not [r for r in requests if "/v8/finance/chart/" in r.url.path]
    assert second.report.batches["histories"].report["AARTIIND"].status == "cached"
    assert not second.data.stale
    pd.testing.assert_frame_equal(first.data.prices, second.data.prices)


def test_a_failed_refresh_keeps_the_data_and_marks_it_stale() -> None:
    load("nse", make_router(sample_universe()))
    later = EVENING + dt.timedelta(days=2)
    result, requests = load("nse", down, at=later)
    assert requests  # expired entries were asked for again
    assert result.data.stale
    assert closes(result, "MANINDS")[-1] == 458.95
    assert result.report.batches["histories"].report["MANINDS"].status == "cached"


def test_offline_reads_only_the_cache() -> None:
    load("nse", make_router(sample_universe()))
    result, requests = load("nse", down, at=EVENING + dt.timedelta(days=9), offline=True)
    assert requests == []
    assert result.data.stale
    assert closes(result, "RELIANCE")[-1] == 1455.4


def test_history_tail_is_merged_after_the_close() -> None:
    market = e2e_market()
    load("nse", market_router(market), at=dt.datetime(2026, 2, 11, 20, 0, tzinfo=IST))
    later = dt.datetime(2026, 2, 12, 20, 0, tzinfo=IST)
    result, requests = load("nse", market_router(market), at=later)
    charts = [r for r in requests if r.url.path.endswith("ALPHA.NS")]
    assert charts
    assert all("period1" in r.url.params for r in charts)
    assert result.report.batches["histories"].report["ALPHA"].status == "fresh"
    alpha = market.universe.stock("ALPHA")
    assert alpha is not None
    assert closes(result, "ALPHA") == [b.close for b in alpha.bars]


@pytest.mark.parametrize("mode", ["bse", "yahoo"])
def test_bse_and_yahoo_modes(mode: str) -> None:
    market = e2e_market()
    result, _ = load(mode, market_router(market), at=dt.datetime(2026, 2, 11, 20, tzinfo=IST))
    data = result.data
    assert data.source == mode
    assert len(data.stocks) == 12
    assert not result.report.failed()
    for stock in market.universe.stocks:
        assert closes(result, stock.symbol) == [b.close for b in stock.bars]
    volumes = data.prices.groupby("symbol", observed=True)["volume"].last()
    assert (volumes > 0).all()  # a close-only spark quote never blanks the day's bar
    if mode == "bse":
        assert data.meta.segments["small"] == "BSE SmallCap"
        assert set(data.indices["index"]) == {"BSE SmallCap", "BSE MidCap", "BSE 100", "SENSEX"}
        assert set(data.calendar["symbol"]) == {"ALPHA", "BRAVO", "CHARLIE", "GOLF"}
        assert data.stocks.loc["ALPHA", "bse_code"] == "600001"
    else:
        assert data.calendar.empty
        assert data.results.empty


def test_auto_falls_back_to_the_demo_with_a_reason() -> None:
    notices: list[str] = []
    data = open_source("auto", FAST, notice=notices.append)
    assert data.source == "demo"
    assert len(notices) == 1
    assert "DEMO DATA" in notices[0]
    assert "NSE" in notices[0]


def test_auto_shows_stale_cached_data_when_the_host_is_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load("nse", make_router(sample_universe()))
    monkeypatch.setenv("DALAL_NOW", "2026-02-13T20:00:00+05:30")
    reports: list[object] = []
    notices: list[str] = []
    data = open_source("auto", FAST, notice=notices.append, on_report=reports.append)
    assert data.source == "nse"
    assert data.stale
    assert notices
    assert "stale" in notices[0]
    assert len(reports) == 1


@pytest.mark.parametrize(
    "fixture",
    [
        "yahoo/chart-AAPL-2020-08-31-to-2020-11-07.json",
        "yahoo/historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json",
        "yahoo/chart-WSU.DE-2023-08-04-to-2023-08-09.json",
        "yahoo/chart-AAPL.json",
        "yahoo/GET_v8_finance_chart_MSFT_88a60786b3.json",
    ],
)
def test_the_fast_chart_reader_matches_the_parser(fixture: str) -> None:
    from tests.sources.fixtures import body
    from tui.sources.cached_bars import bars_to_payload
    from tui.sources.live.yahoo import _fast
    from tui.sources.parse.yahoo import parse_chart

    raw = body(fixture)
    columns = ["date", "open", "high", "low", "close", "volume"]
    assert _fast(raw) == bars_to_payload(parse_chart(raw).bars[columns])
