"""Financial trend pillar (analytics.md §6.2): golden cases 19–21, tiers, point-in-time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tui.market import grades
from tui.market.fintrend import (
    explain_fin_trend,
    fin_trend_history,
    fired_checks,
    grade_of_points,
    money,
    quarter_label,
)
from tui.market.fintrend_checks import _tier
from tui.market.model import MarketData, MarketMeta, build_panel

SESSIONS = pd.bdate_range("2024-12-02", "2026-03-31")
ENDS = pd.to_datetime(["2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"])
FILED = pd.to_datetime(["2025-02-10", "2025-05-20", "2025-08-10", "2025-11-10", "2026-02-10"])

# Golden case 19: every F1-F9 number chosen so that only the listed checks fire.
GOLDEN_19 = {
    "sales": [100, 105, 110, 120, 130],  # YoY +30 %, 5Q high
    "other_income": [1, 1, 1, 1, 1],
    "pbdit": [20, 21, 22, 23, 26],  # 5Q high; margin 0.2 ties the 5Q max, so F6 is 0
    "interest": [2.2, 3, 2, 2.3, 2.6],  # cover 10 is inside the 5Q range; 2.6 < 1.25 × 2.2
    "pbt": [11.8, 12.0, 12.5, 12.9, 16.0],  # less OI: 15 vs prev-4Q avg 11.3 (+32.7 %)
    "pat": [8, 8, 8, 8, 10],  # +25 % vs prev-4Q avg
    "eps": [1.0, 1.1, 1.2, 1.3, 1.5],  # 5Q high
}


def stocks(symbols: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "symbol": list(symbols),
            "name": [f"{s} Ltd" for s in symbols],
            "sector": list(symbols.values()),
            "industry": "x",
            "mcap_class": "Small",
        }
    )
    return frame.set_index("symbol", drop=False)


def results(symbol: str, cols: dict[str, list[float]], ends=ENDS, filed=FILED) -> pd.DataFrame:
    frame = pd.DataFrame({"symbol": symbol, "period_end": ends, "filed_on": filed, **cols})
    frame["expenses"] = frame["sales"] - frame["pbdit"]
    frame["depreciation"] = 1.0
    frame["tax"] = frame["pbt"] - frame["pat"]
    return frame


def market(res: pd.DataFrame, sectors: dict[str, str] | None = None, **frames) -> MarketData:
    sectors = sectors or {s: "Capital Goods" for s in res["symbol"].unique()}
    indices = pd.DataFrame(
        {"index": "IDX", "date": SESSIONS, "open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0}
    )
    prices = pd.DataFrame(
        [(s, d, 10.0, 10.0, 10.0, 10.0, 100.0) for s in sectors for d in SESSIONS],
        columns=["symbol", "date", "open", "high", "low", "close", "volume"],
    )
    meta = MarketMeta(name="T", as_of=dt.date(2026, 3, 31))
    return MarketData(
        meta=meta, stocks=stocks(sectors), prices=prices, indices=indices, results=res, **frames
    )


def at(history, panel, day: str, symbol: str = "AAA", name: str = "points") -> float:
    r = int(panel.dates.searchsorted(pd.Timestamp(day), side="right")) - 1
    j = panel.symbols.get_loc(symbol)
    return history.extras[name][r, j] if name in history.extras else getattr(history, name)[r, j]


def run(data: MarketData):
    panel = build_panel(data)
    return panel, fin_trend_history(data, panel)


def test_golden_19_twenty_points_very_positive() -> None:
    data = market(results("AAA", GOLDEN_19))
    panel, h = run(data)
    assert at(h, panel, "2026-02-10") == 20
    assert grades.word(grades.FIN_TREND, at(h, panel, "2026-02-10", name="grade")) == (
        "Very Positive"
    )
    assert at(h, panel, "2026-02-10", name="score") == 90
    exp = explain_fin_trend(data, panel, h, "AAA", pd.Timestamp("2026-02-10"))
    assert exp.grade == "Very Positive"
    assert exp.raw["quarter"] == "Q3 FY26"
    assert exp.raw["points"] == 20
    assert exp.raw["period_end"] == "2025-12-31"
    lines = dict(zip([r.split(" ")[0] for r in exp.reasons], exp.reasons, strict=True))
    assert lines["F2"] == "F2 +4: PBT less other income ₹15.0 cr vs prev-4Q avg ₹11.3 cr (+32.7%)"
    assert lines["F1"] == "F1 +4: net sales ₹130.0 cr vs year-ago ₹100.0 cr (+30.0%)"
    assert lines["F3"] == "F3 +4: PAT ₹10.0 cr vs prev-4Q avg ₹8.00 cr (+25.0%)"
    assert lines["F6"].startswith("F6 0: PBDIT margin 20.0%, within the 5Q range")
    assert lines["F9"].startswith("F9 0: PBDIT/interest 10.00x")
    assert lines["F10"] == "F10 0: interest ₹2.60 cr vs year-ago ₹2.20 cr"
    assert lines["F12"].startswith("F12 n/a")
    fired = fired_checks(data, panel, "AAA", pd.Timestamp("2026-02-10"))
    assert [c.code for c in fired] == ["F1", "F2", "F3", "F4", "F5", "F7", "F8"]
    assert fired[0].short == "F1 +4: net sales YoY +30.0%"
    assert sum(c.points or 0 for c in fired) == 20


def test_point_in_time_grade_moves_only_on_filing() -> None:
    data = market(results("AAA", GOLDEN_19))
    panel, h = run(data)
    # Before the fifth quarter is filed only four are known: F2-F9 need five, so Not rated.
    assert np.isnan(at(h, panel, "2026-02-09"))
    assert np.isnan(at(h, panel, "2026-02-09", name="grade"))
    assert at(h, panel, "2026-02-10") == 20
    assert at(h, panel, "2026-03-31") == 20
    # A later filing never changes an earlier session.
    more = results(
        "AAA",
        {k: [v[-1]] for k, v in GOLDEN_19.items()},
        ends=pd.to_datetime(["2026-03-31"]),
        filed=pd.to_datetime(["2026-03-20"]),
    )
    data2 = market(pd.concat([data.results, more], ignore_index=True))
    panel2, h2 = run(data2)
    assert np.array_equal(h.grade[:-8], h2.grade[:-8], equal_nan=True)
    assert at(h2, panel2, "2026-03-20") != 20


def test_restatement_latest_filing_wins() -> None:
    base = results("AAA", GOLDEN_19)
    restated = base.iloc[[0]].copy()
    restated["sales"] = 140.0  # year-ago sales restated upwards on 1 Mar 2026: YoY now -7 %
    restated["filed_on"] = pd.Timestamp("2026-03-02")
    data = market(pd.concat([base, restated], ignore_index=True))
    panel, h = run(data)
    assert at(h, panel, "2026-02-27") == 20
    # F1 +4 → 0; F4 stays a 5Q high? 130 < 140 so no longer: +2 → 0.
    assert at(h, panel, "2026-03-02") == 14
    exp = explain_fin_trend(data, panel, h, "AAA", pd.Timestamp("2026-03-02"))
    assert "F1 0: net sales ₹130.0 cr vs year-ago ₹140.0 cr (-7.1%)" in exp.reasons


def test_golden_20_loss_widened_without_percentage() -> None:
    cols = dict(GOLDEN_19)
    cols["pat"] = [0.1, -0.05, 0.02, -0.15, -5.04]  # prev-4Q avg -0.02
    data = market(results("AAA", cols))
    panel, h = run(data)
    exp = explain_fin_trend(data, panel, h, "AAA", pd.Timestamp("2026-02-10"))
    line = next(r for r in exp.reasons if r.startswith("F3"))
    assert line == "F3 -4: PAT -₹5.04 cr vs prev-4Q avg -₹0.02 cr (loss widened)"
    assert "%" not in line
    assert at(h, panel, "2026-02-10") == 20 - 4 - 4


@pytest.mark.parametrize(
    ("cur", "base", "points"),
    [
        (125, 100, 4),
        (110, 100, 2),
        (109.9, 100, 0),
        (90.1, 100, 0),
        (90, 100, -2),
        (75.1, 100, -2),
        (75, 100, -4),
        (5, -1, 4),
        (5, 0, 4),
        (-0.5, -1, 2),
        (0, -1, 2),
        (-1, -1, 0),
        (0, 0, 0),
        (-2, -1, -4),
        (-1, 0, -4),
    ],
)
def test_tier_every_branch(cur: float, base: float, points: int) -> None:
    assert _tier(np.array([cur], float), np.array([base], float))[0] == points


def test_golden_21_bands() -> None:
    pts = np.array([22, 21, 13, 5, -6, -16, 14, 6, -5, -15, np.nan])
    words = [grades.word(grades.FIN_TREND, c) for c in grade_of_points(pts)]
    assert words == [
        "Outstanding",
        "Very Positive",
        "Positive",
        "Flat",
        "Negative",
        "Very Negative",
        "Very Positive",
        "Positive",
        "Flat",
        "Negative",
        None,
    ]


def test_overdue_quarters_stale_then_not_rated() -> None:
    data = market(results("AAA", GOLDEN_19))
    panel, h = run(data)
    # Q4 FY26 (31 Mar 2026) is due 30 May; with sessions to 31 Mar nothing is overdue yet.
    assert at(h, panel, "2026-03-31", name="stale_results") == 0
    # Drop the Dec 2025 quarter: from 15 Feb 2026 it is overdue (one) → stale, still rated on
    # the Sep quarter's points; the Sep quarter alone has only 4 quarters → count it separately.
    cols = {k: [*v[:4]] for k, v in GOLDEN_19.items()}
    four = results("AAA", cols, ends=ENDS[:4], filed=FILED[:4])
    older = results(
        "AAA",
        {k: [v[0]] for k, v in GOLDEN_19.items()},
        ends=pd.to_datetime(["2024-09-30"]),
        filed=pd.to_datetime(["2024-11-10"]),
    )
    data = market(pd.concat([older, four], ignore_index=True))
    panel, h = run(data)
    assert at(h, panel, "2026-02-13", name="stale_results") == 0
    assert at(h, panel, "2026-02-16", name="stale_results") == 1
    assert not np.isnan(at(h, panel, "2026-02-16"))
    # Five quarters to Jun 2025, rated: Sep is overdue from 15 Nov 2025 (stale), Dec adds the
    # second from 15 Feb 2026 (Not rated); the grade does not move in between.
    ends = pd.to_datetime(["2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31", "2025-06-30"])
    filed = ends + pd.Timedelta(days=40)
    data = market(results("AAA", GOLDEN_19, ends=ends, filed=filed))
    panel, h = run(data)
    assert at(h, panel, "2025-11-14", name="stale_results") == 0
    assert at(h, panel, "2025-11-17", name="stale_results") == 1
    assert at(h, panel, "2025-11-17") == at(h, panel, "2025-08-11") == 20
    assert explain_fin_trend(data, panel, h, "AAA", "2026-02-13").raw["missing_due"] == 1
    assert at(h, panel, "2026-02-13") == 20
    assert np.isnan(at(h, panel, "2026-02-16", name="grade"))
    exp = explain_fin_trend(data, panel, h, "AAA", pd.Timestamp("2026-02-16"))
    assert exp.status == "not_rated"
    assert exp.reason == "2 due quarters unfiled"


def test_not_rated_with_fewer_than_six_required_checks() -> None:
    cols = dict(GOLDEN_19)
    cols["eps"] = [np.nan, 1.1, 1.2, 1.3, 1.5]  # F8 n/a
    cols["pbdit"] = [np.nan, 21, 22, 23, 26]  # F5, F6, F9 n/a → 5 of 9 computable
    data = market(results("AAA", cols))
    panel, h = run(data)
    assert np.isnan(at(h, panel, "2026-02-10", name="grade"))
    exp = explain_fin_trend(data, panel, h, "AAA", pd.Timestamp("2026-02-10"))
    assert exp.reason == "only 5 of F1–F9 computable (6 needed)"


def test_financial_sector_skips_f9_f10() -> None:
    cols = dict(GOLDEN_19)
    cols["interest"] = [1.0, 3, 2, 2.3, 2.6]  # F10 would fire (2.6 > 1.25), F9 would be a low
    res = pd.concat([results("AAA", cols), results("BNK", cols)], ignore_index=True)
    data = market(res, {"AAA": "Capital Goods", "BNK": "Financial Services"})
    panel, h = run(data)
    assert at(h, panel, "2026-02-10", "BNK") == 20
    assert at(h, panel, "2026-02-10", "AAA") == 20 - 2  # F10 -2; cover 26/2.6 = 10 < 20 → F9 0
    exp = explain_fin_trend(data, panel, h, "BNK", pd.Timestamp("2026-02-10"))
    assert "F9 n/a: skipped for financial sectors" in exp.reasons
    assert "F10 n/a: skipped for financial sectors" in exp.reasons


def test_optional_balance_and_cfo_checks() -> None:
    halves = pd.to_datetime(["2023-09-30", "2024-03-31", "2024-09-30", "2025-03-31", "2025-09-30"])
    balance = pd.DataFrame(
        {
            "symbol": "AAA",
            "period_end": halves,
            "filed_on": halves + pd.Timedelta(days=40),
            "borrowings": [50, 40, 30, 20, 10.0],
            "equity": [100.0] * 5,
            "receivables": [50, 50, 50, 50, 50.0],
            "cash": [5, 4, 3, 2, 1.0],
        }
    )
    years = pd.to_datetime(["2023-03-31", "2024-03-31", "2025-03-31"])
    annual = pd.DataFrame(
        {
            "symbol": "AAA",
            "year_end": years,
            "filed_on": years + pd.Timedelta(days=50),
            "cfo": [3, 2, 9.0],
        }
    )
    for c in (
        "sales",
        "ebit",
        "depreciation",
        "interest",
        "pbt",
        "tax",
        "pat",
        "eps",
        "equity",
        "borrowings",
        "cash",
    ):
        annual[c] = 1.0
    data = market(results("AAA", GOLDEN_19), balance=balance, annual=annual)
    panel, h = run(data)
    # D/E lowest +1, turnover n/a (Sep 2025 lacks its quarter pair before 2024-12), cash lowest -1,
    # CFO highest +1.
    assert at(h, panel, "2026-02-10") == 20 + 1 - 1 + 1
    exp = explain_fin_trend(data, panel, h, "AAA", pd.Timestamp("2026-02-10"))
    assert "F12 +1: debt/equity 0.10, the lowest of the last 5 half-years" in exp.reasons
    assert "F14 -1: cash ₹1.00 cr, the lowest of the last 5 half-years" in exp.reasons
    assert "F15 +1: cash from operations ₹9.00 cr, the highest of the last 3 years" in exp.reasons
    assert any(r.startswith("F13 n/a") for r in exp.reasons)


def test_quarter_label_and_money() -> None:
    assert quarter_label(pd.Timestamp("2025-12-31"), 4) == "Q3 FY26"
    assert quarter_label(pd.Timestamp("2026-03-31"), 4) == "Q4 FY26"
    assert quarter_label(pd.Timestamp("2025-06-30"), 4) == "Q1 FY26"
    assert quarter_label(pd.Timestamp("2025-12-31"), 1) == "Q4 FY25"
    assert money(15.0) == "₹15.0 cr"
    assert money(-5.04) == "-₹5.04 cr"
    assert money(-0.02) == "-₹0.02 cr"
    assert money(1234.4) == "₹1,234 cr"


def test_quarters_matched_by_period_not_row_order() -> None:
    # Rows shuffled and one old quarter missing: F1 must compare with the same quarter a year
    # earlier, not with the row four places up.
    res = results("AAA", GOLDEN_19).sample(frac=1.0, random_state=3)
    data = market(res)
    panel, h = run(data)
    assert at(h, panel, "2026-02-10") == 20
    gap = results("AAA", GOLDEN_19).drop(index=2)  # no Jun 2025 quarter
    panel, h = run(market(gap))
    assert np.isnan(at(h, panel, "2026-02-10"))  # 5Q checks n/a → only F1 and F11 computable


HALVES = pd.to_datetime(["2023-09-30", "2024-03-31", "2024-09-30", "2025-03-31", "2025-09-30"])


def _demo_like() -> MarketData:
    """Golden 19 with balance/annual rows, a bank, a loss-maker, lows, a restatement and a
    half-yearly reporter."""
    loss = dict(GOLDEN_19, pat=[0.1, -0.05, 0.02, -0.15, -5.04])
    weak = {k: list(reversed(v)) for k, v in GOLDEN_19.items()}  # lows instead of highs
    restated = results("RST", GOLDEN_19).iloc[[0]]
    restated = restated.assign(sales=140.0, filed_on=pd.Timestamp("2026-03-02"))
    res = pd.concat(
        [results("AAA", GOLDEN_19), results("BNK", GOLDEN_19), results("LOS", loss),
         results("WEA", weak), results("RST", GOLDEN_19), restated,
         results("HLF", loss, ends=HALVES, filed=HALVES + pd.Timedelta(days=40))],
        ignore_index=True,
    )  # fmt: skip
    balance = pd.DataFrame({
        "symbol": "AAA", "period_end": HALVES, "filed_on": HALVES + pd.Timedelta(days=40),
        "borrowings": [50, 40, 30, 20, 10.0], "equity": [100.0] * 5,
        "receivables": [50.0] * 5, "cash": [5, 4, 3, 2, 1.0],
    })  # fmt: skip
    years = pd.to_datetime(["2023-03-31", "2024-03-31", "2025-03-31"])
    annual = pd.DataFrame({
        "symbol": "AAA", "year_end": years, "filed_on": years + pd.Timedelta(days=50),
        "cfo": [3, 2, 9.0],
    })  # fmt: skip
    for c in ("sales", "ebit", "depreciation", "interest", "pbt", "tax", "pat", "eps", "equity",
              "borrowings", "cash"):  # fmt: skip
        annual[c] = 1.0
    sectors = {s: "Capital Goods" for s in ("AAA", "LOS", "WEA", "RST", "HLF")}
    return market(res, sectors | {"BNK": "Financial Services"}, balance=balance, annual=annual)


def test_fired_checks_from_history_match_recomputation() -> None:
    data = _demo_like()
    panel, h = run(data)
    compared = fired = 0
    for symbol in panel.symbols:
        for t in [*range(0, len(panel.dates), 9), len(panel.dates) - 1]:
            slow = fired_checks(data, panel, symbol, t)
            fast = fired_checks(data, panel, symbol, t, history=h)
            assert fast == slow, (symbol, panel.dates[t])
            compared, fired = compared + 1, fired + len(fast)
    assert compared > 150
    assert fired > 100
    codes = {c.code for c in fired_checks(data, panel, "AAA", "2026-02-10", history=h)}
    assert {"F12", "F14", "F15"} <= codes
    assert any("5H" in c.short for c in fired_checks(data, panel, "HLF", -1 % len(panel.dates)))


def test_fired_checks_from_history_is_fast() -> None:
    import time

    data = _demo_like()
    panel, h = run(data)
    start = time.perf_counter()
    for _ in range(50):
        fired_checks(data, panel, "AAA", len(panel.dates) - 1, history=h)
    assert (time.perf_counter() - start) / 50 < 0.002  # well under the ≈20 ms recomputation


def test_history_dtypes() -> None:
    _, h = run(_demo_like())
    assert h.grade.dtype == np.float32
    assert h.score.dtype == np.float64
    assert h.extras["points"].dtype == np.float32
    assert h.extras["stale_results"].dtype == bool
    assert not h.extras["stale_results"][0].any()  # before any filing: not stale
