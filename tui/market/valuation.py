"""Valuation pillar: daily peer percentiles of P/E, P/B and EV/EBITDA (analytics.md §6.4).

Fundamentals (TTM from the last four filed quarters, the latest annual balance sheet) change
only on filings, so they are reduced per filing event to per-share coefficients and put on the
grid once; the close then moves the multiples daily. Peers are ranked per session across the
(T, N) arrays, looping over sectors, never over stocks.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from tui.market import grades
from tui.market.fintrend_checks import result_windows
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.peers import PeerGroups
from tui.market.periods import (
    day_numbers,
    latest_event,
    overdue_days,
    session_index,
    session_row,
    take,
)
from tui.market.pillars import PillarExplanation, PillarHistory
from tui.market.quality import annual_windows

METRICS = ("pe", "pb", "ev_ebitda")
BANDS = (80, 60, 40, 20)  # Very Attractive … Expensive lower bounds
CUTS = np.array(BANDS[::-1], dtype=np.float64)
NOT_RATED, RISKY, OK = 0.0, 1.0, 2.0


BLOCK_CELLS = 1 << 18
"""Sessions × symbols ranked at once: large enough to amortise NumPy calls, small enough to
keep a block's temporaries in cache."""


def implied_shares(data: MarketData, symbols: pd.Index) -> np.ndarray:
    """Market cap per rupee of close: `market_cap_cr` / the close on the snapshot date.

    Market cap at t is this × C_t (analytics.md §1). A cut keeps the full history's value in
    `stocks["implied_shares"]` (its own prices end at the as-of session, which may be before the
    snapshot); otherwise it is computed from `data`. NaN without `market_cap_cr` or a close.
    """
    if "implied_shares" in data.stocks.columns:
        shares = data.stocks["implied_shares"]
    else:
        shares = data.implied_shares
    return shares.reindex(symbols).to_numpy(np.float64)


