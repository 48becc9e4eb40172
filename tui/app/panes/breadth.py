"""Breadth pane: the advancers/decliners gauge, A/D ratio, warnings, DMA shares, sectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from tui.app.panes.base import TextPane, is_missing, pct
from tui.market.breadth import Breadth, format_ratio

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard

MAX_GAUGE_WIDTH = 40
"""Most cells the advancers-vs-decliners bar takes; it shrinks to fit the pane."""


def gauge(b: Breadth, width: int) -> Text:
    """`▲430 ██████····████ 781▼` in `width` cells: advancers green, decliners red."""
    left, right = f"▲{b.advancers:,} ", f" {b.decliners:,}▼"
    cells = max(4, min(MAX_GAUGE_WIDTH, width - len(left) - len(right)))
    total = b.advancers + b.decliners + b.unchanged
    up = round(cells * b.advancers / total) if total else 0
    down = min(round(cells * b.decliners / total), cells - up) if total else 0
    out = Text(left, style="green")
    out.append("█" * up, style="green")
    out.append("·" * (cells - up - down), style="dim")
    out.append("█" * down, style="red")
    out.append(right, style="red")
    return out


class Gauge:
    """The gauge as a Rich renderable that fits whatever width it is given."""

    def __init__(self, b: Breadth) -> None:
        self.breadth = b

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """One line, as wide as the pane allows."""
        yield gauge(self.breadth, options.max_width)


def breadth_lines(b: Breadth) -> list[RenderableType]:
    """The gauge, A/D ratio, warnings and DMA shares, one line each."""
    lines: list[RenderableType] = [Gauge(b)]
    ratio = Text(f"A/D {format_ratio(b.ad_ratio, b.advancers)}", style="bold")
    ratio.append(f" · {b.universe:,} stocks")
    if b.unchanged:
        ratio.append(f" · {b.unchanged:,} unch")
    lines.append(ratio)
    if b.narrow_rally:
        lines.append(Text("! narrow rally: index up, more decliners", style="bold yellow"))
    if b.narrow_decline:
        lines.append(Text("! narrow decline: index down, more advancers", style="bold yellow"))
    if b.partial:
        lines.append(Text("! partial: under 95% of stocks have today's bar", style="yellow"))

    def share(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.1f}%"

    lines.append(Text(f"Above 50/200-DMA {share(b.pct_above_sma50)} / {share(b.pct_above_sma200)}"))
    return lines


class BreadthPane(TextPane):
    """Breadth of the segment, with sector strength below."""

    NUMBER = 2
    TITLE = "Breadth"

    def render_body(self, dashboard: Dashboard) -> RenderableType:
        """Gauge lines, then the ranked sector table."""
        sectors = Table(
            box=None, padding=(0, 1, 0, 0), expand=True, show_edge=False, pad_edge=False
        )
        sectors.add_column("Sector", no_wrap=True, overflow="ellipsis", ratio=1, min_width=6)
        sectors.add_column("#", justify="right", no_wrap=True)
        sectors.add_column("Stk", justify="right", no_wrap=True)
        sectors.add_column("A/D", justify="right", no_wrap=True)
        sectors.add_column("Med 1D", justify="right", no_wrap=True)
        for _, r in dashboard.sectors.iterrows():
            rank = "" if is_missing(r["rank"]) else str(int(r["rank"]))
            sectors.add_row(
                Text(str(r["sector"])),
                rank,
                str(int(r["members"])),
                f"{int(r['advancers'])}/{int(r['decliners'])}",
                pct(r["median_ret_1d"]),
            )
        return Group(*breadth_lines(dashboard.breadth), Text(""), sectors)
