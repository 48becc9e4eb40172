"""Upgrades pane: today's call, technical-trend and financial-trend changes, from → to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text

from tui.app.panes.base import TextPane, grade

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard
    from tui.market.events import Event

KINDS = {"call": "Call", "technical": "Technical", "fin_trend": "Fin. trend"}
"""Event kind → section title, in display order."""


def event_line(event: Event, up: bool) -> Text:
    """`▲ SYMBOL  Sell → Hold`."""
    line = Text()
    line.append("▲ " if up else "▼ ", style="green" if up else "red")
    line.append(f"{event.symbol:<11}")
    line.append_text(grade(event.from_))
    line.append(" → ")
    to = grade(event.to)
    line.append_text(to)
    if event.kind == "call" and event.score_from is not None and event.score_to is not None:
        line.append(f" {event.score_from:.0f}→{event.score_to:.0f}", style="dim")
    return line


class UpgradesPane(TextPane):
    """Every upgrade, then every downgrade, of each kind on the as-of session."""

    NUMBER = 4
    TITLE = "Upgrades"

    def render_body(self, dashboard: Dashboard) -> RenderableType:
        """One section per kind: a count line, then the changes."""
        out = Text()
        for kind, title in KINDS.items():
            ups = dashboard.upgrades.get(kind, [])
            downs = dashboard.downgrades.get(kind, [])
            if out:
                out.append("\n")
            out.append(f"{title}", style="bold")
            out.append(f"  {len(ups)} up", style="green")
            out.append(f" · {len(downs)} down\n", style="red")
            for e in ups:
                out.append_text(event_line(e, up=True))
                out.append("\n")
            for e in downs:
                out.append_text(event_line(e, up=False))
                out.append("\n")
        out.rstrip()
        return out
