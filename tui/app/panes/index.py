"""Index pane: the segment's index beside the other segments and the benchmarks, 1D/5D/1M."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from tui.app.panes.base import TextPane, is_missing, pct

if TYPE_CHECKING:
    from tui.market.dashboard import Dashboard

WINDOWS = ("1d", "5d", "1m")


class IndexPane(TextPane):
    """Index stats: ▸ marks the dashboard's segment; the ★ row names the best per window."""

    NUMBER = 1
    TITLE = "Index"

    def render_body(self, dashboard: Dashboard) -> RenderableType:
        """A table of segment indices, then benchmarks, then the best-segment line."""
        meta = dashboard.analysis.data.meta
        stats = dashboard.stats
        best = {w: (b or {}).get("segment") for w, b in dashboard.best.items()}
        table = Table(box=None, padding=(0, 1, 0, 0), expand=True, show_edge=False, pad_edge=False)
        table.add_column("Index", no_wrap=True, overflow="ellipsis", ratio=1, min_width=8)
        table.add_column("Close", justify="right", no_wrap=True)
        for w in WINDOWS:
            table.add_column(w.upper(), justify="right", no_wrap=True)
        rows: list[tuple[str, str | None]] = [(name, seg) for seg, name in meta.segments.items()]
        rows += [(name, None) for name in meta.benchmarks]
        for name, seg in rows:
            if name not in stats.index:
                continue
            r = stats.loc[name]
            mine = name == dashboard.index_name
            label = Text(("▸" if mine else " ") + name, style="bold" if mine else "")
            if seg is None:
                label.stylize("dim")
            close: Any = r["close"]
            table.add_row(
                label,
                Text("n/a" if is_missing(close) else f"{float(close):,.0f}", justify="right"),
                *(pct(r[f"ret_{w}"]) for w in WINDOWS),
            )
        table.add_row(
            Text("★ best", style="bold yellow"),
            Text(""),
            *(Text(best.get(w) or "n/a", style="yellow", justify="right") for w in WINDOWS),
        )
        return table
