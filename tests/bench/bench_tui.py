"""Benchmark of design.md §7: a filter change repaints the screener table in ≤ 100 ms.

Run by `make bench` only. A bare app holding one ScreenerPane runs headless (`run_test`); the
rows are a synthetic screen frame (bench_screening's) of 1,500 and 20,000 stocks, best score
first as the App hands them over. Timed: from `show_rows` until the table has drawn every
visible line of the new rows, measured two ways: the synchronous work (`show_rows` plus
rendering the visible lines, what the compositor calls) and the wall time until the screen's
next paint has drawn them (event loop included).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import pandas as pd
import pytest
from textual.app import App, ComposeResult

from tests.bench.bench_screening import synthetic_frame
from tui.app.panes.screener import ScreenerPane
from tui.app.widgets.screener_table import ScreenerTable
from tui.screening import mask, parse
from tui.screening.fields import registry
from tui.screening.output import sort_rows

BUDGET_MS = 100.0
SIZE = (120, 40)
FILTERS = ("call >= buy", 'technical >= "mildly bullish"', "ret 1d > 50", "", "call <= hold")
"""Filter changes cycled through: each one hands the table a different set of rows."""


class ScreenerOnly(App[None]):
    """Just the screener pane, filling the screen."""

    CSS = "ScreenerPane { height: 1fr; } #screener-table { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield ScreenerPane(id="screener")


def filtered(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows of each filter, best score first (as the App's worker hands them over)."""
    out = []
    for text in FILTERS:
        rows = frame if not text else frame[mask(frame, parse(text)).fillna(False).to_numpy()]
        out.append(sort_rows(rows, None, registry()))
    return out


async def repaint_times(rows: int, sort: str | None) -> tuple[list[float], list[float]]:
    """(synchronous ms, wall ms to the next paint) per filter change."""
    frames = filtered(synthetic_frame(rows))
    app = ScreenerOnly()
    sync_ms: list[float] = []
    wall_ms: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(ScreenerPane)
        table = app.query_one(ScreenerTable)
        if sort:
            field, _, direction = sort.partition(":")
            table.sort_by(field, direction == "desc")
        await pilot.pause()
        height = table.scrollable_content_region.height
        drawn: list[float] = []
        original = table.render_line

        painted = asyncio.Event()
        wanted = 0

        def counting(y: int) -> Any:
            strip = original(y)
            drawn.append(time.perf_counter())
            if len(drawn) >= wanted:
                painted.set()
            return strip

        table.render_line = counting  # type: ignore[method-assign]
        for i in range(3 * len(frames)):
            rows_now = frames[i % len(frames)]
            drawn.clear()
            start = time.perf_counter()
            pane.show_rows(rows_now, FILTERS[i % len(FILTERS)])
            for y in range(height):  # what the compositor asks for on the next paint
                original(y)
            sync_ms.append((time.perf_counter() - start) * 1000)
            drawn.clear()
            painted.clear()
            wanted = min(height, len(rows_now) + 1)
            start = time.perf_counter()
            pane.show_rows(rows_now.iloc[::-1], "again")  # a change the next paint must draw
            await painted.wait()
            wall_ms.append((drawn[-1] - start) * 1000)
            await pilot.pause()
    return sync_ms, wall_ms


@pytest.mark.parametrize("rows", [1_500, 20_000])
@pytest.mark.parametrize("sort", [None, "name:asc"])
async def test_filter_change_repaints_within_budget(rows: int, sort: str | None) -> None:
    sync_ms, wall_ms = await repaint_times(rows, sort)
    median_sync, median_wall = statistics.median(sync_ms), statistics.median(wall_ms)
    verdict = "ok" if max(median_sync, median_wall) <= BUDGET_MS else "OVER"
    print(f"\nscreener repaint, {rows:,} rows, sort {sort or 'as given'}: show_rows + visible "
          f"lines median {median_sync:.1f} ms (max {max(sync_ms):.1f}); to the next paint "
          f"median {median_wall:.1f} ms (max {max(wall_ms):.1f}) "
          f"(budget {BUDGET_MS:.0f} ms: {verdict})")  # fmt: skip
    assert median_sync <= BUDGET_MS
    assert median_wall <= BUDGET_MS
