"""Pickled cache entries under the cache dir: a header that must match, then the value.

The folder loader's fast-load cache and the analysis cache store the same way: written to a
temp file beside the entry and swapped in with `os.replace`, so a reader sees the old entry
or the new one; any entry that cannot be read, or whose header differs, is a miss.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path


def read_entry(path: Path, header: object) -> object | None:
    """The value stored after `header` in the entry at `path`; None on any mismatch or error."""
    try:
        with open(path, "rb") as handle:
            if pickle.load(handle) != header:
                return None
            value: object = pickle.load(handle)
    except Exception:  # a missing, corrupt or foreign entry is a miss, never an error
        return None
    return value


def write_entry(path: Path, header: object, value: object) -> None:
    """Store `header` then `value` atomically; failing to cache is not an error."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, pickle.PickleError):
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
