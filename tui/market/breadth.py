"""Breadth: advancers, decliners and the A/D ratio of one universe on one session (analytics.md §3).

Each stock of a universe gets one status per session (`classify`): advancer, decliner, unchanged
or not traded when eligible, else new listing, inactive, suspended or unlisted. `breadth` counts
them for one session; `breadth_history` does it for every session at once, for the A-D line and
the McClellan oscillator.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from tui.market.model import MarketData, Panel, ffill
from tui.market.params import DEFAULT, Params
from tui.market.returns import (
    HIGH_WINDOW,
    Session,
    filled_close,
    index_stats,
    session_row,
)

OUTSIDE, ADVANCER, DECLINER, UNCHANGED, NOT_TRADED = 0, 1, 2, 3, 4
NEW_LISTING, INACTIVE, SUSPENDED, UNLISTED = 5, 6, 7, 8
"""Status codes of `classify`; ADVANCER … NOT_TRADED are the eligible stocks."""
TRADED = (ADVANCER, DECLINER, UNCHANGED)
ELIGIBLE = (ADVANCER, DECLINER, UNCHANGED, NOT_TRADED)
SMA_WINDOWS = (20, 50, 200)

Universe = str | np.ndarray | pd.Series | Iterable[str] | None
"""A segment key ("small"), a boolean mask on the panel's symbols, symbols, or None for all."""


def universe_mask(data: MarketData, panel: Panel, universe: Universe) -> np.ndarray:
    """Boolean mask on `panel.symbols` of a universe (see `Universe`)."""
    if universe is None:
        return np.ones(len(panel.symbols), dtype=bool)
    if isinstance(universe, str):
        mcap = data.stocks["mcap_class"].reindex(panel.symbols)
        return (mcap.astype("string").str.lower() == universe.lower()).fillna(False).to_numpy(bool)
    if isinstance(universe, pd.Series) and universe.dtype == bool:
        return universe.reindex(panel.symbols, fill_value=False).to_numpy(bool)
    if isinstance(universe, np.ndarray) and universe.dtype == bool:
        return universe
    return panel.symbols.isin(list(universe))


def suspended_mask(data: MarketData, panel: Panel) -> np.ndarray:
    """Stocks whose optional `status` column says suspended, on `panel.symbols`."""
    if "status" not in data.stocks.columns:
        return np.zeros(len(panel.symbols), dtype=bool)
    status = data.stocks["status"].reindex(panel.symbols).astype("string").str.strip().str.lower()
    return (status == "suspended").fillna(False).to_numpy(bool)


def _classify_rows(
    panel: Panel,
    lo: int,
    hi: int,
    universe: np.ndarray,
    suspended: np.ndarray,
    params: Params,
) -> np.ndarray:
    """(hi - lo, N) status codes for sessions lo..hi-1."""
    close, volume = panel.close[lo:hi], panel.volume[lo:hi]
    first = panel.first_bar
    rows = np.arange(lo, hi)[:, None]
    has = ~np.isnan(close)
    if lo > 0:
        prev = filled_close(panel.close, lo - 1, hi - 1, first)
    else:
        prev = np.vstack([np.full((1, close.shape[1]), np.nan), ffill(panel.close[: hi - 1])])
    # A bar within the last `eligible_recent_sessions` sessions, the session itself included.
    w = params.eligible_recent_sessions
    start = max(lo - w + 1, 0)
    counts = np.cumsum(~np.isnan(panel.close[start:hi]), axis=0, dtype=np.int32)
    ahead = counts[lo - start :]
    behind = np.zeros_like(ahead)
    back = np.arange(lo, hi) - w - start
    ok = back >= 0
    behind[ok] = counts[back[ok]]
    recent = (ahead - behind) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = 100.0 * (close / prev - 1.0)
    traded = has & (volume > 0) & ~(np.abs(ret) > params.suspect_move_pct)
    c2, p2 = np.round(close, 2), np.round(prev, 2)
    codes = np.full(close.shape, UNLISTED, dtype=np.int8)
    listed = first[None, :] < rows
    codes[listed] = INACTIVE
    codes[listed & recent] = NOT_TRADED
    codes[listed & recent & traded & (c2 > p2)] = ADVANCER
    codes[listed & recent & traded & (c2 < p2)] = DECLINER
    codes[listed & recent & traded & (c2 == p2)] = UNCHANGED
    codes[first[None, :] == rows] = NEW_LISTING
    codes[(codes != UNLISTED) & suspended[None, :]] = SUSPENDED
    codes[:, ~universe] = OUTSIDE
    return codes


