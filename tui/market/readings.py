"""Weekly and monthly technical readings of analytics.md §6.1 on every daily session.

The readings at session t use the completed bars before t's period plus the partial bar holding
t. Each recursive indicator first runs over the completed (J × N) bars (`prestate`), keeping, for
every completed bar p, what the next step needs: the coefficients of its affine update
(`a·x + b`), trailing window sums and the Dow pivots. `evaluate` then advances that state by one
new bar for all (t, stock) at once (§1: advance the state one step, never re-resample). The same
`evaluate` gives the completed bars' own values (with the state of the bar before), so on a
period's last session the partial bar and the completed bar agree bit for bit. "Previous bar" and
"2 bars ago" comparisons use completed bars.
"""

from __future__ import annotations

import numpy as np

from tui.market import indicators as ind
from tui.market.bars import Bars

Array = np.ndarray
KstPairs = tuple[tuple[int, int], ...]

NEEDS = {"macd": 34, "rsi": 17, "bollinger": 21, "obv": 21, "kst_w": 53, "kst_m": 41, "mas": 205}
"""Bars a reading needs before it is defined (§6.1)."""

OBV_FLAT = 0.01
"""OBV's EMA is flat when |ΔEMA| < this · mean |ΔOBV| over 20 bars."""

PERIOD_READINGS = ("macd", "rsi", "bollinger", "kst", "dow", "obv")
"""Readings computed on weekly and on monthly bars."""


def _i8(mask: Array) -> Array:
    return mask.view(np.int8)


def vs_signal(value: Array, signal: Array) -> Array:
    """MACD/KST rule (int8): > sig, > 0 → 2; > sig, ≤ 0 → 1; < sig, ≥ 0 → −1; < sig, < 0 → −2."""
    gt, lt = _i8(value > signal), _i8(value < signal)
    return np.asarray(gt * (1 + _i8(value > 0)) - lt * (1 + _i8(value < 0)))


def rsi_rule(r: Array, r2: Array) -> Array:
    """RSI rule (int8): ≥ 60 → 2; 50–60 above 2 bars ago → 1; 40–50 below it → −1; ≤ 40 → −2."""
    mb = (r > 50) & (r < 60) & (r > r2)
    mbe = (r > 40) & (r < 50) & (r < r2)
    return np.asarray(2 * _i8(r >= 60) - 2 * _i8(r <= 40) + _i8(mb) - _i8(mbe))


def bollinger_rule(pct_b: Array, mid: Array, mid_prev: Array) -> Array:
    """Bollinger rule (int8) on %B and whether the middle band rose or fell since the last bar."""
    rising, falling = mid > mid_prev, mid < mid_prev
    bull = (pct_b > 1) | ((pct_b > 0.8) & rising)
    bear = (pct_b < 0) | ((pct_b < 0.2) & falling)
    mb = (pct_b > 0.5) & (pct_b <= 0.8) & rising
    mbe = (pct_b >= 0.2) & (pct_b < 0.5) & falling
    return np.asarray(2 * _i8(bull) - 2 * _i8(bear) + _i8(mb) - _i8(mbe))


def obv_rule(obv: Array, ema: Array, dema: Array, mean_abs: Array) -> Array:
    """OBV vs its EMA20 (int8): above and EMA rising → 2, above → 1, below → −1, below and
    EMA falling → −2; the EMA is flat when |ΔEMA| < 0.01 · mean |ΔOBV|."""
    flat = np.abs(dema) < OBV_FLAT * mean_abs
    rising = _i8((dema > 0) & ~flat)
    falling = _i8((dema < 0) & ~flat)
    return np.asarray(_i8(obv > ema) * (1 + rising) - _i8(obv < ema) * (1 + falling))


