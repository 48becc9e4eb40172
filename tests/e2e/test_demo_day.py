"""The seed-day test: design.md §3's twelve figures, recomputed from the demo folder's raw files.

The demo folder is built from the package's compact inputs into the test's cache dir, loaded by
the folder loader (no cache), and analysed by the project's own analytics.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.market.analysis import analyse
from tui.market.dashboard import Dashboard, build_dashboard
from tui.sources.demo import demo_folder
from tui.sources.folder import load_folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import os

    os.environ["DALAL_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    return demo_folder()


@pytest.fixture(scope="module")
def day(folder: Path) -> Dashboard:
    data = load_folder(folder, use_cache=False)
    return build_dashboard(analyse(data), "small")


def _names(events: list) -> set[str]:  # type: ignore[type-arg]
    return {e.symbol for e in events}


def test_row1_smallcap_1d(day: Dashboard) -> None:
    assert day.as_of == "2026-02-10"
    assert day.index_name == "BSE SmallCap"
    assert round(day.stats.loc["BSE SmallCap", "ret_1d"], 2) == 2.52


def test_row2_smallcap_5d(day: Dashboard) -> None:
    assert round(day.stats.loc["BSE SmallCap", "ret_5d"], 2) == 1.95


def test_row3_small_is_best_segment_on_1d_and_5d(day: Dashboard) -> None:
    assert day.best["1d"] is not None
    assert day.best["1d"]["segment"] == "small"
    assert day.best["5d"] is not None
    assert day.best["5d"]["segment"] == "small"
    seg = day.segments
    for w in ("ret_1d", "ret_5d"):
        assert seg.loc["small", w] > seg.loc["mid", w]
        assert seg.loc["small", w] > seg.loc["large", w]


def test_row4_sensex_5d(day: Dashboard) -> None:
    assert 1.15 <= day.stats.loc["SENSEX", "ret_5d"] <= 1.25


def test_row5_universe(day: Dashboard) -> None:
    b = day.breadth
    assert b.universe == 1211
    assert b.not_traded == 0
    assert b.new_listings == 0
    assert b.suspended == 0
    assert b.inactive == 0


def test_row6_breadth(day: Dashboard) -> None:
    b = day.breadth
    assert (b.advancers, b.decliners, b.unchanged) == (430, 781, 0)
    assert b.ratio_text == "0.55x"
    assert b.narrow_rally


def test_row7_movers(day: Dashboard) -> None:
    top = day.movers.gainers.iloc[0]
    bottom = day.movers.losers.iloc[0]
    assert top["symbol"] == "MANINDS"
    assert top["name"].startswith("Man Industries")
    assert round(top["ret_1d"], 2) == 15.38
    assert bottom["symbol"] == "SGIL"
    assert bottom["name"].startswith("Synergy Green")
    assert round(bottom["ret_1d"], 2) == -14.31


def test_row8_fin_trend_upgrades(day: Dashboard) -> None:
    events = {e.symbol: e for e in day.upgrades["fin_trend"]}
    assert (events["KECL"].from_, events["KECL"].to) == ("Positive", "Very Positive")
    assert (events["KMCSHIL"].from_, events["KMCSHIL"].to) == ("Very Positive", "Outstanding")
    assert "after Q3 FY26 results" in events["KECL"].text


def test_row9_results_on_12_feb(day: Dashboard) -> None:
    cal = day.calendar
    on_12 = set(cal.loc[cal["date"] == "2026-02-12", "symbol"])
    assert {"NDL", "HAZOOR", "GIPCL", "WELSPUNLIV", "ELPROINTL"} <= on_12


def test_row10_call_upgrades_hold_to_buy(day: Dashboard) -> None:
    events = {e.symbol: e for e in day.upgrades["call"]}
    for symbol in ("HEG", "ADOR", "KINGFA", "GPPL", "SCI"):
        assert (events[symbol].from_, events[symbol].to) == ("Hold", "Buy"), symbol


def test_row11_technical_upgrades(day: Dashboard) -> None:
    events = {e.symbol: e for e in day.upgrades["technical"]}
    for symbol in ("AVALON", "DIVGIITTS", "SYRMA", "AETHER", "PRUDENT"):
        assert events[symbol].from_ == "Sideways", symbol
        assert events[symbol].to in ("Mildly Bullish", "Bullish"), symbol


def test_row12_sector_strength(day: Dashboard) -> None:
    ranked = day.sectors[day.sectors["rank"].notna()].sort_values("rank")
    names = list(ranked["sector"])
    assert {"Capital Goods", "Chemicals"} <= set(names[:3])
    assert {"Power", "Construction"} <= set(names[-3:])
    members = dict(zip(day.sectors["sector"], day.sectors["members"], strict=True))
    for sector in ("Capital Goods", "Chemicals", "Power", "Construction"):
        assert members[sector] >= 10
