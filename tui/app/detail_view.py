"""StockDetailView: one stock's chart, call, pillars, recent results, meeting and watchlists.

It renders `explain`'s result (the same as `dalal explain`) and a `StockDetail` the App's
explain worker computed; the watchlists holding the stock come from the App's cache and are
updated with `set_watchlists`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.app.panes.base import grade, pct
from tui.app.stock_data import StockDetail
from tui.app.widgets.price_chart import PriceChart


def heading(result: dict[str, Any]) -> Text:
    """Symbol, name, sector, class, as-of, source and close."""
    text = Text()
    text.append(f"{result['symbol']}", style="bold")
    text.append(f" · {result['name']}\n")
    text.append(f"{result['sector']} / {result['industry']} · {result['mcap_class']} cap\n")
    close = "n/a" if result["close"] is None else f"{result['close']:,.2f}"
    text.append(f"as of {result['as_of']} · source {result['source']} · close {close}",
                style="dim")  # fmt: skip
    return text


def call_section(result: dict[str, Any]) -> Text:
    """The call, its score and coverage, and the remarks behind it."""
    text = Text("Call: ", style="bold")
    text.append_text(grade(result["call"] or "Not rated"))
    score = "n/a" if result["score"] is None else f"{int(result['score'])}"
    text.append(f"   score {score}   ({result['coverage']})")
    for remark in result["remarks"]:
        text.append(f"\n  {remark}")
    return text


def pillar_section(pillar: dict[str, Any]) -> Group:
    """One pillar: grade and score, its weight, then every reason (with a hanging indent)."""
    text = Text(f"{pillar['title']}: ", style="bold")
    text.append_text(grade(pillar["grade"] or "Not rated"))
    if pillar["score"] is not None:
        text.append(f"  score {pillar['score']:.1f}")
    reasons = Table.grid(padding=(0, 0, 0, 2), pad_edge=True)
    reasons.add_column()
    if pillar["weight"] is not None and pillar["contribution"] is not None:
        weight = f"weight {pillar['weight']:.4g} → {pillar['contribution']:.2f} pts of the score"
        reasons.add_row(Text(weight, style="dim"))
    if pillar["status"] != "rated" and pillar["reason"]:
        reasons.add_row(Text(f"not rated: {pillar['reason']}", style="yellow"))
    for reason in pillar["reasons"]:
        reasons.add_row(Text(reason))
    return Group(text, reasons)


def _crore(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim", justify="right")
    return Text(f"{value:,.1f}", justify="right")


def results_section(detail: StockDetail) -> Table | Text:
    """The last quarters' sales and PAT (₹ cr) with year-on-year change."""
    if not detail.results:
        return Text("Results: none filed", style="dim")
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, pad_edge=False,
                  title="Results (₹ cr)", title_justify="left", title_style="bold")  # fmt: skip
    for label in ("Quarter", "Sales", "YoY", "PAT", "YoY"):
        table.add_column(label, justify="left" if label == "Quarter" else "right", no_wrap=True)
    for q in reversed(detail.results):
        table.add_row(
            Text(f"{q.period_end:%b %Y}"),
            _crore(q.sales),
            pct(q.sales_yoy, 1),
            _crore(q.pat),
            pct(q.pat_yoy, 1),
        )
    return table


def events_section(detail: StockDetail, watchlists: list[str]) -> Text:
    """The next board meeting and the watchlists holding the stock."""
    text = Text("Next meeting: ", style="bold")
    if detail.meeting is None:
        text.append("none announced", style="dim")
    else:
        date, purpose = detail.meeting
        text.append(f"{date:%a %d %b %Y} · {purpose}")
    text.append("\nWatchlists: ", style="bold")
    if watchlists:
        text.append(", ".join(watchlists))
    else:
        text.append("none (w adds it)", style="dim")
    return text


class StockDetailView(Screen[None]):
    """The detail of one stock, scrollable; reflows between narrow and wide terminals."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]
    """escape returns to where the view was opened from; w and W are the App's."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    """From 110 columns the chart has the call and results beside it and pillars pair up."""

    def __init__(
        self,
        explanation: dict[str, Any],
        detail: StockDetail | None = None,
        watchlists: list[str] | None = None,
    ) -> None:
        """Show one stock.

        Args:
            explanation: `tui.market.explain.explain`'s result.
            detail: the chart, results and next meeting (None: pillars only).
            watchlists: the names of the lists holding the stock.
        """
        super().__init__()
        self.explanation = explanation
        self.detail = detail
        self.watchlists = watchlists or []

    @property
    def current_symbol(self) -> str:
        """The stock `w` acts on here."""
        return str(self.explanation["symbol"])

    def compose(self) -> ComposeResult:
        """Header, the sections in a scroll, footer."""
        result = self.explanation
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(heading(result), classes="detail-section", id="detail-heading")
            with Horizontal(id="detail-top"):
                if self.detail is not None:
                    chart = PriceChart(self.detail.chart, id="detail-chart")
                    chart.border_title = "Price, daily close"
                    yield chart
                with Vertical(id="detail-side"):
                    yield Static(call_section(result), classes="detail-section", id="detail-call")
                    if self.detail is not None:
                        yield Static(
                            events_section(self.detail, self.watchlists),
                            classes="detail-section",
                            id="detail-events",
                        )
                        yield Static(
                            results_section(self.detail),
                            classes="detail-section",
                            id="detail-results",
                        )
            with Grid(id="detail-pillars"):
                for pillar in result["pillars"]:
                    yield Static(
                        pillar_section(pillar),
                        classes="detail-section detail-pillar",
                        id=f"detail-{pillar['pillar'].replace('_', '-')}",
                    )
            yield Static(
                Text("Calls are model output, not advice.", style="dim italic"),
                classes="detail-note",
            )
        yield Footer()

    def on_mount(self) -> None:
        """Focus the scroll so the arrows and page keys move it."""
        self.sub_title = f"{self.explanation['symbol']} · {self.explanation['name']}"
        self.query_one("#detail-body").focus()

    def set_watchlists(self, names: list[str]) -> None:
        """The lists holding the stock changed (w added it somewhere)."""
        self.watchlists = names
        if self.detail is not None:
            events = self.query_one("#detail-events", Static)
            events.update(events_section(self.detail, names))