def dow_step(
    state: tuple[Array, ...], hc: Array, new_high: Array, lc: Array, new_low: Array
) -> tuple[Array, ...]:
    """Add the pivot the newest bar confirms 2 bars back, if any (§5.2 rules 1–2).

    Args:
        state: (SH1, SH2, SL1, SL2, last) before it; last is 1 after a high pivot, −1 after a
            low one, 0 before any.
        hc, lc: high and low of the candidate bar.
        new_high, new_low: whether the candidate is a swing high / low (both: ignored).

    Returns:
        The new state; pivots alternate, keeping the higher of two highs, the lower of two lows.
    """
    sh1, sh2, sl1, sl2, last = state
    nh = new_high & ~new_low
    nl = new_low & ~new_high
    hi_new = nh & (last != 1)
    lo_new = nl & (last != -1)
    sh2 = np.where(hi_new, sh1, sh2)
    sh1 = np.where(hi_new, hc, np.where(nh, np.fmax(sh1, hc), sh1))
    sl2 = np.where(lo_new, sl1, sl2)
    sl1 = np.where(lo_new, lc, np.where(nl, np.fmin(sl1, lc), sl1))
    last = np.where(nh, 1.0, np.where(nl, -1.0, last))
    return sh1, sh2, sl1, sl2, last


def dow_rule(sh1: Array, sh2: Array, sl1: Array, sl2: Array, c: Array) -> Array:
    """Dow reading (int8, first match of §5.2 rule 4); 0 where it is undefined."""
    hh, hl, lh, ll = sh1 > sh2, sl1 > sl2, sh1 < sh2, sl1 < sl2
    above_sl1, below_sh1 = c > sl1, c < sh1
    bull = hh & hl & above_sl1
    bear = lh & ll & below_sh1
    mb = ((hh ^ hl) & (c > sh1)) | (hh & hl & (c <= sl1))
    mbe = ((lh ^ ll) & (c < sl1)) | (lh & ll & (c >= sh1))
    value = 2 * _i8(bull) - 2 * _i8(bear) + _i8(mb & ~bull) - _i8(mbe & ~(bull | bear | mb))
    return np.asarray(value)


def _filters(*specs: tuple[Array, int, float]) -> list[tuple[Array, Array, Array]]:
    """SMA-seeded filters over completed bars, run in one loop over the bars.

    Args:
        specs: (input (J, N), seed window n, alpha) per filter.

    Returns:
        Per filter (values, a, b): its values and the coefficients of its next step, `a·x + b`
        (`indicators.ema_coef`), which the same arithmetic reproduces bit for bit.
    """
    tails = [ind.window_sum(sp[0], sp[1] - 1) for sp in specs]
    values = ind.filters(list(specs), tails)
    out = []
    for k, (_, width, a) in enumerate(specs):
        out.append((values[k], *ind.ema_coef(values[k], tails[k], width, a)))
    return out


def _affine_series(x: Array, a: Array, b: Array) -> Array:
    """Values a[j−1]·x[j] + b[j−1]: a series defined by the previous bar's coefficients."""
    return np.asarray(ind.shift(a) * x + ind.shift(b))


