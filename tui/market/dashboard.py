"""The dashboard model: one segment's figures on one session, shared by the CLI and the TUI.

`build_dashboard(analysis, segment)` gathers index stats, segments and benchmarks, breadth,
movers, today's upgrades and downgrades, the earnings calendar (and the results filed in the
last days with their financial-trend change) and sector strength. `as_json`
gives the `dalal summary --format json` object of design.md §4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from tui.market import calendar as cal
from tui.market.analysis import Analysis
from tui.market.breadth import Breadth, breadth
from tui.market.changes import events_on
from tui.market.events import Event
from tui.market.model import MarketData
from tui.market.movers import Movers, movers
from tui.market.returns import best_segments, index_stats, segment_table, stock_returns
from tui.market.sectors import sector_strength


def _results_of(data: MarketData, symbols: pd.Index) -> MarketData:
    """The data with only these symbols' results (what recently_declared reads)."""
    return replace(data, results=data.results[data.results["symbol"].isin(symbols)])


SEGMENT_CLASS = {"small": "Small", "mid": "Mid", "large": "Large"}
"""Segment key → mcap_class."""
EVENT_LISTS = ("call", "technical", "fin_trend")
"""The kinds the summary's upgrades and downgrades list."""


@dataclass(frozen=True, eq=False)
class Dashboard:
    """Every figure of the dashboard for one segment on one session."""

    analysis: Analysis
    segment: str
    index_name: str
    stats: pd.DataFrame
    segments: pd.DataFrame
    best: dict[str, dict[str, Any] | None]
    breadth: Breadth
    movers: Movers
    upgrades: dict[str, list[Event]]
    downgrades: dict[str, list[Event]]
    calendar: pd.DataFrame
    sectors: pd.DataFrame
    universe: pd.Index
    returns: pd.DataFrame = field(repr=False)
    recent: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """Results the segment filed in the last `calendar_days` days, with the financial trend
    before → after (calendar.recently_declared)."""

    @property
    def as_of(self) -> str:
        """The resolved session, ISO."""
        return self.analysis.as_of.isoformat()

    @property
    def source(self) -> str:
        """What served the data."""
        return self.analysis.data.source

    def as_json(self) -> dict[str, Any]:
        """The `dalal summary --format json` object (design.md §4)."""
        stats = self.stats
        idx = stats.loc[self.index_name] if self.index_name in stats.index else None
        out: dict[str, Any] = {
            "as_of": self.as_of,
            "source": self.source,
        }
        if self.analysis.data.stale:
            out["stale"] = True
        out["segment"] = self.segment
        out["index"] = {
            "name": self.index_name,
            "close": _num(idx["close"]) if idx is not None else None,
            **{f"ret_{w}": _num(idx[f"ret_{w}"]) if idx is not None else None
               for w in ("1d", "5d", "1m")},
        }  # fmt: skip
        out["segments"] = [
            {"segment": seg, "index": row["index"],
             **{f"ret_{w}": _num(row[f"ret_{w}"]) for w in ("1d", "5d", "1m")}}
            for seg, row in self.segments.iterrows()
        ]  # fmt: skip
        out["best_segment"] = {w: (b["segment"] if b else None) for w, b in self.best.items()}
        out["benchmarks"] = [
            {"index": name,
             **{f"ret_{w}": _num(stats.loc[name, f"ret_{w}"]) if name in stats.index else None
                for w in ("1d", "5d", "1m")}}
            for name in self.analysis.data.meta.benchmarks
        ]  # fmt: skip
        b = self.breadth
        out["breadth"] = {
            "universe": b.universe,
            "advancers": b.advancers,
            "decliners": b.decliners,
            "unchanged": b.unchanged,
            "not_traded": b.not_traded,
            "ad_ratio": b.ad_ratio,
            "advance_pct": b.advance_pct,
            "narrow_rally": b.narrow_rally,
            "narrow_decline": b.narrow_decline,
            "pct_above_sma50": b.pct_above_sma50,
            "pct_above_sma200": b.pct_above_sma200,
            "new_listings": b.new_listings,
            "partial": b.partial,
        }
        out["movers"] = {
            "gainers": _mover_rows(self.movers.gainers),
            "losers": _mover_rows(self.movers.losers),
        }
        out["upgrades"] = {k: [_event_json(e) for e in self.upgrades[k]] for k in EVENT_LISTS}
        out["downgrades"] = {k: [_event_json(e) for e in self.downgrades[k]] for k in EVENT_LISTS}
        out["calendar"] = [
            {"date": pd.Timestamp(r["date"]).date().isoformat(), "symbol": r["symbol"],
             "name": r["name"], "purpose": r["purpose"]}
            for _, r in self.calendar.iterrows()
        ]  # fmt: skip
        out["sectors"] = [
            {
                "sector": r["sector"],
                "members": int(r["members"]),
                "advancers": int(r["advancers"]),
                "decliners": int(r["decliners"]),
                "unchanged": int(r["unchanged"]),
                "median_ret_1d": _num(r["median_ret_1d"]),
                "capw_ret_1d": _num(r["capw_ret_1d"]),
                "rank": None if _num(r["rank"]) is None else int(r["rank"]),
            }
            for _, r in self.sectors.iterrows()
        ]
        return out


