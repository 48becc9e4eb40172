"""Indicators of analytics.md §5.1 on dense 2-D arrays: own NumPy code, no TA library.

Every function takes arrays with time on axis 0 and one column per stock (a 1-D input gives a
1-D result). A column may start with NaN (a stock listed later): its warm-up counts from its first
valid value. Recursive filters are loops over the time axis with whole-row operations; windowed
sums come from cumulative sums. A NaN inside a column makes every window touching it NaN and
restarts a recursive filter's warm-up after it.

The step functions (`ema_coef`/`ema_step`, `bollinger_step`) are the single
definition of each recursion: the full-series functions and the one-step advance of a partial
weekly or monthly bar (`readings.py`) both call them, so a partial bar equal to a completed bar
gives bit-identical values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

KST_STANDARD = ((10, 10), (15, 10), (20, 10), (30, 15))
"""Pring's KST (ROC period, SMA period) pairs, weighted 1..4; used on weekly bars."""

KST_LONG = ((9, 6), (12, 6), (18, 6), (24, 9))
"""Pring's long-term KST pairs; used on monthly bars."""

KST_SIGNAL = 9
"""KST signal line: SMA of this many KST values."""

Array = np.ndarray


def _two_d(x: Array) -> tuple[Array, bool]:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        return a[:, None], True
    if a.ndim != 2:
        raise ValueError(f"expected a 1-D or 2-D array, got {a.ndim}-D")
    return a, False


def _out(a: Array, squeeze: bool) -> Array:
    return a[:, 0] if squeeze else a


def _wrap(fn: Callable[..., tuple[Array, ...]]) -> Callable[..., tuple[Array, ...]]:
    """Apply a 2-D function to 1-D or 2-D inputs, squeezing outputs back for 1-D ones."""

    def run(*arrays: Array, **kw: int | float) -> tuple[Array, ...]:
        pairs = [_two_d(a) for a in arrays]
        outs = fn(*(p[0] for p in pairs), **kw)
        return tuple(_out(o, pairs[0][1]) for o in outs)

    run.__doc__ = fn.__doc__
    return run


def shift(x: Array, k: int = 1) -> Array:
    """Return x shifted k rows down along axis 0 (the value k bars ago), NaN-padded at the top."""
    out = np.full_like(x, np.nan)
    if k < x.shape[0]:
        out[k:] = x[: x.shape[0] - k]
    return out


def cumsum0(a: Array) -> Array:
    """Cumulative sum along axis 0.

    For wide arrays a loop over rows adding whole rows is several times faster than
    `np.cumsum(axis=0)`, whose inner loop strides down each column.
    """
    if a.ndim != 2 or a.shape[1] < 64:
        return np.cumsum(a, axis=0)
    out = np.empty_like(a)
    if a.shape[0]:
        out[0] = a[0]
    for i in range(1, a.shape[0]):
        np.add(out[i - 1], a[i], out=out[i])
    return out


def window_sum(x: Array, n: int) -> Array:
    """Sum of the n values ending at each row; NaN unless all n are valid (1-D or 2-D).

    Cumulative sums of the column minus its first valid value keep the running totals small, so
    differences stay accurate over thousands of bars (and nothing depends on later rows).
    """
    a, squeeze = _two_d(x)
    if n <= 0:
        raise ValueError(f"window must be positive, got {n}")
    t = a.shape[0]
    out = np.full_like(a, np.nan)
    if n > t:
        return _out(out, squeeze)
    valid = ~np.isnan(a)
    first = valid.argmax(axis=0)
    ref = np.nan_to_num(a[first, np.arange(a.shape[1])])
    cs = np.zeros((t + 1, a.shape[1]))
    cs[1:] = cumsum0(np.where(valid, a - ref, 0.0))
    sums = cs[n:] - cs[:-n]
    sums += n * ref
    first[~valid[first, np.arange(a.shape[1])]] = t
    if (t - np.count_nonzero(valid, axis=0) == first).all():
        # NaN only before each column's first value: a window is whole once it starts there.
        sums[np.arange(t - n + 1)[:, None] < first] = np.nan
    else:
        cnt = np.zeros((t + 1, a.shape[1]))
        cnt[1:] = cumsum0(valid.astype(np.float64))
        sums[(cnt[n:] - cnt[:-n]) != n] = np.nan
    out[n - 1 :] = sums
    return _out(out, squeeze)


