"""The field registry of the screening language (analytics.md §9): ids, aliases, types, units.

A field id matches the JSON output (`ret_1m`); its display name is the id with spaces
(`ret 1m`). Names and aliases are matched after `normalise` (case-folded; space, `_` and `-`
alike). The registry depends on the market only through its benchmarks, which name the
`excess_{1d,5d,1m}_vs_{benchmark}` fields.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from tui.market.grades import SCALES, normalise


class Kind(StrEnum):
    """What a field holds, which decides the operators and units it accepts."""

    ORDINAL = "ordinal"
    STRING = "string"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    INTEGER = "integer"
    BOOLEAN = "boolean"


NUMERIC = frozenset({Kind.NUMBER, Kind.MONEY, Kind.PERCENT, Kind.INTEGER})
"""Kinds that take part in arithmetic and ordering comparisons."""

UNITS: dict[str, tuple[str, float]] = {
    "%": ("percent", 1.0),
    "x": ("multiple", 1.0),
    "cr": ("money", 1.0),
    "crore": ("money", 1.0),
    "l": ("money", 0.01),
    "lakh": ("money", 0.01),
    "k": ("money", 1e-4),
}
"""Unit word → (dimension, factor to the field's unit). Money is ₹ crore; `k` is thousand ₹."""

WINDOWS = ("1d", "5d", "1m")
"""Windows of the excess-return fields."""


@dataclass(frozen=True)
class Field:
    """One screenable field.

    Attributes:
        id: the column and JSON key (`market_cap`).
        kind: what it holds.
        aliases: other names (`mcap`, `market capitalization`).
        scale: ordinal values, low to high (display words).
        multiple: a multiple (P/E, D/E): the `x` unit is decorative on it.
        daily: has a daily history (CROSSES works on it).
        event: has change events (UPGRADED, DOWNGRADED, CHANGED work on it).
    """

    id: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    scale: tuple[str, ...] = ()
    multiple: bool = False
    daily: bool = False
    event: bool = False

    @property
    def display(self) -> str:
        """The display name: the id with spaces."""
        return self.id.replace("_", " ")

    @property
    def numeric(self) -> bool:
        """True when arithmetic and ordering comparisons apply."""
        return self.kind in NUMERIC

    @property
    def dimension(self) -> str | None:
        """The unit dimension literals may carry next to this field (None: no unit)."""
        if self.kind is Kind.PERCENT:
            return "percent"
        if self.kind is Kind.MONEY:
            return "money"
        return "multiple" if self.multiple else None


def _ordinal(name: str, aliases: tuple[str, ...] = (), event: bool = True) -> Field:
    return Field(name, Kind.ORDINAL, aliases, scale=SCALES[name], event=event)


def _numbers(kind: Kind, names: Iterable[str], **kw: bool) -> list[Field]:
    return [Field(n, kind, **kw) for n in names]  # type: ignore[arg-type]


BASE_FIELDS: tuple[Field, ...] = (
    _ordinal("call", ("rating", "mojo call")),
    _ordinal("technical", ("tech", "technical trend")),
    _ordinal("fin_trend", ("financial trend",)),
    _ordinal("quality"),
    _ordinal("valuation"),
    _ordinal("mcap_class", ("market cap class",), event=False),
    *_numbers(Kind.STRING, ("symbol", "name", "sector", "industry")),
    Field("score", Kind.INTEGER, ("mojo score",)),
    Field("fin_trend_score", Kind.INTEGER, ("financial trend score",)),
    Field("score_rank_pct", Kind.PERCENT),
    Field("market_cap", Kind.MONEY, ("mcap", "market capitalization")),
    *_numbers(Kind.MONEY, ("traded_value", "avg_traded_value_20d")),
    Field("close", Kind.NUMBER, ("price",), daily=True),
    Field("volume", Kind.NUMBER, daily=True),
    Field("avg_volume_20d", Kind.NUMBER),
    *_numbers(
        Kind.NUMBER,
        ("rsi", "sma20", "sma50", "sma200", "ema20", "macd", "macd_signal", "adx", "pct_b"),
        daily=True,
    ),
    *_numbers(Kind.NUMBER, ("rsi_w", "rsi_m", "macd_w", "macd_m")),
    *_numbers(
        Kind.PERCENT, ("ret_1d", "ret_5d", "ret_1m", "ret_3m", "ret_1y", "ret_ytd", "from_52w_high")
    ),
    Field("pe", Kind.NUMBER, ("pe ratio", "price to earnings"), multiple=True),
    Field("pb", Kind.NUMBER, ("price to book",), multiple=True),
    Field("ev_ebitda", Kind.NUMBER, multiple=True),
    Field("peg", Kind.NUMBER, multiple=True),
    Field("div_yield", Kind.PERCENT, ("dividend yield",)),
    *_numbers(Kind.PERCENT, ("roe", "roce", "promoter_pledge")),
    Field("debt_to_equity", Kind.NUMBER, multiple=True),
    Field("industry_pe", Kind.NUMBER, multiple=True),
    *_numbers(Kind.INTEGER, ("results_in_days", "days_since_results")),
)
"""Every field that does not depend on the market's benchmarks, in the order of §9."""


def benchmark_key(name: str) -> str:
    """A benchmark index name as a field-id part: lower-cased, spaces → underscores."""
    return "_".join(name.lower().split())


def excess_fields(benchmarks: Sequence[str]) -> list[Field]:
    """`excess_{w}_vs_{benchmark}` for each benchmark, and `_vs_bench` for the first."""
    keys = [benchmark_key(b) for b in benchmarks]
    if keys:
        keys.append("bench")
    return [Field(f"excess_{w}_vs_{k}", Kind.PERCENT) for k in keys for w in WINDOWS]


@dataclass(frozen=True)
class Registry:
    """The fields of one market, with their names resolved for the parser.

    Attributes:
        fields: field id → Field, in registry order.
        names: normalised name or alias → ids it names (more than one: ambiguous).
        max_words: the most words any name has.
    """

    fields: dict[str, Field]
    names: dict[str, tuple[str, ...]] = field(repr=False)
    max_words: int = 1

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and normalise(name) in self.names

    def lookup(self, name: str) -> tuple[Field, ...]:
        """The fields a name (in any spelling) names: none, one, or several (ambiguous)."""
        return tuple(self.fields[i] for i in self.names.get(normalise(name), ()))

    def get(self, name: str) -> Field | None:
        """The one field a name names, or None when it names none or several."""
        found = self.lookup(name)
        return found[0] if len(found) == 1 else None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The nearest names (difflib), the closest first; only those near the best."""
        wanted = normalise(name)
        scored = sorted(
            ((difflib.SequenceMatcher(None, wanted, k).ratio(), k) for k in self.names),
            key=lambda p: (-p[0], p[1]),
        )
        if not scored or scored[0][0] < 0.6:
            return []
        best = scored[0][0]
        out: list[str] = []
        for ratio, key in scored:
            if ratio < max(0.6, best - 0.1) or len(out) == n:
                break
            out.append(key)
        return out


def build_registry(benchmarks: Sequence[str] = (), extra: Iterable[Field] = ()) -> Registry:
    """The registry of a market with these benchmark index names (market.toml order).

    Args:
        benchmarks: benchmark index names, e.g. ("SENSEX", "NIFTY 50").
        extra: further fields (tests use this for small registries).
    """
    fields: dict[str, Field] = {}
    for f in (*BASE_FIELDS, *excess_fields(benchmarks), *extra):
        fields.setdefault(f.id, f)
    return custom_registry(fields.values())


def custom_registry(fields: Iterable[Field]) -> Registry:
    """A registry holding exactly these fields (for tests and embedding)."""
    names: dict[str, list[str]] = {}
    table = {f.id: f for f in fields}
    for f in table.values():
        for name in (f.id, *f.aliases):
            ids = names.setdefault(normalise(name), [])
            if f.id not in ids:
                ids.append(f.id)
    max_words = max((len(k.split()) for k in names), default=1)
    return Registry(table, {k: tuple(v) for k, v in names.items()}, max_words)


DEFAULT_BENCHMARKS = ("SENSEX", "NIFTY 50")
"""Benchmarks assumed by `parse` without a market (India's, as in the bundled market.toml)."""


@lru_cache(maxsize=16)
def registry(benchmarks: tuple[str, ...] = DEFAULT_BENCHMARKS) -> Registry:
    """The (cached) registry for a tuple of benchmark names."""
    return build_registry(benchmarks)