def classify(
    panel: Panel,
    t: Session,
    universe: np.ndarray | None = None,
    suspended: np.ndarray | None = None,
    params: Params = DEFAULT,
) -> np.ndarray:
    """Status code of every panel symbol at session `t` (analytics.md §3).

    Eligible (first bar before t, a bar within the last 20 sessions, t included, not suspended)
    stocks are
    ADVANCER, DECLINER or UNCHANGED by round(C_t, 2) vs round(C_{t-1}, 2), C_{t-1} being the
    last close before t, when they have a bar with volume > 0 on t and no suspect_adjustment;
    else NOT_TRADED. The others are NEW_LISTING (first bar on t), INACTIVE, SUSPENDED, UNLISTED
    (no bar yet) or OUTSIDE the universe.

    Args:
        panel: the dense panel.
        t: the as-of session.
        universe: boolean mask on the panel's symbols; None means all.
        suspended: boolean mask of suspended stocks; None means none.
        params: eligible_recent_sessions and suspect_move_pct.
    """
    row = session_row(panel.dates, t)
    n = len(panel.symbols)
    uni = np.ones(n, dtype=bool) if universe is None else universe
    sus = np.zeros(n, dtype=bool) if suspended is None else suspended
    codes: np.ndarray = _classify_rows(panel, row, row + 1, uni, sus, params)[0]
    return codes


def format_ratio(ratio: float | None, advancers: int | None = None) -> str:
    """Display an A/D ratio: "0.55x"; "∞" when D = 0 and A > 0; "n/a" when A = D = 0.

    Args:
        ratio: A / D, or None when D = 0 (inf is accepted for ∞).
        advancers: A, telling ∞ from n/a when the ratio is None.
    """
    if ratio is None or (isinstance(ratio, float) and math.isnan(ratio)):
        return "∞" if advancers else "n/a"
    if math.isinf(ratio):
        return "∞"
    return f"{ratio:.2f}x"