def sma(x: Array, n: int) -> Array:
    """Simple moving average of the last n values; first defined n−1 rows after the first value."""
    return window_sum(x, n) / n


def ema_coef(prev: Array, tail: Array, n: int, alpha: float) -> tuple[Array, Array]:
    """Coefficients (a, b) of an SMA-seeded exponential filter's next step, `a·x + b`.

    Args:
        prev: the filter's current value (NaN before it is seeded).
        tail: sum of the last n−1 inputs (NaN unless all valid).
        n: the seed window.
        alpha: the smoothing factor (2/(n+1) for EMA, 1/n for Wilder's RMA).

    Returns:
        (alpha, (1−alpha)·prev) once seeded; (1/n, tail/n), the SMA seed, while prev is NaN.
    """
    seeding = np.isnan(prev)
    a = np.where(seeding, 1.0 / n, alpha)
    b = np.where(seeding, tail / n, (1.0 - alpha) * prev)
    return a, b


def ema_step(x: Array, prev: Array, tail: Array, n: int, alpha: float) -> Array:
    """One step of an SMA-seeded exponential filter: `a·x + b` with `ema_coef`'s a and b."""
    a, b = ema_coef(prev, tail, n, alpha)
    out: Array = a * x + b
    return out


def _recursive(x: Array, n: int, alpha: float) -> Array:
    tail = shift(window_sum(x, n - 1)) if n > 1 else np.where(np.isnan(x), np.nan, 0.0)
    out = np.empty_like(x)
    prev = np.full(x.shape[1:], np.nan)
    for i in range(x.shape[0]):
        prev = ema_step(x[i], prev, tail[i], n, alpha)
        out[i] = prev
    return out


def ema(x: Array, n: int) -> Array:
    """EMA(n): α = 2/(n+1), the adjust=False recursion seeded with SMA(n) at row n−1."""
    a, squeeze = _two_d(x)
    return _out(_recursive(a, n, 2.0 / (n + 1)), squeeze)


def rma(x: Array, n: int) -> Array:
    """Wilder's RMA(n): α = 1/n, seeded with SMA(n) at row n−1."""
    a, squeeze = _two_d(x)
    return _out(_recursive(a, n, 1.0 / n), squeeze)


def gains_losses(close: Array) -> tuple[Array, Array]:
    """Positive and negative parts of the close-to-close change (NaN where it is undefined)."""
    d = close - shift(close)
    return np.maximum(d, 0.0), np.maximum(-d, 0.0)


def rsi_value(ag: Array, al: Array) -> Array:
    """RSI from Wilder's average gain and loss: 100·AG/(AG+AL), 50 when both are 0."""
    total = np.add(ag, al)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: Array = np.multiply(ag, 100.0)
        out /= total
    np.copyto(out, 50.0, where=total == 0.0)
    return out


def rsi(close: Array, n: int = 14) -> Array:
    """RSI(n) on Wilder averages seeded with the mean of the first n changes; first at row n."""
    c, squeeze = _two_d(close)
    g, lo = gains_losses(c)
    return _out(rsi_value(_recursive(g, n, 1.0 / n), _recursive(lo, n, 1.0 / n)), squeeze)


def _macd(close: Array, fast: int = 12, slow: int = 26, signal: int = 9) -> tuple[Array, ...]:
    """MACD(12,26,9): (macd, signal, hist); EMAs SMA-seeded independently, first 25 / 33."""
    m = _recursive(close, fast, 2.0 / (fast + 1)) - _recursive(close, slow, 2.0 / (slow + 1))
    s = _recursive(m, signal, 2.0 / (signal + 1))
    return m, s, m - s


macd = _wrap(_macd)


def deviation_sums(x: Array, n: int) -> tuple[Array, Array]:
    """Sums of (x_i − x_t) and (x_i − x_t)² over the n rows ending at t (NaN unless all valid).

    Deviations from the newest value keep the population variance free of cancellation.
    """
    s1 = np.zeros_like(x)
    s2 = np.zeros_like(x)
    s1[: n - 1] = s2[: n - 1] = np.nan  # the rows without n − 1 rows before them
    d = np.empty_like(x)
    for k in range(1, min(n, x.shape[0])):
        # The value k rows back minus the newest, added in the order of k.
        dk = np.subtract(x[:-k], x[k:], out=d[k:])
        s1[k:] += dk
        s2[k:] += np.multiply(dk, dk, out=dk)
    return s1, s2


