"""Built-in and saved screens: TOML files holding a query, columns, a sort and a limit.

Built-in screens ship inside the wheel as `tui/screens_builtin/*.toml` (hatch force-include of
the project's top-level `screens/`), read with importlib.resources; an editable install falls
back to the source tree's `screens/`. Saved screens are read (never written here) from
`config_dir()/screens`. A screen's name is its file stem, matched case-insensitively; a saved
screen may not shadow a built-in one.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

SUFFIX = ".toml"
KEYS = {"name", "description", "query", "columns", "sort", "limit"}


class PresetError(ValueError):
    """A screen that does not exist or whose file is malformed (one sentence)."""


@dataclass(frozen=True)
class Screen:
    """One screen.

    Attributes:
        key: the file stem, lower-cased: what `--preset` matches.
        title: the `name` in the file (display name).
        description: one line.
        query: the SQ query.
        columns: extra columns shown beside the defaults.
        sort: `FIELD` or `FIELD:desc`, or None.
        limit: most rows shown, or None.
        builtin: shipped with dalal (else saved by the user).
        origin: where it was read from.
    """

    key: str
    title: str
    description: str
    query: str
    columns: tuple[str, ...] = ()
    sort: str | None = None
    limit: int | None = None
    builtin: bool = True
    origin: str = ""


def builtin_root() -> Traversable:
    """The folder of built-in screens: the installed package data, else the source tree."""
    packaged = resources.files("tui").joinpath("screens_builtin")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "screens"


def parse_screen(text: str, key: str, builtin: bool, origin: str) -> Screen:
    """Turn one TOML file's text into a Screen.

    Raises:
        PresetError: when it is not TOML, lacks a query, or a key has the wrong type.
    """
    where = f"screen '{key}' ({origin})"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{where} is not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise PresetError(f"{where}: unknown key '{unknown[0]}'")
    query = data.get("query")
    if not isinstance(query, str) or not query.strip():
        raise PresetError(f"{where}: 'query' must be a non-empty string")
    for name in ("name", "description", "sort"):
        if name in data and not isinstance(data[name], str):
            raise PresetError(f"{where}: '{name}' must be a string")
    columns = data.get("columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise PresetError(f"{where}: 'columns' must be a list of strings")
    limit = data.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise PresetError(f"{where}: 'limit' must be a whole number ≥ 0")
    return Screen(
        key=key,
        title=data.get("name", key),
        description=data.get("description", ""),
        query=query,
        columns=tuple(columns),
        sort=data.get("sort"),
        limit=limit,
        builtin=builtin,
        origin=origin,
    )


def _read(files: Iterable[Traversable], builtin: bool) -> tuple[list[Screen], list[str]]:
    screens: list[Screen] = []
    problems: list[str] = []
    for f in sorted(files, key=lambda p: p.name.lower()):
        if not f.name.endswith(SUFFIX) or f.name.startswith("."):
            continue
        key = f.name[: -len(SUFFIX)].lower()
        try:
            screens.append(parse_screen(f.read_text(encoding="utf-8"), key, builtin, str(f)))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"screen '{key}' ({f}) cannot be read: {exc}")
        except PresetError as exc:
            problems.append(str(exc))
    return screens, problems


def builtin_screens(root: Traversable | None = None) -> list[Screen]:
    """The built-in screens, by name."""
    folder = root or builtin_root()
    screens, problems = _read(folder.iterdir() if folder.is_dir() else (), True)
    if problems:  # a packaging bug, not a user error
        raise PresetError(problems[0])
    return screens


def saved_dir() -> Path:
    """`config_dir()/screens`, resolved at call time."""
    from tui.paths import config_dir  # the one caller of platformdirs

    return config_dir() / "screens"


def saved_screens(
    folder: Path | None = None, builtin: Iterable[Screen] = ()
) -> tuple[list[Screen], list[str]]:
    """The user's saved screens, and one sentence per file skipped.

    Args:
        folder: where they live (default `config_dir()/screens`).
        builtin: the built-in screens, which saved ones may not shadow.
    """
    folder = folder if folder is not None else saved_dir()
    if not folder.is_dir():
        return [], []
    screens, problems = _read(folder.iterdir(), False)
    taken = {s.key for s in builtin}
    kept = []
    for s in screens:
        if s.key in taken:
            problems.append(f"saved screen '{s.key}' ({s.origin}) is ignored: a built-in screen "
                            "has that name")  # fmt: skip
        else:
            kept.append(s)
    return kept, problems


def all_screens(folder: Path | None = None) -> tuple[list[Screen], list[str]]:
    """Built-in screens, then saved ones; and the problems met reading saved ones."""
    builtin = builtin_screens()
    saved, problems = saved_screens(folder, builtin)
    return builtin + saved, problems


def find_screen(name: str, folder: Path | None = None) -> Screen:
    """The screen called `name` (file stem, case-insensitive).

    Raises:
        PresetError: when there is none, naming the nearest.
    """
    screens, _ = all_screens(folder)
    wanted = name.strip().lower()
    for s in screens:
        if s.key == wanted:
            return s
    near = difflib.get_close_matches(wanted, [s.key for s in screens], n=1)
    hint = f" — did you mean '{near[0]}'?" if near else "; `dalal screens` lists them"
    raise PresetError(f"unknown screen '{name}'{hint}")
