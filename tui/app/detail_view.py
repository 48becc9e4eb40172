"""StockDetailView: one stock's call and its four pillars with grades and reasons."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from tui.app.panes.base import grade


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


def pillar_section(pillar: dict[str, Any]) -> Text:
    """One pillar: grade, score, weight and contribution, then every reason."""
    text = Text(f"{pillar['title']}: ", style="bold")
    text.append_text(grade(pillar["grade"] or "Not rated"))
    if pillar["score"] is not None:
        text.append(f"  score {pillar['score']:.1f}")
    if pillar["weight"] is not None and pillar["contribution"] is not None:
        text.append(f"  weight {pillar['weight']:.4g} → {pillar['contribution']:.2f} pts",
                    style="dim")  # fmt: skip
    if pillar["status"] != "rated" and pillar["reason"]:
        text.append(f"\n  not rated: {pillar['reason']}", style="yellow")
    for reason in pillar["reasons"]:
        text.append(f"\n  {reason}")
    return text


class StockDetailView(Screen[None]):
    """The explanation of one stock's call (the same as `dalal explain`), scrollable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
    ]
    """escape returns to the dashboard."""

    def __init__(self, explanation: dict[str, Any]) -> None:
        super().__init__()
        self.explanation = explanation

    def compose(self) -> ComposeResult:
        """Header, the sections in a scroll, footer."""
        result = self.explanation
        yield Header()
        with VerticalScroll(id="detail-body"):
            yield Static(heading(result), classes="detail-section", id="detail-heading")
            yield Static(call_section(result), classes="detail-section", id="detail-call")
            for pillar in result["pillars"]:
                yield Static(
                    pillar_section(pillar),
                    classes="detail-section",
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