def bollinger_step(
    x: Array, prev_x: Array, tail: Array, dev1: Array, dev2: Array, n: int, width: float
) -> tuple[Array, Array, Array, Array]:
    """Bollinger bands at a new close from the n−1 closes before it.

    Args:
        x: the new close.
        prev_x: the close before it.
        tail: sum of the n−1 closes before x.
        dev1, dev2: `deviation_sums(close, n−1)` at the previous close.
        n: the window.
        width: multiple of the population σ.

    Returns:
        (mid, upper, lower, %B); %B is 0.5 when the bands coincide.
    """
    mid = np.add(tail, x)
    mid /= n
    d = np.subtract(x, prev_x)
    s1 = np.add(dev1, d)
    s1 /= n
    s1 *= s1
    var = np.multiply(d, d, out=d)
    var += dev2
    var /= n
    var -= s1
    sd = np.sqrt(np.maximum(var, 0.0, out=var), out=var)
    sd *= width
    upper = mid + sd
    lower = np.subtract(mid, sd, out=sd)
    span = upper - lower
    with np.errstate(invalid="ignore", divide="ignore"):
        pct_b = np.subtract(x, lower)
        pct_b /= span
    np.copyto(pct_b, 0.5, where=span == 0.0)
    return mid, upper, lower, pct_b


def _bollinger(close: Array, n: int = 20, width: float = 2.0) -> tuple[Array, ...]:
    """Bollinger(n, width) with population σ: (mid, upper, lower, %B); first at row n−1."""
    tail = shift(window_sum(close, n - 1))
    dev1, dev2 = deviation_sums(close, n - 1)
    return bollinger_step(close, shift(close), tail, shift(dev1), shift(dev2), n, width)


bollinger = _wrap(_bollinger)


def roc(close: Array, k: int) -> Array:
    """Rate of change in percent: 100·(C_t / C_{t−k} − 1)."""
    c, squeeze = _two_d(close)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _out(100.0 * (c / shift(c, k) - 1.0), squeeze)


def _kst(
    close: Array, pairs: tuple[tuple[int, int], ...] = KST_STANDARD, signal: int = KST_SIGNAL
) -> tuple[Array, ...]:
    """Pring's KST: Σ i·SMA_s(ROC_r) and its SMA signal; (kst, signal)."""
    total = np.zeros_like(close)
    for i, (r, s) in enumerate(pairs, start=1):
        total += i * sma(roc(close, r), s)
    return total, sma(total, signal)


def kst(
    close: Array, pairs: tuple[tuple[int, int], ...] = KST_STANDARD, signal: int = KST_SIGNAL
) -> tuple[Array, Array]:
    """Pring's KST (standard pairs by default) and its SMA(9) signal; first 44 and 52."""
    c, squeeze = _two_d(close)
    k, s = _kst(c, pairs, signal)
    return _out(k, squeeze), _out(s, squeeze)


def obv(close: Array, volume: Array) -> Array:
    """On-balance volume: 0 at each column's first bar, unchanged on equal closes (Granville)."""
    c, squeeze = _two_d(close)
    v, _ = _two_d(volume)
    move = np.sign(c - shift(c)) * v
    move = np.where(np.isnan(c - shift(c)), 0.0, move)
    out = cumsum0(move)
    # A cumulative sum restarts nothing, so a NaN close inside a column only blanks that row.
    return _out(np.where(np.isnan(c), np.nan, out), squeeze)


