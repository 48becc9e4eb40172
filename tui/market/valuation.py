"""Valuation pillar: daily peer percentiles of P/E, P/B and EV/EBITDA (analytics.md §6.4).

Fundamentals (TTM from the last four filed quarters, the latest annual balance sheet) change
only on filings, so they are reduced per filing event to per-share coefficients and put on the
grid once; the close then moves the multiples daily. Peers are ranked per session across the
(T, N) arrays, looping over sectors, never over stocks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.calendar import day_numbers, latest_event, on_sessions, overdue_days, take
from tui.market.fintrend import result_windows
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.pillars import PillarExplanation, PillarHistory
from tui.market.quality import annual_windows

METRICS = ("pe", "pb", "ev_ebitda")
BANDS = (80, 60, 40, 20)  # Very Attractive … Expensive lower bounds
NOT_RATED, RISKY, OK = 0.0, 1.0, 2.0


def snapshot_close(data: MarketData, symbols: pd.Index) -> np.ndarray:
    """Each stock's close on market.toml's as_of (its last close before, if none that day).

    `market_cap_cr` in stocks.csv is as of that date, so market cap at t is scaled by
    C_t / this close.
    """
    when = pd.Timestamp(data.meta.as_of)
    px = data.prices[data.prices["date"] <= when]
    last = px.sort_values(["symbol", "date"]).groupby("symbol")["close"].last()
    return last.reindex(symbols).to_numpy(np.float64)


def valuation_events(data: MarketData, symbols: pd.Index) -> pd.DataFrame:
    """Per change of fundamentals (results or annual filing, two quarters going overdue).

    Returns:
        Frame sorted by (col, day) with status (0 inputs missing, 1 Risky, 2 rated), unit
        (market cap per rupee of close: market_cap_cr / snapshot close, else shares_cr),
        ttm_pat, ttm_pbdit, ttm_eps, equity, net_debt, and the annual fields of the screen
        (dps, eps_growth, roe, roce, debt_to_equity, promoter_pledge).
    """
    fs = data.meta.fiscal_year_start_month
    w = result_windows(data.results, symbols, fs, depth=4)
    rev = w.events
    rcol, rday = rev["col"].to_numpy(np.int64), rev["day"].to_numpy(np.int64)
    half = rev["half"].to_numpy() == 1
    n_ttm = np.where(half, 2, 4)[:, None]
    within = np.arange(4)[None, :] < n_ttm

    def ttm(name: str) -> np.ndarray:
        a = np.where(within, w.values[name], 0.0)
        return np.where((within & np.isnan(w.values[name])).any(axis=1), np.nan, a.sum(axis=1))

    aev, av = annual_windows(data.annual, symbols, 2)
    acol, aday = aev["col"].to_numpy(np.int64), aev["day"].to_numpy(np.int64)
    two_due = overdue_days(rev["qkey"].to_numpy(np.int64), half, fs)[:, 1]
    col = np.concatenate([rcol, rcol, acol])
    day = np.concatenate([rday, two_due, aday])
    order = np.lexsort((day, col))
    col, day = col[order], day[order]
    first = np.ones(len(col), dtype=bool)
    first[1:] = (col[1:] != col[:-1]) | (day[1:] != day[:-1])
    col, day = col[first], day[first]
    ri = latest_event(rcol, rday, col, day)
    ai = latest_event(acol, aday, col, day)
    a = {k: take(v[:, 0], ai) for k, v in av.items()}
    prev_eps = take(av["eps"][:, 1], ai)
    mcap = data.stocks["market_cap_cr"].reindex(symbols) if "market_cap_cr" in data.stocks else None
    per_rupee = np.full(len(symbols), np.nan)
    if mcap is not None:
        per_rupee = mcap.to_numpy(np.float64) / snapshot_close(data, symbols)
    unit = np.where(np.isnan(per_rupee[col]), a["shares_cr"], per_rupee[col])
    f = {
        "col": col, "day": day, "unit": unit,
        "ttm_pat": take(ttm("pat"), ri), "ttm_pbdit": take(ttm("pbdit"), ri),
        "ttm_eps": take(ttm("eps"), ri), "equity": a["equity"],
        "net_debt": a["borrowings"] - a["cash"], "dps": a["dps"],
        "promoter_pledge": a["promoter_pledge_pct"],
    }  # fmt: skip
    with np.errstate(invalid="ignore", divide="ignore"):
        f["eps_growth"] = np.where(prev_eps > 0, 100 * (a["eps"] / prev_eps - 1), np.nan)
        f["roe"] = 100 * a["pat"] / a["equity"]
        f["roce"] = 100 * a["ebit"] / (a["equity"] + a["borrowings"])
        f["debt_to_equity"] = a["borrowings"] / a["equity"]
    overdue = (ri >= 0) & (day >= take(two_due.astype(np.float64), ri))
    required = np.isnan(np.stack([unit, f["ttm_pat"], f["ttm_pbdit"], a["equity"],
                                  a["borrowings"], a["cash"]], axis=1)).any(axis=1)  # fmt: skip
    risky = (f["ttm_pat"] <= 0) | (f["ttm_pbdit"] <= 0) | (a["equity"] <= 0) | overdue
    f["status"] = np.where(risky & (ri >= 0), RISKY, np.where(required, NOT_RATED, OK))
    return pd.DataFrame(f)


def _pct_rank(a: np.ndarray) -> np.ndarray:
    """Row-wise percentile 100·(rank − 1)/(n − 1) with average ranks; NaN stays NaN; n=1 → 50."""
    t, m = a.shape
    if m == 0:
        return a.copy()
    order = np.argsort(a, axis=1)  # NaN sorts last; ties get average ranks whatever the order
    s = np.take_along_axis(a, order, axis=1)
    pos = np.broadcast_to(np.arange(m), (t, m))
    new = np.ones((t, m), dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    last = np.ones((t, m), dtype=bool)
    last[:, :-1] = new[:, 1:]
    end = np.minimum.accumulate(np.where(last, pos, m)[:, ::-1], axis=1)[:, ::-1]
    n = (~np.isnan(a)).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 1, 100 * ((start + end) / 2) / (n - 1), 50.0)
    out = np.empty_like(a)
    np.put_along_axis(out, order, pct, axis=1)
    return np.where(np.isnan(a), np.nan, out)


def peer_groups(
    sectors: pd.Series, ok: np.ndarray, min_peers: int
) -> tuple[list[np.ndarray], np.ndarray]:
    """Sector column groups and, per (t, stock), whether its sector is its peer group."""
    codes, _ = pd.factorize(sectors.fillna(""))
    groups = [np.nonzero(codes == c)[0] for c in range(codes.max(initial=-1) + 1)]
    big = np.zeros(ok.shape, dtype=bool)
    for cols in groups:
        big[:, cols] = (ok[:, cols].sum(axis=1) >= min_peers)[:, None]
    return groups, big


def percentiles(values: np.ndarray, groups: list[np.ndarray], big: np.ndarray) -> np.ndarray:
    """Percentile of each value among its peers (sector when big, else the universe)."""
    out = np.full(values.shape, np.nan)
    has = ~np.isnan(values)
    rows = np.nonzero((has & ~big).any(axis=1))[0]
    if len(rows):
        out[rows] = _pct_rank(values[rows])
    for cols in groups:
        sub = big[:, cols] & has[:, cols]
        rows = np.nonzero(sub.any(axis=1))[0]
        if len(rows):
            ranked = _pct_rank(values[np.ix_(rows, cols)])
            out[np.ix_(rows, cols)] = np.where(sub[rows], ranked, out[np.ix_(rows, cols)])
    return out


def _multiples(ev: pd.DataFrame, panel: Panel) -> dict[str, np.ndarray]:
    with np.errstate(invalid="ignore", divide="ignore"):
        coef = {
            "status": ev["status"].to_numpy(),
            "pe": (ev["unit"] / ev["ttm_pat"]).to_numpy(),
            "pb": (ev["unit"] / ev["equity"]).to_numpy(),
            "ev1": (ev["unit"] / ev["ttm_pbdit"]).to_numpy(),
            "ev0": (ev["net_debt"] / ev["ttm_pbdit"]).to_numpy(),
        }
    grid = on_sessions(
        panel.dates, panel.shape[1], ev["col"].to_numpy(), ev["day"].to_numpy(), coef
    )
    close = panel.filled[3]
    return {
        "status": np.where(np.isnan(close), NOT_RATED, np.nan_to_num(grid["status"])),
        "pe": close * grid["pe"],
        "pb": close * grid["pb"],
        "ev_ebitda": close * grid["ev1"] + grid["ev0"],
    }


def valuation_history(
    data: MarketData, panel: Panel, quality: PillarHistory | None = None, params: Params = DEFAULT
) -> PillarHistory:
    """The Valuation pillar for every session and symbol of the panel.

    Args:
        data: all loaded data; each session sees only filings on or before it.
        panel: sessions, symbols and closes.
        quality: the Quality history on the same panel; where rated it tilts the score.
        params: valuation_min_peers, financial_sectors.

    Returns:
        grade (VALUATION codes, 0 = Risky), score, and extras "pe", "pb", "ev_ebitda" (the
        multiples, NaN where inputs are missing) and "cheapness".
    """
    ev = valuation_events(data, panel.symbols)
    m = _multiples(ev, panel)
    ok = m["status"] == OK
    sectors = data.stocks["sector"].reindex(panel.symbols)
    financial = sectors.isin(params.financial_sectors).to_numpy()
    groups, big = peer_groups(sectors, ok, params.valuation_min_peers)
    total = np.zeros(ok.shape)
    count = np.zeros(ok.shape, dtype=np.int8)
    for name in METRICS:
        vals = np.where(ok, m[name], np.nan)
        if name == "ev_ebitda":
            vals[:, financial] = np.nan  # financials are valued on P/E and P/B only
        pct = percentiles(vals, groups, big)
        has = ~np.isnan(pct)
        count += has
        total += np.nan_to_num(pct, copy=False)
    rated = ok & (count >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        cheap = np.where(rated, 100 - total / count, np.nan)
    score = cheap
    if quality is not None:
        score = np.clip(cheap + np.nan_to_num(0.2 * (quality.score - 50)), 0, 100)
    code = np.select([score >= b for b in BANDS], [5, 4, 3, 2], 1).astype(np.float64)
    risky = m["status"] == RISKY
    grade = np.where(risky, 0.0, np.where(rated, code, np.nan))
    return PillarHistory(
        grade=grade,
        score=np.where(risky, 0.0, score),
        extras={"pe": m["pe"], "pb": m["pb"], "ev_ebitda": m["ev_ebitda"], "cheapness": cheap},
    )


def valuation_fields(
    data: MarketData, panel: Panel, t: int | object, params: Params = DEFAULT
) -> pd.DataFrame:
    """Screen fields on one session, indexed by symbol (§9): pe, pb, ev_ebitda, peg,
    div_yield, roe, roce, debt_to_equity, promoter_pledge, industry_pe, market_cap.

    NaN where inputs are missing; multiples only for non-Risky stocks.
    """
    r = _row(panel, t)
    ev = valuation_events(data, panel.symbols)
    n = panel.shape[1]
    col = np.arange(n)
    day = np.full(n, day_numbers(panel.dates[r : r + 1])[0])
    i = latest_event(ev["col"].to_numpy(np.int64), ev["day"].to_numpy(np.int64), col, day)

    def at(name: str) -> np.ndarray:
        return take(ev[name].to_numpy(np.float64), i)

    close = panel.filled[3][r]
    ok = at("status") == OK
    with np.errstate(invalid="ignore", divide="ignore"):
        mcap = at("unit") * close
        pe = np.where(ok, mcap / at("ttm_pat"), np.nan)
        out = pd.DataFrame({
            "market_cap": mcap, "pe": pe, "pb": np.where(ok, mcap / at("equity"), np.nan),
            "ev_ebitda": np.where(ok, (mcap + at("net_debt")) / at("ttm_pbdit"), np.nan),
            "peg": np.where(at("eps_growth") > 0, pe / at("eps_growth"), np.nan),
            "div_yield": 100 * at("dps") / close, "roe": at("roe"), "roce": at("roce"),
            "debt_to_equity": at("debt_to_equity"), "promoter_pledge": at("promoter_pledge"),
        }, index=panel.symbols.rename("symbol"))  # fmt: skip
    sectors = data.stocks["sector"].reindex(panel.symbols)
    groups, big = peer_groups(sectors, ok[None, :], params.valuation_min_peers)
    industry = np.full(n, np.nanmedian(pe) if ok.any() else np.nan)
    for cols in groups:
        if big[0, cols].any():
            industry[cols] = np.nanmedian(pe[cols])
    out["industry_pe"] = industry
    return out


def _row(panel: Panel, t: int | object) -> int:
    if isinstance(t, (int, np.integer)):
        return int(t)
    return int(panel.dates.searchsorted(pd.Timestamp(t), side="right")) - 1  # type: ignore[arg-type]


def explain_valuation(
    data: MarketData,
    panel: Panel,
    history: PillarHistory,
    symbol: str,
    t: int | object,
    params: Params = DEFAULT,
) -> PillarExplanation:
    """Explain one stock's Valuation on a session: multiples, peers' medians and the score."""
    r = _row(panel, t)
    j = panel.symbols.get_loc(symbol)
    fields = valuation_fields(data, panel, r, params).loc[symbol]
    grade = grades.word(grades.VALUATION, float(history.grade[r, j]))
    score = float(history.score[r, j])
    lines = [
        f"P/E {fields['pe']:.1f} (industry {fields['industry_pe']:.1f})",
        f"P/B {fields['pb']:.2f}",
        f"EV/EBITDA {fields['ev_ebitda']:.1f}",
        f"cheapness {history.extras['cheapness'][r, j]:.1f}",
    ]
    reason = ""
    if grade == "Risky":
        lines = ["Risky: TTM PAT or PBDIT ≤ 0, equity ≤ 0, or two due quarters unfiled"]
    elif grade is None:
        reason = "market cap, four filed quarters or the latest annual balance sheet missing"
        lines = []
    raw = {k: (None if pd.isna(v) else float(v)) for k, v in fields.items()}
    raw["as_of"] = panel.dates[r].date().isoformat()
    return PillarExplanation(
        pillar="valuation",
        grade=grade,
        score=None if np.isnan(score) else score,
        status="rated" if grade else "not_rated",
        reason=reason,
        reasons=tuple(lines),
        raw=raw,
    )
