"""The screening language SQ (analytics.md §9): parse a query, evaluate it over the universe.

`parse(text)` lexes, parses and type-checks a query into a `Query` (its AST and parenthesised
echo); `evaluate(analysis, query)` returns the screen frame's rows where the query is TRUE.
`mask(frame, query)` evaluates over any frame with the registry's columns. Errors are
`QueryError`s printed as `col N: message`. Nothing is ever passed to eval, exec or compile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from tui.screening import nodes
from tui.screening.errors import QueryError
from tui.screening.evaluate import Context, condition
from tui.screening.fields import DEFAULT_BENCHMARKS, Field, Registry, registry
from tui.screening.parser import parse_query

if TYPE_CHECKING:
    from tui.market.analysis import Analysis

__all__ = ["Query", "QueryError", "evaluate", "mask", "parse", "query_registry"]


@dataclass(frozen=True)
class Query:
    """A parsed, type-checked query.

    Attributes:
        text: the query as written.
        root: the root condition of the AST.
        registry: the fields it was resolved against.
    """

    text: str
    root: nodes.Node
    registry: Registry

    def __str__(self) -> str:
        return str(self.root)

    @property
    def echo(self) -> str:
        """The parenthesised form the UI echoes (`a OR (b AND c)`)."""
        return str(self.root)

    @property
    def fields(self) -> tuple[Field, ...]:
        """The fields the query reads, in order of first use."""
        seen: dict[str, Field] = {}
        for node in nodes.walk(self.root):
            if isinstance(node, (nodes.Ref, nodes.Event)):
                seen.setdefault(node.field.id, node.field)
        return tuple(seen.values())

    def and_(self, other: Query) -> Query:
        """Both queries (a preset with a selector or a typed query): `(self) AND (other)`."""
        root = nodes.Logic(1, len(self.text) or 1, "AND", self.root, other.root)
        return Query(f"({self.text}) AND ({other.text})", root, self.registry)


def query_registry(analysis: Analysis) -> Registry:
    """The registry of an analysed market (its benchmarks name the excess fields)."""
    return registry(tuple(analysis.data.meta.benchmarks))


def parse(
    text: str, benchmarks: Sequence[str] | None = None, fields: Registry | None = None
) -> Query:
    """Parse and type-check a query.

    Args:
        text: the query.
        benchmarks: benchmark index names for the excess fields (default: India's).
        fields: a whole registry to use instead (overrides benchmarks).

    Raises:
        QueryError: with the column of the first problem.
    """
    reg = fields or registry(tuple(benchmarks) if benchmarks is not None else DEFAULT_BENCHMARKS)
    return Query(text, parse_query(text, reg), reg)


def mask(frame: pd.DataFrame, query: Query | str, context: Context | None = None) -> pd.Series:
    """The query's three-valued result on every row of a frame (nullable boolean Series)."""
    q = parse(query) if isinstance(query, str) else query
    return pd.Series(condition(frame, q.root, context), index=frame.index, name="match")


def evaluate(
    analysis: Analysis, query: Query | str, columns: Iterable[str] | None = None
) -> pd.DataFrame:
    """The screen frame's rows (stocks) where the query is TRUE, in symbol order.

    Args:
        analysis: the analysed market at its as-of session.
        query: a Query, or text parsed against the market's registry.
        columns: the fields the caller shows besides those the query reads (None: every
            field; naming them lets the frame skip the costly daily indicators).

    Raises:
        QueryError: when the query does not parse or uses a field this market lacks.
    """
    from tui.screening.frame import AnalysisContext, screen_frame

    q = parse(query, fields=query_registry(analysis)) if isinstance(query, str) else query
    needed = None if columns is None else {*columns, *(f.id for f in q.fields)}
    frame = screen_frame(analysis, needed)
    keep = condition(frame, q.root, AnalysisContext(analysis))
    return frame[keep.to_numpy(dtype=bool, na_value=False)]
