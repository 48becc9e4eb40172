"""Returns: stock and index returns, 52-week distance, liquidity and segments (analytics.md §2).

Every function takes the as-of session (a row of the panel or a date, resolved to the session on
or before it) and reads rows ≤ that session only. Returns are percent numbers on adjusted closes;
an anchor before a series' first bar gives NaN.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import numpy as np
import pandas as pd

from tui.market.model import MarketData, Panel, ffill
from tui.market.params import DEFAULT, Params

WINDOWS = ("1d", "5d", "1m", "3m", "1y", "ytd")
"""Return windows, as column suffixes: `ret_1d` … `ret_ytd`."""
MONTHS = {"1m": 1, "3m": 3, "1y": 12}
"""Calendar-month windows and their length in months."""
SEGMENTS = ("small", "mid", "large")
"""Segment keys of market.toml, in display order."""
BEST_WINDOWS = ("1d", "5d", "1m")
"""Windows `best_segment` compares."""
TIE = 1e-9
"""Returns closer than this are a tie for the best segment."""
HIGH_WINDOW = 252
"""Sessions in the 52-week high."""
LIQUIDITY_WINDOW = 20
"""Sessions in the average and median traded value."""
LOOKBACK = 32
"""Rows `last_valid` searches before scanning a column's whole history."""

Session = int | np.integer | dt.date | pd.Timestamp | str


def session_row(dates: pd.DatetimeIndex, t: Session) -> int:
    """Resolve an as-of session to a row of `dates`.

    Args:
        dates: the market calendar (ascending).
        t: a row (negative counts from the end) or a date; a non-session date resolves to the
            session before it.

    Raises:
        IndexError: a row outside the calendar.
        ValueError: a date before the first session.
    """
    if isinstance(t, (int, np.integer)):
        row = int(t) + (len(dates) if t < 0 else 0)
        if not 0 <= row < len(dates):
            raise IndexError(f"session row {t} outside 0..{len(dates) - 1}")
        return row
    wanted = pd.Timestamp(t).normalize()
    row = int(dates.searchsorted(wanted, side="right")) - 1
    if row < 0:
        raise ValueError(f"no session on or before {wanted.date()}")
    return row


def anchor_row(dates: pd.DatetimeIndex, day: pd.Timestamp) -> int:
    """Row of the last session on or before `day` (-1 when there is none)."""
    return int(dates.searchsorted(day, side="right")) - 1


def window_anchor(session: pd.Timestamp, window: str) -> pd.Timestamp:
    """Calendar anchor of a month window or `ytd` (months back, day clipped; 31 Dec before)."""
    if window == "ytd":
        return pd.Timestamp(session.year - 1, 12, 31)
    # DateOffset clips the day to the month's length: 31 Mar - 1 month = 28/29 Feb.
    return session - pd.DateOffset(months=MONTHS[window])


def last_valid(a: np.ndarray, row: int, first_bar: np.ndarray | None = None) -> np.ndarray:
    """Per column, the last non-NaN value of `a[: row + 1]`; NaN when there is none.

    Args:
        a: (T, N) array.
        row: last row to read; below 0 gives all NaN.
        first_bar: optional row of each column's first bar, to skip columns not yet listed.
    """
    if row < 0:
        return np.full(a.shape[1], np.nan)
    out: np.ndarray = a[row].copy()
    missing = np.isnan(out)
    if first_bar is not None:
        missing &= first_bar <= row
    cols = np.flatnonzero(missing)
    # Most gaps are short: look a few rows back first, then the whole history for the rest.
    for depth in (LOOKBACK, row + 1):
        if not cols.size:
            break
        block = a[max(row + 1 - depth, 0) : row + 1, cols][::-1]
        present = ~np.isnan(block)
        found = present.any(axis=0)
        picked = block[present.argmax(axis=0), np.arange(cols.size)]
        out[cols[found]] = picked[found]
        cols = cols[~found]
    return out


def filled_close(
    close: np.ndarray, lo: int, hi: int, first_bar: np.ndarray | None = None
) -> np.ndarray:
    """Rows `lo:hi` of the closes with gaps after the first bar carried forward (Panel.filled)."""
    lo = max(lo, 0)
    block = close[lo:hi].copy()
    if lo > 0 and len(block):
        seed = last_valid(close, lo - 1, first_bar)
        np.copyto(block[0], seed, where=np.isnan(block[0]))
    return ffill(block)


def sma_at(close: np.ndarray, row: int, n: int, first_bar: np.ndarray | None = None) -> np.ndarray:
    """SMA(n) of the filled closes at `row`, NaN until n closes exist (analytics.md §5.1)."""
    if row - n + 1 < 0:
        return np.full(close.shape[1], np.nan)
    sma: np.ndarray = filled_close(close, row - n + 1, row + 1, first_bar).mean(axis=0)
    return sma


