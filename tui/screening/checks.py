"""Type checks of the screening language: ordinals, text, numbers and units (§9).

Ordinals compare by rank with their own values only; text fields take `=`, `!=` and IN; numbers
take arithmetic and every comparison. A unit on a literal must suit the fields beside it (`%` on
percent fields, `x` on multiples, `cr`/`l`/`k` on money).
"""

from __future__ import annotations

from collections.abc import Callable

from tui.screening import nodes as n
from tui.screening.errors import QueryError
from tui.screening.fields import Field, Kind

ORDERING = (">", ">=", "<", "<=")


def ordinal_error(field: Field) -> str:
    """The message for an ordinal compared with a number (§9's exact wording)."""
    return (
        f"type error: '{field.display}' is an ordinal ({field.scale[0]}…{field.scale[-1]}); "
        "cannot compare with a number"
    )


def _describe(node: n.Node) -> tuple[str, Field | None]:
    """(kind, field): number, ordinal, string, grade, text or condition."""
    if isinstance(node, n.Ref):
        kind = node.field.kind
        if kind is Kind.ORDINAL:
            return "ordinal", node.field
        if kind is Kind.STRING:
            return "string", node.field
        if kind is Kind.BOOLEAN:
            return "condition", node.field
        return "number", node.field
    if isinstance(node, n.Grade):
        return "grade", None
    if isinstance(node, n.Text):
        return "text", None
    if n.is_condition(node):
        return "condition", None
    return "number", None


def check_numeric(node: n.Node, what: str) -> None:
    """Raise unless the node is a number (field, literal or arithmetic)."""
    kind, field = _describe(node)
    if kind == "number":
        return
    if field is not None and kind == "ordinal":
        message = (
            f"type error: '{field.display}' is an ordinal ({field.scale[0]}…{field.scale[-1]}); "
            f"{what} needs numbers"
        )
    elif field is not None:
        noun = "text" if kind == "string" else "a condition"
        message = f"type error: '{field.display}' is {noun}; {what} needs numbers"
    else:
        message = f"type error: {what} needs numbers, not {kind}"
    raise QueryError(message, node.col, node.length)


def check_compare(node: n.Compare, source: Callable[[n.Node], str]) -> None:
    """Raise unless both sides of a comparison (or a range or list bound) agree in type."""
    (lk, lf), (rk, rf) = _describe(node.left), _describe(node.right)
    for side, kind, field, other, other_field in (
        (node.left, lk, lf, rk, rf),
        (node.right, rk, rf, lk, lf),
    ):
        if kind == "condition":
            raise QueryError(f"type error: '{source(side)}' is a condition; cannot compare it",
                             side.col, side.length)  # fmt: skip
        if kind == "ordinal" and field is not None:
            if other == "number":
                raise QueryError(ordinal_error(field), side.col, side.length)
            if other != "grade" and not (other == "ordinal" and other_field == field):
                raise QueryError(
                    f"type error: '{field.display}' can only be compared with its values "
                    f"({field.scale[0]}…{field.scale[-1]})",
                    side.col,
                    side.length,
                )
            return
        if kind == "string" and field is not None:
            if node.op in ORDERING:
                raise QueryError(f"type error: '{field.display}' is text; use =, != or IN",
                                 side.col, side.length)  # fmt: skip
            if other not in ("text", "string"):
                raise QueryError(f"type error: '{field.display}' is text; cannot compare "
                                 f"with {_noun(other)}", side.col, side.length)  # fmt: skip
            return
    if "text" in (lk, rk):
        side = node.left if lk == "text" else node.right
        if node.op in ORDERING or "number" in (lk, rk):
            raise QueryError(f"type error: {source(side)} is text; compare it with a text field",
                             side.col, side.length)  # fmt: skip
        return
    check_units(node, source)


def _noun(kind: str) -> str:
    return {"number": "a number", "grade": "a grade", "ordinal": "an ordinal"}.get(kind, kind)


def check_units(node: n.Node, source: Callable[[n.Node], str]) -> None:
    """Raise when a literal's unit does not suit the fields it is compared or combined with."""
    everything = n.walk(node)
    fields = [x.field for x in everything if isinstance(x, n.Ref)]
    if not fields:
        return
    dims = {f.dimension for f in fields}
    for lit in everything:
        if isinstance(lit, n.Num) and lit.dimension is not None and lit.dimension not in dims:
            unit = lit.text.lstrip("-0123456789. ") or lit.text
            field = next(f for f in fields if f.dimension != lit.dimension)
            raise QueryError(
                f"type error: unit '{unit}' does not apply to '{field.display}' "
                f"({_kind_noun(field)})",
                lit.col,
                lit.length,
            )


def _kind_noun(field: Field) -> str:
    if field.kind is Kind.PERCENT:
        return "a percentage"
    if field.kind is Kind.MONEY:
        return "₹ crore"
    if field.multiple:
        return "a multiple"
    return "a number"
