"""Indicators (analytics.md §5.1): parity with TA-Lib and `ta` (§5.3) and golden cases 12–14."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tui.market import indicators as ind

TOL = {"rtol": 1e-9, "atol": 1e-9}


def walk(seed: int, n: int = 3000, sigma: float = 0.025) -> dict[str, np.ndarray]:
    """A seeded geometric random walk from 100 with OHLCV."""
    rng = np.random.default_rng(seed)
    c = 100.0 * np.exp(np.cumsum(rng.normal(0.0, sigma, n)))
    h = c * np.exp(np.abs(rng.normal(0.0, sigma / 2, n)))
    lo = c * np.exp(-np.abs(rng.normal(0.0, sigma / 2, n)))
    v = rng.integers(1_000, 1_000_000, n).astype(np.float64)
    return {"c": c, "h": h, "l": lo, "v": v}


@pytest.fixture(params=[(1, 0.02), (2, 0.025), (3, 0.03)], ids=["s1", "s2", "s3"])
def data(request: pytest.FixtureRequest) -> dict[str, np.ndarray]:
    seed, sigma = request.param
    return walk(seed, sigma=sigma)


def first_valid(a: np.ndarray) -> int:
    return int(np.flatnonzero(~np.isnan(a))[0])


# ---- parity with TA-Lib (§5.3) -------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 20, 50, 200])
def test_sma_ema_match_talib(data: dict[str, np.ndarray], n: int) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    c = data["c"]
    assert_allclose(ind.sma(c, n)[n - 1 :], talib.SMA(c, n)[n - 1 :], **TOL)
    assert_allclose(ind.ema(c, n)[n - 1 :], talib.EMA(c, n)[n - 1 :], **TOL)
    assert np.isnan(ind.sma(c, n)[: n - 1]).all()
    assert np.isnan(ind.ema(c, n)[: n - 1]).all()


def test_rsi_matches_talib(data: dict[str, np.ndarray]) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    c = data["c"]
    assert_allclose(ind.rsi(c)[14:], talib.RSI(c, 14)[14:], **TOL)


def test_macd_matches_talib_from_200_and_ta_from_400(data: dict[str, np.ndarray]) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    ta = pytest.importorskip("ta", reason="ta oracle not installed")
    c = data["c"]
    m, s, h = ind.macd(c)
    tm, ts, th = talib.MACD(c, 12, 26, 9)
    for ours, theirs in ((m, tm), (s, ts), (h, th)):
        assert_allclose(ours[200:], theirs[200:], **TOL)
    oracle = ta.trend.MACD(pd.Series(c), window_slow=26, window_fast=12, window_sign=9)
    assert_allclose(m[400:], oracle.macd().to_numpy()[400:], **TOL)
    assert_allclose(s[400:], oracle.macd_signal().to_numpy()[400:], **TOL)


def test_bollinger_matches_talib_and_ta(data: dict[str, np.ndarray]) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    ta = pytest.importorskip("ta", reason="ta oracle not installed")
    c = data["c"]
    mid, up, lo, pct_b = ind.bollinger(c)
    tu, tm, tl = talib.BBANDS(c, 20, 2, 2, 0)
    for ours, theirs in ((up, tu), (mid, tm), (lo, tl)):
        assert_allclose(ours[19:], theirs[19:], **TOL)
    bb = ta.volatility.BollingerBands(pd.Series(c), window=20, window_dev=2)
    assert_allclose(up[19:], bb.bollinger_hband().to_numpy()[19:], **TOL)
    assert_allclose(pct_b[19:], bb.bollinger_pband().to_numpy()[19:], **TOL)


def test_kst_matches_ta_from_44_and_52(data: dict[str, np.ndarray]) -> None:
    ta = pytest.importorskip("ta", reason="ta oracle not installed")
    c = data["c"]
    k, s = ind.kst(c)
    oracle = ta.trend.KSTIndicator(pd.Series(c))
    assert_allclose(k[44:], oracle.kst().to_numpy()[44:], **TOL)
    assert_allclose(s[52:], oracle.kst_sig().to_numpy()[52:], **TOL)


def test_obv_matches_talib_differences(data: dict[str, np.ndarray]) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    c = np.round(data["c"], 1)  # rounding makes some closes equal
    v = data["v"]
    o = ind.obv(c, v)
    assert o[0] == 0.0
    assert_allclose(np.diff(o), np.diff(talib.OBV(c, v)), **TOL)


def test_adx_matches_ta(data: dict[str, np.ndarray]) -> None:
    ta = pytest.importorskip("ta", reason="ta oracle not installed")
    h, lo, c = data["h"], data["l"], data["c"]
    a, pdi, mdi = ind.adx(h, lo, c)
    oracle = ta.trend.ADXIndicator(pd.Series(h), pd.Series(lo), pd.Series(c), window=14)
    assert_allclose(a[27:], oracle.adx().to_numpy()[27:], **TOL)
    assert_allclose(pdi[15:], oracle.adx_pos().to_numpy()[15:], **TOL)
    assert_allclose(mdi[15:], oracle.adx_neg().to_numpy()[15:], **TOL)


def test_adx_matches_talib_from_400(data: dict[str, np.ndarray]) -> None:
    talib = pytest.importorskip("talib", reason="TA-Lib oracle not installed")
    h, lo, c = data["h"], data["l"], data["c"]
    a, pdi, _ = ind.adx(h, lo, c)
    assert_allclose(a[400:], talib.ADX(h, lo, c, 14)[400:], **TOL)
    assert_allclose(pdi[400:], talib.PLUS_DI(h, lo, c, 14)[400:], **TOL)


# ---- golden cases 12-14 (§10) --------------------------------------------------------------


def test_first_defined_indices() -> None:
    w = walk(7, 300)
    c = w["c"]
    m, s, _ = ind.macd(c)
    k, ks = ind.kst(c)
    kl, kls = ind.kst(c, ind.KST_LONG)
    a, pdi, _ = ind.adx(w["h"], w["l"], c)
    _, _, _, pct_b = ind.bollinger(c)
    found = [first_valid(x) for x in (ind.rsi(c), m, s, k, ks, kl, kls, a, pdi, pct_b)]
    assert found == [14, 25, 33, 44, 52, 32, 40, 27, 14, 19]
    assert first_valid(ind.obv(c, w["v"])) == 0


def test_rsi_flat_is_50_and_rising_is_100() -> None:
    assert_array_equal(ind.rsi(np.full(40, 10.0))[14:], 50.0)
    assert_array_equal(ind.rsi(np.arange(1.0, 41.0))[14:], 100.0)
    assert_array_equal(ind.rsi(np.arange(41.0, 1.0, -1))[14:], 0.0)


def test_obv_golden_and_equal_closes() -> None:
    assert_array_equal(
        ind.obv(np.array([10.0, 11, 11, 10]), np.array([5.0, 7, 9, 4])), [0, 7, 7, 3]
    )


def test_bollinger_flat_bands_give_half() -> None:
    _, up, lo, pct_b = ind.bollinger(np.full(30, 5.0))
    assert_array_equal(up[19:], lo[19:])
    assert_array_equal(pct_b[19:], 0.5)


# ---- 2-D, leading NaN, gaps ----------------------------------------------------------------


def _shifted_columns(x: np.ndarray, heads: list[int]) -> np.ndarray:
    """One column per head: x delayed by `head` rows with a NaN head."""
    out = np.full((len(x), len(heads)), np.nan)
    for j, head in enumerate(heads):
        out[head:, j] = x[: len(x) - head]
    return out


HEADS = [0, 1, 37, 100, 250]


@pytest.mark.parametrize(
    "fn",
    [
        lambda c, h, lo, v: (ind.sma(c, 20),),
        lambda c, h, lo, v: (ind.ema(c, 26),),
        lambda c, h, lo, v: (ind.rma(c, 14),),
        lambda c, h, lo, v: (ind.rsi(c),),
        lambda c, h, lo, v: ind.macd(c),
        lambda c, h, lo, v: ind.bollinger(c),
        lambda c, h, lo, v: ind.kst(c),
        lambda c, h, lo, v: ind.kst(c, ind.KST_LONG),
        lambda c, h, lo, v: (ind.obv(c, v),),
        lambda c, h, lo, v: ind.adx(h, lo, c),
    ],
    ids=["sma", "ema", "rma", "rsi", "macd", "bollinger", "kst", "kst_long", "obv", "adx"],
)
def test_leading_nan_columns_equal_the_shifted_series(fn) -> None:  # type: ignore[no-untyped-def]
    w = walk(11, 600)
    series = [w["c"], w["h"], w["l"], w["v"]]
    one = fn(*series)
    wide = fn(*(_shifted_columns(x, HEADS) for x in series))
    for single, panel in zip(one, wide, strict=True):
        assert panel.shape == (600, len(HEADS))
        for j, head in enumerate(HEADS):
            assert np.isnan(panel[:head, j]).all()
            assert_allclose(panel[head:, j], single[: 600 - head], rtol=1e-12, atol=1e-9)
        # warm-up counts from each column's first value
        defined = first_valid(single)
        for j, head in enumerate(HEADS):
            assert first_valid(panel[:, j]) == head + defined


def test_sma_first_defined_after_a_late_listing() -> None:
    c = _shifted_columns(walk(3, 300)["c"], [100])
    s = ind.sma(c, 20)
    assert first_valid(s[:, 0]) == 119


def test_one_d_input_gives_one_d_output() -> None:
    c = walk(5, 100)["c"]
    assert ind.sma(c, 5).shape == (100,)
    assert ind.macd(c)[0].shape == (100,)
    assert ind.ema(c[:, None], 5).shape == (100, 1)


def test_window_sum_blanks_windows_touching_a_gap() -> None:
    x = np.arange(10.0)
    x[5] = np.nan
    s = ind.window_sum(x, 3)
    assert_array_equal(np.isnan(s), [1, 1, 0, 0, 0, 1, 1, 1, 0, 0])
    assert s[4] == 2 + 3 + 4
    assert s[8] == 6 + 7 + 8


def test_ema_restarts_warm_up_after_a_gap() -> None:
    x = np.arange(1.0, 21.0)
    x[8] = np.nan
    e = ind.ema(x, 3)
    assert np.isnan(e[8:11]).all()
    assert e[11] == pytest.approx((x[9] + x[10] + x[11]) / 3)


def test_later_bars_never_change_earlier_values() -> None:
    w = walk(9, 400)
    changed = {k: v.copy() for k, v in w.items()}
    for k in changed:
        changed[k][300:] *= 1.7
    for fn in (
        lambda d: ind.rsi(d["c"]),
        lambda d: ind.macd(d["c"])[1],
        lambda d: ind.kst(d["c"])[1],
        lambda d: ind.bollinger(d["c"])[3],
        lambda d: ind.adx(d["h"], d["l"], d["c"])[0],
        lambda d: ind.obv(d["c"], d["v"]),
    ):
        assert_array_equal(fn(w)[:300], fn(changed)[:300])


def test_window_sum_and_filters_equal_the_plain_forms_bit_for_bit() -> None:
    """Fast paths (leading-NaN windows, stacked filters, in-place deviation sums) change no bit."""
    rng = np.random.default_rng(11)
    x = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, (300, 7)), axis=0))
    x[:40, 1] = np.nan  # late listing: the leading-NaN path
    x[150:155, 2] = np.nan  # a gap: the counting path
    x[:, 3] = np.nan
    for n in (1, 2, 13, 26, 299, 300, 301):
        valid = ~np.isnan(x)
        ref = np.nan_to_num(x[valid.argmax(axis=0), np.arange(7)])
        cs = np.zeros((301, 7))
        cs[1:] = np.cumsum(np.where(valid, x - ref, 0.0), axis=0)
        cnt = np.zeros((301, 7))
        cnt[1:] = np.cumsum(valid, axis=0)
        want = np.full_like(x, np.nan)
        if n <= 300:
            sums = cs[n:] - cs[:-n] + n * ref
            sums[(cnt[n:] - cnt[:-n]) != n] = np.nan
            want[n - 1 :] = sums
        assert_array_equal(ind.window_sum(x, n), want)
    values = ind.filters([(x, 12, 2.0 / 13), (x, 14, 1.0 / 14)])
    assert_array_equal(values[0], ind.ema(x, 12))
    assert_array_equal(values[1], ind.rma(x, 14))
    s1, s2 = ind.deviation_sums(x, 19)
    w1, w2 = np.zeros_like(x), np.zeros_like(x)
    for k in range(1, 19):
        d = ind.shift(x, k) - x
        w1 += d
        w2 += d * d
    assert_array_equal(s1, w1)
    assert_array_equal(s2, w2)
