"""Quality pillar (analytics.md §6.3): factor cut-offs, window, financial variant, Not rated."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tui.market import grades
from tui.market.model import MarketData, MarketMeta, build_panel
from tui.market.quality import _score, explain_quality, quality_history

SESSIONS = pd.bdate_range("2022-01-03", "2026-03-31")


@pytest.mark.parametrize(
    ("x", "cuts", "higher", "expected"),
    [
        (15.0, (15, 10, 5, 0), True, 100), (14.99, (15, 10, 5, 0), True, 75),
        (5.0, (15, 10, 5, 0), True, 50), (0.0, (15, 10, 5, 0), True, 25),
        (-0.1, (15, 10, 5, 0), True, 0), (0.0, (0, 0.5, 1, 2), False, 100),
        (0.5, (0, 0.5, 1, 2), False, 75), (2.0, (0, 0.5, 1, 2), False, 25),
        (2.1, (0, 0.5, 1, 2), False, 0), (np.inf, (10, 5, 3, 1.5), True, 100),
        (-np.inf, (20, 15, 10, 5), True, 0),
        (20.0, (), True, 100), (35.0, (), True, 100), (19.9, (), True, 75),
        (12.0, (), True, 50), (40.0, (), True, 50), (7.0, (), True, 25), (46.0, (), True, 0),
        (np.nan, (15, 10, 5, 0), True, None),
    ],
)  # fmt: skip
def test_cut_offs(x: float, cuts: tuple, higher: bool, expected: float | None) -> None:
    got = _score(np.array([x]), cuts, higher)[0]
    assert np.isnan(got) if expected is None else got == expected


def annual(symbol: str, n: int, **over: list[float]) -> pd.DataFrame:
    years = pd.to_datetime([f"{2025 - n + 1 + i}-03-31" for i in range(n)])
    base = {
        "sales": [100 * 1.2**i for i in range(n)],  # CAGR 20 % → 100
        "ebit": [20 * 1.2**i for i in range(n)],  # 100
        "depreciation": [5.0] * n, "interest": [1.0] * n,  # EBIT/interest ≥ 20 → 100
        "pbt": [19 * 1.2**i for i in range(n)], "tax": [19 * 1.2**i * 0.25 for i in range(n)],
        "pat": [15 * 1.2**i for i in range(n)], "eps": [1.0] * n,
        "equity": [80.0] * n, "borrowings": [10.0] * n, "cash": [20.0] * n, "cfo": [1.0] * n,
        "promoter_pledge_pct": [0.0] * n,
    }  # fmt: skip
    base.update(over)
    return pd.DataFrame(
        {"symbol": symbol, "year_end": years, "filed_on": years + pd.Timedelta(days=50), **base}
    )


def market(ann: pd.DataFrame, sectors: dict[str, str]) -> MarketData:
    stocks = pd.DataFrame(
        {
            "symbol": list(sectors),
            "name": list(sectors),
            "sector": list(sectors.values()),
            "industry": "x",
            "mcap_class": "Small",
        }
    ).set_index("symbol", drop=False)
    indices = pd.DataFrame(
        {"index": "I", "date": SESSIONS, "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0}
    )
    prices = pd.DataFrame(
        {
            "symbol": next(iter(sectors)),
            "date": SESSIONS,
            "open": 1.0,
            "high": 1.0,
            "low": 1.0,
            "close": 1.0,
            "volume": 1.0,
        }
    )
    return MarketData(
        meta=MarketMeta("T", dt.date(2026, 3, 31)),
        stocks=stocks,
        prices=prices,
        indices=indices,
        annual=ann,
    )


def at(h, panel, day: str, j: int = 0) -> tuple[str | None, float]:
    r = int(panel.dates.searchsorted(pd.Timestamp(day), side="right")) - 1
    return grades.word(grades.QUALITY, h.grade[r, j]), h.score[r, j]


def test_excellent_and_window_point_in_time() -> None:
    data = market(annual("AAA", 4), {"AAA": "Chemicals"})
    panel = build_panel(data)
    h = quality_history(data, panel)
    # Two years known before 20 May 2024: Not rated; three from then on.
    assert at(h, panel, "2024-05-17") == (None, pytest.approx(np.nan, nan_ok=True))
    assert at(h, panel, "2024-05-20") == ("Excellent", 95.0)  # sales/CE 1.35 → 50, rest 100
    # ROCE 20/90 = 22 % → 100; ROE 15/80 = 18.75 % → 100; net D/E -0.125 → 100;
    # debt/EBITDA 10/25 → 100; sales/CE 100/90 = 1.11 → 50 (first year); tax 25 % → 100.
    exp = explain_quality(data, panel, h, "AAA", "2025-06-02")
    assert "Sales CAGR 20.0%: 100" in exp.reasons
    assert "Avg tax rate 25.0%: 100" in exp.reasons
    assert "Avg EBIT/interest 26.76x: 100" not in exp.reasons  # averaged, not the latest
    assert exp.raw["years"] == 4
    assert exp.raw["factors"] == 10
    assert exp.grade == "Excellent"


def test_ebit_turned_negative_rule_and_equity_below_zero() -> None:
    ebit = [-5.0, 10.0, 12.0, 14.0]  # first EBIT ≤ 0, positive in all years but one → 50
    data = market(annual("AAA", 4, ebit=ebit, equity=[-10.0, 80, 80, 80]), {"AAA": "Chemicals"})
    panel = build_panel(data)
    h = quality_history(data, panel)
    exp = explain_quality(data, panel, h, "AAA", "2025-06-02")
    line = next(r for r in exp.reasons if r.startswith("EBIT CAGR"))
    assert line.endswith(": 50")
    assert "Avg ROE n/m: 0" in exp.reasons
    assert "Avg net debt/equity n/m: 0" in exp.reasons


def test_financial_sector_variant_needs_four_factors() -> None:
    ann = annual("BNK", 3, roa_pct=[1.6, 1.6, 1.6], gnpa_pct=[2.0, 2.0, 2.0])
    data = market(ann, {"BNK": "Financial Services"})
    panel = build_panel(data)
    h = quality_history(data, panel)
    exp = explain_quality(data, panel, h, "BNK", "2025-06-02")
    assert exp.raw["factors"] == 7  # 5 common + ROA + GNPA; no ROCE & co.
    assert not any(r.startswith("Avg ROCE") for r in exp.reasons)
    assert "Avg ROA 1.6%: 100" in exp.reasons
    assert "Avg gross NPA 2.0%: 75" in exp.reasons
    assert exp.status == "rated"


def test_not_rated_with_fewer_than_six_factors() -> None:
    nan = [np.nan] * 4
    data = market(
        annual("AAA", 4, interest=nan, borrowings=nan, cash=nan, tax=nan, promoter_pledge_pct=nan),
        {"AAA": "Chemicals"},
    )
    panel = build_panel(data)
    h = quality_history(data, panel)
    exp = explain_quality(data, panel, h, "AAA", "2025-06-02")
    assert exp.status == "not_rated"
    assert exp.reason.startswith("only ")
