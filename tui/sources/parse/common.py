"""Coercions shared by the pure parsers (sources.md §2.6): body checks, numbers, dates, frames.

Every parser turns one response body into a frame or a small frozen value. The helpers here hold
the rules common to all of them: an HTML or non-JSON body is never data, numeric strings are
trimmed and lose thousands separators, `"-"`, `""` and `null` become missing, each date field
is read with one explicit format, times become timezone-aware, and a missing required key raises
`BadPayload` naming the endpoint and the key.

Helpers raise `PayloadError`; the `endpoint` decorator on each public parser turns it, and any
`KeyError`, `TypeError`, `IndexError` or `ValueError` a malformed body provokes, into
`BadPayload(source, endpoint, detail)`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, ParamSpec, TypeVar, cast
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tui.sources.errors import BadPayload

__all__ = [
    "IST",
    "NAT",
    "QUOTE_COLUMNS",
    "Breadth",
    "Kind",
    "PayloadError",
    "as_mapping",
    "as_rows",
    "by_date",
    "decode_text",
    "dummy_isin",
    "endpoint",
    "flag",
    "floats",
    "load_json",
    "number",
    "parse_date",
    "parse_time",
    "require",
    "section",
    "text",
    "to_frame",
    "unwrap_rows",
]

IST = ZoneInfo("Asia/Kolkata")
"""The exchanges' clock: naive NSE/BSE times are IST."""

QUOTE_COLUMNS = (
    "symbol", "date", "open", "high", "low", "close", "volume", "prev_close", "change_pct",
)  # fmt: skip
"""The columns every latest-quote frame starts with; `close` is the last traded price."""

NAT = cast(pd.Timestamp, pd.NaT)
"""A missing date or time, typed as the Timestamp it stands in for."""

_MISSING = frozenset({"", "-"})
_P = ParamSpec("_P")
_R = TypeVar("_R")

Kind = Literal["text", "float", "int", "date", "time", "bool"]
"""How `to_frame` types a column: str, float64, Int64, naive datetime64, aware time, bool."""


@dataclass(frozen=True)
class Breadth:
    """Advancers, decliners and unchanged of one index or market."""

    advances: int
    declines: int
    unchanged: int

    @property
    def total(self) -> int:
        """Every counted stock."""
        return self.advances + self.declines + self.unchanged


class PayloadError(ValueError):
    """A body does not have the shape a parser needs; `endpoint` reports it as BadPayload."""


