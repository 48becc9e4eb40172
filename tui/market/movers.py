"""Movers: the top gainers and losers of a universe on one session (analytics.md §4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tui.market.breadth import Universe, suspended_mask, universe_mask
from tui.market.model import MarketData, Panel
from tui.market.params import DEFAULT, Params
from tui.market.returns import Session, session_row, stock_returns

COLUMNS = ("symbol", "name", "ret_1d", "close", "traded_value", "stale")
"""Columns of each movers table."""


@dataclass(frozen=True)
class Movers:
    """Top movers of one session.

    Attributes:
        session: the as-of session.
        gainers: rows by ret_1d descending (only ret_1d > 0).
        losers: rows by ret_1d ascending (only ret_1d < 0).
    """

    session: pd.Timestamp
    gainers: pd.DataFrame
    losers: pd.DataFrame


def candidates(
    data: MarketData,
    panel: Panel,
    t: Session,
    universe: Universe = None,
    *,
    returns: pd.DataFrame | None = None,
    params: Params = DEFAULT,
) -> pd.DataFrame:
    """Stocks that may be movers at `t`, in COLUMNS, unsorted.

    A candidate is in the universe, not suspended, traded on t (bar with volume > 0, so ret_1d
    is defined), has traded_value ≥ movers_min_traded_value_cr (0 disables) and no
    suspect_adjustment.
    """
    row = session_row(panel.dates, t)
    rets = stock_returns(panel, row, params) if returns is None else returns
    keep = universe_mask(data, panel, universe) & ~suspended_mask(data, panel)
    keep &= rets["ret_1d"].notna().to_numpy() & ~rets["suspect_adjustment"].to_numpy(bool)
    if params.movers_min_traded_value_cr > 0:
        keep &= (rets["traded_value"] >= params.movers_min_traded_value_cr).to_numpy()
    picked = rets.loc[keep, ["ret_1d", "close", "traded_value", "stale"]]
    names = data.stocks["name"].reindex(picked.index)
    frame = picked.reset_index()
    frame.insert(1, "name", names.to_numpy(dtype=object))
    out: pd.DataFrame = frame[list(COLUMNS)]
    return out


def _top(frame: pd.DataFrame, sign: int, top: int) -> pd.DataFrame:
    side = frame[np.sign(frame["ret_1d"]) == sign]
    # Ties on ret_1d: higher traded value first, then symbol; lexsort's last key is primary.
    order = np.lexsort(
        (
            side["symbol"].to_numpy(dtype=object).astype(str),
            -side["traded_value"].to_numpy(),
            -sign * side["ret_1d"].to_numpy(),
        )
    )
    out: pd.DataFrame = side.iloc[order[:top]].reset_index(drop=True)
    return out


def movers(
    data: MarketData,
    panel: Panel,
    t: Session,
    universe: Universe = None,
    *,
    returns: pd.DataFrame | None = None,
    params: Params = DEFAULT,
) -> Movers:
    """Top gainers and losers of a universe at session `t` (analytics.md §4).

    Args:
        data: stocks (name, mcap_class, status).
        panel: the dense panel of `data`.
        t: the as-of session.
        universe: see `breadth.Universe`, e.g. "small".
        returns: `stock_returns(panel, t)` when already computed.
        params: movers_min_traded_value_cr, movers_top, suspect_move_pct.

    Returns:
        Gainers by ret_1d descending and losers ascending, `movers_top` each; ties by higher
        traded value, then symbol.
    """
    row = session_row(panel.dates, t)
    frame = candidates(data, panel, row, universe, returns=returns, params=params)
    return Movers(
        session=pd.Timestamp(panel.dates[row]),
        gainers=_top(frame, 1, params.movers_top),
        losers=_top(frame, -1, params.movers_top),
    )
