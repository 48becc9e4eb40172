"""Saved user screens: TOML files in `config_dir()/screens/<name>.toml` (design.md §4, §6).

A file holds the same keys as a built-in `screens/*.toml`:

```toml
name = "cheap quality"
description = "Good quality at a fair price"
query = 'quality >= good AND valuation <= fair'
columns = ["score", "pe"]
sort = "score:desc"
limit = 20            # optional
```

A screen's name is its file stem, matched case-insensitively; a saved screen may not shadow a
built-in one (the caller passes the built-in names, so this module does not depend on the
screening package). Writes go through `atomic_write` under the folder's lock; a file that will
not parse is moved aside and reported through `notice`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from tui import paths
from tui.store.atomic import (
    NoticeFn,
    StoreError,
    atomic_write,
    fsync_dir,
    locked,
    move_aside,
    name_key,
    read_text,
    remove_stale_temps,
    report,
    validate_name,
)

SUFFIX = ".toml"


@dataclass(frozen=True)
class SavedScreen:
    """A user's screen as stored."""

    name: str
    query: str
    description: str = ""
    columns: tuple[str, ...] = ()
    sort: str | None = None
    limit: int | None = None
    path: Path | None = None


def screens_dir() -> Path:
    """`config_dir()/screens` (read at call time, so overrides apply)."""
    return paths.config_dir() / "screens"


def _lock_target(folder: Path) -> Path:
    return folder / ".screens"  # its lock is folder/.screens.lock


class _Unreadable(Exception):
    """A screen file that is not TOML or lacks a query."""


def _parse(path: Path, text: str) -> SavedScreen:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Unreadable(str(exc)) from exc
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise _Unreadable("it has no query")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise _Unreadable("'description' is not text")
    columns = data.get("columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise _Unreadable("'columns' is not a list of names")
    sort = data.get("sort")
    if sort is not None and not isinstance(sort, str):
        raise _Unreadable("'sort' is not text")
    limit = data.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise _Unreadable("'limit' is not a positive whole number")
    return SavedScreen(path.stem, query, description, tuple(columns), sort, limit, path)


def _files(folder: Path) -> list[Path]:
    try:
        found = [p for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file()]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read {folder}: {exc.strerror or exc}") from exc
    return sorted(found, key=lambda p: name_key(p.stem))


def _find(folder: Path, name: str) -> Path | None:
    key = name_key(name)
    return next((p for p in _files(folder) if name_key(p.stem) == key), None)


def _read(path: Path, notice: NoticeFn | None) -> SavedScreen | None:
    """The screen in `path`; None when it vanished or was unreadable (moved aside, reported)."""
    try:
        text = read_text(path)
        return None if text is None else _parse(path, text)
    except (_Unreadable, UnicodeDecodeError):
        pass
    with locked(_lock_target(path.parent)):
        try:
            text = read_text(path)
            return None if text is None else _parse(path, text)
        except (_Unreadable, UnicodeDecodeError) as exc:
            reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc)
            report(move_aside(path, " ".join(reason.split())), notice)
            return None


def list_screens(*, notice: NoticeFn | None = None) -> list[SavedScreen]:
    """Every readable saved screen, by name."""
    out = []
    for path in _files(screens_dir()):
        screen = _read(path, notice)
        if screen is not None:
            out.append(screen)
    return out


def load_screen(name: str, *, notice: NoticeFn | None = None) -> SavedScreen:
    """The saved screen called `name` (any case); StoreError when there is none."""
    name = validate_name(name, "screen name", filename=True)
    path = _find(screens_dir(), name)
    screen = None if path is None else _read(path, notice)
    if screen is None:
        raise StoreError(f"no saved screen named '{name}'")
    return screen


def save_screen(
    name: str,
    query: str,
    description: str = "",
    columns: Sequence[str] = (),
    sort: str | None = None,
    *,
    limit: int | None = None,
    builtin: Collection[str] = (),
    overwrite: bool = True,
) -> SavedScreen:
    """Write a saved screen; an existing one of that name (any case) is replaced.

    Args:
        builtin: the built-in screens' names; a saved screen may not shadow one.
        overwrite: when False, an existing saved screen of that name is a StoreError.
    """
    name = validate_name(name, "screen name", filename=True)
    if name_key(name) in {name_key(b) for b in builtin}:
        raise StoreError(f"'{name}' is a built-in screen; choose another name")
    if not isinstance(query, str) or not query.strip():
        raise StoreError("a saved screen needs a query")
    if limit is not None and (isinstance(limit, bool) or limit < 1):
        raise StoreError("a screen's limit must be a positive whole number")
    doc = tomlkit.document()
    doc["name"] = name
    doc["description"] = description
    doc["query"] = query
    doc["columns"] = list(columns)
    if sort:
        doc["sort"] = sort
    if limit is not None:
        doc["limit"] = int(limit)
    folder = screens_dir()
    with locked(_lock_target(folder)):
        existing = _find(folder, name)
        if existing is not None and not overwrite:
            raise StoreError(f"a saved screen named '{existing.stem}' already exists")
        # the same name in another case replaces that file, keeping its file name (safe on
        # case-insensitive filesystems too)
        path = existing or folder / f"{name}{SUFFIX}"
        atomic_write(path, doc.as_string().encode("utf-8"))
        remove_stale_temps(path)
    return SavedScreen(path.stem, query, description, tuple(columns), sort or None, limit, path)


def delete_screen(name: str) -> str:
    """Delete a saved screen; returns its stored name. StoreError when there is none."""
    name = validate_name(name, "screen name", filename=True)
    folder = screens_dir()
    with locked(_lock_target(folder)):
        path = _find(folder, name)
        if path is None:
            raise StoreError(f"no saved screen named '{name}'")
        path.unlink()
        fsync_dir(folder)
    return path.stem
