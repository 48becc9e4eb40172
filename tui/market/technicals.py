"""The Technicals pillar (analytics.md §6.1): 13 readings, T, bands and the daily hysteresis.

`technicals_history` computes every reading on every session of a panel (the rating replay needs
the daily history), vectorised across stocks and processed in column chunks so the working set
stays in cache. `explain_technicals` (in `technicals_explain.py`) recomputes one stock with its
numbers; `daily_fields` gives the daily-bar screen fields of one session.
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
    drop_partial,
    evaluate,
    first_bar,
    mas_reading,
    pad,
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

WIDE_CHUNK = 256
"""Stocks per column block of the completed-bar state and the daily MAs, whose row loops favour
wide rows; bounds their memory."""

THREADS = min(2, os.cpu_count() or 1)
"""Worker threads over column blocks."""

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
    out = np.empty_like(b)
    g = np.full(t.shape[1:], -1, dtype=np.int8)
    for i in range(t.shape[0]):
        bi = b[i]
        publish = (g < 0) | (bi == g) | same_as_yesterday[i]
        publish |= np.where(bi > g, inside_up[i], inside_down[i])
        g = np.where(publish, bi, g)
        out[i] = g
    grade = out.astype(np.float64)
    grade[out < 0] = np.nan
    return grade


CHUNK_KEYS = (
    "rsi", "macd", *(f"{p}_{name}" for name in PERIOD_READINGS for p in ("r", "ok")),
)  # fmt: skip
"""What technicals_history keeps of each chunk's weekly/monthly evaluation."""


class _Period:
    """One period kind: its grouping and, per column block, its bars and completed state."""

    def __init__(self, per: Periods, freq: str, params: Params) -> None:
        self.per = per
        self.pairs = ind.KST_STANDARD if freq == "W" else ind.KST_LONG
        self.kst_need = NEEDS["kst_w"] if freq == "W" else NEEDS["kst_m"]
        self.use_partial = params.use_partial_bars

    def block(self, arrays: tuple[np.ndarray, ...]) -> None:
        """Resample a block of columns (filled o, h, l, c, v) and run its completed state."""
        self.bars = b = resample(self.per, *arrays)
        pre = prestate(b.close, b.high, b.low, b.volume, self.pairs)
        self.first = first_bar(b.close)
        self.pre = pre
        self.done: dict[str, np.ndarray] | None = None
        if not self.use_partial:
            before = {k: a[:-1] for k, a in pad(pre).items()}
            rows = np.arange(self.per.count)[:, None]
            count = np.where(np.isnan(b.close), 0, rows - self.first + 1)
            self.done = evaluate(b.close, b.high, b.low, b.volume, before, count, self.kst_need)

    def chunk(self, sl: slice) -> dict[str, np.ndarray]:
        """Values and int8 readings of every session for the block's columns `sl`.

        Sessions are laid out as (period, k-th session of it, stock) so that the state of the
        period before broadcasts over each period's sessions instead of being gathered.
        """
        per, b = self.per, self.bars
        j, width = per.count, sl.stop - sl.start
        slots = per.slots
        shape = (j, per.longest, width)
        newest: list[np.ndarray] = []
        for a in (b.p_close, b.p_high, b.p_low, b.p_volume):
            laid = np.full((j * per.longest, width), np.nan)
            laid[slots] = a[:, sl]
            newest.append(laid.reshape(shape))
        x, h, lo, v = newest
        at = {}
        for k, a in self.pre.items():
            before = np.empty((j, 1, width), dtype=a.dtype)
            before[0] = 0.0 if k == "obv_base" else np.nan
            before[1:, 0] = a[:-1, sl]
            at[k] = before
        count = (np.arange(j)[:, None, None] + 1) - self.first[None, None, sl]
        count = np.where(np.isnan(x), 0, count).astype(np.int32)
        laid_out = evaluate(x, h, lo, v, at, count, self.kst_need)
        out = {k: laid_out[k].reshape(-1, width)[slots] for k in CHUNK_KEYS}
        if self.done is not None:
            done, part, group = self.done, per.partial, per.group
            out = {k: drop_partial(a, done[k][:, sl], part, group) for k, a in out.items()}
        return out


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
    score = np.empty((n_t, n))
    weekly, monthly = periods(panel.dates, "W"), periods(panel.dates, "M")

    def run(w: int) -> None:
        wide = slice(w, min(w + WIDE_CHUNK, n))
        kinds = {"w": _Period(weekly, "W", params), "m": _Period(monthly, "M", params)}
        block = panel.filled_columns(wide)
        for key, a in _block_history(block, kinds, params).items():
            if key == "grade":
                grade[:, wide] = a
            else:
                if key == "t":
                    score[:, wide] = 50.0 + 25.0 * a
                ex[key][:, wide] = a[start:]

    starts = range(0, n, WIDE_CHUNK)
    if len(starts) > 1 and THREADS > 1:
        # Column blocks are independent and NumPy releases the GIL in its array loops.
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(run, starts))
    else:
        for w in starts:
            run(w)
    return PillarHistory(grade=grade, score=score, extras=ex, extras_start=start)


