"""A Pratt parser for the screening language: tokens → a typed, type-checked AST (§9).

Precedence, low to high: OR, AND, NOT, predicates, `+ -`, `* /`, unary minus. Identifier words
resolve to the longest run naming a field or alias; right of an ordinal field (comparison, IN,
BETWEEN, FROM/TO) words match its values longest-first. Every error is a QueryError naming the
column. Nothing is evaluated here.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.market.grades import normalise
from tui.screening import nodes as n
from tui.screening.checks import check_compare, check_numeric, check_units, ordinal_error
from tui.screening.errors import QueryError
from tui.screening.fields import UNITS, Field, Kind, Registry
from tui.screening.lexer import FUNCTIONS, Tok, Token, tokenize

MAX_DEPTH = 32
"""Deepest nesting of parentheses, NOT, unary minus and function calls (§9 limits)."""

MAX_IN = 100
"""Most values an IN list may hold (§9 limits)."""

MAX_WITHIN = 250
"""Most sessions WITHIN may span (§9 limits)."""

COMPARE = (">=", "<=", "!=", ">", "<", "=")
BP_OR, BP_AND, BP_NOT, BP_PRED, BP_SUM, BP_TERM, BP_NEG = 1, 2, 3, 4, 5, 6, 7
EVENTS = ("UPGRADED", "DOWNGRADED", "CHANGED")


class Parser:
    """Parses one query against a registry; use `parse_query`."""

    def __init__(self, text: str, registry: Registry) -> None:
        self.text = text
        self.registry = registry
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    # ------------------------------------------------------------ helpers

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def at_end(self) -> bool:
        return self.tok.type is Tok.EOF

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.type is not Tok.EOF:
            self.pos += 1
        return tok

    def fail(self, message: str, tok: Token | None = None) -> QueryError:
        tok = tok or self.tok
        return QueryError(message, tok.col, tok.length)

    def unexpected(self, expected: str) -> QueryError:
        return self.fail(f"unexpected {self.tok.describe()}; expected {expected}")

    def expect_op(self, op: str, expected: str | None = None) -> Token:
        if not self.tok.is_op(op):
            raise self.unexpected(expected or f"'{op}'")
        return self.advance()

    def expect_kw(self, word: str) -> Token:
        if not self.tok.is_kw(word):
            raise self.unexpected(word)
        return self.advance()

    def span(self, start: Token | n.Node, end: Token | n.Node | None = None) -> tuple[int, int]:
        """(col, length) from the start of one token or node to the end of another."""
        last = end if end is not None else self.tokens[max(self.pos - 1, 0)]
        stop = last.col + last.length
        return start.col, max(1, stop - start.col)

    def source(self, node: n.Node) -> str:
        return self.text[node.col - 1 : node.col - 1 + node.length]

    def nested(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"query nested too deeply (at most {MAX_DEPTH} levels)", tok)

    # ------------------------------------------------------------ entry

    def parse(self) -> n.Node:
        if self.tok.type is Tok.EOF:
            raise self.fail("empty query")
        root = self.expression(0)
        if not self.at_end():
            raise self.unexpected("AND, OR or the end of the query")
        if not n.is_condition(root):
            raise QueryError(
                "a query must be a condition (e.g. 'score > 60'), not a value",
                root.col,
                root.length,
            )
        return root

    def expression(self, min_bp: int) -> n.Node:
        left = self.prefix()
        while True:
            tok = self.tok
            led = self.infix_for(tok)
            if led is None:
                return left
            bp, handler = led
            if bp <= min_bp:
                return left
            left = handler(left)

    def condition(self, min_bp: int, what: str) -> n.Node:
        node = self.expression(min_bp)
        if not n.is_condition(node):
            raise QueryError(
                f"{what} needs a condition, but '{self.source(node)}' is a value",
                node.col,
                node.length,
            )
        return node

    def value(self, min_bp: int = BP_PRED) -> n.Node:
        node = self.expression(min_bp)
        if n.is_condition(node):
            raise QueryError(
                f"expected a value, but '{self.source(node)}' is a condition",
                node.col,
                node.length,
            )
        return node

    # ------------------------------------------------------------ prefix

    def prefix(self) -> n.Node:
        tok = self.tok
        if tok.is_kw("NOT"):
            self.advance()
            self.nested(tok)
            operand = self.condition(BP_NOT - 1, "NOT")
            self.depth -= 1
            return n.Not(*self.span(tok, operand), operand)
        if tok.is_op("("):
            self.advance()
            self.nested(tok)
            inner = self.expression(0)
            self.expect_op(")", "')' or an operator")
            self.depth -= 1
            return inner
        if tok.is_op("-"):
            self.advance()
            self.nested(tok)
            operand = self.value(BP_NEG - 1)
            check_numeric(operand, "'-'")
            self.depth -= 1
            if isinstance(operand, n.Num) and not operand.text.startswith("-"):
                return n.Num(*self.span(tok, operand), -operand.value, "-" + operand.text,
                             operand.dimension)  # fmt: skip
            return n.Neg(*self.span(tok, operand), operand)
        if tok.type is Tok.NUMBER:
            return self.number()
        if tok.type is Tok.STRING:
            self.advance()
            return n.Text(tok.col, tok.length, tok.text)
        if tok.type is Tok.NAME:
            self.advance()
            return self.exact_field(tok)
        if tok.type is Tok.WORD:
            if tok.text.lower() in FUNCTIONS and self.peek().is_op("("):
                return self.call()
            return self.field_words()
        if tok.type is Tok.EOF:
            raise self.unexpected("a field, a value or '('")
        raise self.unexpected("a field, a value, NOT or '('")

    def number(self) -> n.Num:
        tok = self.advance()
        unit, end = tok.unit, tok
        if unit is None and self.tok.type is Tok.WORD and self.tok.text.lower() in UNITS:
            end = self.advance()
            unit = end.text.lower()
        dim, factor = UNITS[unit] if unit else (None, 1.0)
        text = self.text[tok.col - 1 : end.col - 1 + end.length]
        return n.Num(*self.span(tok, end), tok.number * factor, text, dim)

    def call(self) -> n.Call:
        name_tok = self.advance()
        func = name_tok.text.lower()
        self.advance()  # "("
        self.nested(name_tok)
        args = [self.value(0)]
        while self.tok.is_op(","):
            self.advance()
            args.append(self.value(0))
        self.expect_op(")", "',' or ')'")
        self.depth -= 1
        node = n.Call(*self.span(name_tok), func, tuple(args))
        for a in args:
            check_numeric(a, f"{func}()")
        if func == "abs" and len(args) != 1:
            raise QueryError("abs() takes one argument", node.col, node.length)
        if func != "abs" and len(args) < 2:
            raise QueryError(f"{func}() takes two or more arguments", node.col, node.length)
        return node

    # ------------------------------------------------------------ names

    def exact_field(self, tok: Token) -> n.Ref:
        found = self.registry.lookup(tok.text)
        if len(found) == 1:
            return n.Ref(tok.col, tok.length, found[0])
        raise self.unknown(tok.text, tok.col, tok.length, found)

    def field_words(self) -> n.Ref:
        """Resolve identifier words to the longest run naming a field (§9 resolution)."""
        start = self.pos
        words: list[str] = []
        runs: list[tuple[int, str]] = []
        i = start
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.type not in (Tok.WORD, Tok.NUMBER):
                break
            words += normalise(tok.text).split()
            if len(words) > self.registry.max_words:
                break
            runs.append((i, " ".join(words)))
            i += 1
        for end, name in reversed(runs):
            found = self.registry.lookup(name)
            if not found:
                continue
            after = self.tokens[end + 1]
            if after.type is Tok.WORD and after.keyword is None:
                break  # a name ran on into words that name nothing: report the whole run
            self.pos = end + 1
            first, last = self.tokens[start], self.tokens[end]
            col, length = first.col, last.col + last.length - first.col
            if len(found) > 1:
                raise self.unknown(self.text[col - 1 : col - 1 + length], col, length, found)
            return n.Ref(col, length, found[0])
        if self.tokens[start].keyword:
            raise self.unexpected("a field, a value, NOT or '('")
        end = start
        while self.tokens[end + 1].type is Tok.WORD and self.tokens[end + 1].keyword is None:
            end += 1
        first, last = self.tokens[start], self.tokens[end]
        col, length = first.col, last.col + last.length - first.col
        raise self.unknown(self.text[col - 1 : col - 1 + length], col, length, ())

    def unknown(self, name: str, col: int, length: int, found: tuple[Field, ...]) -> QueryError:
        if len(found) > 1:
            names = _either([f.display for f in found])
            return QueryError(f"ambiguous name '{name}': could be {names}", col, length)
        hints = self.registry.suggest(name)
        tail = f" — did you mean {_either(hints)}?" if hints else ""
        return QueryError(f"unknown field '{name}'{tail}", col, length)

    # ------------------------------------------------------------ infix

    def infix_for(self, tok: Token) -> tuple[int, Callable[[n.Node], n.Node]] | None:
        if tok.is_kw("OR"):
            return BP_OR, lambda left: self.logic(left, "OR", BP_OR)
        if tok.is_kw("AND"):
            return BP_AND, lambda left: self.logic(left, "AND", BP_AND)
        if tok.type is Tok.OP:
            if tok.text in COMPARE:
                return BP_PRED, self.compare
            if tok.text in "+-":
                return BP_SUM, lambda left: self.arith(left, BP_SUM)
            if tok.text in "*/":
                return BP_TERM, lambda left: self.arith(left, BP_TERM)
            return None
        word = tok.keyword
        if word == "NOT" and self.peek().is_kw("BETWEEN", "IN"):
            return BP_PRED, self.negated
        if word in ("BETWEEN", "IN"):
            return BP_PRED, self.between if word == "BETWEEN" else self.in_list
        if word == "IS":
            return BP_PRED, self.is_null
        if word == "CROSSES":
            return BP_PRED, self.crosses
        if word in EVENTS:
            return BP_PRED, self.event
        return None

    def logic(self, left: n.Node, op: str, bp: int) -> n.Node:
        self.advance()
        if not n.is_condition(left):
            message = f"{op} needs a condition on its left, but '{self.source(left)}' is a value"
            raise QueryError(message, left.col, left.length)
        right = self.condition(bp, op)
        return n.Logic(*self.span(left, right), op, left, right)

    def operand(self, left: n.Node, what: str) -> None:
        if n.is_condition(left):
            raise QueryError(f"{what} needs a value on its left, not a condition",
                             left.col, left.length)  # fmt: skip

    def arith(self, left: n.Node, bp: int) -> n.Node:
        tok = self.advance()
        self.operand(left, f"'{tok.text}'")
        right = self.value(bp)
        node = n.Arith(*self.span(left, right), tok.text, left, right)
        check_numeric(left, f"'{tok.text}'")
        check_numeric(right, f"'{tok.text}'")
        return node

    def compare(self, left: n.Node) -> n.Node:
        tok = self.advance()
        self.operand(left, f"'{tok.text}'")
        right = self.rhs(left)
        node = n.Compare(*self.span(left, right), tok.text, left, right)
        check_compare(node, self.source)
        return node

    def rhs(self, left: n.Node) -> n.Node:
        """The right side of a comparison: a value of left's kind when left is a field."""
        if isinstance(left, n.Ref):
            if left.field.kind is Kind.ORDINAL:
                return self.grade(left.field, left)
            if left.field.kind is Kind.STRING:
                return self.text_value(left.field)
        return self.value(BP_PRED)

    def grade(self, field: Field, ref: n.Node | None = None) -> n.Grade:
        """A value of an ordinal field: a string or words, matched longest-first."""
        tok = self.tok
        if tok.type is Tok.STRING:
            self.advance()
            code = _code(field, tok.text)
            if code is None:
                raise self.not_a_value(field, tok.text, tok.col, tok.length)
            return n.Grade(tok.col, tok.length, code, field.scale[code])
        if tok.type is Tok.WORD and tok.keyword is None:
            run = self.word_run()
            for k in range(len(run), 0, -1):
                text = " ".join(t.text for t in run[:k])
                code = _code(field, text)
                if code is not None:
                    self.pos += k
                    col, length = self.span(run[0], run[k - 1])
                    return n.Grade(col, length, code, field.scale[code])
            col, length = self.span(run[0], run[-1])
            raise self.not_a_value(field, self.text[col - 1 : col - 1 + length], col, length)
        if tok.type is Tok.NUMBER or tok.is_op("-"):
            at: n.Node | Token = ref or tok
            raise QueryError(ordinal_error(field), at.col, at.length)
        if tok.type is Tok.NAME:
            raise self.fail(f"type error: '{field.display}' can only be compared with its "
                            f"values ({_range(field)})")  # fmt: skip
        raise self.unexpected(f"a value of '{field.display}'")

    def word_run(self) -> list[Token]:
        run: list[Token] = []
        i = self.pos
        while self.tokens[i].type is Tok.WORD and self.tokens[i].keyword is None:
            run.append(self.tokens[i])
            i += 1
        return run

    def not_a_value(self, field: Field, text: str, col: int, length: int) -> QueryError:
        return QueryError(f"'{text}' is not a value of '{field.display}'; expected one of "
                          f"{', '.join(field.scale)}", col, length)  # fmt: skip

    def text_value(self, field: Field) -> n.Node:
        """A value of a text field: a string, words, a bare number, or a [field]."""
        tok = self.tok
        if tok.type is Tok.STRING:
            self.advance()
            return n.Text(tok.col, tok.length, tok.text)
        if tok.type is Tok.NUMBER and tok.unit is None:
            self.advance()
            return n.Text(tok.col, tok.length, tok.text)
        if tok.type is Tok.WORD and tok.keyword is None:
            run = self.word_run()
            self.pos += len(run)
            col, length = self.span(run[0], run[-1])
            return n.Text(col, length, " ".join(t.text for t in run))
        if tok.type is Tok.NAME:
            self.advance()
            return self.exact_field(tok)
        if tok.type is Tok.NUMBER or tok.is_op("-"):
            raise self.fail(f"type error: '{field.display}' is text; cannot compare with a number")
        raise self.unexpected(f"a value of '{field.display}'")

    def bound(self, left: n.Node) -> n.Node:
        if isinstance(left, n.Ref) and left.field.kind in (Kind.ORDINAL, Kind.STRING):
            return self.rhs(left)
        return self.value(BP_PRED)

    def negated(self, left: n.Node) -> n.Node:
        self.advance()  # NOT
        handler = self.between if self.tok.is_kw("BETWEEN") else self.in_list
        return handler(left, negated=True)

    def between(self, left: n.Node, negated: bool = False) -> n.Node:
        self.advance()
        self.operand(left, "BETWEEN")
        if isinstance(left, n.Ref) and left.field.kind is Kind.STRING:
            raise QueryError(f"type error: '{left.field.display}' is text; BETWEEN needs an "
                             "ordered field", left.col, left.length)  # fmt: skip
        low = self.bound(left)
        self.expect_kw("AND")
        high = self.bound(left)
        node = n.Between(*self.span(left, high), left, low, high, negated)
        for side in (low, high):
            check_compare(n.Compare(left.col, 1, ">=", left, side), self.source)
        lo, hi = _constant(low), _constant(high)
        if lo is not None and hi is not None and lo > hi:
            col, length = self.span(low, high)
            raise QueryError(f"empty range: {self.source(low)} > {self.source(high)}", col, length)
        return node

    def in_list(self, left: n.Node, negated: bool = False) -> n.Node:
        self.advance()
        self.operand(left, "IN")
        self.expect_op("(", "'(' and a list of values")
        values = [self.bound(left)]
        while self.tok.is_op(","):
            self.advance()
            values.append(self.bound(left))
            if len(values) > MAX_IN:
                raise QueryError(f"too many IN values (at most {MAX_IN})", values[-1].col,
                                 values[-1].length)  # fmt: skip
        self.expect_op(")", "',' or ')'")
        node = n.InList(*self.span(left), left, tuple(values), negated)
        for v in values:
            check_compare(n.Compare(left.col, 1, "=", left, v), self.source)
        return node

    def is_null(self, left: n.Node) -> n.Node:
        self.advance()
        self.operand(left, "IS NULL")
        negated = bool(self.tok.is_kw("NOT"))
        if negated:
            self.advance()
        self.expect_kw("NULL")
        return n.IsNull(*self.span(left), left, negated)

    def crosses(self, left: n.Node) -> n.Node:
        self.advance()
        self.operand(left, "CROSSES")
        if not self.tok.is_kw("ABOVE", "BELOW"):
            raise self.unexpected("ABOVE or BELOW")
        above = self.advance().keyword == "ABOVE"
        right = self.value(BP_PRED)
        sessions, within = self.within()
        node = n.Crosses(*self.span(left), left, right, above, sessions, within)
        for side in (left, right):
            check_numeric(side, "CROSSES")
        refs = [x for x in n.walk(left) + n.walk(right) if isinstance(x, n.Ref)]
        for ref in refs:
            if not ref.field.daily:
                raise QueryError(f"'{ref.field.display}' has no daily history; CROSSES needs "
                                 "one", ref.col, ref.length)  # fmt: skip
        if not refs:
            raise QueryError("CROSSES needs a field with daily history", node.col, node.length)
        check_units(node, self.source)
        return node

    def event(self, left: n.Node) -> n.Node:
        tok = self.advance()
        kind = tok.text.upper()
        if not (isinstance(left, n.Ref) and left.field.event):
            raise QueryError(f"'{self.source(left)}' has no change events; {kind} needs one of "
                             "call, technical, fin trend, quality, valuation",
                             left.col, left.length)  # fmt: skip
        field = left.field
        from_ = to = None
        if self.tok.is_kw("FROM"):
            self.advance()
            from_ = self.grade(field)
        if self.tok.is_kw("TO"):
            self.advance()
            to = self.grade(field)
        sessions, within = self.within()
        return n.Event(*self.span(left), field, kind.lower(), from_, to, sessions, within)

    def within(self) -> tuple[int, str]:
        """An optional `WITHIN n D|DAYS|W|WEEKS` (also `5d`, `2w`): (sessions, echo)."""
        if not self.tok.is_kw("WITHIN"):
            return 1, ""
        start = self.advance()
        tok = self.tok
        count, unit = None, None
        if tok.type is Tok.NUMBER and tok.unit is None:
            self.advance()
            count = tok.text
            if self.tok.is_kw("D", "DAYS", "W", "WEEKS"):
                unit = self.advance().text.upper()
        elif tok.type is Tok.WORD:
            low = tok.text.lower()
            for suffix in ("days", "weeks", "d", "w"):
                if low.endswith(suffix) and low[: -len(suffix)].isdigit():
                    count, unit = low[: -len(suffix)], suffix.upper()
                    self.advance()
                    break
        if count is None or unit is None:
            raise self.unexpected("a whole number of days or weeks (e.g. WITHIN 5 D)")
        if not count.isdigit():
            raise self.fail("WITHIN needs a whole number of days or weeks", tok)
        sessions = int(count) * (5 if unit[0] == "W" else 1)
        col, length = self.span(start)
        if sessions < 1:
            raise QueryError("WITHIN needs at least one session", col, length)
        if sessions > MAX_WITHIN:
            raise QueryError(f"WITHIN spans at most {MAX_WITHIN} sessions", col, length)
        return sessions, f"WITHIN {int(count)} {unit[0]}"


def _code(field: Field, text: str) -> int | None:
    wanted = normalise(text)
    for i, word in enumerate(field.scale):
        if normalise(word) == wanted:
            return i
    return None


def _range(field: Field) -> str:
    return f"{field.scale[0]}…{field.scale[-1]}"


def _either(names: list[str]) -> str:
    quoted = [f"'{x}'" for x in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _constant(node: n.Node) -> float | None:
    """The value of a constant bound (number, negated number, grade), else None."""
    if isinstance(node, n.Num):
        return node.value
    if isinstance(node, n.Grade):
        return float(node.code)
    return None


def parse_query(text: str, registry: Registry) -> n.Node:
    """Parse and type-check a query; return the root condition.

    Raises:
        QueryError: on any lexical, syntax, name, type or limit error.
    """
    return Parser(text, registry).parse()
