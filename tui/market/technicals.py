"""The Technicals pillar (analytics.md §6.1): 13 readings, T, bands and the daily hysteresis.

`technicals_history` computes every reading on every session of a panel (the rating replay needs
the daily history), vectorised across stocks and processed in column chunks so the working set
stays in cache; only the sums and counts of the readings are kept for every session, the
readings themselves for the last sessions asked for. `explain_technicals` (in
`technicals_explain.py`) recomputes one stock with its numbers; `daily_fields` gives the
daily-bar screen fields of one session, running the recursions' state along time without
keeping their histories.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from tui.market import indicators as ind
from tui.market.bars import Periods, periods, resample
from tui.market.model import Panel
from tui.market.params import DEFAULT, Params
from tui.market.pillars import PillarHistory
from tui.market.readings import (
    NEEDS,
    PERIOD_READINGS,
    evaluate,
    first_bar,
    mas_reading,
    prestate,
)  # fmt: skip

READING_NAMES = (
    "macd_w", "macd_m", "rsi_w", "rsi_m", "bollinger_w", "bollinger_m", "mas",
    "kst_w", "kst_m", "dow_w", "dow_m", "obv_w", "obv_m",
)  # fmt: skip
"""The 13 readings in the order of §6.1."""

SCREEN_VALUES = {
    "rsi_w": "rsi_w_value",
    "rsi_m": "rsi_m_value",
    "macd_w": "macd_w_value",
    "macd_m": "macd_m_value",
}
"""Screen field → extras key of the pillar's weekly/monthly RSI and MACD numbers (§9).

