"""Reading and validating one data-folder CSV file (design.md §2, analytics.md §10 "Loading").

Each file is read once by pandas' C parser with its numeric columns typed, so 1.5 million price
rows parse in well under a second; every check is a vectorised mask. Only when a check fails do we
go back to the file (with the `csv` module) to find the physical line and the raw text of the
first bad row, so that a `FolderError` can name file, line and column in one sentence.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd

from tui.market.model import (
    ANNUAL_COLUMNS,
    ANNUAL_OPTIONAL,
    BALANCE_COLUMNS,
    RESULT_COLUMNS,
    STOCK_COLUMNS,
)
from tui.sources.base import SourceError

MCAP_CLASSES = {"small": "Small", "mid": "Mid", "large": "Large"}
STATUSES = ("active", "suspended")
BASES = ("consolidated", "standalone")


class FolderError(ValueError, SourceError):
    """A data folder that cannot be loaded; str() is one line naming file, line and column."""

    def __init__(self, file: str, problem: str, line: int | None = None, column: str = "") -> None:
        """Build the error.

        Args:
            file: the file's name inside the folder (e.g. ``prices.csv.gz``).
            problem: what is wrong, without the location.
            line: the physical line (header = 1), when one row is at fault.
            column: the column (or TOML key) at fault, if any.
        """
        self.file, self.problem, self.line, self.column = file, problem, line, column
        where = file + (f" line {line}" if line is not None else "")
        where += f", column {column}" if column else ""
        super().__init__(" ".join(f"{where}: {problem}".split()))


@dataclass(frozen=True)
class Col:
    """One column of a file's schema.

    Attributes:
        name: the header name.
        kind: ``key`` (string identifier), ``text``, ``num``, ``date``, ``mcap``, ``status``
            or ``basis``.
        required: the column must be in the header.
        needed: every row must have a value.
    """

    name: str
    kind: str
    required: bool = True
    needed: bool = True


@dataclass(frozen=True)
class Spec:
    """A data-folder file: its columns, its unique key and the checks that apply."""

    cols: tuple[Col, ...]
    unique: tuple[str, ...] = ()
    ohlc: bool = False
    filed_after: str = ""


def _sparse(names: tuple[str, ...], kind: str, required: bool = True) -> tuple[Col, ...]:
    """Columns whose cells may be empty (NaN)."""
    return tuple(Col(n, kind, required, needed=False) for n in names)


def _filings(columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> tuple[Col, ...]:
    """symbol, a period date, filed_on, then numbers (results, annual, balance)."""
    symbol, period, filed, *numbers = columns
    return (
        Col(symbol, "key"), Col(period, "date"), Col(filed, "date"),
        *_sparse(tuple(numbers), "num"), *_sparse(optional, "num", required=False),
    )  # fmt: skip


_OHLC = ("open", "high", "low", "close")
SPECS = {
    "stocks": Spec((
        Col("symbol", "key"), *(Col(c, "text") for c in STOCK_COLUMNS[1:-1]),
        Col("mcap_class", "mcap"), *_sparse(("exchange", "isin", "bse_code"), "text", False),
        Col("market_cap_cr", "num", False, False), Col("status", "status", False, False),
    ), unique=("symbol",)),
    "prices": Spec((
        Col("symbol", "key"), Col("date", "date"), *(Col(c, "num") for c in (*_OHLC, "volume")),
    ), unique=("symbol", "date"), ohlc=True),
    "indices": Spec((  # index feeds often lack open/high/low; close is what the analytics use
        Col("index", "key"), Col("date", "date"), *_sparse(_OHLC[:3], "num"), Col("close", "num"),
    ), unique=("index", "date"), ohlc=True),
    "results": Spec(
        (*_filings(RESULT_COLUMNS), Col("basis", "basis", False, False)),
        filed_after="period_end",
    ),
    "annual": Spec(_filings(ANNUAL_COLUMNS, ANNUAL_OPTIONAL), filed_after="year_end"),
    "balance": Spec(_filings(BALANCE_COLUMNS), filed_after="period_end"),
    "calendar": Spec((
        Col("symbol", "key"), Col("date", "date"), Col("purpose", "text", needed=False),
        Col("announced_on", "date", required=False, needed=False),
    )),
}  # fmt: skip
"""Every CSV of a data folder, in the order it is loaded and checked."""

Problem = Callable[[dict[str, str]], str]
"""Builds a problem's text from the raw fields of the failing row."""

