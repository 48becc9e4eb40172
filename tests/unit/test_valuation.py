"""Valuation pillar (analytics.md §6.4): percentiles, peers, Risky, quality tilt, fields."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from tui.market import grades
from tui.market.model import MarketData, MarketMeta, build_panel, cut
from tui.market.peers import PeerGroups, exact_percentiles, pct_rank
from tui.market.pillars import PillarHistory
from tui.market.valuation import (
    explain_valuation,
    implied_shares,
    valuation_fields,
    valuation_history,
)

SESSIONS = pd.bdate_range("2025-12-01", "2026-03-31")
ENDS = pd.to_datetime(["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"])


def test_percentile_average_ranks_and_single_peer() -> None:
    got = pct_rank(np.array([[3.0, 1.0, 2.0, 2.0, np.nan], [np.nan, 7.0, np.nan, np.nan, np.nan]]))
    assert got[0, :4].tolist() == [100.0, 0.0, 50.0, 50.0]
    assert np.isnan(got[0, 4])
    assert got[1, 1] == 50.0
    assert np.isnan(got[1, [0, 2, 3, 4]]).all()


def build(last_close: dict[str, float] | None = None) -> MarketData:
    syms = [f"A{i}" for i in range(9)] + ["B1", "B2"]
    sector = ["Chemicals"] * 9 + ["Power"] * 2
    mcap = [100.0 * (i + 1) for i in range(9)] + [50.0, 80.0]
    stocks = pd.DataFrame(
        {
            "symbol": syms,
            "name": syms,
            "sector": sector,
            "industry": "x",
            "mcap_class": "Small",
            "market_cap_cr": mcap,
        }
    ).set_index("symbol", drop=False)
    rows = []
    for s in syms:
        pat = -1.0 if s == "B2" else 1.0  # B2: TTM PAT -4 → Risky
        for e in ENDS:
            rows.append(
                {
                    "symbol": s,
                    "period_end": e,
                    "filed_on": e + pd.Timedelta(days=40),
                    "sales": 10.0,
                    "other_income": 0.0,
                    "expenses": 8.0,
                    "pbdit": 2.0,
                    "interest": 0.0,
                    "depreciation": 0.0,
                    "pbt": pat,
                    "tax": 0.0,
                    "pat": pat,
                    "eps": pat,
                }
            )
    ye = pd.Timestamp("2025-03-31")
    annual = pd.DataFrame(
        {
            "symbol": syms,
            "year_end": ye,
            "filed_on": ye + pd.Timedelta(days=50),
            "sales": 40.0,
            "ebit": 8.0,
            "depreciation": 0.0,
            "interest": 0.0,
            "pbt": 4.0,
            "tax": 0.0,
            "pat": 4.0,
            "eps": 4.0,
            "equity": 100.0,
            "borrowings": 0.0,
            "cash": 0.0,
            "cfo": 1.0,
            "dps": 0.5,
        }
    )
    prices = pd.DataFrame(
        [(s, d, 10.0, 10.0, 10.0, 10.0, 1.0) for s in syms for d in SESSIONS],
        columns=["symbol", "date", "open", "high", "low", "close", "volume"],
    )
    for s, c in (last_close or {}).items():
        prices.loc[(prices["symbol"] == s) & (prices["date"] == SESSIONS[-1]), "close"] = c
    indices = pd.DataFrame(
        {"index": "I", "date": SESSIONS, "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0}
    )
    meta = MarketMeta("T", as_of=SESSIONS[-2].date())
    return MarketData(
        meta=meta,
        stocks=stocks,
        prices=prices,
        indices=indices,
        results=pd.DataFrame(rows),
        annual=annual,
    )


def row(h: PillarHistory, panel, day: str, symbol: str) -> tuple[str | None, float]:
    r = int(panel.dates.searchsorted(pd.Timestamp(day), side="right")) - 1
    j = panel.symbols.get_loc(symbol)
    return grades.word(grades.VALUATION, h.grade[r, j]), h.score[r, j]


def test_sector_peers_universe_fallback_and_risky() -> None:
    data = build()
    panel = build_panel(data)
    h = valuation_history(data, panel)
    day = "2026-03-02"
    # Chemicals has 9 non-Risky members: P/E, P/B, EV/EBITDA all rank A0 < … < A8.
    assert row(h, panel, day, "A0") == ("Very Attractive", 100.0)
    assert row(h, panel, day, "A4") == ("Fair", 50.0)
    assert row(h, panel, day, "A8") == ("Very Expensive", 0.0)
    assert row(h, panel, day, "A6")[1] == 100 - 75.0
    # Power has one non-Risky member → universe peers, where B1 (P/E 12.5) is the cheapest.
    assert row(h, panel, day, "B1") == ("Very Attractive", 100.0)
    assert row(h, panel, day, "B2") == ("Risky", 0.0)
    # Before the fourth quarter is filed (9 Feb) TTM is missing: Not rated.
    assert np.isnan(row(h, panel, "2026-02-06", "A0")[1])
    r = panel.dates.get_loc(pd.Timestamp(day))
    assert h.extras["pe"][r, panel.symbols.get_loc("A1")] == 50.0


def test_quality_tilt() -> None:
    data = build()
    panel = build_panel(data)
    t, n = panel.shape
    q = PillarHistory(grade=np.full((t, n), 3.0), score=np.full((t, n), 100.0))
    h = valuation_history(data, panel, q)
    assert row(h, panel, "2026-03-02", "A4") == ("Attractive", 60.0)
    assert row(h, panel, "2026-03-02", "A0")[1] == 100.0  # clipped


def test_market_cap_scaled_by_close_since_snapshot() -> None:
    data = build({"A4": 20.0})  # the close doubles after market.toml's as_of
    panel = build_panel(data)
    h = valuation_history(data, panel)
    last = panel.dates[-1].date().isoformat()
    assert row(h, panel, last, "A4") == ("Very Expensive", 0.0)  # P/E 250 > A8's 225
    fields = valuation_fields(data, panel, len(panel.dates) - 1)
    assert fields.loc["A4", "pe"] == 250.0
    assert fields.loc["A4", "market_cap"] == 1000.0
    assert fields.loc["A4", "div_yield"] == 2.5
    assert fields.loc["A0", "industry_pe"] == 150.0  # median of 25, 50, …, 225 and A4 250
    assert np.isnan(fields.loc["B2", "pe"])
    exp = explain_valuation(data, panel, h, "B2", len(panel.dates) - 1)
    assert exp.grade == "Risky"


def test_market_cap_on_a_cut_before_the_snapshot() -> None:
    """A cut's as_of is its session; market cap still scales from market.toml's snapshot."""
    data = build({"A4": 20.0})  # A4 closes at 20 on the last session
    data = replace(data, meta=replace(data.meta, as_of=SESSIONS[-1].date()))  # snapshot: last
    earlier = SESSIONS[-10]
    view = cut(data, earlier)
    assert view.meta.as_of == earlier.date()
    assert view.meta.snapshot_date == SESSIONS[-1].date()
    panel = build_panel(view)
    fields = valuation_fields(view, panel, len(panel.dates) - 1)
    # market_cap_cr 500 at the snapshot close 20; on the earlier session the close is 10.
    assert fields.loc["A4", "market_cap"] == 500.0 * 10.0 / 20.0
    assert fields.loc["A0", "market_cap"] == 100.0
    h = valuation_history(view, panel)
    r = len(panel.dates) - 1
    assert h.extras["pe"][r, panel.symbols.get_loc("A4")] == 250.0 / 4  # TTM PAT 4


def test_implied_shares_without_the_cut_column() -> None:
    data = build({"A4": 20.0})
    data = replace(data, meta=replace(data.meta, as_of=SESSIONS[-1].date()))
    got = implied_shares(data, pd.Index(["A4", "A0"]))
    assert got.tolist() == [500.0 / 20.0, 100.0 / 10.0]
    view = cut(data, SESSIONS[-10])
    assert implied_shares(view, pd.Index(["A4", "A0"])).tolist() == got.tolist()


def test_rows_mask_ranks_only_the_wanted_sessions() -> None:
    data = build()
    panel = build_panel(data)
    full = valuation_history(data, panel)
    rows = np.zeros(len(panel.dates), dtype=bool)
    rows[-5:] = True
    part = valuation_history(data, panel, rows=rows)
    assert np.array_equal(part.grade[rows], full.grade[rows], equal_nan=True)
    assert np.array_equal(part.score[rows], full.score[rows], equal_nan=True)
    assert np.isnan(part.grade[~rows]).all()
    assert np.array_equal(part.extras["pe"], full.extras["pe"], equal_nan=True)


@pytest.mark.parametrize("seed", range(6))
def test_fast_percentiles_equal_the_reference(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, b = 300, 12
    sectors = pd.Series(rng.choice(["a", "b", "c", "d", None], n))
    peers = PeerGroups(sectors, 8)
    values = np.exp(rng.normal(2, 1, (b, n))) * rng.choice([-1.0, 1.0], (b, n))
    values[: b // 2] = np.round(values[: b // 2], 1)  # ties in half the sessions
    values[0, :5] = [0.0, -0.0, 0.0, -0.0, 0.0]
    values[rng.random((b, n)) < 0.2] = np.nan
    big = peers.big(~np.isnan(values) | (rng.random((b, n)) < 0.1))
    got = peers.percentiles(values, big)
    want = exact_percentiles(values, peers.groups, peers.expand(big))
    assert np.array_equal(got, want, equal_nan=True)
