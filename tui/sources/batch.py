"""Per-symbol batches with partial failure (sources.md §4): one bad symbol never sinks the rest.

`run_batch` runs one task per key in an `asyncio.TaskGroup`; each task catches its own
`Exception` (never `CancelledError`, so cancelling the batch cancels every task) and the batch
returns the data that arrived plus a per-key report: `fresh`, `cached` or `failed: reason`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Status = Literal["fresh", "cached", "failed"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Outcome:
    """What happened to one key.

    Attributes:
        status: `fresh` (fetched now), `cached` (served from the cache) or `failed`.
        reason: For a failure, the error's one-sentence message.
        error: For a failure, the exception's class name (`NotFound`, `Blocked`, ...).
    """

    status: Status
    reason: str = ""
    error: str = ""

    def __str__(self) -> str:
        return f"failed: {self.reason}" if self.status == "failed" else self.status


@dataclass
class BatchResult(Generic[T]):
    """The data of a batch and its per-key report.

    Attributes:
        data: Key → value, for every key that succeeded (fresh or cached).
        report: Key → outcome, for every key, in input order.
    """

    data: dict[str, T] = field(default_factory=dict)
    report: dict[str, Outcome] = field(default_factory=dict)

    @property
    def failed(self) -> dict[str, str]:
        """Key → reason, for the keys that failed."""
        return {k: o.reason for k, o in self.report.items() if o.status == "failed"}

    def count(self, status: Status) -> int:
        """How many keys ended with `status`."""
        return sum(1 for o in self.report.values() if o.status == status)

    def by_error(self) -> dict[str, list[str]]:
        """Failure class name → the keys that failed with it (for `dalal fetch`'s stderr)."""
        groups: dict[str, list[str]] = {}
        for key, outcome in self.report.items():
            if outcome.status == "failed":
                groups.setdefault(outcome.error, []).append(key)
        return groups

    def summary(self, noun: str) -> str:
        """A status-line count: "1,198 of 1,211 histories · 13 failed"."""
        total = len(self.report)
        text = f"{len(self.data):,} of {total:,} {noun}"
        failed = self.count("failed")
        return f"{text} · {failed:,} failed" if failed else text


async def run_batch(
    keys: Iterable[str],
    task: Callable[[str], Awaitable[tuple[T, Literal["fresh", "cached"]]]],
    *,
    progress: Progress | None = None,
) -> BatchResult[T]:
    """Run `task(key)` for every key concurrently and collect what succeeded.

    Concurrency is bounded by the fetcher's per-host limits, not here.

    Args:
        keys: The keys (symbols), duplicates ignored.
        task: Returns the key's value and whether it was `fresh` or `cached`; may raise.
        progress: Called with (done, total) after each key finishes.

    Returns:
        The data and a report with one outcome per key.
    """
    unique = list(dict.fromkeys(keys))
    result: BatchResult[T] = BatchResult(report={k: Outcome("failed", "not run") for k in unique})
    total = len(unique)
    done = 0

    async def one(key: str) -> None:
        nonlocal done
        try:
            value, status = await task(key)
        except Exception as exc:
            result.report[key] = Outcome("failed", str(exc) or type(exc).__name__, _name(exc))
        else:
            result.data[key] = value
            result.report[key] = Outcome(status)
        done += 1
        if progress is not None:
            progress(done, total)

    async with asyncio.TaskGroup() as group:
        for key in unique:
            group.create_task(one(key), name=f"fetch {key}")
    return result


def _name(error: BaseException) -> str:
    return type(error).__name__