The reading names themselves key the −2..2 reading values, so the numbers get a suffix."""

BAND_LOWER = np.array([-np.inf, -1.0, -0.35, 0.35, 1.0])
"""Lowest T of each band code (Bearish..Bullish); Sideways and Mildly Bearish exclude it."""

BAND_UPPER = np.array([-1.0, -0.35, 0.35, 1.0, np.inf])
"""Highest T of each band code; Mildly Bullish and Sideways exclude it."""

CHUNK = 128
"""Stocks per column chunk of the weekly/monthly step: keeps its temporaries near cache size."""

WIDE_CHUNK = 512
"""Most stocks per column block of the completed-bar state and the daily MAs, whose row loops
favour wide rows; bounds their memory. Smaller universes use 2 blocks per thread."""

REPLAY_CHUNK = 4096
"""Stocks per column block of the hysteresis replay."""

THREADS = min(2, os.cpu_count() or 1)
"""Worker threads over column blocks."""

DAILY_FIELDS = ("rsi", "macd", "macd_signal", "pct_b", "sma20", "sma50", "sma200", "ema20", "adx")
"""Columns of `daily_fields`."""

DAILY_CHUNK = 1024
"""Stocks per column block of `daily_fields` (bounds its (T, 8, block) working set)."""

_TOL = 1e-9
"""Slack for the hysteresis margin: T has 6 decimals, so 0.40 − 0.35 must count as 0.05."""


def _i8(mask: np.ndarray) -> np.ndarray:
    return mask.view(np.int8)


def _band_i8(t: np.ndarray) -> np.ndarray:
    """Band codes as int8, −1 where T is NaN."""
    with np.errstate(invalid="ignore"):
        code: np.ndarray = _i8(t > -1.0) + _i8(t > -0.35) + _i8(t >= 0.35) + _i8(t >= 1.0)
    code[np.isnan(t)] = -1
    return code


def band(t: np.ndarray) -> np.ndarray:
    """Plain band code of T (0 Bearish .. 4 Bullish), NaN where T is NaN (§6.1)."""
    t = np.asarray(t, dtype=np.float64)
    code = _band_i8(t.reshape(-1))
    out = code.astype(np.float64)
    out[code < 0] = np.nan
    return out.reshape(t.shape)


def t_value(readings: np.ndarray, min_readings: int = DEFAULT.tech_min_readings) -> np.ndarray:
    """T = round(mean of the available readings, 6), NaN with fewer than `min_readings`.

    Args:
        readings: reading values −2..2 stacked on axis 0 (13 for the pillar), NaN = NA.
        min_readings: readings required to be rated.
    """
    r = np.asarray(readings, dtype=np.float64)
    count = np.sum(~np.isnan(r), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.round(np.nansum(r, axis=0) / count, 6)
    return np.where(count >= min_readings, t, np.nan)


def hysteresis(t: np.ndarray, margin: float = DEFAULT.tech_hysteresis_margin) -> np.ndarray:
    """Replay the daily grade of §6.1 over T values (time on axis 0).

    With g yesterday's grade and b today's band, publish b if b == g, or yesterday's T was in b
    too, or T lies at least `margin` inside b from the edge facing g; else keep g. A NaN T (Not
    rated) resets: the next computable day publishes its plain band.

    Args:
        t: T values, shape (T,) or (T, N), NaN where Not rated.
        margin: the hysteresis margin.

    Returns:
        Grade codes of the same shape, NaN where Not rated.
    """
    t = np.asarray(t, dtype=np.float64)
    b = _band_i8(t)
    unrated = b < 0
    code = np.maximum(b, 0)
    with np.errstate(invalid="ignore"):
        inside_up = (t - BAND_LOWER[code] >= margin - _TOL) | unrated
        # An unrated day always "publishes" its −1, which resets the grade.
        inside_down = (BAND_UPPER[code] - t >= margin - _TOL) | unrated
    same_as_yesterday = np.zeros_like(unrated)
    same_as_yesterday[1:] = b[1:] == b[:-1]
    # Publishing b when b == g changes nothing, so a fall (or staying) publishes if inside_down
    # or in yesterday's band, and a rise if inside_up, in yesterday's band or with no grade
    # yet, which is exactly when yesterday was unrated (or there was no yesterday).
    fall_ok = inside_down | same_as_yesterday
    rise_ok = inside_up | same_as_yesterday
    rise_ok[0] = True
    rise_ok[1:] |= unrated[:-1]
    out = np.empty_like(b)
    g = np.full(t.shape[1:], -1, dtype=np.int8)
    for i in range(t.shape[0]):
        bi = b[i]
        g = out[i] = np.where(np.where(bi > g, rise_ok[i], fall_ok[i]), bi, g)
    grade = out.astype(np.float64)
    grade[out < 0] = np.nan
    return grade


class _Period:
    """One period kind: its grouping and, per column block, its bars and completed state."""

    def __init__(self, per: Periods, freq: str, params: Params) -> None:
        self.per = per
        self.pairs = ind.KST_STANDARD if freq == "W" else ind.KST_LONG
        self.kst_need = NEEDS["kst_w"] if freq == "W" else NEEDS["kst_m"]
        self.size = size = per.count * per.longest
        # Where each session finds its values in the (period, k-th session) layout; with
        # use_partial_bars off, a session whose bar is partial reads the previous period's last
        # session (that period's completed bar), or row `size` (nothing yet) before any.
        self.padding = np.setdiff1d(np.arange(size), per.slots)
        self.src = per.slots
        if not params.use_partial_bars:
            prev = np.append(size, per.slots[per.end])[per.group]
            self.src = np.where(per.partial, prev, per.slots)

    def block(self, arrays: tuple[np.ndarray, ...]) -> None:
        """Resample a block of columns (filled o, h, l, c, v) and run its completed state."""
        self.bars = b = resample(self.per, *arrays)
        self.pre = prestate(b.close, b.high, b.low, b.volume, self.pairs)
        self.first = first_bar(b.close)

    def chunk(self, sl: slice, start: int) -> dict[str, np.ndarray]:
        """Reading sums and counts of every session for the block's columns `sl`, and the
        readings and RSI/MACD values of sessions from `start` on.

        Sessions are laid out as (period, k-th session of it, stock) so that the state of the
        period before broadcasts over each period's sessions instead of being gathered.
        """
        per, b = self.per, self.bars
        j, width, size = per.count, sl.stop - sl.start, self.size
        shape = (j, per.longest, width)
        newest: list[np.ndarray] = []
        for a in (b.p_close, b.p_high, b.p_low, b.p_volume):
            laid = np.empty((size, width))
            laid[self.padding] = np.nan
            laid[per.slots] = a[:, sl]
            newest.append(laid.reshape(shape))
        x, h, lo, v = newest
        at = {}
        for k, a in self.pre.items():
            before = np.empty((j, 1, width), dtype=a.dtype)
            before[0] = 0.0 if k == "obv_base" else np.nan
            before[1:, 0] = a[:-1, sl]
            at[k] = before
        # Filled bars: a close is NaN only before the stock's first bar, in its first period
        # or earlier, where count ≤ 1 is below every need, as a count of 0 would be.
        count = ((np.arange(j)[:, None, None] + 1) - self.first[None, None, sl]).astype(np.int32)
        o = evaluate(x, h, lo, v, at, count, self.kst_need)
        # Row `size` stands for "no bar yet": no readings, NaN values.
        total = np.zeros((size + 1, width), dtype=np.int8)
        n_ok = np.zeros((size + 1, width), dtype=np.int8)
        total3, n_ok3 = total[:size].reshape(shape), n_ok[:size].reshape(shape)
        at_bar = np.zeros((j, 1, width), dtype=np.int8)
        for name in PERIOD_READINGS:
            ok = _i8(o[f"ok_{name}"])
            total3 += o[f"r_{name}"] * ok
            if ok.shape[1] == 1:
                at_bar += ok
            else:
                n_ok3 += ok
        n_ok3 += at_bar
        src = self.src
        out = {"total": total[src], "count": n_ok[src]}
        tail = np.minimum(src[start:], size - 1)
        none = (src[start:] == size)[:, None]
        for name in PERIOD_READINGS:
            ok = o[f"ok_{name}"]
            ok = ok[tail // per.longest, 0] if ok.shape[1] == 1 else _gather(ok, tail)
            ok &= ~none
            out[name] = np.where(ok, _gather(o[f"r_{name}"], tail), np.float32(np.nan))
        for name in ("rsi", "macd"):
            out[f"{name}_value"] = np.where(none, np.nan, _gather(o[name], tail))
        return out


def _gather(a: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Rows `slots` of a (period, k-th session, stock) array."""
    return np.asarray(a.reshape(-1, a.shape[2])[slots])


