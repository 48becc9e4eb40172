"""Vectorised evaluation of a parsed query over a screen frame (§9 semantics).

Values are NumPy float arrays (NaN = missing); conditions are pandas nullable `boolean` arrays,
so AND, OR and NOT follow Kleene's three-valued logic, and a comparison with a missing operand is
NA. Rows are kept only where the condition is TRUE. Change events and CROSSES read a `Context`
(the analysis), since one row per stock cannot hold them. Nothing is compiled or executed.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from tui.market.grades import normalise
from tui.screening import nodes as n
from tui.screening.errors import QueryError
from tui.screening.fields import Field, Kind

BoolArray = pd.arrays.BooleanArray
Values = np.ndarray | float
Getter = Callable[[n.Ref], np.ndarray]

CMP: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "=": operator.eq, "!=": operator.ne,
}  # fmt: skip
ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
}  # fmt: skip
EVENT_CHANGE = {"upgraded": 1, "downgraded": -1}


class Context(Protocol):
    """What the evaluator needs beyond the frame: events and daily histories."""

    def events(self, kind: str, sessions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(change, grade before, grade after), each (sessions, N), on the last sessions."""
        ...

    def history(self, field: str, rows: int) -> np.ndarray:
        """A daily field on the last `rows` sessions up to the as-of one: (rows, N)."""
        ...


def condition(frame: pd.DataFrame, root: n.Node, context: Context | None = None) -> BoolArray:
    """Evaluate a condition over every row of a frame.

    Args:
        frame: one row per stock, a column per field id (the index may hold `symbol`).
        root: a parsed condition.
        context: events and histories; required only by event predicates and CROSSES.

    Raises:
        QueryError: when the frame lacks a field the query uses, or a context is needed.
    """
    return _Evaluator(frame, context).cond(root)