_NA = {"keep_default_na": False, "na_values": [""], "skipinitialspace": True, "encoding": "utf-8"}


def _open_text(path: Path) -> io.TextIOBase:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (first physical line, fields) for the header and each row, as pandas sees them."""
    with _open_text(path) as handle:
        reader = csv.reader(handle, skipinitialspace=True)
        end = 0
        for record in reader:
            start, end = end + 1, reader.line_num
            if len(record) > 1 or (record and record[0].strip()):
                yield start, record


class Table:
    """A file's rows as read by pandas, plus the way back to the file for error messages."""

    def __init__(self, path: Path, frame: pd.DataFrame) -> None:
        """Wrap a parsed frame.

        Args:
            path: the file it came from.
            frame: its rows, with stripped header names.
        """
        self.path, self.name, self.frame = path, path.name, frame

    def locate(self, row: int) -> tuple[int, dict[str, str]]:
        """The physical line and the raw fields (by header name) of data row `row` (0-based)."""
        header: list[str] = []
        for i, (line, record) in enumerate(_records(self.path)):
            if i == 0:
                header = [h.strip() for h in record]
            elif i == row + 1:
                return line, {h: record[j].strip() if j < len(record) else "" for j, h in
                              enumerate(header)}  # fmt: skip
        return row + 2, {}

    def fail(self, row: int, column: str, problem: str | Problem) -> FolderError:
        """The error for data row `row`.

        Args:
            row: the 0-based data row.
            column: the column at fault ("" for the whole row).
            problem: the text, with ``{value}`` standing for the quoted raw cell; or a function
                building it from the row's raw fields.
        """
        line, raw = self.locate(row)
        if isinstance(problem, str):
            problem = problem.replace("{value}", repr(raw.get(column, "")))
        else:
            problem = problem(raw)
        return FolderError(self.name, problem, line, column)


def read_csv(path: Path, spec: Spec, required_file: bool) -> Table:
    """Read a file with its numeric columns typed; every other column stays text (object).

    Raises:
        FolderError: unreadable, empty, missing a column or with a malformed line.
    """
    name = path.name
    try:
        header = pd.read_csv(path, nrows=0, **_NA).columns  # type: ignore[call-overload]
        cols = {c.strip(): c for c in header}
        for col in spec.cols:
            if col.required and col.name not in cols:
                raise FolderError(name, f"missing column {col.name!r}")
        kinds = {c.name: c.kind for c in spec.cols}
        typed = {raw: "float64" if kinds.get(c) == "num" else object for c, raw in cols.items()}
        try:
            frame = pd.read_csv(path, dtype=typed, **_NA)  # type: ignore[call-overload]
        except pd.errors.ParserError:
            raise
        except ValueError:  # a numeric cell that is not a number: find it below, as text
            frame = pd.read_csv(path, dtype=object, **_NA)  # type: ignore[call-overload]
    except pd.errors.EmptyDataError:
        raise FolderError(name, "file is empty (no header line)") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            want, line, saw = found.groups()
            raise FolderError(name, f"expected {want} fields, saw {saw}", int(line)) from None
        raise FolderError(name, f"not a readable CSV file ({exc})") from None
    except UnicodeDecodeError:
        raise FolderError(name, "not UTF-8 text") from None
    except (OSError, EOFError) as exc:
        raise FolderError(name, f"cannot be read ({exc})") from None
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took a longer first row's extra field
        (_, head), (line, first) = islice(_records(path), 2)  # as the index: refuse that
        raise FolderError(name, f"expected {len(head)} fields, saw {len(first)}", line)
    frame.columns = [str(c).strip() for c in frame.columns]
    if required_file and frame.empty:
        raise FolderError(name, "no rows (only a header line)")
    return Table(path, frame)


