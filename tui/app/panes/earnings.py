"""Earnings pane: results meetings of the coming days, by date, then the results filed in the
last days with their financial-trend change."""

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
        recent = self._recent(dashboard)
        if cal.empty:
            return Group(*recent, Text(f"no results due in the next {days} days", style="dim"))
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
        return Group(*recent, caption, table)

    def _recent(self, dashboard: Dashboard) -> list[RenderableType]:
        """Results filed in the last days that changed the financial trend, newest first
        (the news; the unchanged ones are counted)."""
        filed = dashboard.recent
        if filed.empty:
            return []
        recent = filed[filed["before"].fillna("") != filed["after"].fillna("")]
        table = Table(box=None, padding=(0, 1, 0, 0), expand=True, show_edge=False, pad_edge=False)
        table.add_column("Filed", no_wrap=True)
        table.add_column("Symbol", no_wrap=True)
        table.add_column("Fin. trend", no_wrap=True, overflow="ellipsis", ratio=1)
        r: Any
        last = None
        for r in recent.sort_values("filed_on", ascending=False, kind="stable").itertuples():
            move = Text.assemble(grade(r.before), " → ", grade(r.after))
            date = pd.Timestamp(r.filed_on).strftime("%d %b")
            table.add_row(date if date != last else "", Text(str(r.symbol)), move)
            last = date
        days = dashboard.analysis.params.calendar_days
        caption = Text(
            f"{len(filed)} results filed in the last {days} days · {len(recent)} changed "
            "the financial trend",
            style="bold",
        )
        return [caption, table, Text("")]