def technicals_history(
    panel: Panel, params: Params = DEFAULT, keep: int | None = None
) -> PillarHistory:
    """The Technicals pillar for every (session, symbol) of a panel (§6.1).

    Args:
        panel: dense daily bars; readings use `panel.filled`.
        params: tech_min_readings, tech_hysteresis_margin and use_partial_bars.

    Returns:
        grade: TECHNICAL code after hysteresis (NaN Not rated); score: 50 + 25·T.
        extras: "t", "band" (plain band code), "count" (readings available), one array per
        name in READING_NAMES (value −2..2 as float32, NaN when not enough bars), and the
        weekly/monthly RSI and MACD numbers under the keys of SCREEN_VALUES.

    With `keep`, the extras hold only the last `keep` sessions (`extras_start` says where
    they begin) and the readings are stored as float16 (exact for −2..2 and NaN): the
    analysis needs them on the as-of session and the one before only, and the full arrays
    would dominate memory on a large universe.
    """
    n_t, n = panel.shape
    rows = n_t if keep is None else min(keep, n_t)
    start = n_t - rows
    reading_type = np.float32 if keep is None else np.float16
    ex: dict[str, np.ndarray] = {
        name: np.empty((rows, n), dtype=reading_type) for name in READING_NAMES
    }
    ex |= {key: np.empty((rows, n)) for key in SCREEN_VALUES.values()}
    ex |= {"t": np.empty((rows, n)), "band": np.empty((rows, n), dtype=np.float32)}
    ex["count"] = np.empty((rows, n), dtype=np.float32)
    grade = np.empty((n_t, n), dtype=np.float32)
    score = np.empty((n_t, n))  # T until the replay has run
    weekly, monthly = periods(panel.dates, "W"), periods(panel.dates, "M")

    width = max(1, min(WIDE_CHUNK, -(-n // (2 * THREADS))))

    def run(w: int) -> None:
        wide = slice(w, min(w + width, n))
        kinds = {"w": _Period(weekly, "W", params), "m": _Period(monthly, "M", params)}
        block = _filled_block(panel, wide)
        for key, a in _block_history(block, kinds, params, start).items():
            if key == "t_all":
                score[:, wide] = a
            else:
                ex[key][:, wide] = a

    starts = range(0, n, width)
    if len(starts) > 1 and THREADS > 1:
        # Column blocks are independent and NumPy releases the GIL in its array loops.
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(run, starts))
    else:
        for w in starts:
            run(w)
    # The replay over whole rows of many stocks: its loop over sessions is row-bound.
    for w in range(0, n, REPLAY_CHUNK):
        wide = slice(w, min(w + REPLAY_CHUNK, n))
        grade[:, wide] = hysteresis(score[:, wide], params.tech_hysteresis_margin)
    score *= 25.0
    score += 50.0
    return PillarHistory(grade=grade, score=score, extras=ex, extras_start=start)


def _filled_block(panel: Panel, cols: slice) -> tuple[np.ndarray, ...]:
    """`panel.filled_columns(cols)`, read directly when no stock there has a gap after its first
    bar: filling then changes nothing."""
    nan = np.isnan(panel.close[:, cols])
    if nan.any():
        first = np.where(nan.all(axis=0), nan.shape[0], (~nan).argmax(axis=0))
        if (np.count_nonzero(nan, axis=0) != first).any():
            return panel.filled_columns(cols)
    arrays = (panel.open, panel.high, panel.low, panel.close, panel.volume)
    return tuple(np.ascontiguousarray(a[:, cols]) for a in arrays)


def _block_history(
    block: tuple[np.ndarray, ...], kinds: dict[str, _Period], params: Params, start: int
) -> dict[str, np.ndarray]:
    """technicals_history's arrays for one block of columns (filled o, h, l, c, v); the extras
    from session `start` on."""
    n_t, width = block[3].shape
    out: dict[str, np.ndarray] = {
        name: np.empty((n_t - start, width), dtype=np.float32) for name in READING_NAMES
    }
    out |= {key: np.empty((n_t - start, width)) for key in SCREEN_VALUES.values()}
    daily = mas_reading(block[3])
    ok = _i8(daily["ok_mas"])
    total = daily["r_mas"] * ok
    count = ok.copy()
    out["mas"][:] = np.where(daily["ok_mas"][start:], daily["r_mas"][start:], np.float32(np.nan))
    del daily, ok
    for kind in kinds.values():
        kind.block(block)
    for a in range(0, width, CHUNK):
        sl = slice(a, min(a + CHUNK, width))
        for suffix, kind in kinds.items():
            part = kind.chunk(sl, start)
            total[:, sl] += part["total"]
            count[:, sl] += part["count"]
            out[f"rsi_{suffix}_value"][:, sl] = part["rsi_value"]
            out[f"macd_{suffix}_value"][:, sl] = part["macd_value"]
            for base in PERIOD_READINGS:
                out[f"{base}_{suffix}"][:, sl] = part[base]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.round(total / count, 6)
    t[count < params.tech_min_readings] = np.nan
    tail = t[start:]
    out |= {"t": tail, "band": band(tail), "count": count[start:]}
    out["t_all"] = t
    return out


def daily_fields(panel: Panel, t: int) -> pd.DataFrame:
    """Daily-bar screen fields at session t (§9): one row per symbol, NaN when undefined.

    Args:
        panel: dense daily bars (filled arrays are used).
        t: session row (negative counts from the end).

    Returns:
        Columns rsi, macd, macd_signal, pct_b, sma20, sma50, sma200, ema20, adx.
    """
    n_t, n = panel.shape
    t = t + n_t if t < 0 else t
    if not 0 <= t < n_t:
        raise IndexError(f"session {t} outside the panel's {n_t} sessions")
    columns = {k: np.empty(n) for k in DAILY_FIELDS}
    for a in range(0, n, DAILY_CHUNK):
        sl = slice(a, min(a + DAILY_CHUNK, n))
        _, h, lo, c, _ = (x[: t + 1] for x in _filled_block(panel, sl))
        for key, value in _daily_last(h, lo, c).items():
            columns[key][sl] = value
        columns["pct_b"][sl] = ind.bollinger(c[max(0, t - 20) :])[3][-1]
        for w in (20, 50, 200):
            columns[f"sma{w}"][sl] = ind.sma(c[max(0, t - w + 1) :], w)[-1]
    return pd.DataFrame(columns, index=panel.symbols)


def _daily_last(high: np.ndarray, low: np.ndarray, close: np.ndarray) -> dict[str, np.ndarray]:
    """Last row of RSI(14), MACD(12,26,9) and its signal, EMA20 and ADX(14) of 2-D inputs.

    Equal, bit for bit, to the last rows of `ind.rsi`, `macd`, `ema` and `adx`, with the
    recursions of each stage in one loop over the rows.
    """
    g, loss = ind.gains_losses(close)
    pdm, mdm, tr = ind.directional_movement(high, low, close)
    w = 1.0 / 14
    one = ind.filters([
        (close, 12, 2.0 / 13), (close, 26, 2.0 / 27), (close, 20, 2.0 / 21),
        (g, 14, w), (loss, 14, w), (tr, 14, w), (pdm, 14, w), (mdm, 14, w),
    ])  # fmt: skip
    del g, loss, pdm, mdm, tr
    m = one[0] - one[1]
    _, _, dx = ind.directional_index(one[5], one[6], one[7])
    last = one[:, -1]
    two = ind.filters([(m, 9, 2.0 / 10), (dx, 14, w)])
    return {
        "rsi": ind.rsi_value(last[3], last[4]), "macd": m[-1], "macd_signal": two[0, -1],
        "ema20": last[2], "adx": two[1, -1],
    }  # fmt: skip
