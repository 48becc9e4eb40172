"""Movers pane: the segment's top gainers beside its top losers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from tui.app.panes.base import TextPane, pct

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard


class MoversPane(TextPane):
    """Top gainers and losers by 1D return."""

    NUMBER = 3
    TITLE = "Movers"

    def render_body(self, dashboard: Dashboard) -> RenderableType:
        """Two symbol/1D column pairs, gainers left and losers right."""
        gainers = list(dashboard.movers.gainers.itertuples(index=False))
        losers = list(dashboard.movers.losers.itertuples(index=False))
        if not gainers and not losers:
            return Text("no movers today", style="dim")
        table = Table(box=None, padding=(0, 1, 0, 0), expand=True, show_edge=False, pad_edge=False)
        table.add_column("Gainers", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("1D", justify="right", no_wrap=True)
        table.add_column("Losers", no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column("1D", justify="right", no_wrap=True)
        for i in range(max(len(gainers), len(losers))):
            cells: list[Text] = []
            for side in (gainers, losers):
                if i < len(side):
                    row = side[i]
                    cells += [Text(str(row.symbol)), pct(row.ret_1d)]
                else:
                    cells += [Text(""), Text("")]
            table.add_row(*cells)
        return table