def _block_history(
    block: tuple[np.ndarray, ...], kinds: dict[str, _Period], params: Params
) -> dict[str, np.ndarray]:
    """technicals_history's arrays for one block of columns (filled o, h, l, c, v)."""
    n_t, width = block[3].shape
    out: dict[str, np.ndarray] = {
        name: np.empty((n_t, width), dtype=np.float32) for name in READING_NAMES
    }
    out |= {key: np.empty((n_t, width)) for key in SCREEN_VALUES.values()}
    total = np.zeros((n_t, width), dtype=np.int8)
    count = np.zeros((n_t, width), dtype=np.int8)
    nan32 = np.float32(np.nan)

    def add(name: str, value: np.ndarray, ok: np.ndarray, sl: slice) -> None:
        total[:, sl] += value * _i8(ok)
        count[:, sl] += _i8(ok)
        out[name][:, sl] = np.where(ok, value, nan32)

    daily = mas_reading(block[3])
    add("mas", daily["r_mas"], daily["ok_mas"], slice(0, width))
    del daily
    for kind in kinds.values():
        kind.block(block)
    for a in range(0, width, CHUNK):
        sl = slice(a, min(a + CHUNK, width))
        for suffix, kind in kinds.items():
            part = kind.chunk(sl)
            out[f"rsi_{suffix}_value"][:, sl] = part["rsi"]
            out[f"macd_{suffix}_value"][:, sl] = part["macd"]
            for base in PERIOD_READINGS:
                add(f"{base}_{suffix}", part[f"r_{base}"], part[f"ok_{base}"], sl)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.round(total / count, 6)
    t[count < params.tech_min_readings] = np.nan
    out |= {"t": t, "band": band(t), "count": count}
    out["grade"] = hysteresis(t, params.tech_hysteresis_margin)
    return out


def daily_fields(panel: Panel, t: int) -> pd.DataFrame:
    """Daily-bar screen fields at session t (§9): one row per symbol, NaN when undefined.

    Args:
        panel: dense daily bars (filled arrays are used).
        t: session row (negative counts from the end).

    Returns:
        Columns rsi, macd, macd_signal, pct_b, sma20, sma50, sma200, ema20, adx.
    """
    n_t = panel.shape[0]
    t = t + n_t if t < 0 else t
    if not 0 <= t < n_t:
        raise IndexError(f"session {t} outside the panel's {n_t} sessions")
    _, h, lo, c, _ = (x[: t + 1] for x in panel.filled)
    macd, signal, _ = ind.macd(c)
    _, _, _, pct_b = ind.bollinger(c[max(0, t - 20) :])
    adx, _, _ = ind.adx(h, lo, c)
    columns = {
        "rsi": ind.rsi(c)[-1],
        "macd": macd[-1],
        "macd_signal": signal[-1],
        "pct_b": pct_b[-1],
        "sma20": ind.sma(c[max(0, t - 19) :], 20)[-1],
        "sma50": ind.sma(c[max(0, t - 49) :], 50)[-1],
        "sma200": ind.sma(c[max(0, t - 199) :], 200)[-1],
        "ema20": ind.ema(c, 20)[-1],
        "adx": adx[-1],
    }
    return pd.DataFrame(columns, index=panel.symbols)
