"""Sector strength (analytics.md §4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tui.market import model
from tui.market.params import Params
from tui.market.sectors import COLUMNS, sector_strength, sectors_advancing

NAN = float("nan")


def make_data(
    stocks: list[tuple[str, str, float, float, float]],
    *,
    extra: list[float] | None = None,
) -> model.MarketData:
    """Three sessions per stock (symbol, sector, market_cap_cr, C_{t-1}, C_t); C_0 = C_{t-1}.

    NaN C_t = no bar on t. market.toml as_of is the first session, whose closes are C_{t-1}
    unless `extra` gives other first-session closes.
    """
    dates = pd.bdate_range("2025-02-03", periods=3)
    rows = []
    for i, (sym, _, _, prev, close) in enumerate(stocks):
        first = prev if extra is None else extra[i]
        rows.append((sym, dates[0], first, first, first, first, 1e5))
        rows.append((sym, dates[1], prev, prev, prev, prev, 1e5))
        if not math.isnan(close):
            rows.append((sym, dates[2], close, close, close, close, 1e5))
    frame = pd.DataFrame(
        {
            "name": [s[0] for s in stocks],
            "sector": [s[1] for s in stocks],
            "industry": "x",
            "mcap_class": "Small",
            "market_cap_cr": [s[2] for s in stocks],
        },
        index=pd.Index([s[0] for s in stocks], name="symbol"),
    )
    return model.MarketData(
        meta=model.MarketMeta(name="T", as_of=dates[0].date(), segments={"small": "SMALL"}),
        stocks=frame,
        prices=pd.DataFrame(rows, columns=list(model.PRICE_COLUMNS)),
        indices=pd.DataFrame(
            [("SMALL", d, 1.0, 1.0, 1.0, 1.0) for d in dates], columns=list(model.INDEX_COLUMNS)
        ),
    )


def test_counts_median_and_cap_weighted_return() -> None:
    data = make_data(
        [
            ("A1", "Power", 300.0, 100.0, 102.0),  # +2 %
            ("A2", "Power", 100.0, 50.0, 49.0),  # -2 %
            ("A3", "Power", 100.0, 20.0, 20.0),  # 0 %
            ("A4", "Power", 100.0, 10.0, NAN),  # not traded: member, not in the stats
            ("B1", "Chemicals", 10.0, 10.0, 11.0),
        ],
        extra=[50.0, 50.0, 20.0, 10.0, 10.0],
    )
    table = sector_strength(data, model.build_panel(data), -1, "small")
    assert list(table.columns) == list(COLUMNS)
    assert list(table["sector"]) == ["Chemicals", "Power"]
    power = table.set_index("sector").loc["Power"]
    assert (power["members"], power["traded"]) == (4, 3)
    assert (power["advancers"], power["decliners"], power["unchanged"]) == (1, 1, 1)
    assert power["median_ret_1d"] == pytest.approx(0.0)
    # w = market_cap_cr · C_{t-1} / C_snapshot: A1 300·100/50 = 600, A2 100, A3 100.
    assert power["capw_ret_1d"] == pytest.approx((600 * 2 + 100 * -2 + 100 * 0) / 800)
    assert power["rank"] is None
    assert table.set_index("sector").loc["Chemicals", "median_ret_1d"] == pytest.approx(10.0)


def test_member_without_market_cap_makes_capw_na() -> None:
    data = make_data(
        [("A1", "Power", 100.0, 10.0, 11.0), ("A2", "Power", NAN, 10.0, NAN)],
    )
    table = sector_strength(data, model.build_panel(data), -1)
    assert table.loc[0, "median_ret_1d"] == pytest.approx(10.0)
    assert math.isnan(table.loc[0, "capw_ret_1d"])


def test_ranking_needs_ten_members_and_breaks_ties() -> None:
    stocks = []
    # Capital Goods and Chemicals tie on the median; Chemicals wins on the cap-weighted return.
    for i in range(10):
        r = 1.0 + i / 10
        stocks.append((f"CG{i}", "Capital Goods", 100.0, 100.0, 100.0 + r))
        stocks.append((f"CH{i}", "Chemicals", 100.0 + 100 * i, 100.0, 100.0 + r))
        stocks.append((f"PW{i}", "Power", 100.0, 100.0, 99.0))
        stocks.append((f"AU{i}", "Auto", 100.0, 100.0, 100.0 + r))  # twin of Capital Goods
    stocks += [(f"SM{i}", "Small Sector", 100.0, 100.0, 120.0) for i in range(3)]
    data = make_data(stocks)
    table = sector_strength(data, model.build_panel(data), -1, "small")
    assert list(table["sector"]) == ["Small Sector", "Chemicals", "Auto", "Capital Goods", "Power"]
    assert list(table["rank"]) == [None, 1, 2, 3, 4]
    assert list(table["members"]) == [3, 10, 10, 10, 10]
    assert table.loc[1, "capw_ret_1d"] > table.loc[2, "capw_ret_1d"]
    assert sectors_advancing(table) == (3, 4)
    loose = sector_strength(data, model.build_panel(data), -1, params=Params(sectors_min_members=3))
    assert list(loose["rank"]) == [1, 2, 3, 4, 5]


def test_sector_without_traded_members_sorts_last() -> None:
    data = make_data(
        [("A1", "Power", 100.0, 10.0, 9.0), ("B1", "Idle", 100.0, 10.0, NAN)],
    )
    table = sector_strength(data, model.build_panel(data), -1)
    assert list(table["sector"]) == ["Power", "Idle"]
    idle = table.loc[1]
    assert (idle["members"], idle["traded"], idle["advancers"]) == (1, 0, 0)
    assert math.isnan(idle["median_ret_1d"])
    assert math.isnan(idle["capw_ret_1d"])


def test_explicit_snapshot_closes_and_empty_universe() -> None:
    data = make_data(
        [("A1", "Power", 100.0, 10.0, 11.0), ("A2", "Power", 100.0, 10.0, 10.0)],
    )
    panel = model.build_panel(data)
    table = sector_strength(data, panel, -1, snapshot_close=np.array([5.0, 10.0]))
    # Weights 100·10/5 = 200 and 100: (200·10 + 100·0) / 300.
    assert table.loc[0, "capw_ret_1d"] == pytest.approx(2000 / 300)
    empty = sector_strength(data, panel, -1, "large")
    assert empty.empty
    assert list(empty.columns) == list(COLUMNS)
    assert sectors_advancing(empty) == (0, 0)