def daily_returns(panel: Panel) -> np.ndarray:
    """(T, N) `ret_1d` for every session: vs the previous close; NaN without a traded bar."""
    prev = np.empty_like(panel.close)
    prev[0] = np.nan
    prev[1:] = ffill(panel.close[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        ret: np.ndarray = 100.0 * (panel.close / prev - 1.0)
    ret[~(panel.volume > 0)] = np.nan
    return ret


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = 100.0 * (num / den - 1.0)
    return out


def _window_returns(
    close: np.ndarray,
    high: np.ndarray,
    dates: pd.DatetimeIndex,
    row: int,
    traded: np.ndarray,
    first_bar: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Close, every window's return and from_52w_high at `row`, for stocks and indices alike."""
    session = pd.Timestamp(dates[row])
    c_t = last_valid(close, row, first_bar)
    prev = last_valid(close, row - 1, first_bar)
    out = {
        "close": c_t,
        "prev_close": prev,
        "ret_1d": np.where(traded, _pct(close[row], prev), np.nan),
        "ret_5d": _pct(c_t, last_valid(close, row - 5, first_bar)),
    }
    for window in ("1m", "3m", "1y", "ytd"):
        anchor = anchor_row(dates, window_anchor(session, window))
        out[f"ret_{window}"] = _pct(c_t, last_valid(close, anchor, first_bar))
    high_max = np.fmax.reduce(high[max(row - HIGH_WINDOW + 1, 0) : row + 1], axis=0)
    out["from_52w_high"] = _pct(c_t, high_max)
    return out


def stock_returns(panel: Panel, t: Session, params: Params = DEFAULT) -> pd.DataFrame:
    """Per-stock returns, liquidity and data flags at session `t` (analytics.md §2, §10).

    Args:
        panel: the dense panel (rows after `t` are ignored).
        t: the as-of session.
        params: `suspect_move_pct` flags |ret_1d| above it as `suspect_adjustment`.

    Returns:
        One row per panel symbol (index `symbol`): close (last close ≤ t), prev_close (last
        close before t), volume (on t), ret_1d (NaN without a bar or with zero volume on t),
        ret_5d, ret_1m, ret_3m, ret_1y, ret_ytd, from_52w_high, traded_value (C·V/1e7 on t,
        ₹ crore), avg_traded_value_20d, median_traded_value_20d, avg_volume_20d (over the last 20
        sessions since the first bar, a session without a bar counting as zero),
        suspect_adjustment and stale (listed, but no bar on t).
    """
    row = session_row(panel.dates, t)
    first = panel.first_bar
    c_row, v_row = panel.close[row], panel.volume[row]
    has = ~np.isnan(c_row)
    out = _window_returns(panel.close, panel.high, panel.dates, row, has & (v_row > 0), first)
    # The liquidity window counts sessions without a bar as zero volume, like Panel.filled.
    lo = max(row - LIQUIDITY_WINDOW + 1, 0)
    fc = filled_close(panel.close, lo, row + 1, first)
    fv = np.where(
        np.isnan(panel.volume[lo : row + 1]) & ~np.isnan(fc), 0.0, panel.volume[lo : row + 1]
    )
    tv = fc * fv / 1e7
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        avg_tv, med_tv, avg_v = (
            np.nanmean(tv, axis=0),
            np.nanmedian(tv, axis=0),
            np.nanmean(fv, axis=0),
        )
    ret_1d = out["ret_1d"]
    frame = pd.DataFrame(
        {
            "close": out["close"],
            "prev_close": out["prev_close"],
            "volume": v_row,
            **{f"ret_{w}": out[f"ret_{w}"] for w in WINDOWS},
            "from_52w_high": out["from_52w_high"],
            "traded_value": c_row * v_row / 1e7,
            "avg_traded_value_20d": avg_tv,
            "median_traded_value_20d": med_tv,
            "avg_volume_20d": avg_v,
            "suspect_adjustment": np.abs(np.nan_to_num(ret_1d)) > params.suspect_move_pct,
            "stale": (first <= row) & ~has,
        },
        index=pd.Index(panel.symbols, name="symbol"),
    )
    return frame


def _tracked(data: MarketData) -> list[str]:
    """Index names: segment indices, then benchmarks, then the rest alphabetically."""
    present = set(data.indices["index"].unique())
    named = [data.meta.segments[s] for s in SEGMENTS if s in data.meta.segments]
    named += [s for s in data.meta.segments.values() if s not in named]
    named += list(data.meta.benchmarks)
    order = list(dict.fromkeys(n for n in named if n in present))
    return order + sorted(present - set(order))


def index_stats(data: MarketData, t: Session | None = None) -> pd.DataFrame:
    """Stats of every price index at session `t` (analytics.md §2).

    Args:
        data: the market data (index bars after `t` are ignored).
        t: the as-of session; None means `data.meta.as_of`.

    Returns:
        One row per index (index `index`; segment indices first, then benchmarks, then the rest
        by name): close, ret_1d … ret_ytd, from_52w_high (vs the max high of 252 sessions),
        sma50, sma200, vs_sma50 and vs_sma200 (close vs the SMA, percent), sma50_vs_sma200
        (percent), and for each benchmark B and window w a column `excess_{w}:{B}`
        (percentage points; outperformed iff > 0).
    """
    dates = data.sessions
    row = session_row(dates, data.resolve(None) if t is None else t)
    names = _tracked(data)
    bars = data.indices[data.indices["date"] <= dates[row]]
    close = bars.pivot(index="date", columns="index", values="close")
    high = bars.pivot(index="date", columns="index", values="high")
    close_a = close.reindex(index=dates[: row + 1], columns=names).to_numpy(dtype="float64")
    high_a = high.reindex(index=dates[: row + 1], columns=names).to_numpy(dtype="float64")
    out = _window_returns(close_a, high_a, dates, row, ~np.isnan(close_a[row]))
    sma50, sma200 = sma_at(close_a, row, 50), sma_at(close_a, row, 200)
    frame = pd.DataFrame(
        {
            "close": out["close"],
            **{f"ret_{w}": out[f"ret_{w}"] for w in WINDOWS},
            "from_52w_high": out["from_52w_high"],
            "sma50": sma50,
            "sma200": sma200,
            "vs_sma50": _pct(out["close"], sma50),
            "vs_sma200": _pct(out["close"], sma200),
            "sma50_vs_sma200": _pct(sma50, sma200),
        },
        index=pd.Index(names, name="index", dtype=object),
    )
    for bench in data.meta.benchmarks:
        for w in WINDOWS:
            base = frame[f"ret_{w}"].get(bench, np.nan)
            frame[f"excess_{w}:{bench}"] = frame[f"ret_{w}"] - base
    return frame


def segment_table(
    data: MarketData, t: Session | None = None, stats: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The segments of market.toml with their index's close and returns.

    Args:
        data: the market data.
        t: the as-of session; None means `data.meta.as_of`.
        stats: `index_stats(data, t)` when already computed.

    Returns:
        One row per segment (index `segment`; small, mid, large, then any other key): `index`,
        close and ret_1d … ret_ytd (NaN when the index has no bars).
    """
    stats = index_stats(data, t) if stats is None else stats
    keys = [s for s in SEGMENTS if s in data.meta.segments]
    keys += [s for s in data.meta.segments if s not in keys]
    cols = ["close", *(f"ret_{w}" for w in WINDOWS)]
    rows = [stats.reindex([data.meta.segments[k]])[cols].iloc[0] for k in keys]
    frame = pd.DataFrame(rows, columns=cols)
    frame.index = pd.Index(keys, name="segment", dtype=object)
    frame.insert(0, "index", [data.meta.segments[k] for k in keys])
    return frame


def best_segment(table: pd.DataFrame, window: str) -> dict[str, Any] | None:
    """The segment whose index gained most over a window, with its margin over the runner-up.

    Args:
        table: `segment_table` output.
        window: "1d", "5d" or "1m" (case-insensitive).

    Returns:
        `{"segment", "index", "ret", "runner_up", "margin"}`; runner_up and margin are None with
        a single segment. None when no segment has a return, or on a tie (|Δ| < 1e-9).
    """
    col = f"ret_{window.lower()}"
    valid = table[col].dropna()
    if valid.empty:
        return None
    ranked = valid.sort_values(ascending=False, kind="mergesort")
    top = str(ranked.index[0])
    best: dict[str, Any] = {
        "segment": top,
        "index": str(table.loc[top, "index"]),
        "ret": float(ranked.iloc[0]),
        "runner_up": None,
        "margin": None,
    }
    if len(ranked) > 1:
        margin = float(ranked.iloc[0] - ranked.iloc[1])
        if abs(margin) < TIE:
            return None
        best.update(runner_up=str(ranked.index[1]), margin=margin)
    return best


def best_segments(table: pd.DataFrame) -> dict[str, dict[str, Any] | None]:
    """`best_segment` for 1D, 5D and 1M, keyed "1d", "5d", "1m" as in `dalal summary`."""
    return {w: best_segment(table, w) for w in BEST_WINDOWS}
