"""Frames as cache payloads: JSON column lists with their kinds, and back (sources.md §5).

`frame_to_payload` stores `{"kinds": {column: kind}, "columns": {column: [values]}}` with dates
as ISO strings, numbers as floats and missing values as null; `frame_from_payload` rebuilds the
same dtypes. Daily bars use the leaner shape of `tui.sources.cached_bars`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

_KINDS = ("text", "float", "date", "time", "bool")


def _kind(series: pd.Series) -> str:
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "time"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "float"
    return "text"


def _cell(value: Any, kind: str) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "float":
        number = float(value)
        return number if math.isfinite(number) else None
    if kind == "date":
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if kind == "time":
        return pd.Timestamp(value).isoformat()
    if kind == "bool":
        return bool(value)
    return str(value)


def frame_to_payload(frame: pd.DataFrame) -> dict[str, Any]:
    """A frame as a JSON-able payload (the index is dropped)."""
    kinds = {str(c): _kind(frame[c]) for c in frame.columns}
    columns = {str(c): [_cell(v, kinds[str(c)]) for v in frame[c].tolist()] for c in frame.columns}
    return {"kinds": kinds, "columns": columns}


def frame_from_payload(payload: Any) -> pd.DataFrame:
    """The frame `frame_to_payload` stored.

    Raises:
        ValueError: when the payload is not such a value.
    """
    if not isinstance(payload, dict):
        raise ValueError("a frame payload must be an object")
    kinds, columns = payload.get("kinds"), payload.get("columns")
    if (
        not isinstance(kinds, dict)
        or not isinstance(columns, dict)
        or kinds.keys() != columns.keys()
    ):
        raise ValueError("a frame payload needs matching 'kinds' and 'columns'")
    data: dict[str, pd.Series] = {}
    for name, kind in kinds.items():
        values = columns[name]
        if kind not in _KINDS or not isinstance(values, list):
            raise ValueError(f"column '{name}' of a frame payload is malformed")
        if kind == "float":
            data[name] = pd.Series(values, dtype="float64")
        elif kind == "date":
            data[name] = pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")
        elif kind == "time":
            stamps = pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601", utc=True)
            data[name] = stamps.dt.tz_convert("Asia/Kolkata")
        elif kind == "bool":
            data[name] = pd.Series(values, dtype="bool")
        else:
            data[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(data)