def directional_movement(high: Array, low: Array, close: Array) -> tuple[Array, Array, Array]:
    """+DM, −DM and TR of ADX (NaN where a bar before is missing)."""
    up = high - shift(high)
    dn = shift(low) - low
    prev_c = shift(close)
    undefined = np.isnan(up) | np.isnan(dn) | np.isnan(prev_c)
    with np.errstate(invalid="ignore"):
        pdm = np.where((up > dn) & (up > 0), up, 0.0)
        mdm = np.where((dn > up) & (dn > 0), dn, 0.0)
        tr = np.subtract(high, low)
        gap = np.abs(np.subtract(high, prev_c, out=up), out=up)
        np.fmax(tr, gap, out=tr)
        gap = np.abs(np.subtract(low, prev_c, out=dn), out=dn)
        np.fmax(tr, gap, out=tr)
    for a in (pdm, mdm, tr):
        a[undefined] = np.nan
    return pdm, mdm, tr


def directional_index(s_tr: Array, s_p: Array, s_m: Array) -> tuple[Array, Array, Array]:
    """±DI and DX from Wilder sums of TR, +DM and −DM."""
    with np.errstate(invalid="ignore", divide="ignore"):
        pdi = np.where(s_tr == 0.0, 0.0, 100.0 * s_p / s_tr)
        mdi = np.where(s_tr == 0.0, 0.0, 100.0 * s_m / s_tr)
        total = pdi + mdi
        dx = np.where(total == 0.0, 0.0, 100.0 * np.abs(pdi - mdi) / total)
    pdi, mdi, dx = (np.where(np.isnan(s_tr), np.nan, a) for a in (pdi, mdi, dx))
    return pdi, mdi, dx


def _adx(high: Array, low: Array, close: Array, n: int = 14) -> tuple[Array, ...]:
    """ADX(n) with ±DI: Wilder sums of ±DM and TR from bar 1; (adx, plus_di, minus_di)."""
    pdm, mdm, tr = directional_movement(high, low, close)
    alpha = 1.0 / n
    s_tr, s_p, s_m = (_recursive(a, n, alpha) for a in (tr, pdm, mdm))
    pdi, mdi, dx = directional_index(s_tr, s_p, s_m)
    return _recursive(dx, n, alpha), pdi, mdi


adx = _wrap(_adx)


def filters(specs: list[tuple[Array, int, float]], sums: list[Array] | None = None) -> Array:
    """SMA-seeded exponential filters (input (T, N), seed window n ≥ 2, alpha) in one loop.

    Equal, bit for bit, to `_recursive` (`ema_step`) on each input: a row's value is
    alpha·x + (1−alpha)·prev, or the seed (1/n)·x + (sum of the n−1 inputs before)/n where prev
    is NaN.

    Args:
        specs: (input (T, N), n, alpha) per filter.
        sums: `window_sum(input, n − 1)` per filter, if already at hand.

    Returns:
        (K, T, N) values, the k-th filter in [k].
    """
    values = np.stack([sp[0] for sp in specs])
    shape = (len(specs), 1)
    n = np.array([float(sp[1]) for sp in specs]).reshape(shape)
    alpha = np.array([sp[2] for sp in specs]).reshape(shape)
    beta = 1.0 - alpha
    inv_n = 1.0 / n
    if sums is None:
        # Seeds happen within n rows of an input's last NaN: window sums up to there suffice
        # (a window sum at a row depends on the rows up to it only).
        gap = np.isnan(values).any(axis=2)
        last = np.where(gap.any(axis=1), values.shape[1] - 1 - gap[:, ::-1].argmax(axis=1), -1)
        rows = int(min(values.shape[1], max(last + n[:, 0] + 1)))
        sums = [window_sum(sp[0][:rows], sp[1] - 1) for sp in specs]
    tails = np.stack([shift(a) for a in sums])
    with np.errstate(invalid="ignore"):
        prev = np.full(values.shape[::2], np.nan)
        seeding = np.isnan(prev)
        ax = np.empty_like(prev)
        for i in range(values.shape[1]):
            cur = values[:, i]
            seed = None
            if seeding.any():
                if i >= tails.shape[1]:  # a NaN from the arithmetic itself
                    tails = np.stack([shift(window_sum(sp[0], sp[1] - 1)) for sp in specs])
                seed = np.multiply(inv_n, cur)
                seed += tails[:, i] / n
            # alpha·x + (1−alpha)·prev, written over the row's input.
            np.multiply(alpha, cur, out=ax)
            np.multiply(beta, prev, out=cur)
            cur += ax
            if seed is not None:
                np.copyto(cur, seed, where=seeding)
            np.isnan(cur, out=seeding)
            prev = cur
    return values
