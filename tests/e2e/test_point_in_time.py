"""Golden case 1 on the whole pipeline: later data never changes an earlier output."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from tui.market.analysis import analyse
from tui.market.dashboard import build_dashboard
from tui.market.model import MarketData
from tui.sources.demo import demo_folder
from tui.sources.folder import load_folder


def _summary(data: MarketData, as_of: str) -> str:
    return json.dumps(build_dashboard(analyse(data, as_of), "small").as_json(), sort_keys=True)


def _with_later_rows(data: MarketData, rng: np.random.Generator) -> MarketData:
    later = pd.bdate_range("2026-02-11", periods=6)
    last = data.prices.groupby("symbol", observed=True).tail(1)
    rows = []
    for day in later:
        close = last["close"].to_numpy() * np.exp(rng.normal(0, 0.05, len(last)))
        rows.append(pd.DataFrame({
            "symbol": last["symbol"].astype(str).to_numpy(), "date": day, "open": close,
            "high": close * 1.01, "low": close * 0.99, "close": close,
            "volume": rng.integers(1, 10**6, len(last)).astype(float),
        }))  # fmt: skip
    prices = pd.concat([data.prices.astype({"symbol": str}), *rows], ignore_index=True)
    idx = data.indices.groupby("index").tail(1)
    indices = pd.concat(
        [data.indices, *(idx.assign(date=day, close=idx["close"] * 1.1) for day in later)],
        ignore_index=True,
    )
    results = data.results.copy()
    newer = results.sample(300, random_state=1).assign(
        period_end=pd.Timestamp("2026-03-31"), filed_on=pd.Timestamp("2026-02-12"),
        pat=lambda f: f["pat"] * -3,
    )  # fmt: skip
    restated = results.sample(300, random_state=2).assign(
        filed_on=pd.Timestamp("2026-02-13"), sales=lambda f: f["sales"] * 2
    )
    calendar = pd.concat([
        data.calendar,
        pd.DataFrame({"symbol": last["symbol"].astype(str).to_numpy()[:50],
                      "date": pd.Timestamp("2026-02-13"), "purpose": "Financial Results",
                      "announced_on": pd.Timestamp("2026-02-11")}),
    ], ignore_index=True)  # fmt: skip
    return replace(
        data,
        prices=prices.sort_values(["symbol", "date"]).reset_index(drop=True),
        indices=indices.sort_values(["index", "date"]).reset_index(drop=True),
        results=pd.concat([results, newer, restated], ignore_index=True),
        calendar=calendar,
    )


@pytest.mark.parametrize("as_of", ["2026-01-30", "2026-02-10"])
def test_later_rows_leave_earlier_outputs_unchanged(as_of: str) -> None:
    data = load_folder(demo_folder())
    later = _with_later_rows(data, np.random.default_rng(0))
    assert later.sessions[-1] > data.sessions[-1]
    assert _summary(later, as_of) == _summary(data, as_of)
