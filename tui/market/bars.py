"""Weekly and monthly bars of a panel: completed bars and every session's partial bar (§1).

Weekly is the ISO week, monthly the calendar month; O first, H max, L min, C last, V sum, dated by
the group's last session. For every daily session t the *partial* bar of the period holding t
runs from the period's first session to t. It is flagged partial unless t is on or after the
period's last weekday (Friday; the month's last Monday–Friday day), exactly as §1 words it, so a
week cut short by a Friday holiday stays partial on its Thursday.

A completed bar is the partial bar at its period's last session, so the two agree bit for bit.
Inputs are `Panel.filled` arrays: NaN only before a stock's first bar.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tui.market.model import Panel

FREQS = ("W", "M")
"""Supported periods: ISO week and calendar month."""


@dataclass(frozen=True, eq=False)
class Periods:
    """How sessions group into weeks or months; depends on the dates only.

    Attributes:
        freq: "W" or "M".
        group: (T,) index of the period holding each session.
        start: (J,) row of each period's first session.
        end: (J,) row of each period's last session.
        dates: (J,) date of each period's last session.
        partial: (T,) True where the bar up to that session is partial (§1).
        by_offset: rows of each period's k-th session, for k = 0, 1, ...
        slots: (T,) group · longest + offset: each session's place in a (J, longest) layout.
        longest: sessions in the longest period.
    """

    freq: str
    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    dates: pd.DatetimeIndex
    partial: np.ndarray
    by_offset: tuple[np.ndarray, ...] = ()
    slots: np.ndarray = field(default_factory=lambda: np.zeros(0, np.intp))
    longest: int = 0

    @property
    def count(self) -> int:
        """Number of periods J."""
        return len(self.start)


@dataclass(frozen=True, eq=False)
class Bars:
    """Completed (J, N) and partial (T, N) OHLCV bars of one period kind.

    Attributes:
        periods: the grouping.
        open, high, low, close, volume: completed bars, one row per period.
        p_open, p_high, p_low, p_close, p_volume: the bar of the period holding each session,
            up to and including that session.
    """

    periods: Periods
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    p_open: np.ndarray
    p_high: np.ndarray
    p_low: np.ndarray
    p_close: np.ndarray
    p_volume: np.ndarray


def periods(dates: pd.DatetimeIndex, freq: str) -> Periods:
    """Group sessions into ISO weeks ("W") or calendar months ("M").

    Args:
        dates: ascending session dates.
        freq: "W" or "M".

    Raises:
        ValueError: for an unknown freq.
    """
    dates = pd.DatetimeIndex(dates).normalize()
    weekday = dates.day_of_week.to_numpy()
    if freq == "W":
        iso = dates.isocalendar()
        key = iso["year"].to_numpy(np.int64) * 100 + iso["week"].to_numpy(np.int64)
        partial = weekday < 4
    elif freq == "M":
        key = dates.year.to_numpy(np.int64) * 12 + dates.month.to_numpy(np.int64)
        month_end = dates + pd.offsets.MonthEnd(0)
        back = np.maximum(month_end.day_of_week.to_numpy() - 4, 0)
        last_weekday = month_end - pd.to_timedelta(back, unit="D")
        partial = np.asarray(dates < last_weekday, dtype=bool)
    else:
        raise ValueError(f"unknown period {freq!r}; expected one of {FREQS}")
    t = len(dates)
    is_start = np.ones(t, dtype=bool)
    is_start[1:] = key[1:] != key[:-1]
    start = np.flatnonzero(is_start)
    end = np.append(start[1:] - 1, t - 1) if t else start
    group = np.cumsum(is_start) - 1
    offset = np.arange(t) - start[group] if t else np.zeros(0, np.intp)
    longest = int(offset.max()) + 1 if t else 0
    by_offset = tuple(np.flatnonzero(offset == k) for k in range(longest))
    partial = np.asarray(partial, dtype=bool)
    slots = group * longest + offset
    return Periods(freq, group, start, end, dates[end], partial, by_offset, slots, longest)


def completed(
    per: Periods,
    o: np.ndarray,
    h: np.ndarray,
    lo: np.ndarray,
    c: np.ndarray,
    v: np.ndarray,
    chunk: int = 2048,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Completed (J, N) bars (open, high, low, close, volume), equal to `resample`'s.

    Runs `resample` over column chunks and keeps only the completed bars, bounding memory.
    """
    out = tuple(np.empty((per.count, c.shape[1])) for _ in range(5))
    for a in range(0, c.shape[1], chunk):
        sl = slice(a, a + chunk)
        b = resample(per, o[:, sl], h[:, sl], lo[:, sl], c[:, sl], v[:, sl])
        for dst, src in zip(out, (b.open, b.high, b.low, b.close, b.volume), strict=True):
            dst[:, sl] = src
    return out  # type: ignore[return-value]


def resample(
    per: Periods,
    o: np.ndarray,
    h: np.ndarray,
    lo: np.ndarray,
    c: np.ndarray,
    v: np.ndarray,
) -> Bars:
    """Completed and partial bars from filled daily (T, N) arrays.

    Args:
        per: the grouping of the T sessions.
        o, h, lo, c, v: filled daily arrays (NaN only before a stock's first bar).
    """
    p_open, p_high, p_low, p_volume = o.copy(), h.copy(), lo.copy(), v.copy()
    # Walk every period's k-th session at once: a handful of steps (5 weekly, 23 monthly).
    for rows in per.by_offset[1:]:
        before = rows - 1
        p_high[rows] = np.fmax(p_high[before], h[rows])
        p_low[rows] = np.fmin(p_low[before], lo[rows])
        prev_open = p_open[before]
        # A stock listed mid-period opens its bar on its first session.
        p_open[rows] = np.where(np.isnan(prev_open), o[rows], prev_open)
        prev_volume = p_volume[before]
        prev_volume[np.isnan(prev_volume)] = 0.0
        p_volume[rows] = prev_volume + v[rows]
    e = per.end
    return Bars(
        per, p_open[e], p_high[e], p_low[e], c[e], p_volume[e],
        p_open, p_high, p_low, c, p_volume,
    )  # fmt: skip


def bars(panel: Panel, freq: str) -> Bars:
    """Weekly ("W") or monthly ("M") bars of a panel's filled arrays."""
    return resample(periods(panel.dates, freq), *panel.filled)


def weekly(panel: Panel) -> Bars:
    """ISO-week bars of a panel."""
    return bars(panel, "W")


def monthly(panel: Panel) -> Bars:
    """Calendar-month bars of a panel."""
    return bars(panel, "M")
