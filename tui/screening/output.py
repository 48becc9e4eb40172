"""Screen results as rows: column choice, sorting, and table, CSV and JSON renderings.

Pure functions over the screen frame (no printing): the CLI and exports share them. Grades are
their display words, missing values `null` in JSON, empty in CSV and `-` in tables; integers
(scores, day counts) print without decimals.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from tui.screening.fields import Kind, Registry

DEFAULT_COLUMNS = (
    "symbol", "name", "sector", "mcap_class", "close", "ret_1d", "score", "call", "technical",
    "fin_trend",
)  # fmt: skip
"""Columns every row has (design.md §4); `--columns` adds to them, never removes."""

NAME_WIDTH = 32
"""Longest company name a table shows (longer ones end with …)."""


class ColumnError(ValueError):
    """An unknown column or sort field (one sentence)."""


def resolve_field(name: str, registry: Registry, what: str = "column") -> str:
    """The field id a column or sort name (id, display name or alias, maybe bracketed) names."""
    if len(name) > 1 and (name[0], name[-1]) in (("[", "]"), ("`", "`")):
        name = name[1:-1]
    field = registry.get(name)
    if field is None:
        hints = registry.suggest(name, n=1)
        hint = f" — did you mean '{hints[0]}'?" if hints else ""
        raise ColumnError(f"unknown {what} '{name}'{hint}")
    return field.id


def columns_for(extra: Sequence[str], registry: Registry) -> list[str]:
    """DEFAULT_COLUMNS followed by the extra columns (resolved, without repeats)."""
    out = list(DEFAULT_COLUMNS)
    for name in extra:
        if name.strip():
            fid = resolve_field(name.strip(), registry)
            if fid not in out:
                out.append(fid)
    return out


def sort_rows(frame: pd.DataFrame, spec: str | None, registry: Registry) -> pd.DataFrame:
    """Sort by `FIELD[:asc|desc]` (default `score:desc`), missing last, then by symbol."""
    spec = spec or "score:desc"
    name, _, direction = spec.rpartition(":") if ":" in spec else (spec, "", "asc")
    direction = direction.strip().lower()
    if direction not in ("asc", "desc"):
        raise ColumnError(f"sort direction must be asc or desc, not '{direction}'")
    fid = resolve_field(name.strip(), registry, "sort field")
    values = _sort_key(frame, fid)
    order = pd.DataFrame({"k": values, "s": frame.index.to_numpy(dtype=object)})
    order["missing"] = order["k"].isna()
    ranked = order.sort_values(
        ["missing", "k", "s"], ascending=[True, direction == "asc", True], kind="stable"
    )
    return frame.iloc[ranked.index.to_numpy()]


def _sort_key(frame: pd.DataFrame, fid: str) -> pd.Series:
    if fid == "symbol" and fid not in frame.columns:
        return pd.Series(frame.index.to_numpy(dtype=object))
    col = frame[fid]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = np.asarray(col.cat.codes, dtype=np.float64)
        return pd.Series(np.where(codes < 0, np.nan, codes))
    if pd.api.types.is_numeric_dtype(col.dtype):
        return pd.Series(col.to_numpy(dtype=np.float64, na_value=np.nan))
    return pd.Series([None if pd.isna(v) else str(v).casefold() for v in col], dtype=object)


def records(
    frame: pd.DataFrame, columns: Sequence[str], registry: Registry
) -> list[dict[str, Any]]:
    """One JSON-ready dict per row: numbers as float (integers as int), missing as None."""
    kinds = {f.id: f.kind for f in registry.fields.values()}
    data = {c: _cells(frame, c, kinds.get(c)) for c in columns}
    return [{c: data[c][i] for c in columns} for i in range(len(frame))]


def _cells(frame: pd.DataFrame, column: str, kind: Kind | None) -> list[Any]:
    if column == "symbol" and column not in frame.columns:
        return [str(s) for s in frame.index]
    if column not in frame.columns:
        return [None] * len(frame)
    out: list[Any] = []
    for v in frame[column].tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
            x = float(v)
            out.append(int(x) if kind is Kind.INTEGER and x.is_integer() else x)
        else:
            out.append(str(v))
    return out


def csv_text(frame: pd.DataFrame, columns: Sequence[str], registry: Registry) -> str:
    """CSV with a header of field ids; missing values are empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in records(frame, columns, registry):
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return buf.getvalue()


def table_text(frame: pd.DataFrame, columns: Sequence[str], registry: Registry) -> str:
    """An aligned plain-text table: numbers right-aligned with 2 decimals, text left."""
    rows = records(frame, columns, registry)
    cells = [[_show(row[c], c) for c in columns] for row in rows]
    numeric = [
        all(isinstance(r[c], (int, float)) or r[c] is None for r in rows) and c != "symbol"
        for c in columns
    ]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _show(value: Any, column: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    if column == "name" and len(text) > NAME_WIDTH:
        return text[: NAME_WIDTH - 1] + "…"
    return text
