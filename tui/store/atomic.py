"""The one write function of the store, and the helpers every store file shares (style.md §6).

Every write goes through `atomic_write`: a temp file in the target's folder, write, fsync,
`os.replace`, then an fsync of the folder so the rename itself survives a power cut. A reader
therefore sees the old file or the new one, never a torn mix. Read-modify-write happens inside
`locked(path)`, a `filelock.FileLock` on a sibling `.lock` file, and callers re-read the file
inside the lock. A file that will not parse is moved aside with `move_aside` (never overwritten)
and reported as a `StoreNotice`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import filelock

LOCK_TIMEOUT = 15.0
"""Seconds to wait for another dalal holding the same file's lock."""

NAME_MAX = 64
_TEMP_SUFFIX = ".tmp"
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{prefix}{i}" for prefix in ("com", "lpt") for i in range(10)
}


class StoreError(ValueError):
    """A user-facing store failure, one sentence (a bad name, a missing list, a lock timeout)."""


@dataclass(frozen=True)
class StoreNotice:
    """An unreadable file was moved aside; the store carried on with a fresh one."""

    path: Path
    moved_to: Path
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.path} could not be read ({self.reason}); it was moved aside to "
            f"{self.moved_to.name} and a fresh one will be used"
        )


class StoreWarning(UserWarning):
    """How a StoreNotice is reported when the caller gave no notice callback."""


NoticeFn = Callable[[StoreNotice], None]


def report(notice: StoreNotice, callback: NoticeFn | None) -> None:
    """Hand a notice to the caller's callback, or raise it as a StoreWarning."""
    if callback is not None:
        callback(notice)
    else:
        warnings.warn(str(notice), StoreWarning, stacklevel=3)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a reader or a crash sees the old or the new bytes only.

    The folder is created if needed. An existing file's permission bits are kept.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644 if mode is None else mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (a rename) to disk, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed writer left beside `path`. Call only while holding its lock."""
    with contextlib.suppress(OSError):
        for temp in path.parent.glob(f".{path.name}.*{_TEMP_SUFFIX}"):
            with contextlib.suppress(OSError):
                temp.unlink()


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of `path` (the sibling `<name>.lock` file) for a read-modify-write."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(path.with_name(path.name + ".lock")), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        raise StoreError(
            f"{path} is locked by another dalal for over {LOCK_TIMEOUT:.0f} s; try again"
        ) from exc
    try:
        yield
        remove_stale_temps(path)
    finally:
        lock.release()


def move_aside(path: Path, reason: str) -> StoreNotice:
    """Rename an unreadable file to `<name>.unreadable-<timestamp>`; never overwrite anything.

    Call only while holding the file's lock.
    """
    stamp = dt.datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    base = path.with_name(f"{path.name}.unreadable-{stamp}")
    target, n = base, 1
    while target.exists():
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    os.rename(path, target)
    fsync_dir(path.parent)
    return StoreNotice(path=path, moved_to=target, reason=reason)


def read_text(path: Path) -> str | None:
    """The file's text, None when it does not exist; StoreError when it cannot be opened.

    Raises UnicodeDecodeError for bytes that are not UTF-8 (the caller treats that as
    unreadable content).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return raw.decode("utf-8")


def validate_name(name: object, what: str = "name", *, filename: bool = False) -> str:
    """Check a user-chosen name; return it NFC-normalised.

    A name is 1–64 characters of letters, digits, space, `_` and `-`, neither starting nor
    ending with a space. With `filename`, names Windows reserves (CON, NUL, COM1…) are refused
    too, since the name becomes a file stem.
    """
    if not isinstance(name, str):
        raise StoreError(f"a {what} must be text")
    text = unicodedata.normalize("NFC", name)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[:40])
    shown += "..." if len(text) > 40 else ""
    if not text or not text.strip():
        raise StoreError(f"a {what} cannot be empty")
    if len(text) > NAME_MAX:
        raise StoreError(
            f"{what} '{shown}' is too long ({len(text)} characters; at most {NAME_MAX})"
        )
    bad = sorted({c for c in text if not _name_char(c)})
    if bad:
        listed = " ".join(repr(c) for c in bad[:5])
        raise StoreError(
            f"{what} '{shown}' may only hold letters, digits, spaces, '_' and '-' (not {listed})"
        )
    if text != text.strip(" "):
        raise StoreError(f"{what} '{shown}' cannot start or end with a space")
    if filename and text.casefold() in _WINDOWS_RESERVED:
        raise StoreError(f"{what} '{shown}' is reserved by Windows; choose another")
    return text


def _name_char(c: str) -> bool:
    if c in " _-":
        return True
    category = unicodedata.category(c)
    return category[0] in "LM" or category == "Nd"


def name_key(name: str) -> str:
    """The form two names are compared in: NFC and case-folded."""
    return unicodedata.normalize("NFC", name).casefold()
