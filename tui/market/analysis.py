"""One as-of analysis of a market: every pillar replayed daily, the call, and the row frame.

`analyse(data, as_of)` is the single entry point the CLI, the screener and the TUI share. It
cuts the data at the as-of session, builds the dense panel, replays the four pillars and the
call over the whole loaded history (hysteresis needs yesterday's grade), and exposes the
as-of session's rows and today's change events.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from tui.market import events as ev
from tui.market.fintrend import fin_trend_history
from tui.market.grades import CALL, FIN_TREND, QUALITY, TECHNICAL, VALUATION, word
from tui.market.model import MarketData, Panel, build_panel, cut
from tui.market.params import DEFAULT, Params
from tui.market.pillars import PillarHistory
from tui.market.quality import quality_history
from tui.market.rating import RatingHistory, rating_history
from tui.market.technicals import technicals_history
from tui.market.valuation import valuation_history

HISTORY_ROWS = 260
"""Sessions of pillar and call history an Analysis keeps after the replay (the as-of one
included): change events look back at most 250 sessions (WITHIN), plus the session before."""

TECH_EXTRAS_KEPT = 2
"""Sessions of technicals' per-reading extras kept: the as-of session and the one before
(today's drivers and explanations read nothing older)."""

PILLAR_KINDS = {
    "technical": "technicals",
    "fin_trend": "fin_trend",
    "quality": "quality",
    "valuation": "valuation",
}
"""Event kind → pillar name."""


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything computed for one market at one as-of session.

    Attributes:
        data: the MarketData cut at the session.
        panel: dense daily bars up to the session.
        t: the session's row in the panel (always the last).
        params: the tunables used.
        pillars: PillarHistory per pillar name (technicals, fin_trend, quality, valuation),
            kept from panel row `start` on.
        rating: the replayed composite score and call, kept from panel row `start` on.
        illiquid: (T, N) booleans behind the illiquidity cap.

    Pillar and call histories are replayed over every session but only the last
    HISTORY_ROWS are kept: index them with `row(t)` (or each history's own `row`).
    """

    data: MarketData
    panel: Panel
    t: int
    params: Params
    pillars: dict[str, PillarHistory]
    rating: RatingHistory
    illiquid: np.ndarray

    @property
    def as_of(self) -> dt.date:
        """The resolved session."""
        return self.data.meta.as_of

    @property
    def start(self) -> int:
        """The panel row of the kept histories' first row."""
        return self.rating.start

    def row(self, t: int) -> int:
        """The history row (of `grade_arrays`, `changes`, pillars, rating) of panel row t.

        Raises:
            IndexError: when the session is older than the kept history.
        """
        return self.rating.row(t)

    @property
    def symbols(self) -> pd.Index:
        """The panel's symbols (column order of every array)."""
        return self.panel.symbols

    def column(self, symbol: str) -> int:
        """Column of a symbol in the panel."""
        pos = self.panel.symbols.get_indexer(pd.Index([symbol]))[0]
        if pos < 0:
            raise KeyError(symbol)
        return int(pos)

    def grade_arrays(self) -> dict[str, np.ndarray]:
        """Grade codes per event kind on the kept sessions: rows are `row(t)`."""
        return {
            "call": self.rating.call,
            "technical": self.pillars["technicals"].grade,
            "fin_trend": self.pillars["fin_trend"].grade,
            "quality": self.pillars["quality"].grade,
            "valuation": self.pillars["valuation"].grade,
        }

    @cached_property
    def changes(self) -> dict[str, np.ndarray]:
        """Change masks per event kind on the kept sessions (see events.change_mask); the
        first kept row has no previous session and never changes."""
        return {kind: ev.change_mask(a) for kind, a in self.grade_arrays().items()}

    def grades_at(self, t: int | None = None) -> pd.DataFrame:
        """Grade words and scores of every stock on session row t (default: as-of)."""
        i = self.row(self.t if t is None else t)
        p = self.pillars
        index = self.symbols
        return pd.DataFrame(
            {
                "score": _nullable(self.rating.score[i], index),
                "call": _words(CALL, self.rating.call[i], index),
                "technical": _words(TECHNICAL, p["technicals"].grade[i], index),
                "tech_score": p["technicals"].score[i],
                "fin_trend": _words(FIN_TREND, p["fin_trend"].grade[i], index),
                "fin_trend_score": p["fin_trend"].score[i],
                "quality": _words(QUALITY, p["quality"].grade[i], index),
                "quality_score": p["quality"].score[i],
                "valuation": _words(VALUATION, p["valuation"].grade[i], index),
                "valuation_score": p["valuation"].score[i],
            },
            index=index,
        )


def _words(scale: tuple[str, ...], codes: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series([word(scale, c) for c in codes.tolist()], index=index, dtype=object)


def _nullable(values: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype="Float64")


def analyse(
    data: MarketData, as_of: dt.date | pd.Timestamp | str | None = None, params: Params = DEFAULT
) -> Analysis:
    """Cut, build the panel and replay every pillar and the call up to the as-of session."""
    view = cut(data, as_of)
    panel = build_panel(view)
    t = len(panel.dates) - 1
    # Technicals run in a worker thread (and split their column blocks over threads of their
    # own) while the filing-driven pillars, which are mostly Python-level pandas work,
    # proceed here: the two overlap on a 2-core machine. All are pure functions of the cut.
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_price_driven, panel, params)
        fin_trend = fin_trend_history(view, panel, params)
        quality = quality_history(view, panel, params)
        # Valuation only matters on sessions where a call can be computable, which needs a
        # rated financial trend (each session's ranking is independent of the others').
        rows = (~np.isnan(fin_trend.score)).any(axis=1)
        valuation = valuation_history(
            view, panel, quality, params, rows=rows, keep=TECH_EXTRAS_KEPT
        )
        technicals, illiquid = pending.result()
    pillars = {
        "technicals": technicals,
        "fin_trend": fin_trend,
        "quality": quality,
        "valuation": valuation,
    }
    start = max(0, t + 1 - HISTORY_ROWS)
    rating = rating_history(
        quality.score,
        valuation.score,
        fin_trend.score,
        technicals.score,
        {name: h.grade for name, h in pillars.items()},
        illiquid,
        params,
        keep_from=start,
    )
    kept = {name: h.window(start) for name, h in pillars.items()}
    return Analysis(view, panel, t, params, kept, rating, illiquid)


def _price_driven(panel: Panel, params: Params) -> tuple[PillarHistory, np.ndarray]:
    """The work that reads only the bars: technicals, then the illiquidity flags."""
    return technicals_history(panel, params, TECH_EXTRAS_KEPT), _illiquid(panel, params)


ILLIQUID_ROWS = 260
"""Sessions (from the end) on which the illiquidity cap is evaluated: caps act after the
hysteresis and never feed its state, so only sessions whose call is shown or compared by
events (WITHIN ≤ 250) need it."""


def _illiquid(panel: Panel, params: Params) -> np.ndarray:
    """20-session median traded value (₹ cr; 0 on a listed session without a trade) under
    the illiquid limit, on the last ILLIQUID_ROWS sessions."""
    close, volume = panel.close, panel.volume
    value = np.where(np.isnan(close) | np.isnan(volume), 0.0, close * volume / 1e7)
    t_count, n = value.shape
    listed = np.arange(t_count)[:, None] >= panel.first_bar[None, :]
    value = np.where(listed, value, np.nan)
    out = np.zeros((t_count, n), dtype=bool)
    window = 20
    start = max(0, t_count - ILLIQUID_ROWS)
    padded = np.vstack([np.full((window - 1, n), np.nan), value])
    step = 8
    for lo in range(start, t_count, step):
        hi = min(lo + step, t_count)
        # windows for rows lo..hi-1: padded rows r .. r+window-1 (shape rows × n × window)
        block = np.lib.stride_tricks.sliding_window_view(padded[lo : hi + window - 1], window, 0)
        ordered = np.sort(block, axis=-1)  # NaN (not yet listed) sorts last
        k = (~np.isnan(block)).sum(axis=-1)
        a = np.take_along_axis(ordered, np.maximum((k - 1) // 2, 0)[..., None], -1)[..., 0]
        b = np.take_along_axis(ordered, np.maximum(k // 2, 0)[..., None], -1)[..., 0]
        median = np.where(k > 0, (a + b) / 2, np.nan)
        out[lo:hi] = listed[lo:hi] & (
            np.nan_to_num(median, nan=0.0) < params.illiquid_traded_value_cr
        )
    return out
