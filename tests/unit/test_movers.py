"""Top movers (analytics.md §4; golden case 10)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tui.market import model
from tui.market.movers import COLUMNS, movers
from tui.market.params import Params
from tui.market.returns import stock_returns

NAN = float("nan")


def make_data(
    today: dict[str, tuple[float, float]],
    *,
    status: dict[str, str] | None = None,
    mcap_class: dict[str, str] | None = None,
) -> model.MarketData:
    """Two sessions: every stock closes 100 yesterday, then (close, volume) today."""
    dates = pd.bdate_range("2025-02-03", periods=2)
    rows = []
    for sym, (close, volume) in today.items():
        rows.append((sym, dates[0], 100.0, 100.0, 100.0, 100.0, 1e6))
        if not math.isnan(close):
            rows.append((sym, dates[1], close, close, close, close, volume))
    stocks = pd.DataFrame(
        {
            "name": [f"{s} Industries" for s in today],
            "sector": "Tech",
            "industry": "Software",
            "mcap_class": [(mcap_class or {}).get(s, "Small") for s in today],
            "status": [(status or {}).get(s, "active") for s in today],
        },
        index=pd.Index(list(today), name="symbol"),
    )
    return model.MarketData(
        meta=model.MarketMeta(name="T", as_of=dates[-1].date(), segments={"small": "SMALL"}),
        stocks=stocks,
        prices=pd.DataFrame(rows, columns=list(model.PRICE_COLUMNS)),
        indices=pd.DataFrame(
            [("SMALL", d, 1.0, 1.0, 1.0, 1.0) for d in dates], columns=list(model.INDEX_COLUMNS)
        ),
    )


def test_ties_go_to_higher_traded_value_then_symbol() -> None:
    # Golden 10: three stocks at +10 %; traded value 110·V/1e7.
    data = make_data(
        {
            "BBB": (110.0, 1e5),
            "AAA": (110.0, 1e5),
            "CCC": (110.0, 5e5),
            "DDD": (105.0, 9e6),
            "LOW": (90.0, 1e5),
            "LOWER": (85.0, 1e5),
            "ALSO": (85.0, 2e5),
        }
    )
    m = movers(data, model.build_panel(data), -1, "small")
    assert list(m.gainers.columns) == list(COLUMNS)
    assert list(m.gainers["symbol"]) == ["CCC", "AAA", "BBB", "DDD"]
    assert m.gainers.loc[0, "name"] == "CCC Industries"
    assert m.gainers.loc[0, "ret_1d"] == pytest.approx(10.0)
    assert m.gainers.loc[0, "traded_value"] == pytest.approx(110 * 5e5 / 1e7)
    assert m.gainers.loc[0, "close"] == 110.0
    assert list(m.losers["symbol"]) == ["ALSO", "LOWER", "LOW"]
    assert m.losers.loc[0, "ret_1d"] == pytest.approx(-15.0)
    assert m.session == pd.Timestamp("2025-02-04")


def test_filters_and_top_n() -> None:
    today = {f"G{i}": (100.0 + i + 1, 1e5) for i in range(8)}
    today |= {
        "THIN": (130.0, 10.0),  # ₹13,000 traded: below ₹10 lakh
        "JUMP": (200.0, 1e6),  # +100 %: suspect adjustment
        "HALT": (120.0, 1e6),  # suspended
        "BIG": (125.0, 1e6),  # another segment
        "ZERO": (120.0, 0.0),  # zero volume: not traded
        "GONE": (NAN, 0.0),  # no bar today
    }
    data = make_data(today, status={"HALT": "suspended"}, mcap_class={"BIG": "Large"})
    panel = model.build_panel(data)
    m = movers(data, panel, -1, "small")
    assert list(m.gainers["symbol"]) == ["G7", "G6", "G5", "G4", "G3"]
    assert m.losers.empty
    assert list(m.losers.columns) == list(COLUMNS)
    # 0 disables the traded-value floor; the universe None takes every segment.
    rets = stock_returns(panel, -1)
    open_all = movers(data, panel, -1, returns=rets, params=Params(movers_min_traded_value_cr=0.0))
    assert list(open_all.gainers["symbol"]) == ["THIN", "BIG", "G7", "G6", "G5"]
    three = movers(data, panel, -1, "small", params=Params(movers_top=3))
    assert len(three.gainers) == 3