@dataclass(frozen=True)
class Breadth:
    """Breadth of one universe on one session (analytics.md §3).

    Attributes:
        session: the as-of session.
        universe: eligible stocks, advancers + decliners + unchanged + not_traded.
        advancers: eligible stocks closing higher (2-decimal closes).
        decliners: eligible stocks closing lower.
        unchanged: eligible stocks traded at the same 2-decimal close.
        not_traded: eligible stocks without a bar, with zero volume, or suspect_adjustment.
        new_listings: first bar on the session (not in the counts above).
        inactive: listed, but no bar within the last 20 sessions.
        suspended: stocks.csv status suspended.
        with_bar: eligible stocks with a bar on the session.
        ad_ratio: A / D; None when D = 0.
        ad_diff: A - D.
        advance_pct: 100·A/(A + D); 100 when D = 0; None when A = D = 0.
        pct_above_sma20: percent of traded stocks with SMA20 defined closing above it (None
            when there are none); likewise 50 and 200.
        pct_above_sma50: see pct_above_sma20.
        pct_above_sma200: see pct_above_sma20.
        new_highs: traded stocks with H_t ≥ the max high of the previous 251 sessions.
        new_lows: traded stocks with L_t ≤ the min low of the previous 251 sessions.
        index_ret_1d: the segment index's 1-day return, None when unknown.
        narrow_rally: index up while A < D.
        narrow_decline: index down while A > D.
        partial: fewer than 95 % of eligible stocks have a bar on the session.
    """

    session: pd.Timestamp
    universe: int
    advancers: int
    decliners: int
    unchanged: int
    not_traded: int
    new_listings: int
    inactive: int
    suspended: int
    with_bar: int
    ad_ratio: float | None
    ad_diff: int
    advance_pct: float | None
    pct_above_sma20: float | None
    pct_above_sma50: float | None
    pct_above_sma200: float | None
    new_highs: int
    new_lows: int
    index_ret_1d: float | None
    narrow_rally: bool
    narrow_decline: bool
    partial: bool

    @property
    def ratio_text(self) -> str:
        """The A/D ratio as displayed: "0.55x", "∞" or "n/a"."""
        return format_ratio(self.ad_ratio, self.advancers)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe fields (session as an ISO date)."""
        out = asdict(self)
        out["session"] = self.session.date().isoformat()
        return out


def ad_measures(advancers: int, decliners: int) -> tuple[float | None, int, float | None]:
    """(ad_ratio, ad_diff, advance_pct) of A and D, with the D = 0 rules of §3."""
    ratio = advancers / decliners if decliners else None
    total = advancers + decliners
    pct = 100.0 * advancers / total if total else None
    return ratio, advancers - decliners, pct


def _share(hits: np.ndarray, base: np.ndarray) -> float | None:
    count = int(base.sum())
    return 100.0 * int((hits & base).sum()) / count if count else None


def breadth(
    data: MarketData,
    panel: Panel,
    t: Session,
    universe: Universe = None,
    *,
    index_ret_1d: float | None = None,
    params: Params = DEFAULT,
) -> Breadth:
    """Breadth of a universe at session `t` (analytics.md §3).

    Args:
        data: stocks (mcap_class, status), indices and meta.segments.
        panel: the dense panel of `data` (rows after `t` are ignored).
        t: the as-of session.
        universe: see `Universe`; a segment key also supplies its index's ret_1d.
        index_ret_1d: the segment index's 1-day return for narrow_rally/narrow_decline; by
            default the index of the segment named by `universe`, else None.
        params: eligible_recent_sessions, suspect_move_pct, partial_breadth_pct.
    """
    row = session_row(panel.dates, t)
    session = pd.Timestamp(panel.dates[row])
    uni = universe_mask(data, panel, universe)
    codes = classify(panel, row, uni, suspended_mask(data, panel), params)
    count = {c: int((codes == c).sum()) for c in range(UNLISTED + 1)}
    a, d = count[ADVANCER], count[DECLINER]
    ratio, diff, adv_pct = ad_measures(a, d)
    eligible = np.isin(codes, ELIGIBLE)
    traded = np.isin(codes, TRADED)
    with_bar = int((eligible & ~np.isnan(panel.close[row])).sum())

    first = panel.first_bar
    close_t = panel.close[row]
    lo = max(row - max(SMA_WINDOWS) + 1, 0)
    block = filled_close(panel.close, lo, row + 1, first)
    above: dict[int, float | None] = {}
    for n in SMA_WINDOWS:
        sma = block[-n:].mean(axis=0) if row - n + 1 >= 0 else np.full(len(close_t), np.nan)
        above[n] = _share(close_t > sma, traded & ~np.isnan(sma))

    highs = lows = 0
    if row >= HIGH_WINDOW - 1:
        window = slice(row - HIGH_WINDOW + 1, row)
        old = traded & (first <= row - HIGH_WINDOW + 1)
        prev_high = np.fmax.reduce(panel.high[window], axis=0)
        prev_low = np.fmin.reduce(panel.low[window], axis=0)
        highs = int((old & (panel.high[row] >= prev_high)).sum())
        lows = int((old & (panel.low[row] <= prev_low)).sum())

    if index_ret_1d is None and isinstance(universe, str):
        name = data.meta.segments.get(universe.lower())
        found = index_stats(data, session)["ret_1d"].get(name) if name else None
        if found is not None and not math.isnan(found):
            index_ret_1d = float(found)
    up = index_ret_1d is not None and index_ret_1d > 0
    down = index_ret_1d is not None and index_ret_1d < 0
    n_eligible = int(eligible.sum())
    return Breadth(
        session=session,
        universe=n_eligible,
        advancers=a,
        decliners=d,
        unchanged=count[UNCHANGED],
        not_traded=count[NOT_TRADED],
        new_listings=count[NEW_LISTING],
        inactive=count[INACTIVE],
        suspended=count[SUSPENDED],
        with_bar=with_bar,
        ad_ratio=ratio,
        ad_diff=diff,
        advance_pct=adv_pct,
        pct_above_sma20=above[20],
        pct_above_sma50=above[50],
        pct_above_sma200=above[200],
        new_highs=highs,
        new_lows=lows,
        index_ret_1d=index_ret_1d,
        narrow_rally=up and a < d,
        narrow_decline=down and a > d,
        partial=n_eligible > 0 and 100.0 * with_bar < params.partial_breadth_pct * n_eligible,
    )


def breadth_history(
    data: MarketData,
    panel: Panel,
    universe: Universe = None,
    *,
    start: Session = 0,
    stop: Session = -1,
    params: Params = DEFAULT,
) -> pd.DataFrame:
    """Daily counts of a universe for sessions start..stop, computed at once over the panel.

    Returns:
        Index `date`; columns advancers, decliners, unchanged, not_traded, new_listings,
        inactive, suspended, universe (A + D + U + N). Membership is the universe given (the
        current mcap_class), not point-in-time.
    """
    lo = session_row(panel.dates, start)
    hi = session_row(panel.dates, stop) + 1
    uni = universe_mask(data, panel, universe)
    codes = _classify_rows(panel, lo, hi, uni, suspended_mask(data, panel), params)
    names = {
        "advancers": ADVANCER,
        "decliners": DECLINER,
        "unchanged": UNCHANGED,
        "not_traded": NOT_TRADED,
        "new_listings": NEW_LISTING,
        "inactive": INACTIVE,
        "suspended": SUSPENDED,
    }
    frame = pd.DataFrame(
        {k: (codes == c).sum(axis=1) for k, c in names.items()},
        index=pd.DatetimeIndex(panel.dates[lo:hi], name="date"),
    )
    frame["universe"] = frame[["advancers", "decliners", "unchanged", "not_traded"]].sum(axis=1)
    return frame


def ad_line(history: pd.DataFrame) -> pd.Series:
    """A-D line: cumulative A - D from the history's first session; A = D = 0 days skipped."""
    kept = history[(history["advancers"] + history["decliners"]) > 0]
    return (kept["advancers"] - kept["decliners"]).cumsum().rename("ad_line")


