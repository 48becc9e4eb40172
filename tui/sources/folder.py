"""The data folder source: load and validate a folder of CSV files, cache it, and write one.

`load_folder` reads market.toml and the CSV files of design.md §2 (each may be gzipped), checks
everything analytics.md §10 lists and returns one `MarketData`, or raises a `FolderError` whose
one-line message names file, line and column; nothing is half-loaded. A validated folder is
pickled under the cache dir with a fingerprint of its files, so reopening an unchanged folder
skips parsing. `write_folder` writes a `MarketData` back as a folder, atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import tomllib
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import tomlkit

from tui import paths
from tui.market.model import MarketData, MarketMeta, empty_frame
from tui.sources.pickled import read_entry, write_entry
from tui.sources.validate import SPECS, FolderError, Parsed, Spec, read_csv

__all__ = ["FolderError", "FolderSource", "load_folder", "write_folder"]

CACHE_VERSION = 1
"""Bump when the cached layout of MarketData changes; old entries are then ignored."""

_ORDER = {
    "stocks": ("symbol",),
    "prices": ("symbol", "date"),
    "indices": ("index", "date"),
    "results": ("symbol", "period_end", "filed_on"),
    "annual": ("symbol", "year_end", "filed_on"),
    "balance": ("symbol", "period_end", "filed_on"),
    "calendar": ("symbol", "date"),
}
_REQUIRED = ("stocks", "prices", "indices")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FolderSource:
    """A data folder on disk as a `Source` (name ``folder``)."""

    name = "folder"

    def __init__(self, path: Path, use_cache: bool = True) -> None:
        """Remember the folder.

        Args:
            path: the data folder.
            use_cache: reuse (and store) the validated pickle under the cache dir.
        """
        self.path = Path(path)
        self.use_cache = use_cache

    def load(self) -> MarketData:
        """Load the folder (see `load_folder`).

        Raises:
            FolderError: the folder is malformed (also a `SourceError`).
        """
        return load_folder(self.path, use_cache=self.use_cache)


def load_folder(path: Path, use_cache: bool = True, compact: bool = False) -> MarketData:
    """Load and validate a data folder.

    Args:
        path: the folder holding market.toml, stocks.csv, prices.csv, indices.csv and the
            optional results.csv, annual.csv, balance.csv and calendar.csv (any as `.csv.gz`).
        use_cache: return the cached copy when no file in the folder changed since it was
            validated, and cache a freshly validated folder.
        compact: return (and cache) the data with its daily bars as a dense panel
            (`MarketData.compact`): what the analytics use. Reading that cache never builds
            the long prices frame, which is most of a large folder's load time and memory.

    Returns:
        The folder's data, frames sorted (prices by symbol and date, stocks indexed by symbol).

    Raises:
        FolderError: the first problem found, as one line naming file, line and column.
    """
    folder = Path(path).expanduser().absolute()
    if not folder.is_dir():
        raise FolderError(str(path), "not a folder")
    if not use_cache:
        return _load(folder).compact() if compact else _load(folder)
    before = _fingerprint(folder)
    cached = _cache_read(folder, before, compact)
    if cached is not None:
        return cached
    data = _load(folder)
    if compact:
        data = data.compact()
    if _fingerprint(folder) == before:  # a file changed while we read: don't pin that state
        _cache_write(folder, before, data, compact)
    return data


def _find(folder: Path, stem: str) -> Path | None:
    plain, zipped = folder / f"{stem}.csv", folder / f"{stem}.csv.gz"
    if plain.exists() and zipped.exists():
        raise FolderError(plain.name, f"both {plain.name} and {zipped.name} exist; keep one")
    if plain.exists() or zipped.exists():
        return plain if plain.exists() else zipped
    if stem in _REQUIRED:
        raise FolderError(plain.name, f"required file is missing (nor is there {zipped.name})")
    return None


def _load(folder: Path) -> MarketData:
    meta = read_meta(folder / "market.toml")
    frames: dict[str, pd.DataFrame] = {}
    parsed: dict[str, Parsed] = {}
    for stem, spec in SPECS.items():
        file = _find(folder, stem)
        if file is None:
            frames[stem] = _empty(spec)
            continue
        table = Parsed(read_csv(file, spec, stem in _REQUIRED), spec)
        table.check_values()
        table.check_unique()
        if stem == "indices":
            _check_meta_indices(meta, pd.Index(table.keys["index"][1]), file.name)
        elif stem != "stocks" and table.n:
            table.check_known("symbol", pd.Index(parsed["stocks"].keys["symbol"][1]), "stocks.csv")
        parsed[stem] = table
        frames[stem] = table.frame(_ORDER[stem])
    return MarketData(
        meta=meta,
        stocks=frames["stocks"].set_index("symbol"),
        prices=frames["prices"],
        indices=frames["indices"],
        results=frames["results"],
        annual=frames["annual"],
        balance=frames["balance"],
        calendar=frames["calendar"],
        source="folder",
    )


def _empty(spec: Spec) -> pd.DataFrame:
    names = tuple(c.name for c in spec.cols)
    return empty_frame(names, tuple(c.name for c in spec.cols if c.kind == "date"))


def read_meta(path: Path) -> MarketMeta:
    """Read and check market.toml.

    Raises:
        FolderError: missing file, invalid TOML, or a missing or mistyped key.
    """
    name = path.name
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FolderError(name, "required file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = int(found.group(1)) if found else None
        problem = str(exc).replace(found.group(0), "") if found else str(exc)
        raise FolderError(name, f"invalid TOML: {problem.strip()}", line) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FolderError(name, f"cannot be read ({exc})") from None

    def want(key: str, kind: type | tuple[type, ...], what: str, default: Any = None) -> Any:
        value = doc.get(key, default)
        if value is None or not isinstance(value, kind) or isinstance(value, bool):
            shown = "missing" if value is None else f"{value!r}"
            raise FolderError(name, f"key {key!r} must be {what} (found {shown})")
        return value

    meta_name = want("name", str, "a string")
    if not meta_name.strip():
        raise FolderError(name, "key 'name' must not be empty")
    as_of = want("as_of", (dt.date, str), 'a date (2026-02-10 or "2026-02-10")')
    if isinstance(as_of, dt.datetime) or (
        isinstance(as_of, str) and not _ISO_DATE.fullmatch(as_of.strip())
    ):
        raise FolderError(name, f"key 'as_of' must be a date YYYY-MM-DD (found {as_of!r})")
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of.strip())
        except ValueError:
            raise FolderError(name, f"key 'as_of': {as_of!r} is not a date") from None
    month = want("fiscal_year_start_month", int, "a month number 1-12", 4)
    if not 1 <= month <= 12:
        raise FolderError(name, f"key 'fiscal_year_start_month' must be 1-12 (found {month})")
    benchmarks = want("benchmarks", list, "a list of index names", [])
    segments = want("segments", dict, "a table of segment = index name", {})
    if not all(isinstance(b, str) for b in benchmarks):
        raise FolderError(name, f"key 'benchmarks' must list index names (found {benchmarks!r})")
    for key, value in segments.items():
        if not isinstance(value, str):
            raise FolderError(name, f"key 'segments.{key}' must be an index name (found {value!r})")
    return MarketMeta(
        name=meta_name,
        as_of=as_of,
        currency=want("currency", str, "a string", "INR"),
        timezone=want("timezone", str, "a string", "Asia/Kolkata"),
        fiscal_year_start_month=month,
        benchmarks=tuple(benchmarks),
        segments=dict(segments),
    )


def _check_meta_indices(meta: MarketMeta, names: pd.Index, file: str) -> None:
    for bench in meta.benchmarks:
        if bench not in names:
            raise FolderError("market.toml", f"benchmark {bench!r} is not an index in {file}")
    for segment, index in meta.segments.items():
        if index not in names:
            raise FolderError(
                "market.toml", f"segment {segment} = {index!r} is not an index in {file}"
            )


# --- the fast-load cache -----------------------------------------------------------------------


def _cache_file(folder: Path, compact: bool) -> Path:
    digest = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()
    name = f"{digest}.compact.pkl" if compact else f"{digest}.pkl"
    return paths.cache_dir() / f"v{CACHE_VERSION}" / "folders" / name


def _fingerprint(folder: Path) -> tuple[Any, ...]:
    """(name, size, mtime_ns) of every file in the folder, plus the pandas version."""
    files = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file():
                stat = entry.stat()
                files.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return (pd.__version__, str(folder), tuple(sorted(files)))


def _cache_read(folder: Path, fingerprint: tuple[Any, ...], compact: bool) -> MarketData | None:
    """The cached MarketData if its fingerprint matches; any failure is a miss."""
    data = read_entry(_cache_file(folder, compact), fingerprint)
    if not isinstance(data, MarketData) or (data.bars is not None) != compact:
        return None
    return data


def _cache_write(
    folder: Path, fingerprint: tuple[Any, ...], data: MarketData, compact: bool
) -> None:
    """Store the entry atomically; failing to cache is not an error."""
    write_entry(_cache_file(folder, compact), fingerprint, data)


# --- writing a folder --------------------------------------------------------------------------


def write_folder(data: MarketData, path: Path, gzip: bool = True) -> None:
    """Write `data` as a data folder that `load_folder` reads back into equal frames.

    The folder is built in a temporary sibling and renamed into place; an existing data folder
    (one holding market.toml, or empty) at `path` is replaced. Empty optional frames are not
    written. Floats are written in their shortest round-trip form, dates as YYYY-MM-DD.

    Args:
        data: what to write.
        path: the folder to create or replace.
        gzip: write `.csv.gz` files instead of `.csv`.

    Raises:
        FileExistsError: `path` is a file, or a non-empty folder without market.toml.
    """
    target = Path(path).absolute()
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "market.toml").exists())
    ):
        raise FileExistsError(f"{target} exists and is not a data folder; not replacing it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-"))
    try:
        (tmp / "market.toml").write_text(_meta_toml(data.meta), encoding="utf-8")
        ext = ".csv.gz" if gzip else ".csv"
        compression = {"method": "gzip", "mtime": 0, "compresslevel": 1} if gzip else None
        frames = {
            "stocks": data.stocks.rename_axis("symbol").reset_index(),
            "prices": data.price_frame(),
            "indices": data.indices,
            "results": data.results,
            "annual": data.annual,
            "balance": data.balance,
            "calendar": data.calendar,
        }
        for stem, frame in frames.items():
            if frame.empty and stem not in _REQUIRED:
                continue
            columns = [c.name for c in SPECS[stem].cols if c.name in frame.columns]
            out = frame[columns].copy(deep=False)
            for name in columns:
                if pd.api.types.is_datetime64_any_dtype(out[name]):
                    out[name] = _date_text(out[name])
            out.to_csv(
                tmp / f"{stem}{ext}",
                index=False,
                na_rep="",
                lineterminator="\n",
                compression=compression,
            )
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _date_text(column: pd.Series) -> np.ndarray:
    """YYYY-MM-DD text of a datetime column ("" for NaT), formatting each distinct day once."""
    codes, days = pd.factorize(column)
    text = np.array([*(day.strftime("%Y-%m-%d") for day in days), ""], dtype=object)
    out: np.ndarray = text[codes]
    return out


def _swap_in(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex}"
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _meta_toml(meta: MarketMeta) -> str:
    doc = tomlkit.document()
    doc["name"] = meta.name
    doc["as_of"] = meta.as_of
    doc["currency"] = meta.currency
    doc["timezone"] = meta.timezone
    doc["fiscal_year_start_month"] = meta.fiscal_year_start_month
    doc["benchmarks"] = list(meta.benchmarks)
    if meta.segments:
        segments = tomlkit.table()
        for key, value in meta.segments.items():
            segments[key] = value
        doc["segments"] = segments
    return tomlkit.dumps(doc)