def valuation_events(data: MarketData, symbols: pd.Index) -> pd.DataFrame:
    """Per change of fundamentals (results or annual filing, two quarters going overdue).

    Returns:
        Frame sorted by (col, day) with status (0 inputs missing, 1 Risky, 2 rated), unit
        (market cap per rupee of close: `implied_shares`, else the annual shares_cr),
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
    per_rupee = implied_shares(data, symbols)
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


def _coefficients(ev: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per event: status and the multiples' coefficients per rupee of close, NaN-terminated.

    The trailing NaN is what an index of -1 (no event yet) picks up.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        coef = {
            "status": ev["status"].to_numpy(np.float64),
            "pe": (ev["unit"] / ev["ttm_pat"]).to_numpy(np.float64),
            "pb": (ev["unit"] / ev["equity"]).to_numpy(np.float64),
            "ev1": (ev["unit"] / ev["ttm_pbdit"]).to_numpy(np.float64),
            "ev0": (ev["net_debt"] / ev["ttm_pbdit"]).to_numpy(np.float64),
        }
    return {name: np.append(v, np.nan) for name, v in coef.items()}


def valuation_history(
    data: MarketData,
    panel: Panel,
    quality: PillarHistory | None = None,
    params: Params = DEFAULT,
    rows: np.ndarray | None = None,
    keep: int | None = None,
) -> PillarHistory:
    """The Valuation pillar for every session and symbol of the panel.

    Args:
        data: all loaded data; each session sees only filings on or before it.
        panel: sessions, symbols and closes.
        quality: the Quality history on the same panel; where rated it tilts the score.
        params: valuation_min_peers, financial_sectors.
        rows: optional (T,) booleans: the sessions whose grade and score are needed (e.g. where
            any stock has Technicals and Financial trend rated, for the call replay). Other
            sessions are not ranked and get NaN grade, score and cheapness; the multiples are
            computed on every session. None ranks every session.
        keep: keep the extras for the last `keep` sessions only (`extras_start` says where
            they begin); the analysis reads them on the as-of session alone.

    Returns:
        grade (VALUATION codes, 0 = Risky), score, and extras "pe", "pb", "ev_ebitda" (the
        multiples, NaN where inputs are missing) and "cheapness".
    """
    ev = valuation_events(data, panel.symbols)
    t, n = panel.shape
    index = session_index(panel.dates, n, ev["col"].to_numpy(), ev["day"].to_numpy())
    coef = _coefficients(ev)
    close = panel.filled_close
    sectors = data.stocks["sector"].reindex(panel.symbols)
    peers = PeerGroups(sectors, params.valuation_min_peers)
    financial = sectors.isin(params.financial_sectors).to_numpy()
    wanted = np.ones(t, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    start = 0 if keep is None else max(0, t - keep)
    multiples = {name: np.full((t - start, n), np.nan) for name in METRICS}
    grade = np.full((t, n), np.nan, dtype=np.float32)
    score = np.full((t, n), np.nan)
    cheap = np.full((t - start, n), np.nan)
    step = max(1, BLOCK_CELLS // max(n, 1))
    for lo in range(0, t, step):
        hi = min(lo + step, t)
        idx, c = index[lo:hi], close[lo:hi]
        pe = np.multiply(c, np.take(coef["pe"], idx))
        pb = np.multiply(c, np.take(coef["pb"], idx))
        evx = np.add(c * np.take(coef["ev1"], idx), np.take(coef["ev0"], idx))
        if hi > start:
            a = max(lo, start)
            for name, block in zip(METRICS, (pe, pb, evx), strict=True):
                multiples[name][a - start : hi - start] = block[a - lo :]
        keep_rows = np.flatnonzero(wanted[lo:hi])
        if not len(keep_rows):
            continue
        if len(keep_rows) < hi - lo:
            k = keep_rows
            idx, c, pe, pb, evx = idx[k], c[k], pe[k], pb[k], evx[k]
        status = np.take(coef["status"], idx)
        priced = ~np.isnan(c)
        ok = priced & (status == OK)
        risky = priced & (status == RISKY)
        q = None if quality is None else quality.score[lo:hi][keep_rows]
        g, s, ch = _rank_block(peers, ok, risky, (pe, pb, evx), financial, q)
        at = lo + keep_rows
        grade[at], score[at] = g, s
        kept = at >= start
        cheap[at[kept] - start] = ch[kept]
    extras = {**multiples, "cheapness": cheap}
    return PillarHistory(grade=grade, score=score, extras=extras, extras_start=start)


def _rank_block(
    peers: PeerGroups,
    ok: np.ndarray,
    risky: np.ndarray,
    values: tuple[np.ndarray, ...],
    financial: np.ndarray,
    quality: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grade, score and cheapness of a block of sessions from its multiples (§6.4)."""
    big = peers.big(ok)
    total = np.zeros(ok.shape)
    count = np.zeros(ok.shape, dtype=np.int8)
    ev_ok = ok & ~financial  # financials are valued on P/E and P/B only
    for name, multiple in zip(METRICS, values, strict=True):
        has = ev_ok if name == "ev_ebitda" else ok
        missing = ~has
        pct = peers.ranked(np.where(has, multiple, np.nan), missing, big)
        count += has
        np.add(total, pct, out=total, where=has)
    rated = ok & (count >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        cheap = np.where(rated, 100 - total / count, np.nan)
    score = cheap
    if quality is not None:
        score = np.clip(cheap + np.nan_to_num(0.2 * (quality - 50)), 0, 100)
    # 1 below 20 … 5 from 80 (NaN scores are not rated and masked below).
    code = np.searchsorted(CUTS, score, side="right").astype(np.float64) + 1
    grade = np.where(risky, 0.0, np.where(rated, code, np.nan))
    return grade, np.where(risky, 0.0, score), cheap


def valuation_fields(
    data: MarketData, panel: Panel, t: int | object, params: Params = DEFAULT
) -> pd.DataFrame:
    """Screen fields on one session, indexed by symbol (§9): pe, pb, ev_ebitda, peg,
    div_yield, roe, roce, debt_to_equity, promoter_pledge, industry_pe, market_cap.

    NaN where inputs are missing; multiples only for non-Risky stocks.
    """
    r = session_row(panel.dates, t)
    ev = valuation_events(data, panel.symbols)
    n = panel.shape[1]
    col = np.arange(n)
    day = np.full(n, day_numbers(panel.dates[r : r + 1])[0])
    i = latest_event(ev["col"].to_numpy(np.int64), ev["day"].to_numpy(np.int64), col, day)

    def at(name: str) -> np.ndarray:
        return take(ev[name].to_numpy(np.float64), i)

    close = panel.filled_close[r]
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
    peers = PeerGroups(data.stocks["sector"].reindex(panel.symbols), params.valuation_min_peers)
    big = peers.big(ok[None, :])[0]
    industry = np.full(n, np.nanmedian(pe) if ok.any() else np.nan)
    for g, cols in enumerate(peers.groups):
        if big[g]:
            industry[cols] = np.nanmedian(pe[cols])
    out["industry_pe"] = industry
    return out


def explain_valuation(
    data: MarketData,
    panel: Panel,
    history: PillarHistory,
    symbol: str,
    t: int | object,
    params: Params = DEFAULT,
) -> PillarExplanation:
    """Explain one stock's Valuation on a session: multiples, peers' medians and the score."""
    r = session_row(panel.dates, t)
    j = cast(int, panel.symbols.get_loc(symbol))  # symbols are unique
    fields = valuation_fields(data, panel, r, params).loc[symbol]
    grade = grades.word(grades.VALUATION, float(history.grade[history.row(r), j]))
    score = float(history.score[history.row(r), j])
    lines = [
        f"P/E {fields['pe']:.1f} (industry {fields['industry_pe']:.1f})",
        f"P/B {fields['pb']:.2f}",
        f"EV/EBITDA {fields['ev_ebitda']:.1f}",
        f"cheapness {history.extra('cheapness', r, j):.1f}",
    ]
    reason = ""
    if grade == "Risky":
        lines = ["Risky: TTM PAT or PBDIT ≤ 0, equity ≤ 0, or two due quarters unfiled"]
    elif grade is None:
        reason = "market cap, four filed quarters or the latest annual balance sheet missing"
        lines = []
    raw: dict[str, object] = {str(k): (None if pd.isna(v) else float(v)) for k, v in fields.items()}
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
