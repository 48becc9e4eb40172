"""The Technicals pillar (analytics.md §6.1): readings, T, bands, hysteresis, partial bars."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tui.market import indicators as ind
from tui.market import readings as rd
from tui.market import technicals as tech
from tui.market.bars import bars, periods, resample
from tui.market.model import Panel
from tui.market.params import Params
from tui.market.technicals import (
    READING_NAMES,
    band,
    daily_fields,
    hysteresis,
    t_value,
    technicals_history,
)
from tui.market.technicals_explain import explain_technicals

NAN = np.nan


def make_panel(t: int = 900, n: int = 6, seed: int = 0, start: str = "2021-01-04") -> Panel:
    """Seeded walks on business days minus a few holidays; column k listed at row 60·k."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(start, periods=t + t // 20 + 10)
    dates = dates.delete(np.arange(17, len(dates), 41))[:t]  # some Friday/other holidays
    drift = rng.normal(0, 0.001, n)
    c = 100 * np.exp(np.cumsum(rng.normal(drift, 0.02, (t, n)), axis=0))
    h = c * np.exp(np.abs(rng.normal(0, 0.01, (t, n))))
    lo = c * np.exp(-np.abs(rng.normal(0, 0.01, (t, n))))
    o = np.clip(c * np.exp(rng.normal(0, 0.005, (t, n))), lo, h)
    v = rng.integers(0, 100_000, (t, n)).astype(float)
    for k in range(n):
        for a in (o, h, lo, c, v):
            a[: 60 * k, k] = NAN
    c[300:310, 0] = NAN  # a suspension: filled flat
    for a in (o, h, lo, v):
        a[300:310, 0] = NAN
    return Panel(dates, pd.Index([f"S{k}" for k in range(n)]), o, h, lo, c, v)


@pytest.fixture(scope="module")
def panel() -> Panel:
    return make_panel()


@pytest.fixture(scope="module")
def history(panel: Panel):  # type: ignore[no-untyped-def]
    return technicals_history(panel)


# ---- rules -----------------------------------------------------------------------------------


def test_vs_signal_rule() -> None:
    value = np.array([2.0, -1.0, 1.0, -2.0, 1.0, 0.0, 0.0])
    signal = np.array([1.0, -2.0, 2.0, -1.0, 1.0, -1.0, 1.0])
    assert_array_equal(rd.vs_signal(value, signal), [2, 1, -1, -2, 0, 1, -1])


def test_rsi_rule() -> None:
    r = np.array([60.0, 75, 55, 55, 45, 45, 40, 50, 30, 59.9])
    r2 = np.array([0.0, 0, 50, 57, 50, 40, 0, 20, 0, 70])
    assert_array_equal(rd.rsi_rule(r, r2), [2, 2, 1, 0, -1, 0, -2, 0, -2, 0])


def test_bollinger_rule() -> None:
    pct_b = np.array([1.2, 0.9, 0.9, 0.7, 0.7, 0.3, -0.1, 0.1, 0.1, 0.5])
    mid = np.array([1.0, 2, 1, 2, 1, 1, 2, 1, 2, 1])
    prev = np.ones(10) * np.array([2, 1, 1, 1, 1, 2, 1, 2, 1, 2])
    assert_array_equal(rd.bollinger_rule(pct_b, mid, prev), [2, 2, 0, 1, 0, -1, -2, -2, 0, 0])


def test_obv_rule_with_flatness() -> None:
    obv = np.array([10.0, 10, 10, 0, 0, 0, 5])
    ema = np.array([5.0, 5, 5, 5, 5, 5, 5])
    dema = np.array([1.0, 0.001, -1, -1, 0.001, 1, 1])
    mean_abs = np.ones(7)
    assert_array_equal(rd.obv_rule(obv, ema, dema, mean_abs), [2, 1, 1, -2, -1, -1, 0])