def _first(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (−1 = empty) and unique stripped strings of a text column."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    stripped = np.array([str(u).strip() or None for u in uniques], dtype=object)
    merged, final = pd.factorize(stripped)
    return np.append(merged, -1)[codes], np.asarray(final, dtype=object)


def _as_float(table: Table, col: Col) -> np.ndarray:
    series = table.frame[col.name]
    if series.dtype == np.float64:
        values = series.to_numpy()
        blank = np.isnan(values)
        bad = np.isinf(values)
    else:
        text = series.astype(object)
        blank = text.isna().to_numpy() | (text.astype(str).str.strip() == "").to_numpy()
        values = pd.to_numeric(text.where(~blank), errors="coerce").to_numpy(dtype="float64")
        bad = ~blank & ~np.isfinite(values)
    if bad.any():
        raise table.fail(_first(bad), col.name, "{value} is not a number")
    if col.needed and blank.any():
        raise table.fail(_first(blank), col.name, "missing value")
    return values


def _as_dates(table: Table, col: Col) -> np.ndarray:
    codes, uniques = _factorize(table.frame[col.name])
    parsed = pd.to_datetime(pd.Series(uniques, dtype=object), format="%Y-%m-%d", errors="coerce")
    wrong = parsed.isna().to_numpy()
    if wrong.any():
        bad = (codes >= 0) & wrong[np.maximum(codes, 0)]
        raise table.fail(_first(bad), col.name, "{value} is not a date (YYYY-MM-DD)")
    if col.needed and (codes < 0).any():
        raise table.fail(_first(codes < 0), col.name, "missing value")
    days = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT", "ns"))
    out: np.ndarray = days[codes]
    return out


def _as_choice(table: Table, col: Col, choices: dict[str, str], default: str) -> np.ndarray:
    codes, uniques = _factorize(table.frame[col.name])
    known = [choices.get(u.lower()) for u in uniques]
    wrong = np.array([k is None for k in known], dtype=bool)
    if wrong.any():
        bad = (codes >= 0) & wrong[np.maximum(codes, 0)]
        allowed = [*choices.values()]
        listed = ", ".join(allowed[:-1]) + " or " + allowed[-1]
        raise table.fail(_first(bad), col.name, "{value} is not " + listed)
    if col.needed and (codes < 0).any():
        raise table.fail(_first(codes < 0), col.name, "missing value")
    out: np.ndarray = np.array([*known, default], dtype=object)[codes]
    return out


class Parsed:
    """A validated file: typed columns, and factorized keys for fast duplicate and sort work."""

    def __init__(self, table: Table, spec: Spec) -> None:
        """Parse every schema column of `table` (absent optional columns become empty).

        Raises:
            FolderError: the first unparsable or missing value, in column order.
        """
        self.table, self.spec, self.n = table, spec, len(table.frame)
        self.columns: dict[str, np.ndarray] = {}
        self.keys: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._sort_keys: dict[tuple[str, ...], np.ndarray] = {}
        for col in spec.cols:
            self.columns[col.name] = self._parse(col)

    def _parse(self, col: Col) -> np.ndarray:
        n, table = self.n, self.table
        if col.name not in table.frame.columns:
            if col.kind == "num":
                return np.full(n, np.nan)
            if col.kind == "date":
                return np.full(n, np.datetime64("NaT", "ns"))
            return np.full(n, "active" if col.kind == "status" else np.nan, dtype=object)
        if col.kind == "num":
            return _as_float(table, col)
        if col.kind == "date":
            return _as_dates(table, col)
        if col.kind == "mcap":
            return _as_choice(table, col, MCAP_CLASSES, "")
        if col.kind in ("status", "basis"):
            options = STATUSES if col.kind == "status" else BASES
            default = "active" if col.kind == "status" else np.nan
            return _as_choice(table, col, {s: s for s in options}, default)  # type: ignore[arg-type]
        codes, uniques = _factorize(table.frame[col.name])
        if col.needed and (codes < 0).any():
            raise table.fail(_first(codes < 0), col.name, "missing value")
        if col.kind == "key":
            self.keys[col.name] = codes, uniques
        out: np.ndarray = np.append(uniques, np.nan)[codes]
        return out

    def check_values(self) -> None:
        """Prices positive, H ≥ max(O, C), L ≤ min(O, C), volume ≥ 0, filing dates in order.

        Raises:
            FolderError: naming the first bad line (and its first bad column).
        """
        c = self.columns
        checks: list[tuple[np.ndarray, str, str | Problem]] = []
        if self.spec.ohlc:
            with np.errstate(invalid="ignore"):
                for p in ("open", "high", "low", "close"):
                    checks.append((c[p] <= 0, p, "{value} is not a positive price"))
                top = np.fmax(c["open"], c["close"])
                bottom = np.fmin(c["open"], c["close"])
                checks.append((c["high"] < top, "high", lambda r: (
                    f"high {r.get('high')} is below max(open, close) {_pick(r, max)}"
                )))  # fmt: skip
                checks.append((c["low"] > bottom, "low", lambda r: (
                    f"low {r.get('low')} is above min(open, close) {_pick(r, min)}"
                )))  # fmt: skip
                if "volume" in c:
                    checks.append((c["volume"] < 0, "volume", "{value} is negative"))
        if self.spec.filed_after:
            after = self.spec.filed_after
            checks.append((c["filed_on"] < c[after], "filed_on", lambda r: (
                f"{r.get('filed_on')} is before {after} {r.get(after)}"
            )))  # fmt: skip
        if "announced_on" in c:
            checks.append((c["announced_on"] > c["date"], "announced_on", lambda r: (
                f"{r.get('announced_on')} is after the meeting date {r.get('date')}"
            )))  # fmt: skip
        if not checks:
            return
        rows = [int(np.argmax(m)) if m.any() else self.n for m, _, _ in checks]
        row = min(rows)
        if row < self.n:
            _, column, problem = checks[rows.index(row)]
            raise self.table.fail(row, column, problem)

    def sort_key(self, names: tuple[str, ...]) -> np.ndarray:
        """An int64 key ordering rows by `names` (key columns by text, date columns by date)."""
        if names in self._sort_keys:
            return self._sort_keys[names]
        key = np.zeros(self.n, dtype=np.int64)
        for name in names:
            if name in self.keys:
                codes, uniques = self.keys[name]
                rank = np.empty(len(uniques), dtype=np.int64)
                rank[np.argsort(uniques, kind="stable")] = np.arange(len(uniques))
                key = key * (len(uniques) + 1) + rank[codes]
            else:
                days = self.columns[name].astype("datetime64[D]").astype(np.int64)
                uniq, inverse = np.unique(days, return_inverse=True)
                key = key * (len(uniq) + 1) + inverse.reshape(-1)
        self._sort_keys[names] = key
        return key

    def check_unique(self) -> None:
        """No two rows share the spec's unique key (symbol; or (symbol, date)).

        Raises:
            FolderError: at the first repeated row, naming the line of its first occurrence.
        """
        names = self.spec.unique
        if not names or self.n < 2:
            return
        key = self.sort_key(names)
        if (np.diff(key) > 0).all():
            return
        order = np.argsort(key, kind="stable")
        same = np.flatnonzero(np.diff(key[order]) == 0)
        if not len(same):
            return
        row = int(order[same + 1].min())
        first = int(np.flatnonzero(key == key[row])[0])
        first_line, _ = self.table.locate(first)
        if len(names) == 1:
            what = f"{names[0]} {self.columns[names[0]][row]!r}"
        else:
            label, day = self.columns[names[0]][row], str(self.columns[names[1]][row])[:10]
            what = f"({', '.join(names)}) ({label!r}, {day})"
        raise self.table.fail(row, "", f"duplicate {what}, first on line {first_line}")

    def check_known(self, column: str, known: pd.Index, where: str) -> None:
        """Every value of a key column is in `known`.

        Raises:
            FolderError: at the first row naming an unknown value.
        """
        codes, uniques = self.keys[column]
        wrong = ~pd.Index(uniques).isin(known)
        if wrong.any():
            bad = (codes >= 0) & np.append(wrong, False)[codes]
            raise self.table.fail(_first(bad), column, "{value} is not in " + where)

    def frame(self, order_by: tuple[str, ...]) -> pd.DataFrame:
        """The typed frame, sorted by `order_by`, with a fresh RangeIndex."""
        key = self.sort_key(order_by) if order_by and self.n > 1 else None
        take = None if key is None or (np.diff(key) >= 0).all() else np.argsort(key, kind="stable")
        data = {}
        for col in self.spec.cols:
            values = self.columns[col.name]
            values = values if take is None else values[take]
            if col.kind in ("num",):
                data[col.name] = pd.Series(values, dtype="float64", copy=False)
            elif col.kind == "date":
                data[col.name] = pd.Series(values, dtype="datetime64[ns]", copy=False)
            else:
                data[col.name] = pd.Series(values, dtype=object, copy=False)
        return pd.DataFrame(data, copy=False)


def _pick(raw: dict[str, str], choose: Callable[..., str]) -> str:
    """The raw text of open or close, whichever `choose` (max or min) picks by value."""
    present = [raw[c] for c in ("open", "close") if raw.get(c)]
    return choose(present, key=float) if present else "?"
