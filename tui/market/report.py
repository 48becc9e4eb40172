"""Plain-text rendering of the dashboard for `dalal summary` (rounding is display-only)."""

from __future__ import annotations

import math
from typing import cast

import pandas as pd

from tui.market.breadth import format_ratio
from tui.market.dashboard import Dashboard
from tui.market.events import Event

KIND_TITLE = {"call": "Call", "technical": "Technical trend", "fin_trend": "Financial trend"}
LIST_LIMIT = 8


def pct(x: float | None, digits: int = 2) -> str:
    """A signed percent for display, "n/a" when missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.{digits}f}%"


def _num(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def _day(d: str | pd.Timestamp) -> str:
    return pd.Timestamp(d).strftime("%d %b %Y")


def summary_text(d: Dashboard) -> str:
    """The dashboard as a few aligned plain-text sections."""
    data = d.analysis.data
    lines: list[str] = []
    label = "DEMO DATA · " if d.source == "demo" else ""
    stale = " (stale)" if data.stale else ""
    lines.append(
        f"dalal · {label}{data.meta.name} · {d.segment} caps · as of {_day(d.as_of)}"
        f" · source {d.source}{stale}"
    )
    if d.source == "demo":
        lines.append("Synthetic prices and results on real company names; not market data.")
    lines.append("")
    lines += _index_section(d)
    lines.append("")
    lines += _breadth_section(d)
    lines.append("")
    lines += _movers_section(d)
    lines.append("")
    lines += _events_section(d)
    lines.append("")
    lines += _calendar_section(d)
    lines.append("")
    lines += _sectors_section(d)
    lines.append("")
    lines.append("Calls are model output, not advice. `dalal explain SYMBOL` shows the workings.")
    return "\n".join(lines)


def _index_section(d: Dashboard) -> list[str]:
    stats = d.stats
    out = [f"{'Index':<22}{'close':>12}{'1D':>9}{'5D':>9}{'1M':>9}"]
    best = {w: (b or {}).get("segment") for w, b in d.best.items()}
    rows: list[tuple[str, str]] = [
        (name, f"{seg}{' *' if best.get('1d') == seg else ''}")
        for seg, name in d.analysis.data.meta.segments.items()
    ]
    rows += [(b, "benchmark") for b in d.analysis.data.meta.benchmarks]
    for name, tag in rows:
        if name not in stats.index:
            continue
        r = cast("pd.Series[float]", stats.loc[name])
        mark = ">" if name == d.index_name else " "
        out.append(
            f"{mark}{name:<21}{_num(r['close']):>12}{pct(r['ret_1d']):>9}{pct(r['ret_5d']):>9}"
            f"{pct(r['ret_1m']):>9}  {tag}"
        )
    words = [f"{w.upper()} {seg}" for w, seg in best.items() if seg]
    if words:
        out.append(f"Best segment: {', '.join(words)}  (* = best on 1D)")
    return out


def _breadth_section(d: Dashboard) -> list[str]:
    b = d.breadth
    out = [
        f"Breadth  {b.universe:,} stocks: {b.advancers:,} advancing, {b.decliners:,} declining, "
        f"{b.unchanged:,} unchanged, {b.not_traded:,} not traded"
        f" · A/D {format_ratio(b.ad_ratio, b.advancers)}"
    ]
    extra = []
    if b.advance_pct is not None:
        extra.append(f"{b.advance_pct:.1f}% of movers advancing")
    if b.pct_above_sma50 is not None:
        extra.append(f"{b.pct_above_sma50:.1f}% above 50-DMA")
    if b.pct_above_sma200 is not None:
        extra.append(f"{b.pct_above_sma200:.1f}% above 200-DMA")
    if extra:
        out.append("         " + " · ".join(extra))
    if b.narrow_rally:
        out.append("         ! narrow rally: the index rose while decliners outnumbered advancers")
    if b.narrow_decline:
        out.append(
            "         ! narrow decline: the index fell while advancers outnumbered decliners"
        )
    if b.partial:
        out.append("         ! partial: under 95% of eligible stocks have today's bar")
    return out


def _movers_section(d: Dashboard) -> list[str]:
    out = [f"{'Top gainers':<44}Top losers"]
    g = [r for _, r in d.movers.gainers.iterrows()]
    lo = [r for _, r in d.movers.losers.iterrows()]
    for i in range(max(len(g), len(lo))):
        left = _mover(g[i]) if i < len(g) else ""
        right = _mover(lo[i]) if i < len(lo) else ""
        out.append(f"  {left:<42}{right}")
    if not g and not lo:
        out.append("  (no movers)")
    return out


def _mover(row: pd.Series) -> str:
    name = str(row["name"])[:22]
    return f"{row['symbol']!s:<11}{name:<23}{pct(row['ret_1d']):>8}"


def _events_section(d: Dashboard) -> list[str]:
    out = ["Today's changes"]
    for kind in ("call", "technical", "fin_trend"):
        ups, downs = d.upgrades[kind], d.downgrades[kind]
        out.append(f"  {KIND_TITLE[kind]}: {len(ups)} up, {len(downs)} down")
        for e in ups[:LIST_LIMIT]:
            out.append(f"    + {_event(e)}")
        if len(ups) > LIST_LIMIT:
            out.append(f"    … {len(ups) - LIST_LIMIT} more upgrades")
        for e in downs[: LIST_LIMIT // 2]:
            out.append(f"    - {_event(e)}")
        if len(downs) > LIST_LIMIT // 2:
            out.append(f"    … {len(downs) - LIST_LIMIT // 2} more downgrades")
    return out


def _event(e: Event) -> str:
    return f"{e.symbol:<11}{e.text}"


def _calendar_section(d: Dashboard) -> list[str]:
    days = d.analysis.params.calendar_days
    out = [f"Results due in the next {days} days ({len(d.calendar)})"]
    for _, r in d.calendar.head(20).iterrows():
        out.append(
            f"  {pd.Timestamp(r['date']).strftime('%a %d %b')}  {r['symbol']:<11}{r['name']}"
        )
    if len(d.calendar) > 20:
        out.append(f"  … {len(d.calendar) - 20} more")
    if d.calendar.empty:
        out.append("  (none scheduled)")
    return out


def _sectors_section(d: Dashboard) -> list[str]:
    out = [f"{'Sector strength':<36}{'rank':>5}{'stocks':>8}{'up/down':>10}{'median 1D':>11}"]
    for _, r in d.sectors.iterrows():
        rank = "" if pd.isna(r["rank"]) else str(int(r["rank"]))
        updown = f"{int(r['advancers'])}/{int(r['decliners'])}"
        out.append(
            f"  {str(r['sector'])[:33]:<34}{rank:>5}{int(r['members']):>8}{updown:>10}"
            f"{pct(r['median_ret_1d']):>11}"
        )
    return out