def test_dow_golden_case_16() -> None:
    x = np.array([12, 11, 10, 13, 16, 20, 17, 15, 19, 22, 25, 21, 14, 16, 18, 17, 12, 11.0])
    dates = pd.date_range("2025-01-03", periods=len(x), freq="7D")  # one Friday a week
    per = periods(dates, "W")
    col = x[:, None]
    b = resample(per, col, col, col, col, np.ones_like(col))
    now, done = rd.period_readings(b, ind.KST_STANDARD, 53)
    want = [NAN] * 12 + [1, 2, 0, 0, -2, -2]
    assert_array_equal(done["r_dow"][:, 0], want)
    assert_array_equal(now["r_dow"][:, 0], want)


def test_mas_rule() -> None:
    up = np.linspace(10, 30, 260)[:, None]
    r = rd.mas_reading(up)
    assert not r["ok_mas"][203, 0]
    assert r["ok_mas"][204, 0]
    assert r["r_mas"][204, 0] == 2
    down = up[::-1].copy()
    assert rd.mas_reading(down)["r_mas"][204, 0] == -2
    assert rd.mas_reading(np.full((260, 1), 5.0))["r_mas"][250, 0] == 0


# ---- T, bands, hysteresis ---------------------------------------------------------------------


def test_t_and_rating_golden_case_17() -> None:
    assert t_value(np.ones(13)) == 1.0
    assert band(t_value(np.ones(13))) == 4
    six = np.array([1.0] * 6 + [NAN] * 7)
    assert np.isnan(t_value(six))
    assert t_value(np.array([1, 1, 1, 0, 0, 0, 1] + [NAN] * 6)) == round(4 / 7, 6)


def test_band_edges() -> None:
    t = np.array([1.0, 0.999999, 0.35, 0.349999, -0.349999, -0.35, -0.999999, -1.0, NAN])
    assert_array_equal(band(t), [4, 3, 3, 2, 2, 1, 1, 0, NAN])


def test_hysteresis_golden_case_18() -> None:
    assert_array_equal(hysteresis(np.array([0.30, 0.37, 0.36])), [2, 2, 3])
    assert_array_equal(hysteresis(np.array([0.30, 0.40])), [2, 3])


def test_hysteresis_downward_reset_and_columns() -> None:
    t = np.array(
        [
            [0.40, 0.40, 1.2],
            [0.33, 0.29, 0.97],
            [0.31, 0.29, 0.90],
            [NAN, 0.33, 0.90],
            [0.33, 0.36, 0.94],
        ]
    )
    want = np.array(
        [
            [3, 3, 4],
            [3, 2, 4],  # 0.33 only 0.02 inside Sideways; 0.29 is 0.06 inside
            [2, 2, 3],  # yesterday's T was Sideways too; 0.90 is 0.10 inside Mildly Bullish
            [NAN, 2, 3],
            [2, 2, 3],  # Not rated resets: plain band; 0.36 only 0.01 inside
        ]
    )
    assert_array_equal(hysteresis(t), want)


# ---- the pillar over a panel -------------------------------------------------------------------


