"""Daily bars in the cache: their JSON payload shape and merging a refetched tail (sources.md §5).

Past bars never expire. After 16:00 (and again after 18:30 if still missing) only the tail is
refetched, from the second-to-last stored bar on (`tail_start`), and merged (`merge_tail`). If
the oldest overlapping close moved by more than 0.5 %, a split has re-based the series and the
whole history must be refetched.

Payload shape (`bars_to_payload`): a dict of equal-length column lists,
`{"date": ["2026-02-09", ...], "open": [...], "high": [...], "low": [...], "close": [...],
"volume": [...]}`, dates as ISO strings, numbers as floats, missing values as null. Columns
beyond `date` are optional (index history has no volume).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

BAR_COLUMNS = ("date", "open", "high", "low", "close", "volume")
SPLIT_TOLERANCE = 0.005
"""A refetched close differing from the stored one by more than this fraction is a re-base."""
TAIL_BARS = 2


def bars_to_payload(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """One symbol's bars as JSON-able column lists (sorted by date, deduped, NaN → null).

    Raises:
        ValueError: when the frame has no `date` column.
    """
    if "date" not in frame.columns:
        raise ValueError("bars need a 'date' column")
    ordered = _normalise(frame)
    payload: dict[str, list[Any]] = {
        "date": [d.date().isoformat() for d in pd.to_datetime(ordered["date"])]
    }
    for column in BAR_COLUMNS[1:]:
        if column in ordered.columns:
            payload[column] = [_number(v) for v in ordered[column].tolist()]
    return payload


def bars_from_payload(payload: Any) -> pd.DataFrame:
    """The frame `bars_to_payload` stored: `date` as datetime64 (naive local date), floats.

    Raises:
        ValueError: when the payload is not such a dict of equal-length lists.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("date"), list):
        raise ValueError("bars payload needs a 'date' list")
    columns = [c for c in BAR_COLUMNS if c in payload]
    lengths = {len(payload[c]) for c in columns if isinstance(payload[c], list)}
    if len(lengths) != 1 or any(not isinstance(payload[c], list) for c in columns):
        raise ValueError("bars payload columns must be lists of one length")
    frame = pd.DataFrame({c: payload[c] for c in columns})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    for column in columns[1:]:
        frame[column] = pd.to_numeric(frame[column], errors="raise").astype("float64")
    return frame.reset_index(drop=True)


def last_bar_date(frame: pd.DataFrame) -> dt.date | None:
    """The newest bar's date, or None for no bars (what a history entry's `as_of` holds)."""
    if frame.empty:
        return None
    return pd.Timestamp(frame["date"].max()).date()


def tail_start(stored: pd.DataFrame, bars: int = TAIL_BARS) -> dt.date | None:
    """The date to refetch from: the `bars`-th newest stored bar (None: fetch everything)."""
    if stored.empty:
        return None
    dates = sorted(pd.to_datetime(stored["date"]).unique())
    return pd.Timestamp(dates[-min(bars, len(dates))]).date()


@dataclass(frozen=True)
class TailMerge:
    """The outcome of merging a refetched tail.

    Attributes:
        bars: The merged bars (the stored bars unchanged when `full_refetch`).
        full_refetch: Whether the whole history must be refetched instead.
        reason: Why a full refetch is needed ("" otherwise).
    """

    bars: pd.DataFrame
    full_refetch: bool
    reason: str = ""


def merge_tail(
    stored: pd.DataFrame, tail: pd.DataFrame, tolerance: float = SPLIT_TOLERANCE
) -> TailMerge:
    """Merge a refetched tail into stored bars, or signal a full refetch.

    The oldest bar present in both is settled, so its close must match within `tolerance`;
    newer overlapping bars may be provisional and the tail's values replace them. A tail that
    does not overlap the stored bars cannot be checked for a re-base: full refetch.
    """
    stored = _normalise(stored)
    tail = _normalise(tail)
    if stored.empty:
        return TailMerge(tail, False)
    if tail.empty:
        return TailMerge(stored, False)
    overlap = stored.merge(tail, on="date", suffixes=("_stored", "_tail"))
    if overlap.empty:
        return TailMerge(stored, True, "the refetched tail does not overlap the stored bars")
    first = overlap.iloc[0]
    old, new = float(first["close_stored"]), float(first["close_tail"])
    if not (math.isfinite(old) and math.isfinite(new)) or old == 0:
        return TailMerge(stored, True, "the overlapping close is missing")
    change = abs(new - old) / abs(old)
    if change > tolerance:
        day = pd.Timestamp(first["date"]).date().isoformat()
        return TailMerge(
            stored, True, f"close on {day} moved {change:.1%} ({old:g} → {new:g}): re-based"
        )
    kept = stored[stored["date"] < tail["date"].min()]
    merged = pd.concat([kept, tail], ignore_index=True)
    return TailMerge(_normalise(merged), False)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    result = frame.copy()
    result["date"] = pd.to_datetime(result["date"]).dt.normalize()
    result = result.drop_duplicates("date", keep="last").sort_values("date")
    return result.reset_index(drop=True)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
