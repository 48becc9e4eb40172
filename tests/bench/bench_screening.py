"""Benchmark of design.md §7: a five-clause query over 20,000 rows (budget 20 ms).

Run by `make bench` only. The frame is synthetic, shaped like the screen frame (ordinals as
ordered categoricals, sectors as text, NaN holes in numbers).
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from tui.screening import mask, parse
from tui.screening.fields import Kind, registry
from tui.screening.frame import ordinal

ROWS = 20_000
BUDGET_MS = 20.0
QUERY = (
    'mcap class = small AND call >= buy AND technical IN (bullish, "mildly bullish") '
    "AND market cap BETWEEN 500 AND 5000 AND (pe < 0.8 * [industry pe] OR roce > 15)"
)
SECTORS = ["Power", "Healthcare", "Capital Goods", "Chemicals", "Construction", "Realty"]


def synthetic_frame(rows: int = ROWS, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    for f in registry().fields.values():
        if f.kind is Kind.ORDINAL:
            codes = rng.integers(-1, len(f.scale), rows).astype(float)
            cols[f.id] = ordinal(np.where(codes < 0, np.nan, codes), f.scale)
        elif f.kind is Kind.STRING:
            cols[f.id] = np.array(rng.choice(SECTORS, rows), dtype=object)
        else:
            v = rng.lognormal(5, 2, rows)
            v[rng.random(rows) < 0.05] = np.nan
            cols[f.id] = v
    cols.pop("symbol")
    index = pd.Index([f"S{i:05d}" for i in range(rows)], name="symbol")
    return pd.DataFrame(cols, index=index)


def test_five_clause_query_over_20000_rows() -> None:
    frame = synthetic_frame()
    query = parse(QUERY)
    mask(frame, query)  # warm-up
    times = []
    for _ in range(30):
        start = time.perf_counter()
        kept = mask(frame, query)
        times.append((time.perf_counter() - start) * 1000)
    best, median = min(times), statistics.median(times)
    parse_ms = min(_timed(lambda: parse(QUERY)) for _ in range(30))
    verdict = "ok" if median <= BUDGET_MS else "OVER"
    print(f"\nfive-clause query over {ROWS:,} rows: best {best:.2f} ms, median {median:.2f} ms "
          f"(budget {BUDGET_MS:.0f} ms: {verdict}); parse {parse_ms:.2f} ms; "
          f"{int(kept.fillna(False).sum()):,} rows kept")  # fmt: skip
    assert median <= BUDGET_MS


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000