def _num(x: Any) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def _mover_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"symbol": str(r["symbol"]), "name": str(r["name"]), "ret_1d": _num(r["ret_1d"]),
         "close": _num(r.get("close")), "traded_value": _num(r.get("traded_value"))}
        for _, r in frame.iterrows()
    ]  # fmt: skip


def _event_json(e: Event) -> dict[str, Any]:
    return e.as_json()


def segment_universe(analysis: Analysis, segment: str) -> pd.Index:
    """Symbols of a segment: the stocks with its mcap_class."""
    stocks = analysis.data.stocks
    wanted = SEGMENT_CLASS.get(segment)
    if wanted is None:
        raise ValueError(f"unknown segment '{segment}'; use small, mid or large")
    universe: pd.Index = pd.Index(stocks.index[stocks["mcap_class"] == wanted])
    return universe


def build_dashboard(analysis: Analysis, segment: str = "small") -> Dashboard:
    """Compute every dashboard figure for one segment at the analysis's session."""
    data, panel, t = analysis.data, analysis.panel, analysis.t
    if segment not in data.meta.segments:
        raise ValueError(f"segment '{segment}' is not defined in market.toml")
    universe = segment_universe(analysis, segment)
    stats = index_stats(data, t)
    segments = segment_table(data, t, stats)
    index_name = data.meta.segments[segment]
    index_ret = _num(stats.loc[index_name, "ret_1d"]) if index_name in stats.index else None
    rets = stock_returns(panel, t, analysis.params)
    mask = panel.symbols.isin(universe)
    br = breadth(data, panel, t, mask, index_ret_1d=index_ret, params=analysis.params)
    mv = movers(data, panel, t, mask, returns=rets, params=analysis.params)
    sectors = sector_strength(data, panel, t, mask, returns=rets, params=analysis.params)
    events = events_on(analysis, t, universe)
    upgrades = {k: [e for e in events[k] if e.direction == "upgrade"] for k in events}
    downgrades = {k: [e for e in events[k] if e.direction == "downgrade"] for k in events}
    upcoming = cal.upcoming(
        data,
        pd.Timestamp(analysis.as_of),
        analysis.params.calendar_days,
        panel=panel,
        fin_trend=analysis.pillars["fin_trend"],
    )
    upcoming = upcoming[upcoming["symbol"].isin(universe)].reset_index(drop=True)
    recent = cal.recently_declared(
        _results_of(data, universe),
        pd.Timestamp(analysis.as_of),
        analysis.params.calendar_days,
        panel=panel,
        fin_trend=analysis.pillars["fin_trend"],
    )
    return Dashboard(
        analysis=analysis,
        segment=segment,
        index_name=index_name,
        stats=stats,
        segments=segments,
        best=best_segments(segments),
        breadth=br,
        movers=mv,
        upgrades=upgrades,
        downgrades=downgrades,
        calendar=upcoming,
        sectors=sectors,
        universe=universe,
        returns=rets,
        recent=recent,
    )
