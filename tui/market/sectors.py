"""Sector strength: breadth, median and cap-weighted 1-day return per sector (analytics.md §4)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tui.market.breadth import (
    ADVANCER,
    DECLINER,
    ELIGIBLE,
    TRADED,
    UNCHANGED,
    Universe,
    classify,
    suspended_mask,
    universe_mask,
)
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.returns import Session, last_valid, session_row, stock_returns

COLUMNS = (
    "sector", "members", "traded", "advancers", "decliners", "unchanged", "median_ret_1d",
    "capw_ret_1d", "rank",
)  # fmt: skip
"""Columns of the sector table."""
UNCLASSIFIED = "Unclassified"
"""Sector shown for stocks with a blank sector."""


def snapshot_closes(data: MarketData, panel: Panel) -> np.ndarray:
    """Each stock's close at market.toml `as_of` (the market_cap_cr date) or its last before.

    Read from the panel; a snapshot after the panel's last session uses that session's closes.
    """
    snap = pd.Timestamp(data.meta.as_of)
    row = int(panel.dates.searchsorted(snap, side="right")) - 1
    return last_valid(panel.close, row, panel.first_bar)


def prev_market_cap(
    data: MarketData, panel: Panel, prev_close: np.ndarray, snapshot_close: np.ndarray | None
) -> np.ndarray:
    """Previous-session market cap: market_cap_cr · C_{t-1} / C_snapshot (NaN when unknown)."""
    if snapshot_close is None and "implied_shares" in data.stocks.columns:
        shares = data.stocks["implied_shares"].reindex(panel.symbols).to_numpy(dtype="float64")
        implied: np.ndarray = shares * prev_close
        return implied
    if "market_cap_cr" not in data.stocks.columns:
        return np.full(len(panel.symbols), np.nan)
    cap = data.stocks["market_cap_cr"].reindex(panel.symbols).to_numpy(dtype="float64")
    snap = snapshot_closes(data, panel) if snapshot_close is None else snapshot_close
    with np.errstate(invalid="ignore", divide="ignore"):
        weight: np.ndarray = cap * prev_close / snap
    return weight


def sector_strength(
    data: MarketData,
    panel: Panel,
    t: Session,
    universe: Universe = None,
    *,
    returns: pd.DataFrame | None = None,
    snapshot_close: np.ndarray | None = None,
    params: Params = DEFAULT,
) -> pd.DataFrame:
    """Sector strength within a universe at session `t` (analytics.md §4).

    Args:
        data: stocks (sector, mcap_class, status, market_cap_cr) and prices.
        panel: the dense panel of `data`.
        t: the as-of session.
        universe: see `breadth.Universe`, e.g. "small".
        returns: `stock_returns(panel, t)` when already computed.
        snapshot_close: closes at the market_cap_cr snapshot date on `panel.symbols`; by default
            the panel's closes at `data.meta.as_of` (pass them from the uncut data when `data`
            is an as-of cut before the snapshot).
        params: sectors_min_members and the breadth parameters.

    Returns:
        One row per sector with an eligible member, in COLUMNS: members (eligible stocks),
        traded, advancers, decliners, unchanged, median_ret_1d over the traded, capw_ret_1d
        (weights: previous-session market cap; NaN if a member lacks one), rank (1 = strongest
        by median, then cap-weighted, then name; None under sectors_min_members). Sorted by
        median_ret_1d descending (NaN last), then capw_ret_1d, then name.
    """
    row = session_row(panel.dates, t)
    rets = stock_returns(panel, row, params) if returns is None else returns
    uni = universe_mask(data, panel, universe)
    codes = classify(panel, row, uni, suspended_mask(data, panel), params)
    member = np.isin(codes, ELIGIBLE)
    sector = data.stocks["sector"].reindex(panel.symbols).astype(object)
    sector = sector.where(sector.notna() & (sector.astype(str).str.strip() != ""), UNCLASSIFIED)
    prev = rets["prev_close"].to_numpy(dtype="float64")
    weight = prev_market_cap(data, panel, prev, snapshot_close)
    ret = rets["ret_1d"].to_numpy(dtype="float64")
    traded = np.isin(codes, TRADED)
    stocks = pd.DataFrame(
        {
            "sector": sector.to_numpy(dtype=object)[member],
            "traded": traded[member],
            "advancers": codes[member] == ADVANCER,
            "decliners": codes[member] == DECLINER,
            "unchanged": codes[member] == UNCHANGED,
            "ret": np.where(traded, ret, np.nan)[member],
            "w": weight[member],
            "wr": np.where(traded, weight * ret, 0.0)[member],
            "wt": np.where(traded, weight, 0.0)[member],
        }
    )
    groups = stocks.groupby("sector", sort=True)
    table = groups[["traded", "advancers", "decliners", "unchanged"]].sum().astype("int64")
    table.insert(0, "members", groups.size())
    table["median_ret_1d"] = groups["ret"].median()
    # Any member without a weight makes the sector's cap-weighted return unknown.
    lacks = groups["w"].apply(lambda w: bool(w.isna().any()))
    sums = groups[["wr", "wt"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        capw = sums["wr"] / sums["wt"].where(sums["wt"] > 0)
    table["capw_ret_1d"] = capw.where(~lacks)
    table = table.reset_index()
    order = np.lexsort(
        (
            table["sector"].to_numpy(dtype=str),
            -table["capw_ret_1d"].fillna(-np.inf).to_numpy(),
            -table["median_ret_1d"].fillna(-np.inf).to_numpy(),
        )
    )
    table = table.iloc[order].reset_index(drop=True)
    ranked = (table["members"] >= params.sectors_min_members).to_numpy()
    ranks = np.cumsum(ranked)
    table["rank"] = pd.Series(
        [int(r) if ok else None for r, ok in zip(ranks, ranked, strict=True)], dtype=object
    )
    return table[list(COLUMNS)]


def sectors_advancing(table: pd.DataFrame) -> tuple[int, int]:
    """(k, m): k of the m ranked sectors have median ret_1d > 0 (§3 `sectors_advancing`)."""
    ranked = table[table["rank"].notna()]
    return int((ranked["median_ret_1d"] > 0).sum()), len(ranked)
