"""Watchlists: `watchlists.toml` in the data dir (design.md §6).

```toml
last_used = "core"

[lists.core]
entries = [
    {symbol = "TCS", added_on = 2026-02-10, added_price = 3120.5},
]
```

`added_on` is the data's as-of session when the symbol was added and `added_price` that
session's close; either may be missing when it was unknown. Every function reads the file
afresh; changes are made under the file's lock on the file as it is then (style.md §6), so two
dalal instances never drop each other's additions. Names are matched case-insensitively and kept
as first written. An unreadable file is moved aside and reported through `notice` (a callback
taking a StoreNotice; without one, a StoreWarning is raised as a warning).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from tui import paths
from tui.store.atomic import (
    NoticeFn,
    StoreError,
    atomic_write,
    locked,
    move_aside,
    name_key,
    read_text,
    report,
    validate_name,
)

FILENAME = "watchlists.toml"
IMPORT_MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Entry:
    """One symbol on a watchlist, with the session and close at which it was added."""

    symbol: str
    added_on: dt.date | None = None
    added_price: float | None = None


@dataclass(frozen=True)
class Watchlist:
    """A named list of entries, in the order they were added."""

    name: str
    entries: tuple[Entry, ...] = ()

    @property
    def symbols(self) -> list[str]:
        """The entries' symbols."""
        return [e.symbol for e in self.entries]


@dataclass(frozen=True)
class Change:
    """What a change did: symbols `done` (added or removed) and symbols `skipped`.

    For an add, `skipped` were already on the list (their original entries kept); for a
    remove, they were not on it. For an import, `unknown` are symbols `resolve` did not know.
    """

    name: str
    done: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()


def default_path() -> Path:
    """`watchlists.toml` in the data dir (read at call time, so overrides apply)."""
    return paths.data_dir() / FILENAME


# --- reading -------------------------------------------------------------------------------


class _Unreadable(Exception):
    """The file's content is not a watchlists file; the message says why."""


def _parse(text: str) -> tuple[dict[str, Watchlist], str | None]:
    """Lists by stored name, and last_used; _Unreadable on bad TOML or shape."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Unreadable(str(exc)) from exc
    lists = data.get("lists", {})
    if not isinstance(lists, dict):
        raise _Unreadable("'lists' is not a table")
    out: dict[str, Watchlist] = {}
    for name, body in lists.items():
        if not isinstance(body, dict):
            raise _Unreadable(f"lists.{name} is not a table")
        raw = body.get("entries", [])
        if not isinstance(raw, list):
            raise _Unreadable(f"lists.{name}.entries is not an array")
        out[name] = Watchlist(name, tuple(_entry(name, i, e) for i, e in enumerate(raw)))
    last = data.get("last_used")
    return out, last if isinstance(last, str) else None


def _entry(name: str, i: int, raw: object) -> Entry:
    where = f"lists.{name}.entries[{i}]"
    if not isinstance(raw, dict):
        raise _Unreadable(f"{where} is not a table")
    symbol = raw.get("symbol")
    if not isinstance(symbol, str) or not symbol.strip():
        raise _Unreadable(f"{where} has no symbol")
    added_on = raw.get("added_on")
    if isinstance(added_on, dt.datetime):
        added_on = added_on.date()
    elif isinstance(added_on, str):
        try:
            added_on = dt.date.fromisoformat(added_on)
        except ValueError as exc:
            raise _Unreadable(f"{where}.added_on is not a date") from exc
    elif added_on is not None and not isinstance(added_on, dt.date):
        raise _Unreadable(f"{where}.added_on is not a date")
    price = raw.get("added_price")
    if isinstance(price, bool) or (price is not None and not isinstance(price, (int, float))):
        raise _Unreadable(f"{where}.added_price is not a number")
    if price is not None and not math.isfinite(price):
        price = None
    return Entry(symbol.strip().upper(), added_on, None if price is None else float(price))


def _load(path: Path, notice: NoticeFn | None) -> tuple[dict[str, Watchlist], str | None]:
    """Read without the lock (writes are atomic); take it only to move a bad file aside."""
    try:
        text = read_text(path)
        return ({}, None) if text is None else _parse(text)
    except (_Unreadable, UnicodeDecodeError):
        pass
    with locked(path):
        try:
            text = read_text(path)
            return ({}, None) if text is None else _parse(text)
        except (_Unreadable, UnicodeDecodeError) as exc:
            report(move_aside(path, _reason(exc)), notice)
            return {}, None


def _reason(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return " ".join(str(exc).split())


def _find(names: Iterable[str], name: str) -> str | None:
    key = name_key(name)
    return next((n for n in names if name_key(n) == key), None)


def list_names(*, path: Path | None = None, notice: NoticeFn | None = None) -> list[str]:
    """Every watchlist's name, in the file's order."""
    lists, _ = _load(path or default_path(), notice)
    return list(lists)


def load_all(*, path: Path | None = None, notice: NoticeFn | None = None) -> list[Watchlist]:
    """Every watchlist, in the file's order."""
    lists, _ = _load(path or default_path(), notice)
    return list(lists.values())


