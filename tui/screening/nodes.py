"""The typed AST of the screening language, and its parenthesised echo (§9).

Value nodes (numbers, strings, grade values, fields, arithmetic) and condition nodes
(comparisons, ranges, lists, null tests, crossings, change events, AND/OR/NOT) are frozen
dataclasses; `col` and `length` locate each in the query for error messages. `str(node)` is the
form the UI echoes: every operand of AND, OR and NOT that is not a bare field is parenthesised,
so `a OR b AND c` reads `a OR (b AND c)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.screening.fields import Field, Kind
from tui.screening.lexer import FUNCTIONS, KEYWORDS


@dataclass(frozen=True)
class Node:
    """Any AST node: its 1-based column and length in the query text."""

    col: int
    length: int


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Num(Node):
    """A number literal, already scaled to its field's unit (money in ₹ crore).

    Attributes:
        value: the number.
        text: its source text (`500cr`, `10%`).
        dimension: the unit's dimension (percent, multiple, money) or None.
    """

    value: float
    text: str
    dimension: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Text(Node):
    """A string literal (compared case-insensitively with text fields)."""

    value: str

    def __str__(self) -> str:
        return '"' + self.value.replace('"', '""') + '"'


@dataclass(frozen=True)
class Grade(Node):
    """An ordinal field's value: its code on the field's scale and its display word."""

    code: int
    word: str

    def __str__(self) -> str:
        return self.word if " " not in self.word else f'"{self.word}"'


@dataclass(frozen=True)
class Ref(Node):
    """A reference to a registered field."""

    field: Field

    def __str__(self) -> str:
        name = self.field.display
        words = name.split()
        plain = all(w.upper() not in KEYWORDS and w not in FUNCTIONS for w in words)
        return name if plain and not words[0][0].isdigit() else f"[{name}]"


@dataclass(frozen=True)
class Neg(Node):
    """Unary minus."""

    operand: Node

    def __str__(self) -> str:
        return f"-{_atom(self.operand)}"


@dataclass(frozen=True)
class Arith(Node):
    """`left op right` with op one of + - * /."""

    op: str
    left: Node
    right: Node

    def __str__(self) -> str:
        left = _operand(self.left, self.op, False)
        return f"{left} {self.op} {_operand(self.right, self.op, True)}"


@dataclass(frozen=True)
class Call(Node):
    """abs(x), min(a, b, …) or max(a, b, …)."""

    func: str
    args: tuple[Node, ...]

    def __str__(self) -> str:
        return f"{self.func}({', '.join(str(a) for a in self.args)})"


# ------------------------------------------------------------ conditions


@dataclass(frozen=True)
class Compare(Node):
    """`left op right`, op one of > >= < <= = !=."""

    op: str
    left: Node
    right: Node

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Between(Node):
    """`operand [NOT] BETWEEN low AND high` (inclusive)."""

    operand: Node
    low: Node
    high: Node
    negated: bool = False

    def __str__(self) -> str:
        word = "NOT BETWEEN" if self.negated else "BETWEEN"
        return f"{self.operand} {word} {self.low} AND {self.high}"


@dataclass(frozen=True)
class InList(Node):
    """`operand [NOT] IN (v, …)`."""

    operand: Node
    values: tuple[Node, ...]
    negated: bool = False

    def __str__(self) -> str:
        word = "NOT IN" if self.negated else "IN"
        return f"{self.operand} {word} ({', '.join(str(v) for v in self.values)})"


@dataclass(frozen=True)
class IsNull(Node):
    """`operand IS [NOT] NULL`."""

    operand: Node
    negated: bool = False

    def __str__(self) -> str:
        return f"{self.operand} IS {'NOT NULL' if self.negated else 'NULL'}"


@dataclass(frozen=True)
class Crosses(Node):
    """`left CROSSES ABOVE|BELOW right [WITHIN n D]`: on any of the last `sessions`."""

    left: Node
    right: Node
    above: bool
    sessions: int = 1
    within: str = ""

    def __str__(self) -> str:
        tail = f" {self.within}" if self.within else ""
        return f"{self.left} CROSSES {'ABOVE' if self.above else 'BELOW'} {self.right}{tail}"


@dataclass(frozen=True)
class Event(Node):
    """`field UPGRADED|DOWNGRADED|CHANGED [FROM v] [TO v] [WITHIN n D]` (§7 events)."""

    field: Field
    kind: str
    from_: Grade | None = None
    to: Grade | None = None
    sessions: int = 1
    within: str = ""

    def __str__(self) -> str:
        parts = [str(Ref(self.col, 1, self.field)), self.kind.upper()]
        if self.from_ is not None:
            parts += ["FROM", str(self.from_)]
        if self.to is not None:
            parts += ["TO", str(self.to)]
        if self.within:
            parts.append(self.within)
        return " ".join(parts)


@dataclass(frozen=True)
class Logic(Node):
    """`left AND right` or `left OR right`."""

    op: str
    left: Node
    right: Node

    def __str__(self) -> str:
        return f"{_cond(self.left)} {self.op} {_cond(self.right)}"


@dataclass(frozen=True)
class Not(Node):
    """`NOT operand`."""

    operand: Node

    def __str__(self) -> str:
        return f"NOT {_cond(self.operand)}"


CONDITIONS = (Compare, Between, InList, IsNull, Crosses, Event, Logic, Not)
"""Node types that are conditions (three-valued), not values."""


def is_condition(node: Node) -> bool:
    """True for a condition: a predicate, AND/OR/NOT, or a boolean field."""
    if isinstance(node, Ref):
        return node.field.kind is Kind.BOOLEAN
    return isinstance(node, CONDITIONS)


def _cond(node: Node) -> str:
    return str(node) if isinstance(node, Ref) else f"({node})"


def _atom(node: Node) -> str:
    return str(node) if isinstance(node, (Num, Ref, Call, Text, Grade)) else f"({node})"


_RANK = {"+": 1, "-": 1, "*": 2, "/": 2}


def _operand(node: Node, op: str, right: bool) -> str:
    if isinstance(node, Arith):
        inner, outer = _RANK[node.op], _RANK[op]
        if inner < outer or (right and inner == outer and op in "-/"):
            return f"({node})"
    if isinstance(node, Neg):
        return str(node)
    return str(node) if not is_condition(node) else f"({node})"


def walk(node: Node) -> list[Node]:
    """Every node of a tree, depth first (the root first)."""
    out: list[Node] = [node]
    for child in children(node):
        out += walk(child)
    return out


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of a node."""
    if isinstance(node, (Arith, Compare, Logic, Crosses)):
        return (node.left, node.right)
    if isinstance(node, (Neg, Not, IsNull)):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    if isinstance(node, InList):
        return (node.operand, *node.values)
    if isinstance(node, Event):
        return tuple(g for g in (node.from_, node.to) if g is not None)
    return ()