class _Evaluator:
    def __init__(self, frame: pd.DataFrame, context: Context | None) -> None:
        self.frame = frame
        self.context = context
        self.size = len(frame)
        self.cache: dict[tuple[str, str], Any] = {}

    # ------------------------------------------------------------ inputs

    def series(self, ref: n.Ref) -> pd.Series | pd.Index:
        fid = ref.field.id
        if fid in self.frame.columns:
            return self.frame[fid]
        if fid in (self.frame.index.names or ()):
            return self.frame.index.get_level_values(fid)
        raise QueryError(f"field '{ref.field.display}' is not available for this market",
                         ref.col, ref.length)  # fmt: skip

    def number(self, ref: n.Ref) -> np.ndarray:
        key = ("num", ref.field.id)
        if key not in self.cache:
            s = self.series(ref)
            self.cache[key] = np.asarray(s.to_numpy(dtype=np.float64, na_value=np.nan))
        return self.cache[key]  # type: ignore[no-any-return]

    def codes(self, ref: n.Ref) -> np.ndarray:
        """An ordinal field as float codes on its scale (NaN missing)."""
        key = ("ord", ref.field.id)
        if key not in self.cache:
            self.cache[key] = _codes(self.series(ref), ref.field)
        return self.cache[key]  # type: ignore[no-any-return]

    def texts(self, ref: n.Ref) -> tuple[np.ndarray, np.ndarray]:
        """A text field case-folded (object array) and its missing mask."""
        key = ("txt", ref.field.id)
        if key not in self.cache:
            self.cache[key] = _texts(self.series(ref))
        return self.cache[key]  # type: ignore[no-any-return]

    # ------------------------------------------------------------ values

    def values(self, node: n.Node, get: Getter) -> Values:
        if isinstance(node, n.Num):
            return node.value
        if isinstance(node, n.Grade):
            return float(node.code)
        if isinstance(node, n.Ref):
            return self.codes(node) if node.field.kind is Kind.ORDINAL else get(node)
        if isinstance(node, n.Neg):
            return _float(-np.asarray(self.values(node.operand, get), dtype=np.float64))
        if isinstance(node, n.Arith):
            left, right = self.values(node.left, get), self.values(node.right, get)
            with np.errstate(all="ignore"):
                out = ARITH[node.op](np.asarray(left, dtype=np.float64), right)
            return np.where(np.isfinite(out), out, np.nan)  # x/0 and overflow are missing
        if isinstance(node, n.Call):
            args = [self.values(a, get) for a in node.args]
            if node.func == "abs":
                return _float(np.abs(np.asarray(args[0], dtype=np.float64)))
            fn = np.minimum if node.func == "min" else np.maximum
            arrays = [np.asarray(a, dtype=np.float64) for a in args]
            return _float(functools.reduce(fn, arrays))
        raise QueryError("expected a value", node.col, node.length)

    def full(self, v: Values) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=np.float64), (self.size,))

    # ------------------------------------------------------------ conditions

    def cond(self, node: n.Node) -> BoolArray:
        if isinstance(node, n.Logic):
            left, right = self.cond(node.left), self.cond(node.right)
            return _and(left, right) if node.op == "AND" else _or(left, right)
        if isinstance(node, n.Not):
            return ~self.cond(node.operand)
        if isinstance(node, n.Compare):
            return self.compare(node.op, node.left, node.right)
        if isinstance(node, n.Between):
            lo = self.compare(">=", node.operand, node.low)
            hi = self.compare("<=", node.operand, node.high)
            both = _and(lo, hi)
            return ~both if node.negated else both
        if isinstance(node, n.InList):
            return self.in_list(node)
        if isinstance(node, n.IsNull):
            missing = self.missing(node.operand)
            return _definite(~missing if node.negated else missing)
        if isinstance(node, n.Event):
            return self.event(node)
        if isinstance(node, n.Crosses):
            return self.crosses(node)
        if isinstance(node, n.Ref) and node.field.kind is Kind.BOOLEAN:
            values = pd.Series(self.series(node)).astype("boolean").array
            assert isinstance(values, BoolArray)
            return values
        raise QueryError("expected a condition", node.col, node.length)

    def is_text(self, node: n.Node) -> bool:
        return isinstance(node, n.Text) or (
            isinstance(node, n.Ref) and node.field.kind is Kind.STRING
        )

    def compare(self, op: str, left: n.Node, right: n.Node) -> BoolArray:
        if self.is_text(left) or self.is_text(right):
            (a, na_a), (b, na_b) = self.text(left), self.text(right)
            equal = np.asarray(a == b, dtype=bool)
            values = equal if op == "=" else ~equal
            return _boolean(np.broadcast_to(values, (self.size,)), na_a | na_b, self.size)
        a = self.values(left, self.number)
        b = self.values(right, self.number)
        return self.numeric(CMP[op], a, b)

    def numeric(self, fn: Callable[[Any, Any], Any], a: Values, b: Values) -> BoolArray:
        with np.errstate(invalid="ignore"):
            values = np.asarray(fn(a, b), dtype=bool)
        na = np.isnan(a) | np.isnan(b)
        return _boolean(np.broadcast_to(values, (self.size,)), na, self.size)

    def text(self, node: n.Node) -> tuple[Any, np.ndarray | bool]:
        if isinstance(node, n.Text):
            return _fold(node.value), False
        assert isinstance(node, n.Ref)
        return self.texts(node)

    def in_list(self, node: n.InList) -> BoolArray:
        result: BoolArray | None = None
        if not self.is_text(node.operand) and all(
            isinstance(v, (n.Num, n.Grade)) for v in node.values
        ):
            a = self.full(self.values(node.operand, self.number))
            wanted = np.array([self.values(v, self.number) for v in node.values], dtype=float)
            result = _boolean(np.isin(a, wanted), np.isnan(a), self.size)
        else:
            for v in node.values:
                hit = self.compare("=", node.operand, v)
                result = hit if result is None else _or(result, hit)
        assert result is not None
        return ~result if node.negated else result

    def missing(self, node: n.Node) -> np.ndarray:
        if self.is_text(node):
            _, na = self.text(node)
            return np.broadcast_to(np.asarray(na, dtype=bool), (self.size,))
        return np.asarray(np.isnan(self.full(self.values(node, self.number))), dtype=bool)

    def event(self, node: n.Event) -> BoolArray:
        ctx = self.need_context(node)
        change, before, after = ctx.events(node.field.id, node.sessions)
        code = EVENT_CHANGE.get(node.kind)
        hit = np.asarray(change != 0 if code is None else change == code, dtype=bool)
        if node.from_ is not None:
            hit = hit & np.asarray(before == node.from_.code, dtype=bool)
        if node.to is not None:
            hit = hit & np.asarray(after == node.to.code, dtype=bool)
        return _definite(np.asarray(hit.any(axis=0), dtype=bool))

    def crosses(self, node: n.Crosses) -> BoolArray:
        ctx = self.need_context(node)
        rows = node.sessions + 1

        def history(ref: n.Ref) -> np.ndarray:
            key = ("hist", f"{ref.field.id}:{rows}")
            if key not in self.cache:
                self.cache[key] = np.asarray(ctx.history(ref.field.id, rows), dtype=np.float64)
            cached: np.ndarray = self.cache[key]
            return cached

        shape = (rows, self.size)
        x = np.broadcast_to(np.asarray(self.values(node.left, history), np.float64), shape)
        y = np.broadcast_to(np.asarray(self.values(node.right, history), np.float64), shape)
        known = ~(np.isnan(x) | np.isnan(y))
        known = known[1:] & known[:-1]
        with np.errstate(invalid="ignore"):
            if node.above:
                hit = (x[1:] > y[1:]) & (x[:-1] <= y[:-1])
            else:
                hit = (x[1:] < y[1:]) & (x[:-1] >= y[:-1])
        hit &= known
        value = np.asarray(hit.any(axis=0), dtype=bool)
        unknown = np.asarray(~known.all(axis=0), dtype=bool)
        return _boolean(value, ~value & unknown, self.size)

    def need_context(self, node: n.Node) -> Context:
        if self.context is None:
            raise QueryError("this condition needs the market's daily history",
                             node.col, node.length)  # fmt: skip
        return self.context