def _seeded_ema(x: pd.Series, n: int) -> pd.Series:
    """EMA(n), adjust=False, seeded with SMA(n) at n - 1 (analytics.md §5.1)."""
    values = x.to_numpy(dtype="float64").copy()
    if len(values) < n:
        return pd.Series(np.nan, index=x.index)
    values[n - 1] = values[:n].mean()
    values[: n - 1] = np.nan
    return pd.Series(values, index=x.index).ewm(span=n, adjust=False).mean()


def mcclellan(history: pd.DataFrame, *, ratio_adjusted: bool = True) -> pd.DataFrame:
    """McClellan oscillator EMA19(X) - EMA39(X) and summation index (analytics.md §3).

    Args:
        history: `breadth_history` output (or any frame with advancers, decliners).
        ratio_adjusted: X = 1000·(A - D)/(A + D) (default, size-independent); else X = A - D.

    Returns:
        Index: the sessions with A + D > 0 (others are skipped); columns x, ema19, ema39,
        oscillator (first value on the 39th kept session) and summation (its cumulative sum).
    """
    kept = history[(history["advancers"] + history["decliners"]) > 0]
    a = kept["advancers"].astype("float64")
    d = kept["decliners"].astype("float64")
    x = 1000.0 * (a - d) / (a + d) if ratio_adjusted else a - d
    fast, slow = _seeded_ema(x, 19), _seeded_ema(x, 39)
    osc = fast - slow
    return pd.DataFrame(
        {"x": x, "ema19": fast, "ema39": slow, "oscillator": osc, "summation": osc.cumsum()}
    )