def endpoint(source: str, path: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Mark a parser as reading `path` of the logical host `source` (`nse`, `bse`, ...).

    Shape errors raised inside become `BadPayload(source, path, detail)`; other source errors
    (`NotFound`) pass through.
    """

    def decorate(parse: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(parse)
        def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            try:
                return parse(*args, **kwargs)
            except KeyError as error:
                detail = f"the required key {error.args[0]!r} is missing"
                raise BadPayload(source, path, detail) from error
            except (ValueError, TypeError, IndexError) as error:
                raise BadPayload(source, path, str(error)) from error

        return run

    return decorate


def decode_text(body: bytes) -> str:
    """Decode a text body, refusing HTML (a block or error page is never data).

    Args:
        body: the raw response body.

    Returns:
        The body as text without a byte-order mark.

    Raises:
        PayloadError: the body is HTML or not UTF-8.
    """
    try:
        content = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PayloadError("the body is not UTF-8 text") from error
    if content.lstrip().startswith("<"):
        raise PayloadError("got an HTML page instead of data")
    return content


def load_json(body: bytes) -> Any:
    """Decode a JSON body.

    Args:
        body: the raw response body.

    Returns:
        The decoded JSON value.

    Raises:
        PayloadError: the body is HTML, empty or not JSON.
    """
    content = decode_text(body)
    if not content.strip():
        raise PayloadError("the body is empty")
    try:
        return json.loads(content)
    except ValueError as error:
        raise PayloadError("the body is not JSON") from error


def as_mapping(value: Any, name: str = "the body") -> dict[str, Any]:
    """Return `value` if it is a JSON object, else raise `PayloadError` naming `name`."""
    if not isinstance(value, dict):
        raise PayloadError(f"{name} is not a JSON object but {type(value).__name__}")
    return value


def as_rows(value: Any, name: str = "the body") -> list[dict[str, Any]]:
    """Return `value` if it is a list of JSON objects, else raise `PayloadError`."""
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise PayloadError(f"{name} is not a list of objects")
    return value


def section(mapping: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The JSON object under `key`, or `{}` when it is missing or not an object."""
    value = mapping.get(key)
    return value if isinstance(value, dict) else {}


def floats(columns: Iterable[str]) -> dict[str, Kind]:
    """A `to_frame` column spec typing every one of `columns` as float."""
    return dict.fromkeys(columns, "float")


def require(mapping: Mapping[str, Any], key: str) -> Any:
    """Return `mapping[key]`; a missing key (or null) raises `PayloadError`."""
    value = mapping.get(key)
    if value is None:
        raise PayloadError(f"the required key {key!r} is missing")
    return value


def unwrap_rows(payload: Any, key: str) -> list[dict[str, Any]]:
    """Rows served either bare (`[...]`) or wrapped (`{key: [...]}`).

    Raises:
        PayloadError: neither shape, or `{}`.
    """
    if isinstance(payload, dict):
        payload = require(payload, key)
    return as_rows(payload, f"{key!r}" if isinstance(payload, list) else "the body")


def number(value: Any, what: str = "a value") -> float:
    """A number from a JSON number or a numeric string; missing markers become NaN.

    Strings are trimmed and lose thousands separators (`" 1,234.5 "` → 1234.5).

    Raises:
        PayloadError: a string that is not a number, or a non-numeric JSON type.
    """
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise PayloadError(f"{what} is a boolean, not a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "")
        if cleaned in _MISSING:
            return math.nan
        try:
            return float(cleaned)
        except ValueError:
            raise PayloadError(f"{what} {value!r} is not a number") from None
    raise PayloadError(f"{what} is a {type(value).__name__}, not a number")


def text(value: Any) -> str | None:
    """A trimmed string, or None for null, `""` and `"-"`."""
    if value is None:
        return None
    cleaned = str(value).strip()
    return None if cleaned in _MISSING else cleaned


def flag(value: Any) -> bool | None:
    """A boolean from JSON `true`/`false` or NSE's strings `"true"`/`"false"`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def dummy_isin(isin: str | None) -> bool:
    """True for the `DUM…` placeholder ISINs that index lists carry during a rebalance."""
    return bool(isin) and str(isin).upper().startswith("DUM")


def parse_date(value: Any, fmt: str, what: str = "a date") -> pd.Timestamp:
    """A calendar date (naive, midnight) read with one explicit `strptime` format.

    Month names match in any case (`15-DEC-2025` with `%d-%b-%Y`). Missing values give NaT.

    Raises:
        PayloadError: the value does not match the format.
    """
    raw = text(value)
    if raw is None:
        return NAT
    try:
        # A calendar date has no zone; only times are made aware.
        return pd.Timestamp(dt.datetime.strptime(raw, fmt).date())  # noqa: DTZ007
    except ValueError:
        raise PayloadError(f"{what} {raw!r} does not match {fmt!r}") from None


def parse_time(
    value: Any, formats: str | Sequence[str], what: str = "a time", tz: dt.tzinfo = IST
) -> pd.Timestamp:
    """A timezone-aware time from a naive local string (IST unless `tz` says otherwise).

    Args:
        value: the raw value; missing values give NaT.
        formats: the field's format, or one format per known shape of the endpoint.
        what: the field, for the error message.
        tz: the zone the naive string is in.

    Raises:
        PayloadError: no format matches.
    """
    raw = text(value)
    if raw is None:
        return NAT
    for fmt in (formats,) if isinstance(formats, str) else formats:
        try:
            return pd.Timestamp(dt.datetime.strptime(raw, fmt).replace(tzinfo=tz))
        except ValueError:
            continue
    raise PayloadError(f"{what} {raw!r} is not a known time format")


def to_frame(records: Iterable[Mapping[str, Any]], columns: Mapping[str, Kind]) -> pd.DataFrame:
    """Build a frame with exactly `columns`, in order, each typed by its kind.

    `float` columns are float64 (NaN missing), `int` nullable Int64, `date` naive
    datetime64[ns], `time` datetime64[ns, Asia/Kolkata] (or the values' own zone), `bool` a
    nullable boolean and `text` strings.
    """
    rows = list(records)
    data: dict[str, pd.Series] = {}
    for name, kind in columns.items():
        values = [row.get(name) for row in rows]
        data[name] = _column(values, kind)
    return pd.DataFrame(data, index=pd.RangeIndex(len(rows)))


def _column(values: list[Any], kind: Kind) -> pd.Series:
    if kind == "float":
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    if kind == "int":
        cleaned = [None if v is None or _is_nan(v) else int(v) for v in values]
        return pd.Series(cleaned, dtype="Int64")
    if kind == "date":
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    if kind == "time":
        zone = next((v.tz for v in values if isinstance(v, pd.Timestamp) and v.tz), IST)
        return pd.Series(
            pd.to_datetime(values, utc=True), dtype="datetime64[ns, UTC]"
        ).dt.tz_convert(zone)
    if kind == "bool":
        return pd.Series(values, dtype="boolean")
    return pd.Series([None if v is None else str(v) for v in values], dtype="object")


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and np.isnan(value)


def by_date(frame: pd.DataFrame, keys: Sequence[str] = ("date",)) -> pd.DataFrame:
    """Sort ascending by `keys` and keep the last row of each duplicate (the newest answer)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = list(keys)
    deduped = frame.drop_duplicates(keys, keep="last")
    return deduped.sort_values(keys, kind="stable").reset_index(drop=True)