def get(name: str, *, path: Path | None = None, notice: NoticeFn | None = None) -> Watchlist:
    """The watchlist called `name` (any case); StoreError when there is none."""
    name = validate_name(name, "watchlist name")
    lists, _ = _load(path or default_path(), notice)
    found = _find(lists, name)
    if found is None:
        raise StoreError(f"no watchlist named '{name}'{_hint(lists)}")
    return lists[found]


def _hint(lists: Mapping[str, Watchlist]) -> str:
    if not lists:
        return " (there are none yet)"
    names = ", ".join(f"'{n}'" for n in list(lists)[:8])
    return f" (there are {names}{', ...' if len(lists) > 8 else ''})"


def last_used(*, path: Path | None = None, notice: NoticeFn | None = None) -> str | None:
    """The list the user last chose in the TUI, if it still exists."""
    lists, last = _load(path or default_path(), notice)
    return None if last is None else _find(lists, last)


# --- changing ------------------------------------------------------------------------------


def _modify(
    path: Path | None,
    notice: NoticeFn | None,
    change: Callable[[tomlkit.TOMLDocument, dict[str, Watchlist]], bool],
) -> None:
    """Re-read the file under its lock, apply `change`, write it back if `change` says so."""
    path = path or default_path()
    with locked(path):
        doc: tomlkit.TOMLDocument | None = None
        lists: dict[str, Watchlist] = {}
        try:
            text = read_text(path)
            if text is not None:
                lists, _ = _parse(text)
                doc = tomlkit.parse(text)
        except (_Unreadable, UnicodeDecodeError) as exc:
            report(move_aside(path, _reason(exc)), notice)
            doc, lists = None, {}
        if doc is None:
            doc = tomlkit.document()
        if change(doc, lists):
            atomic_write(path, doc.as_string().lstrip("\n").encode("utf-8"))


def _lists_table(doc: tomlkit.TOMLDocument) -> Table:
    if "lists" not in doc:
        doc["lists"] = tomlkit.table(is_super_table=True)
    table = doc["lists"]
    assert isinstance(table, Table)
    return table


def _entries_array(entries: Sequence[Entry]) -> Any:
    array = tomlkit.array()
    for e in entries:
        row = tomlkit.inline_table()
        row["symbol"] = e.symbol
        if e.added_on is not None:
            row["added_on"] = e.added_on
        if e.added_price is not None and math.isfinite(e.added_price):
            row["added_price"] = float(e.added_price)
        array.append(row)
    array.multiline(bool(entries))
    return array


def _set_entries(doc: tomlkit.TOMLDocument, name: str, entries: Sequence[Entry]) -> None:
    lists = _lists_table(doc)
    if name not in lists:
        lists[name] = tomlkit.table()
    body = lists[name]
    assert isinstance(body, Table)
    body["entries"] = _entries_array(entries)


def create(name: str, *, path: Path | None = None, notice: NoticeFn | None = None) -> str:
    """Create an empty watchlist; StoreError when one of that name (any case) exists."""
    name = validate_name(name, "watchlist name")

    def change(doc: tomlkit.TOMLDocument, lists: dict[str, Watchlist]) -> bool:
        found = _find(lists, name)
        if found is not None:
            raise StoreError(f"a watchlist named '{found}' already exists")
        _set_entries(doc, name, [])
        return True

    _modify(path, notice, change)
    return name


def _as_entry(item: Entry | str) -> Entry:
    entry = Entry(item) if isinstance(item, str) else item
    symbol = entry.symbol.strip().upper()
    if not symbol:
        raise StoreError("a symbol cannot be empty")
    if any(c.isspace() for c in symbol) or len(symbol) > 64:
        raise StoreError(f"'{entry.symbol[:40]}' is not a symbol")
    return Entry(symbol, entry.added_on, entry.added_price)


def add_symbols(
    name: str,
    entries: Iterable[Entry | str],
    *,
    create: bool = True,
    path: Path | None = None,
    notice: NoticeFn | None = None,
) -> Change:
    """Add entries to a watchlist (created first unless `create` is False).

    A symbol already on the list keeps its original entry (its added_on and added_price);
    it is reported in `skipped`. A bare string is an entry with no date or price.
    """
    name = validate_name(name, "watchlist name")
    wanted = [_as_entry(e) for e in entries]
    result: list[Change] = []

    def change(doc: tomlkit.TOMLDocument, lists: dict[str, Watchlist]) -> bool:
        found = _find(lists, name)
        if found is None and not create:
            raise StoreError(f"no watchlist named '{name}'{_hint(lists)}")
        key = found or name
        current = list(lists[key].entries) if found else []
        have = {e.symbol for e in current}
        done: list[str] = []
        skipped: list[str] = []
        for e in wanted:
            if e.symbol in have:
                skipped.append(e.symbol)
            else:
                current.append(e)
                have.add(e.symbol)
                done.append(e.symbol)
        result.append(Change(key, tuple(done), tuple(skipped)))
        if done or found is None:
            _set_entries(doc, key, current)
            return True
        return False

    _modify(path, notice, change)
    return result[-1]


