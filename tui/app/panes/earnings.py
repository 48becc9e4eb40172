"""Earnings pane: results meetings of the coming days, by date; filed ones show their trend."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tui.app.panes.base import TextPane, grade, is_missing

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard


class EarningsPane(TextPane):
    """Upcoming results by date; a meeting whose results are out shows the new fin. trend."""

    NUMBER = 5
    TITLE = "Earnings"

    def render_body(self, dashboard: Dashboard) -> RenderableType:
        """A date / symbol / trend-or-name table."""
        cal = dashboard.calendar
        days = dashboard.analysis.params.calendar_days
        if cal.empty:
            return Text(f"no results due in the next {days} days", style="dim")
        table = Table(box=None, padding=(0, 1, 0, 0), expand=True, show_edge=False, pad_edge=False)
        table.add_column("Date", no_wrap=True)
        table.add_column("Symbol", no_wrap=True)
        table.add_column("Trend / name", no_wrap=True, overflow="ellipsis", ratio=1)
        last = None
        r: Any
        for r in cal.itertuples(index=False):
            date = pd.Timestamp(r.date).strftime("%d %b")
            filed = not is_missing(r.days_since_results) and float(r.days_since_results) <= 0
            detail = grade(r.fin_trend) if filed else Text(str(r.name), style="dim")
            table.add_row(date if date != last else "", Text(str(r.symbol)), detail)
            last = date
        caption = Text(f"{len(cal)} results due in {days} days", style="bold")
        return Group(caption, table)
