"""§9's examples on the demo: the screener returns the rows a plain pandas computation returns.

The references below use the frame's display words (not the evaluator's codes), the analysis's
change masks and grade arrays, and pandas rolling means on the panel, so each is an independent
statement of the example's meaning.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from tui import screening
from tui.market.analysis import Analysis, analyse
from tui.market.returns import index_stats, stock_returns
from tui.market.technicals import daily_fields
from tui.screening.frame import DAILY_FIELDS, screen_frame
from tui.screening.presets import builtin_screens
from tui.sources.demo import DemoSource


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Analysis:
    os.environ["DALAL_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    return analyse(DemoSource().load())


def _known(s: pd.Series) -> pd.Series:
    return s.notna()


def _events(a: Analysis, kind: str, sessions: int, hit: Callable[..., np.ndarray]) -> pd.Series:
    g = a.grade_arrays()[kind]
    ch = a.changes[kind]
    rows = range(a.row(a.t) - sessions + 1, a.row(a.t) + 1)  # rows of the kept histories
    out = np.zeros(len(a.symbols), dtype=bool)
    for r in rows:
        out |= hit(ch[r], g[r - 1], g[r])
    return pd.Series(out, index=a.symbols)


def _crossed_above(a: Analysis, sessions: int, n: int) -> pd.Series:
    close = pd.DataFrame(a.panel.filled[3][: a.t + 1], columns=a.symbols)
    sma = close.rolling(n).mean()
    out = pd.Series(False, index=a.symbols)
    for r in range(a.t - sessions + 1, a.t + 1):
        now = close.iloc[r] > sma.iloc[r]
        before = close.iloc[r - 1] <= sma.iloc[r - 1]
        out |= now & before
    return out


REFERENCES: dict[str, Callable[[pd.DataFrame, Analysis], pd.Series]] = {
    'mcap class = small AND call >= buy AND technical IN (bullish, "mildly bullish")':
        lambda f, a: (f.mcap_class == "Small") & f.call.isin(["Buy", "Strong Buy"])
        & f.technical.isin(["Bullish", "Mildly Bullish"]),
    "Market Capitalization BETWEEN 500 AND 5000 AND quality >= good AND valuation >= fair":
        lambda f, a: (f.market_cap >= 500) & (f.market_cap <= 5000)
        & f.quality.isin(["Good", "Excellent"])
        & f.valuation.isin(["Fair", "Attractive", "Very Attractive"]),
    'sector = "Healthcare" AND ret 1m > 10% AND excess 1m vs bench > 5':
        lambda f, a: (f.sector == "Healthcare") & (f.ret_1m > 10) & (f.excess_1m_vs_bench > 5),
    "call UPGRADED WITHIN 5 D AND mcap class = small":
        lambda f, a: _events(a, "call", 5, lambda c, g0, g1: c == 1) & (f.mcap_class == "Small"),
    'technical CHANGED FROM sideways TO "mildly bullish" WITHIN 3 D':
        lambda f, a: _events(a, "technical", 3, lambda c, g0, g1: (g0 == 2) & (g1 == 3)),
    'fin trend >= "very positive" AND days since results <= 7':
        lambda f, a: f.fin_trend.isin(["Very Positive", "Outstanding"])
        & (f.days_since_results <= 7),
    "close CROSSES ABOVE sma200 WITHIN 5 D AND volume > 2 * [avg volume 20d]":
        lambda f, a: _crossed_above(a, 5, 200) & (f.volume > 2 * f.avg_volume_20d),
    "NOT (valuation = risky) AND (rsi < 30 OR pct b < 0) AND call >= hold":
        lambda f, a: _known(f.valuation) & (f.valuation != "Risky")
        & ((f.rsi < 30) | (f.pct_b < 0)) & f.call.isin(["Hold", "Buy", "Strong Buy"]),
    "results in days BETWEEN 0 AND 7 AND fin trend IS NOT NULL":
        lambda f, a: (f.results_in_days >= 0) & (f.results_in_days <= 7) & f.fin_trend.notna(),
    "pe < 0.8 * [industry pe] AND roce > 15":
        lambda f, a: (f.pe < 0.8 * f.industry_pe) & (f.roce > 15),
}  # fmt: skip


@pytest.mark.parametrize("query", list(REFERENCES))
def test_example_returns_the_pandas_rows(demo: Analysis, query: str) -> None:
    frame = screen_frame(demo)
    expected = REFERENCES[query](frame, demo)
    expected = sorted(expected[expected.fillna(False).astype(bool)].index)
    got = sorted(screening.evaluate(demo, query).index)
    assert got == expected


def test_some_examples_are_not_trivially_empty(demo: Analysis) -> None:
    sizes = [len(screening.evaluate(demo, q)) for q in REFERENCES]
    assert sum(s > 0 for s in sizes) >= 8
    assert len(screening.evaluate(demo, "close CROSSES ABOVE sma200 WITHIN 5 D")) > 0


def test_frame_columns_come_from_the_market_functions(demo: Analysis) -> None:
    f = screen_frame(demo)
    rets = stock_returns(demo.panel, demo.t)
    assert np.allclose(f.close, rets.close, equal_nan=True)
    daily = daily_fields(demo.panel, demo.t)
    assert np.allclose(f.rsi, daily.rsi, equal_nan=True)
    stats = index_stats(demo.data, demo.t)
    assert np.allclose(f.excess_1m_vs_bench, rets.ret_1m - stats.loc["SENSEX", "ret_1m"])
    assert np.allclose(f.excess_5d_vs_nifty_50, rets.ret_5d - stats.loc["NIFTY 50", "ret_5d"])
    assert set(f.call.dropna().unique()) <= {"Strong Sell", "Sell", "Hold", "Buy", "Strong Buy"}


def test_score_rank_pct_is_a_percentile_within_the_class(demo: Analysis) -> None:
    f = screen_frame(demo)
    for cls, group in f.groupby("mcap_class", observed=True):
        rated = group[group.score.notna()]
        best = rated.score.max()
        assert (rated.loc[rated.score == best, "score_rank_pct"] == 100).all(), cls
        assert rated.score_rank_pct.min() > 0
        order = rated.sort_values("score")
        assert order.score_rank_pct.is_monotonic_increasing
    assert f.loc[f.call.isna(), "score_rank_pct"].isna().all()


def test_demo_day_call_upgrades_are_todays_upgrades(demo: Analysis) -> None:
    got = set(screening.evaluate(demo, "call UPGRADED FROM hold TO buy").index)
    assert {"HEG", "ADOR", "KINGFA", "GPPL", "SCI"} <= got


@pytest.mark.parametrize("screen", builtin_screens(), ids=lambda s: s.key)
def test_every_builtin_screen_returns_a_sensible_non_empty_set(
    demo: Analysis, screen: screening.presets.Screen
) -> None:
    rows = screening.evaluate(demo, screen.query)
    assert len(rows) > 0
    assert len(rows) < len(demo.symbols) / 2
    if screen.key.startswith("top-"):
        cls = screen.key.removeprefix("top-").title()
        members = screen_frame(demo).mcap_class.eq(cls).sum()
        assert (rows.mcap_class == cls).all()
        assert len(rows) <= max(2, 0.02 * members)
        frame = screen_frame(demo)
        assert rows.score.min() >= frame[frame.mcap_class == cls].score.quantile(0.9)


def test_daily_indicator_fields_are_computed_only_when_asked_for() -> None:
    a = analyse(DemoSource().load(compact=True))
    lean = screen_frame(a, ["symbol", "call", "close"])
    assert not set(DAILY_FIELDS) & set(lean.columns)
    rows = screening.evaluate(a, "rsi > 60 AND call >= buy", columns=["symbol", "call"])
    assert "rsi" in rows.columns
    assert (rows["rsi"] > 60).all()
    full = screen_frame(a)
    assert set(DAILY_FIELDS) <= set(full.columns)
    fresh = analyse(DemoSource().load(compact=True))
    pd.testing.assert_frame_equal(full, screen_frame(fresh))  # same columns, order, values
