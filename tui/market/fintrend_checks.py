"""Financial-trend checks F1–F15 per filing event (analytics.md §6.2).

Each results filing event looks up the latest periods known on its day (`result_windows`), and
F1–F11 are scored on those windows at once; F12–F14 per balance.csv filing over the last five
half-years and F15 per annual.csv filing over the last three years. `fintrend` combines them
into the pillar's daily history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tui.market.model import MarketData
from tui.market.params import Params
from tui.market.periods import (
    PeriodRows,
    day_numbers,
    filing_events,
    half_year_months,
    period_key,
    sorted_filings,
    take,
)
from tui.market.pillars import PillarHistory

VALUES = ("sales", "other_income", "pbdit", "interest", "pbt", "pat", "eps")
REQUIRED = tuple(f"F{i}" for i in range(1, 10))
CHECKS = tuple(f"F{i}" for i in range(1, 16))
_EPS = 1e-9  # growth exactly on a tier edge (25 %, 10 %) lands in the higher tier


@dataclass(frozen=True, eq=False)
class ResultWindows:
    """The latest periods known at each results filing event.

    Attributes:
        events: one row per (panel column, filing day): col, date, qkey (latest period key),
            half (1 when the stock reports half-yearly), step (months per period).
        values: name → (E, depth) arrays; column k is period qkey − k·step as known then.
        rows: (E, depth) positions in the input `results` frame of those periods, -1 where
            unknown.
    """

    events: pd.DataFrame
    values: dict[str, np.ndarray]
    rows: np.ndarray


def result_windows(
    results: pd.DataFrame, symbols: pd.Index, fiscal_start_month: int, depth: int = 5
) -> ResultWindows:
    """Look up, for each results filing event, the last `depth` periods known at that date.

    Args:
        results: results.csv rows (all filings; restatements resolved per event).
        symbols: panel columns; other symbols are dropped.
        fiscal_start_month: decides which months end a half-year.
        depth: periods per window (q, q−1, …).
    """
    col = symbols.get_indexer(pd.Index(results["symbol"]))
    kept = np.flatnonzero(col >= 0)
    col = col[kept].astype(np.int64)
    filed_on = results["filed_on"].iloc[kept]
    key = period_key(results["period_end"].iloc[kept])
    s = sorted_filings(col, key, filed_on)
    # A stock is half-yearly while every period it has filed ends a half-year (SME listings).
    quarterly = np.cumsum(~np.isin(key % 12 + 1, half_year_months(fiscal_start_month))[s.order])
    before = np.where(s.start > 0, quarterly[s.start - 1], 0)
    half = ((quarterly - before)[s.last] == 0) & (s.known[s.last] >= 2)
    rows_in_day = s.order[s.last]
    ev_col, ev_key = col[rows_in_day], s.qkey[s.last]
    dates = pd.DatetimeIndex(filed_on)[rows_in_day]
    ev_day = day_numbers(dates)
    step = np.where(half, 6, 3)
    events = pd.DataFrame({
        "col": ev_col, "date": dates, "key": key[rows_in_day], "row": rows_in_day,
        "qkey": ev_key, "known": s.known[s.last], "day": ev_day,
        "half": half.astype(np.int64), "step": step,
    })  # fmt: skip
    finder = PeriodRows(col, key, filed_on)
    found = np.stack([finder.find(ev_col, ev_key - k * step, ev_day) for k in range(depth)])
    rows = np.where(found >= 0, kept[found], -1)
    # (depth, E) built contiguous, handed out as its (E, depth) transpose: columns are contiguous.
    values = {name: take(results[name].to_numpy(np.float64), rows).T for name in VALUES}
    return ResultWindows(events=events, values=values, rows=rows.T)


def _tier(cur: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        g = cur / base - 1
    pos = np.select(
        [g >= 0.25 - _EPS, g >= 0.10 - _EPS, g > -0.10 + _EPS, g > -0.25 + _EPS], [4, 2, 0, -2], -4
    )
    neg = np.select([cur > 0, cur > base, cur == base], [4, 2, 0], -4)
    out = np.where(base > 0, pos, neg).astype(np.float64)
    return np.where(np.isnan(cur) | np.isnan(base), np.nan, out)


def _columns(window: np.ndarray) -> list[np.ndarray]:
    return [window[:, k] for k in range(window.shape[1])]


def _ext(window: np.ndarray) -> np.ndarray:
    """+2 where column 0 is the strict max of its row, −2 the strict min, else 0; NaN if any
    NaN."""
    return _ext_columns(_columns(window))


def _ext_columns(columns: list[np.ndarray]) -> np.ndarray:
    # Column by column: numpy's row reductions over 3–5 values are slow.
    cur, *rest = columns
    hi, lo, gap = rest[0], rest[0], np.isnan(cur) | np.isnan(rest[0])
    for c in rest[1:]:
        hi, lo, gap = np.fmax(hi, c), np.fmin(lo, c), gap | np.isnan(c)
    out = np.where(cur > hi, 2.0, np.where(cur < lo, -2.0, 0.0))
    return np.where(gap, np.nan, out)


def result_checks(w: ResultWindows, financial: np.ndarray) -> dict[str, np.ndarray]:
    """Points of F1–F11 per filing event, NaN where a check is n/a.

    Args:
        w: the result windows (depth ≥ 5).
        financial: per event, True for financial sectors (F9 and F10 skipped).
    """
    v = {name: _columns(a) for name, a in w.values.items()}
    half = w.events["half"].to_numpy() == 1

    def year_ago(name: str) -> np.ndarray:
        ago: np.ndarray = np.where(half, v[name][2], v[name][4])
        return ago

    def prev4(a: list[np.ndarray]) -> np.ndarray:
        # (a1 + a2 + a3 + a4) / 4 in this order, as mean(axis=1) sums; NaN unless all known.
        mean: np.ndarray = (a[1] + a[2] + a[3] + a[4]) / 4
        return mean

    sales, pbdit, interest = v["sales"], v["pbdit"], v["interest"]
    ex_oi = [p - o for p, o in zip(v["pbt"], v["other_income"], strict=True)]
    with np.errstate(divide="ignore", invalid="ignore"):
        all_pos = np.logical_and.reduce([s > 0 for s in sales])
        no_zero = np.logical_and.reduce([i != 0 for i in interest])
        margin = [np.where(all_pos, p / s, np.nan) for p, s in zip(pbdit, sales, strict=True)]
        cover = [np.where(no_zero, p / i, np.nan) for p, i in zip(pbdit, interest, strict=True)]
    i0, p0 = interest[0], pbdit[0]
    i_ago = year_ago("interest")
    f10 = np.where((i0 > 1.25 * i_ago) & ((i0 > 0.05 * p0) | (p0 <= 0)), -2.0, 0.0)
    oi, pbt = v["other_income"][0], v["pbt"][0]
    f11 = np.where((oi > 0.4 * pbt) & (pbt > 0), -2.0, 0.0)

    return {
        "F1": _tier(sales[0], year_ago("sales")),
        "F2": _tier(ex_oi[0], prev4(ex_oi)),
        "F3": _tier(v["pat"][0], prev4(v["pat"])),
        "F4": _ext_columns(sales),
        "F5": _ext_columns(pbdit),
        "F6": _ext_columns(margin),
        "F7": _ext_columns(ex_oi),
        "F8": _ext_columns(v["eps"]),
        "F9": np.where(financial, np.nan, _ext_columns(cover)),
        "F10": np.where(financial | np.isnan(i0 + i_ago + p0), np.nan, f10),
        "F11": np.where(np.isnan(oi + pbt), np.nan, f11),
    }


def _extreme(window: np.ndarray, high_is_good: bool) -> np.ndarray:
    pts = _ext(window) / 2
    return pts if high_is_good else -pts


def balance_checks(
    data: MarketData, symbols: pd.Index
) -> tuple[pd.DataFrame, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """F12–F14 per balance.csv filing event over the last five half-years.

    Debtors turnover is the half-year's sales (its quarters from results.csv as known at the
    balance filing) over receivables.

    Returns:
        (events, points F12..F14, windows de/turnover/cash of shape (E, 5)).
    """
    bal = data.balance
    col = symbols.get_indexer(pd.Index(bal["symbol"]))
    keep = col >= 0
    bal, col = bal[keep], col[keep].astype(np.int64)
    key = period_key(bal["period_end"])
    res = data.results
    rcol = symbols.get_indexer(pd.Index(res["symbol"]))
    ok = rcol >= 0
    rrows = PeriodRows(
        rcol[ok].astype(np.int64), period_key(res["period_end"][ok]), res["filed_on"][ok]
    )
    rsales = res["sales"][ok].to_numpy(np.float64)
    days = day_numbers(bal["filed_on"])
    hsales = take(rsales, rrows.find(col, key, days)) + take(rsales, rrows.find(col, key - 3, days))
    with np.errstate(divide="ignore", invalid="ignore"):
        equity = bal["equity"].to_numpy(np.float64)
        de = np.where(equity > 0, bal["borrowings"].to_numpy(np.float64) / equity, np.nan)
        recv = bal["receivables"].to_numpy(np.float64)
        turnover = np.where(recv > 0, hsales / recv, np.nan)
    cash = bal["cash"].to_numpy(np.float64)
    events = filing_events(col, key, bal["filed_on"])
    rows = PeriodRows(col, key, bal["filed_on"])
    found = [
        rows.find(
            events["col"].to_numpy(), events["qkey"].to_numpy() - 6 * k, events["day"].to_numpy()
        )
        for k in range(5)
    ]
    windows = {
        name: np.stack([take(arr, f) for f in found], axis=1)
        for name, arr in (("de", de), ("turnover", turnover), ("cash", cash))
    }
    points = {
        "F12": _extreme(windows["de"], high_is_good=False),
        "F13": _extreme(windows["turnover"], high_is_good=True),
        "F14": _extreme(windows["cash"], high_is_good=True),
    }
    return events, points, windows


def cfo_check(data: MarketData, symbols: pd.Index) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """F15 per annual.csv filing event: cash from operations at a 3-year high (+1) or low (−1).

    Returns:
        (events, points, cfo windows of shape (E, 3)).
    """
    ann = data.annual
    col = symbols.get_indexer(pd.Index(ann["symbol"]))
    keep = col >= 0
    ann, col = ann[keep], col[keep].astype(np.int64)
    key = period_key(ann["year_end"])
    events = filing_events(col, key, ann["filed_on"])
    rows = PeriodRows(col, key, ann["filed_on"])
    cfo = ann["cfo"].to_numpy(np.float64)
    window = np.stack(
        [
            take(cfo, rows.find(events["col"].to_numpy(), events["qkey"].to_numpy() - 12 * k,
                                events["day"].to_numpy()))
            for k in range(3)
        ],
        axis=1,
    )  # fmt: skip
    return events, _extreme(window, high_is_good=True), window


def _financial(data: MarketData, symbols: pd.Index, params: Params) -> np.ndarray:
    sector = data.stocks["sector"].reindex(symbols)
    return sector.isin(params.financial_sectors).to_numpy()


CHECKS_KEY = "checks"
"""`PillarHistory.extras` key of the `CheckTable` (a 0-d object array; see `check_table`)."""

NA_POINTS = -128
"""CheckTable points of a check that is n/a (int8)."""


@dataclass(frozen=True, eq=False)
class CheckTable:
    """Per filing event, the points and row references the §7 driver lines are worded from.

    A few bytes per event instead of a (T, N) array: `fired_checks(..., history=)` answers
    from it in well under a millisecond. Keys are `periods.event_keys(col, day)`, sorted.

    Attributes:
        r_key: results filing events.
        r_rows: (E, 5) positions in `data.results` of the window q, q−1, … (-1 unknown).
        r_points: (E, 11) F1–F11 as int8, -128 where n/a.
        r_half: the stock reports half-yearly.
        r_financial: financial sector (F9 and F10 skipped).
        b_key: balance.csv filing events.
        b_points: (Eb, 3) F12–F14 as int8, -128 where n/a.
        b_current: (Eb, 3) the current half-year's debt/equity, debtors turnover and cash.
        a_key: annual.csv filing events.
        a_points: F15 as int8, -128 where n/a.
        a_current: the current year's cash from operations.
    """

    r_key: np.ndarray
    r_rows: np.ndarray
    r_points: np.ndarray
    r_half: np.ndarray
    r_financial: np.ndarray
    b_key: np.ndarray
    b_points: np.ndarray
    b_current: np.ndarray
    a_key: np.ndarray
    a_points: np.ndarray
    a_current: np.ndarray


def int8_points(points: np.ndarray) -> np.ndarray:
    """Points as int8 for the CheckTable, NA_POINTS where NaN."""
    return np.where(np.isnan(points), NA_POINTS, points).astype(np.int8)


def check_table(history: PillarHistory) -> CheckTable | None:
    """The CheckTable `fin_trend_history` keeps in the history's extras, if any."""
    holder = history.extras.get(CHECKS_KEY)
    table = None if holder is None else holder[()]
    return table if isinstance(table, CheckTable) else None