def prestate(c: Array, h: Array, lo: Array, v: Array, kst_pairs: KstPairs) -> dict[str, Array]:
    """State after every completed bar p (J × N) that the step to bar p + 1 needs."""
    s: dict[str, Array] = {"c": c}
    g, loss = ind.gains_losses(c)
    obv = ind.obv(c, v)
    (_, a12, b12), (_, a26, b26), (ag, s["ag"], s["bg"]), (al, s["al"], s["bl"]), ema = _filters(
        (c, 12, 2.0 / 13), (c, 26, 2.0 / 27), (g, 14, 1.0 / 14), (loss, 14, 1.0 / 14),
        (obv, 20, 2.0 / 21),
    )  # fmt: skip
    s["obv_ema"], s["ae"], s["be"] = ema
    s["am"], s["bm"] = a12 - a26, b12 - b26
    macd = _affine_series(c, s["am"], s["bm"])
    ((_, s["as"], s["bs"]),) = _filters((macd, 9, 0.2))
    s["rsi_prev"] = ind.shift(ind.rsi_value(ag, al))
    s["t19"] = ind.window_sum(c, 19)
    s["dev1"], s["dev2"] = ind.deviation_sums(c, 19)
    s["mid"] = (ind.shift(s["t19"]) + c) / 20
    ak = np.zeros_like(c)
    bk = np.zeros_like(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, (r, n) in enumerate(kst_pairs, start=1):
            tail = ind.window_sum(100.0 * (c / ind.shift(c, r) - 1.0), n - 1)
            ak += i * (100.0 / (n * ind.shift(c, r - 1)))
            bk += i * ((tail - 100.0) / n)
    s["ak"], s["bk"] = ak, bk
    s["kt8"] = ind.window_sum(_affine_series(c, ak, bk), ind.KST_SIGNAL - 1)
    # 0 before a stock's first bar, so its first bar starts OBV at 0 (see `evaluate`).
    s["obv_base"] = np.where(np.isnan(obv), 0.0, obv)
    s["t19d"] = ind.window_sum(np.abs(obv - ind.shift(obv)), 19)
    s.update(_dow_prestate(h, lo))
    return s


def _dow_prestate(h: Array, lo: Array) -> dict[str, Array]:
    # At bar p the candidate for the next bar is p − 1, with neighbours p − 3, p − 2 and p.
    s = {"hc": ind.shift(h), "lc": ind.shift(lo)}
    with np.errstate(invalid="ignore"):
        hgt = s["hc"] > np.maximum(np.maximum(ind.shift(h, 3), ind.shift(h, 2)), h)
        llt = s["lc"] < np.minimum(np.minimum(ind.shift(lo, 3), ind.shift(lo, 2)), lo)
    # A bar that is no candidate gets ∓inf, so "candidate beats the newest bar" is one compare.
    s["hc"] = np.where(hgt, s["hc"], -np.inf)
    s["lc"] = np.where(llt, s["lc"], np.inf)
    j, n = h.shape
    keys = ("sh1", "sh2", "sl1", "sl2", "last")
    out = {k: np.full((j, n), np.nan) for k in keys}
    state: tuple[Array, ...] = (*(np.full(n, np.nan) for _ in range(4)), np.zeros(n))
    for i in range(j):
        if i > 0:
            p = i - 1
            state = dow_step(
                state, s["hc"][p], s["hc"][p] > h[i], s["lc"][p], s["lc"][p] < lo[i],
            )  # fmt: skip
        for k, val in zip(keys, state, strict=True):
            out[k][i] = val
    return s | out


def _affine(a: Array, x: Array, b: Array) -> Array:
    """a·x + b, rounded as written, in one new array."""
    out: Array = np.multiply(a, x)
    out += b
    return out


def _dow_advance(pre: dict[str, Array], up: Array, down: Array) -> tuple[Array, ...]:
    """`dow_step`'s SH1, SH2, SL1, SL2 after the newest bar, by selection.

    The state with the candidate added as a pivot depends on the state before only, so it is
    built at that state's (broadcast) shape and each newest bar picks one of the two.
    """
    sh1, sh2, sl1, sl2, last = (pre[k] for k in ("sh1", "sh2", "sl1", "sl2", "last"))
    hc, lc = pre["hc"], pre["lc"]
    hi_new, lo_new = last != 1, last != -1
    nh, nl = up & ~down, down & ~up
    return (
        np.where(nh, np.where(hi_new, hc, np.fmax(sh1, hc)), sh1),
        np.where(nh, np.where(hi_new, sh1, sh2), sh2),
        np.where(nl, np.where(lo_new, lc, np.fmin(sl1, lc)), sl1),
        np.where(nl, np.where(lo_new, sl1, sl2), sl2),
    )


def evaluate(
    x: Array, h: Array, lo: Array, v: Array, pre: dict[str, Array], count: Array, kst_need: int
) -> dict[str, Array]:
    """Advance the state before a bar by that bar: values and readings of the newest bar.

    Args:
        x, h, lo, v: close, high, low and volume of the newest bar (any shape).
        pre: `prestate` arrays taken at the bar before the newest, same shape as x.
        count: bars the stock has including the newest (0 where x is NaN).
        kst_need: bars the KST reading needs.

    Returns:
        Numbers (macd, signal, rsi, rsi_2ago, mid, mid_prev, pct_b, kst, kst_signal, obv,
        obv_ema, obv_dema, obv_mean_abs, sh1, sh2, sl1, sl2) and, per reading name in
        PERIOD_READINGS, "r_<name>" (int8 value) and "ok_<name>" (bool: enough bars).
    """
    o: dict[str, Array] = {}
    c1 = pre["c"]
    with np.errstate(invalid="ignore", divide="ignore"):
        o["macd"] = m = _affine(pre["am"], x, pre["bm"])
        o["signal"] = _affine(pre["as"], m, pre["bs"])
        o["r_macd"] = vs_signal(m, o["signal"])
        d = x - c1
        ag = _affine(pre["ag"], np.maximum(d, 0.0), pre["bg"])
        al = _affine(pre["al"], np.maximum(np.negative(d, out=d), 0.0, out=d), pre["bl"])
        o["rsi"], o["rsi_2ago"] = ind.rsi_value(ag, al), pre["rsi_prev"]
        del d, ag, al
        o["r_rsi"] = rsi_rule(o["rsi"], o["rsi_2ago"])
        mid, _, _, pct_b = ind.bollinger_step(x, c1, pre["t19"], pre["dev1"], pre["dev2"], 20, 2.0)
        o["mid"], o["mid_prev"], o["pct_b"] = mid, pre["mid"], pct_b
        o["r_bollinger"] = bollinger_rule(pct_b, mid, pre["mid"])
        o["kst"] = kst = _affine(pre["ak"], x, pre["bk"])
        o["kst_signal"] = np.add(pre["kt8"], kst)
        o["kst_signal"] /= ind.KST_SIGNAL
        o["r_kst"] = vs_signal(kst, o["kst_signal"])
        # Comparisons are False against a NaN close, so a stock's first bar moves OBV by 0.
        obv = (x > c1) * v
        obv -= (x < c1) * v
        o["obv"] = obv = np.add(pre["obv_base"], obv, out=obv)
        o["obv_ema"] = ema = _affine(pre["ae"], obv, pre["be"])
        o["obv_dema"] = ema - pre["obv_ema"]
        mean_abs = np.abs(np.subtract(obv, pre["obv_base"]))
        mean_abs += pre["t19d"]
        mean_abs /= 20
        o["obv_mean_abs"] = mean_abs
        o["r_obv"] = obv_rule(obv, ema, o["obv_dema"], mean_abs)
        sh1, sh2, sl1, sl2 = _dow_advance(pre, pre["hc"] > h, pre["lc"] < lo)
        o["sh1"], o["sh2"], o["sl1"], o["sl2"] = sh1, sh2, sl1, sl2
        o["r_dow"] = dow_rule(sh1, sh2, sl1, sl2, x)
    o["ok_dow"] = ~(np.isnan(sh2) | np.isnan(sl2) | np.isnan(x))
    needs = {"macd": NEEDS["macd"], "rsi": NEEDS["rsi"], "bollinger": NEEDS["bollinger"]}
    for name, need in (needs | {"kst": kst_need, "obv": NEEDS["obv"]}).items():
        o[f"ok_{name}"] = count >= need
    return o


def pad(pre: dict[str, Array]) -> dict[str, Array]:
    """Prepend a "no bar yet" row (NaN, False, 0 for obv_base) so row p + 1 holds bar p."""
    out = {}
    for k, a in pre.items():
        fill = False if a.dtype == bool else (0.0 if k == "obv_base" else np.nan)
        head = np.full((1, *a.shape[1:]), fill, dtype=a.dtype)
        out[k] = np.concatenate([head, a])
    return out


def first_bar(close: Array) -> Array:
    """Index of each column's first non-NaN completed bar (len when none)."""
    valid = ~np.isnan(close)
    return np.asarray(np.where(valid.any(axis=0), valid.argmax(axis=0), close.shape[0]))


def as_float(o: dict[str, Array]) -> dict[str, Array]:
    """Readings "r_<name>" as float values −2..2, NaN where a reading lacks bars."""
    out = {k: a for k, a in o.items() if not k.startswith(("r_", "ok_"))}
    for name in PERIOD_READINGS:
        out[f"r_{name}"] = np.where(o[f"ok_{name}"], o[f"r_{name}"], np.nan)
    return out


def period_readings(
    b: Bars, kst_pairs: KstPairs, kst_need: int, use_partial: bool = True
) -> tuple[dict[str, Array], dict[str, Array]]:
    """Values and readings of one period kind for every session and every completed bar.

    Not the hot path (technicals_history runs `evaluate` in column chunks); used by
    `explain_technicals` and tests.

    Args:
        b: weekly or monthly bars.
        kst_pairs: KST_STANDARD (weekly) or KST_LONG (monthly).
        kst_need: bars the KST reading needs (53 weekly, 41 monthly).
        use_partial: include the partial bar holding each session (§1); without it a session
            whose bar is flagged partial sees the previous completed bar's values.

    Returns:
        (per_session (T, N), per_bar (J, N)) dicts: the `evaluate` numbers, a "count" and
        float readings "r_<name>" per name in PERIOD_READINGS (NaN when not enough bars).
    """
    per = b.periods
    pre = prestate(b.close, b.high, b.low, b.volume, kst_pairs)
    first = first_bar(b.close)
    padded = pad(pre)
    done_count = np.where(np.isnan(b.close), 0, np.arange(per.count)[:, None] - first + 1)
    before = {k: a[:-1] for k, a in padded.items()}
    done = as_float(evaluate(b.close, b.high, b.low, b.volume, before, done_count, kst_need))
    done["count"] = done_count.astype(float)
    group = per.group
    count = np.where(np.isnan(b.p_close), 0, group[:, None] - first + 1)
    at = {k: a[group] for k, a in padded.items()}
    now = as_float(evaluate(b.p_close, b.p_high, b.p_low, b.p_volume, at, count, kst_need))
    now["count"] = count.astype(float)
    if not use_partial:
        now = {k: drop_partial(a, done[k], per.partial, group) for k, a in now.items()}
    return now, done


def drop_partial(now: Array, done: Array, partial: Array, group: Array) -> Array:
    """Where a session's bar is flagged partial, use the previous completed bar's value.

    Before a first completed bar there is nothing: NaN, or 0 / False for int8 and bool arrays.
    """
    fill = np.nan if done.dtype.kind == "f" else 0
    head = np.full((1, *done.shape[1:]), fill, dtype=done.dtype)
    prev = np.concatenate([head, done])[group]
    return np.where(partial.reshape(-1, *([1] * (now.ndim - 1))), prev, now).astype(now.dtype)


def mas_reading(close: Array) -> dict[str, Array]:
    """The daily moving-average reading and its inputs, for every session (§6.1).

    Args:
        close: filled daily closes (T, N): NaN only before a stock's first bar.

    Returns:
        r_mas (int8), ok_mas (bool: 205 sessions), sma50, sma200, sma50_5ago, close.
    """
    t = close.shape[0]
    first = first_bar(close)
    rows = np.arange(t)[:, None]
    # Closes minus each column's first close keep the running sums small and exact enough.
    ref = close[np.minimum(first, t - 1), np.arange(close.shape[1])]
    cs = np.zeros((t + 1, close.shape[1]))
    centred = close - ref
    centred[rows < first] = 0.0
    cs[1:] = ind.cumsum0(centred)
    sma = {}
    for n in (50, 200):
        m = np.full_like(close, np.nan)
        m[n - 1 :] = (cs[n:] - cs[: t + 1 - n]) / n + ref
        m[rows < first + n - 1] = np.nan
        sma[n] = m
    sma50, sma200 = sma[50], sma[200]
    back = ind.shift(sma50, 5)
    with np.errstate(invalid="ignore"):
        above, below = close > sma50, close < sma50
        bull = above & (sma50 > sma200) & (sma50 > back)
        bear = below & (sma50 < sma200) & (sma50 < back)
    value = _i8(bull) + _i8(above) - _i8(bear) - _i8(below)
    return {
        "r_mas": value, "ok_mas": rows >= first + NEEDS["mas"] - 1,
        "sma50": sma50, "sma200": sma200, "sma50_5ago": back, "close": close,
    }  # fmt: skip