def _boolean(values: np.ndarray, na: np.ndarray | bool, size: int) -> BoolArray:
    mask = np.broadcast_to(np.asarray(na, dtype=bool), (size,))
    return BoolArray(np.array(values, dtype=bool), np.array(mask, dtype=bool))


def _float(x: Any) -> Values:
    """A value as a float array, or a Python float for a scalar."""
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _and(a: BoolArray, b: BoolArray) -> BoolArray:
    out: BoolArray = a & b  # Kleene AND
    return out


def _or(a: BoolArray, b: BoolArray) -> BoolArray:
    out: BoolArray = a | b  # type: ignore[operator]  # Kleene OR; the stubs lack __or__
    return out


def _definite(values: np.ndarray) -> BoolArray:
    values = np.asarray(values, dtype=bool)
    return BoolArray(values.copy(), np.zeros(len(values), dtype=bool))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _texts(s: pd.Series | pd.Index) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        cat = pd.Categorical(s)
        cats = np.array([_fold(str(c)) for c in cat.categories] + [None], dtype=object)
        codes = np.asarray(cat.codes)
        return cats[codes], codes < 0
    codes, uniques = pd.factorize(np.asarray(s, dtype=object), use_na_sentinel=True)
    folded = np.array([_fold(str(u)) for u in uniques] + [None], dtype=object)
    na = codes < 0
    folded = folded[codes]
    return folded, na


def _codes(s: pd.Series | pd.Index, field: Field) -> np.ndarray:
    lookup = {normalise(w): float(i) for i, w in enumerate(field.scale)}
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories  # type: ignore[union-attr]
        table = np.array([lookup.get(normalise(str(c)), np.nan) for c in cats] + [np.nan])
        return np.asarray(table[np.asarray(s.cat.codes)], dtype=np.float64)  # type: ignore[union-attr]
    return np.array(
        [lookup.get(normalise(v), np.nan) if isinstance(v, str) else np.nan for v in s],
        dtype=np.float64,
    )