def remove_symbols(
    name: str,
    symbols: Iterable[str],
    *,
    path: Path | None = None,
    notice: NoticeFn | None = None,
) -> Change:
    """Remove symbols from a watchlist; ones not on it are reported in `skipped`."""
    name = validate_name(name, "watchlist name")
    gone = [s.strip().upper() for s in symbols]
    result: list[Change] = []

    def change(doc: tomlkit.TOMLDocument, lists: dict[str, Watchlist]) -> bool:
        found = _find(lists, name)
        if found is None:
            raise StoreError(f"no watchlist named '{name}'{_hint(lists)}")
        current = lists[found].entries
        on = {e.symbol for e in current}
        done = tuple(dict.fromkeys(s for s in gone if s in on))
        skipped = tuple(dict.fromkeys(s for s in gone if s not in on))
        result.append(Change(found, done, skipped))
        if not done:
            return False
        _set_entries(doc, found, [e for e in current if e.symbol not in done])
        return True

    _modify(path, notice, change)
    return result[-1]


def delete(name: str, *, path: Path | None = None, notice: NoticeFn | None = None) -> str:
    """Delete a watchlist; returns its stored name. StoreError when there is none."""
    name = validate_name(name, "watchlist name")
    result: list[str] = []

    def change(doc: tomlkit.TOMLDocument, lists: dict[str, Watchlist]) -> bool:
        found = _find(lists, name)
        if found is None:
            raise StoreError(f"no watchlist named '{name}'{_hint(lists)}")
        del _lists_table(doc)[found]
        last = doc.get("last_used")
        if isinstance(last, str) and name_key(last) == name_key(found):
            del doc["last_used"]
        result.append(found)
        return True

    _modify(path, notice, change)
    return result[-1]


def set_last_used(name: str, *, path: Path | None = None, notice: NoticeFn | None = None) -> None:
    """Remember the list the user chose (the TUI's default next time)."""
    name = validate_name(name, "watchlist name")

    def change(doc: tomlkit.TOMLDocument, lists: dict[str, Watchlist]) -> bool:
        found = _find(lists, name)
        if found is None:
            raise StoreError(f"no watchlist named '{name}'{_hint(lists)}")
        if doc.get("last_used") == found:
            return False
        doc["last_used"] = found
        return True

    _modify(path, notice, change)


# --- import and export ---------------------------------------------------------------------


def read_symbols(file: Path) -> list[str]:
    """Symbols from a CSV with a `symbol` column (any case) or a plain list, one per line.

    Blank lines and lines starting with `#` are skipped; symbols are upper-cased and
    de-duplicated in order. StoreError when the file cannot be read or is a CSV without a
    symbol column.
    """
    file = Path(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read {file}: {exc.strerror or exc}") from exc
    if len(raw) > IMPORT_MAX_BYTES:
        raise StoreError(f"{file} is too large to be a list of symbols")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{file} is not UTF-8 text") from exc
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        return []
    rows = list(csv.reader(lines))
    header = [cell.strip().casefold() for cell in rows[0]]
    if "symbol" in header:
        col = header.index("symbol")
        cells = [row[col] if col < len(row) else "" for row in rows[1:]]
    elif len(header) > 1:
        raise StoreError(f"{file}: the CSV header has no 'symbol' column")
    else:
        cells = [row[0] if row else "" for row in rows]
    symbols = (c.strip().upper() for c in cells)
    return list(dict.fromkeys(s for s in symbols if s))


def import_symbols(
    name: str,
    file: Path,
    resolve: Callable[[str], Entry | None],
    *,
    path: Path | None = None,
    notice: NoticeFn | None = None,
) -> Change:
    """Add the symbols in `file` to a watchlist (created if needed).

    `resolve` turns a symbol into its entry (with the as-of session and close) or None when the
    data does not know it; unknown symbols are reported in `unknown` and the rest added.
    """
    name = validate_name(name, "watchlist name")
    symbols = read_symbols(file)
    entries: list[Entry] = []
    unknown: list[str] = []
    for symbol in symbols:
        entry = resolve(symbol)
        if entry is None:
            unknown.append(symbol)
        else:
            entries.append(entry)
    if not entries:
        return Change(name, (), (), tuple(unknown))
    done = add_symbols(name, entries, path=path, notice=notice)
    return Change(done.name, done.done, done.skipped, tuple(unknown))


def export_csv(name: str, *, path: Path | None = None, notice: NoticeFn | None = None) -> str:
    """The watchlist as CSV: `symbol,added_on,added_price`, one row per entry."""
    watchlist = get(name, path=path, notice=notice)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["symbol", "added_on", "added_price"])
    for e in watchlist.entries:
        writer.writerow(
            [
                e.symbol,
                "" if e.added_on is None else e.added_on.isoformat(),
                "" if e.added_price is None else repr(float(e.added_price)),
            ]
        )
    return out.getvalue()


def check_name(name: str) -> str:
    """Validate a watchlist name (StoreError naming the problem); returns it normalised."""
    return validate_name(name, "watchlist name")