def test_history_shape_and_consistency(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    n_t, n = panel.shape
    ex = history.extras
    for key in (*READING_NAMES, "t", "band", "count", *tech.SCREEN_VALUES.values()):
        assert ex[key].shape == (n_t, n)
    stacked = np.stack([ex[name].astype(float) for name in READING_NAMES])
    assert set(np.unique(stacked[~np.isnan(stacked)])) <= {-2, -1, 0, 1, 2}
    assert_array_equal(ex["t"], t_value(stacked))
    assert_array_equal(ex["count"], np.sum(~np.isnan(stacked), axis=0))
    assert_array_equal(history.score, 50 + 25 * ex["t"])
    assert_array_equal(ex["band"], band(ex["t"]))
    assert_array_equal(history.grade, hysteresis(ex["t"]))
    rated = ~np.isnan(history.grade)
    assert rated[-1].all()
    assert np.isnan(history.grade[: 60 * 5, 5]).all()


def test_chunking_does_not_change_results(panel: Panel, history, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tech, "CHUNK", 2)
    monkeypatch.setattr(tech, "WIDE_CHUNK", 4)
    again = technicals_history(panel)
    for key, a in history.extras.items():
        assert_array_equal(again.extras[key], a, err_msg=key)
    assert_array_equal(again.grade, history.grade)


def test_a_stock_equals_itself_computed_alone(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    k = 3
    alone = Panel(
        panel.dates, panel.symbols[k : k + 1],
        *(a[:, k : k + 1] for a in (panel.open, panel.high, panel.low, panel.close, panel.volume)),
    )  # fmt: skip
    one = technicals_history(alone)
    for key, a in history.extras.items():
        assert_array_equal(one.extras[key][:, 0], a[:, k], err_msg=key)


def test_late_listing_equals_a_panel_starting_at_the_listing(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    k = 2  # listed at row 120
    first = int(panel.first_bar[k])
    cut = Panel(
        panel.dates[first:], panel.symbols,
        *(a[first:] for a in (panel.open, panel.high, panel.low, panel.close, panel.volume)),
    )  # fmt: skip
    # the cut starts on the listing day, so weekly and monthly bars are the same
    again = technicals_history(cut)
    for key in READING_NAMES:
        assert_array_equal(again.extras[key][:, k], history.extras[key][first:, k], err_msg=key)
    assert_array_equal(again.grade[:, k], history.grade[first:, k])


def test_changing_bar_t_plus_1_leaves_everything_up_to_t_unchanged(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    t = 700
    rng = np.random.default_rng(99)
    arrays = [a.copy() for a in (panel.open, panel.high, panel.low, panel.close, panel.volume)]
    factor = np.exp(rng.normal(0, 0.2, arrays[0][t + 1 :].shape))
    for a in arrays[:4]:
        a[t + 1 :] *= factor
    arrays[4][t + 1 :] *= 3
    changed = technicals_history(Panel(panel.dates, panel.symbols, *arrays))
    for key, a in history.extras.items():
        assert_array_equal(changed.extras[key][: t + 1], a[: t + 1], err_msg=key)
    assert_array_equal(changed.grade[: t + 1], history.grade[: t + 1])
    assert not np.array_equal(changed.extras["t"][t + 1 :], history.extras["t"][t + 1 :])


@pytest.mark.parametrize(
    ("freq", "pairs", "need"), [("W", ind.KST_STANDARD, 53), ("M", ind.KST_LONG, 41)]
)
def test_partial_bar_agrees_with_completed_bar_on_the_last_session(
    panel: Panel, freq, pairs, need
) -> None:  # type: ignore[no-untyped-def]
    b = bars(panel, freq)
    now, done = rd.period_readings(b, pairs, need)
    end = b.periods.end
    assert b.periods.partial.any()
    assert not b.periods.partial.all()
    for key, a in done.items():
        assert_array_equal(now[key][end], a, err_msg=key)
    # and the readings really change within a period (the partial bar is used)
    assert not np.array_equal(now["r_rsi"], done["r_rsi"][b.periods.group], equal_nan=True)


def test_without_partial_bars_a_partial_session_sees_the_previous_bar(panel: Panel) -> None:
    b = bars(panel, "W")
    with_partial, done = rd.period_readings(b, ind.KST_STANDARD, 53)
    without, _ = rd.period_readings(b, ind.KST_STANDARD, 53, use_partial=False)
    part, group = b.periods.partial, b.periods.group
    rows = np.flatnonzero(part & (group > 0))
    for key in ("r_macd", "rsi", "r_dow", "count"):
        assert_array_equal(without[key][rows], done[key][group[rows] - 1], err_msg=key)
        assert_array_equal(without[key][~part], with_partial[key][~part], err_msg=key)
    plain = technicals_history(panel, Params(use_partial_bars=False))
    assert_array_equal(
        plain.extras["macd_w"][~part], technicals_history(panel).extras["macd_w"][~part]
    )
    assert_array_equal(plain.extras["rsi_w_value"][rows], done["rsi"][group[rows] - 1])


def test_weekly_values_match_indicators_on_completed_bars(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    b = bars(panel, "W")
    end = b.periods.end
    rsi = ind.rsi(b.close)
    macd, _, _ = ind.macd(b.close)
    assert_allclose(history.extras["rsi_w_value"][end], rsi, rtol=1e-9, atol=1e-9)
    assert_allclose(history.extras["macd_w_value"][end], macd, rtol=1e-9, atol=1e-9)
    _, done = rd.period_readings(b, ind.KST_STANDARD, 53)
    k, ks = ind.kst(b.close)
    assert_allclose(done["kst"], k, rtol=1e-9, atol=1e-9)
    assert_allclose(done["kst_signal"], ks, rtol=1e-9, atol=1e-9)
    assert_allclose(done["pct_b"], ind.bollinger(b.close)[3], rtol=1e-9, atol=1e-9)
    obv = ind.obv(b.close, b.volume)
    listed = ~np.isnan(obv)
    assert_allclose(done["obv"][listed], obv[listed], rtol=1e-12)


def test_bars_needed(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    b = bars(panel, "W")
    now, _ = rd.period_readings(b, ind.KST_STANDARD, 53)
    for name, need in (("macd", 34), ("rsi", 17), ("bollinger", 21), ("obv", 21), ("kst", 53)):
        defined = ~np.isnan(now[f"r_{name}"])
        assert (now["count"][defined] >= need).all(), name
        assert defined[now["count"] >= need].all(), name
    mas = history.extras["mas"]
    first = panel.first_bar
    for k in range(panel.shape[1]):
        assert np.isnan(mas[: first[k] + 204, k]).all()
        assert not np.isnan(mas[first[k] + 204 :, k]).any()


# ---- explain and daily fields -----------------------------------------------------------------


def test_explain_lists_every_reading(panel: Panel, history) -> None:  # type: ignore[no-untyped-def]
    e = explain_technicals(panel, history, "S1", -1)
    assert e.status == "rated"
    assert len(e.reasons) >= 14
    labels = [line.split(":")[0] for line in e.reasons[:13]]
    assert labels == [
        "MACD W", "MACD M", "RSI W", "RSI M", "Bollinger W", "Bollinger M", "MAs",
        "KST W", "KST M", "Dow W", "Dow M", "OBV W", "OBV M",
    ]  # fmt: skip
    assert e.score == pytest.approx(history.score[-1, 1])
    for i, name in enumerate(READING_NAMES):
        value = history.extras[name][-1, 1]
        assert ("n/a" in e.reasons[i]) == bool(np.isnan(value)), name
        assert e.raw[name] == pytest.approx(value, nan_ok=True)
    young = explain_technicals(panel, history, "S5", 60 * 5 + 30)
    assert young.status == "not_rated"
    assert any("KST M: n/a (needs 41 monthly bars, has" in line for line in young.reasons)


def test_daily_fields(panel: Panel) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    t = 800
    f = daily_fields(panel, t)
    assert list(f.columns) == [
        "rsi", "macd", "macd_signal", "pct_b", "sma20", "sma50", "sma200", "ema20", "adx",
    ]  # fmt: skip
    assert list(f.index) == list(panel.symbols)
    c = panel.filled[3][: t + 1, 1]
    assert f.loc["S1", "rsi"] == pytest.approx(talib.RSI(c[60:], 14)[-1], rel=1e-9)
    assert f.loc["S1", "sma200"] == pytest.approx(c[-200:].mean(), rel=1e-12)
    assert f.loc["S1", "pct_b"] == pytest.approx(ind.bollinger(c)[3][-1], rel=1e-9)
    young = daily_fields(panel, 60 * 5 + 20)
    assert np.isnan(young.loc["S5", "sma50"])
    assert not np.isnan(young.loc["S5", "sma20"])


def test_daily_fields_equal_the_full_histories_bit_for_bit(panel: Panel) -> None:
    _, h, lo, c, _ = (x[:701] for x in panel.filled)
    f = daily_fields(panel, 700)
    m, s, _ = ind.macd(c)
    want = {
        "rsi": ind.rsi(c), "macd": m, "macd_signal": s, "ema20": ind.ema(c, 20),
        "adx": ind.adx(h, lo, c)[0],
    }  # fmt: skip
    for key, full in want.items():
        assert_array_equal(f[key].to_numpy(), full[-1], err_msg=key)
