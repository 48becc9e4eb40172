"""ScreenerSelectors: rating, technical call, sector and market-cap class pickers.

Each picker is a compact `Select` whose blank option means "any". Chosen values become equality
clauses of the screening language (`call = "Strong Buy"`) that `combine` joins with the typed
query by AND, so the screener shows exactly what `dalal screen '<combined query>'` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select

from tui.market.grades import CALL, MCAP_CLASS, TECHNICAL

SELECTORS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("call", "call", "Any rating", tuple(reversed(CALL))),
    ("technical", "technical", "Any technical", tuple(reversed(TECHNICAL))),
    ("sector", "sector", "Any sector", ()),
    ("mcap-class", "mcap class", "Any cap", MCAP_CLASS),
)
"""(id suffix, field name in queries, blank prompt, values best first); sectors come with data."""


def quote(value: str) -> str:
    """A value as a query string literal: double quotes, an inner quote doubled."""
    return '"' + value.replace('"', '""') + '"'


def clause(field: str, value: str) -> str:
    """One selector's condition: `sector = "Capital Goods"`."""
    return f"{field} = {quote(value)}"


def combine(clauses: Sequence[str], typed: str) -> str:
    """The selectors' clauses AND the typed query (parenthesised, so its ORs stay inside).

    Args:
        clauses: selector conditions, in selector order.
        typed: the query line's text ("" for none).

    Returns:
        The query to evaluate; "" when there is nothing to filter by.
    """
    typed = typed.strip()
    if not clauses:
        return typed
    prefix = " AND ".join(clauses)
    return f"{prefix} AND ({typed})" if typed else prefix


def typed_offset(clauses: Sequence[str]) -> int:
    """How many characters come before the typed query inside `combine`'s result."""
    return len(" AND ".join(clauses)) + len(" AND (") if clauses else 0


class ScreenerSelectors(Horizontal):
    """The four pickers in a row; `Select.Changed` bubbles to the pane."""

    DEFAULT_CSS = """
    ScreenerSelectors {
        height: 1;
        width: auto;
        & > Select { margin: 0 1 0 0; }
        & > #select-call { width: 15; }
        & > #select-technical { width: 18; }
        & > #select-sector { width: 24; }
        & > #select-mcap-class { width: 11; }
    }
    """

    FIELDS: ClassVar[dict[str, str]] = {f"select-{s[0]}": s[1] for s in SELECTORS}
    """Select id → the field it filters."""

    def compose(self) -> ComposeResult:
        """One compact Select per selector."""
        for suffix, field, prompt, values in SELECTORS:
            yield Select[str](
                [(v, v) for v in values],
                prompt=prompt,
                id=f"select-{suffix}",
                compact=True,
                tooltip=f"Only stocks whose {field} is this",
            )

    @property
    def selects(self) -> list[Select[str]]:
        """The pickers, in selector order."""
        return list(self.query(Select).results(Select))

    def clauses(self) -> list[str]:
        """The chosen values as query conditions, in selector order."""
        out = []
        for select in self.selects:
            value = select.value
            if isinstance(value, str) and select.id is not None:
                out.append(clause(self.FIELDS[select.id], value))
        return out

    def clear(self) -> None:
        """Every picker back to "any" (posts no Changed)."""
        with self.prevent(Select.Changed):
            for select in self.selects:
                select.clear()

    def set_sectors(self, sectors: Sequence[str]) -> None:
        """Offer these sectors, keeping the chosen one if it is still there (posts no Changed).

        Args:
            sectors: the sectors of the loaded universe, sorted.
        """
        select = self.query_one("#select-sector", Select)
        options = [(s, s) for s in sectors]
        if list(getattr(select, "_options", [])[1:]) == options:
            return
        chosen = select.value
        with self.prevent(Select.Changed):
            select.set_options(options)
            if isinstance(chosen, str) and chosen in sectors:
                select.value = chosen
