"""The lexer of the screening language: query text → tokens with 1-based columns (§9).

Operators `>= <= != > < = + - * / ( ) ,`; quoted strings ('…' or "…", a doubled quote escapes);
bracketed or backticked names (`[avg volume 20d]`, `` `pct b` ``); words `[A-Za-z0-9_.&%]+`.
A word is a NUMBER only as `\\d+(\\.\\d+)?` with an optional attached unit (`10%`, `500cr`,
`3x`); `1m`, `20d` and `sma200` are identifier words. Nothing here evaluates anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tui.screening.errors import QueryError

MAX_CHARS = 2000
"""Longest query accepted (§9 limits)."""

MAX_TOKENS = 400
"""Most tokens a query may have (§9 limits)."""

MAX_NUMBER = 1e15
"""Largest |number| a query may hold (§9 limits)."""

KEYWORDS = frozenset({
    "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "NULL", "CROSSES", "ABOVE", "BELOW", "UPGRADED",
    "DOWNGRADED", "CHANGED", "FROM", "TO", "WITHIN", "D", "DAYS", "W", "WEEKS",
})  # fmt: skip
"""Reserved words of the grammar (case-insensitive)."""

FUNCTIONS = frozenset({"abs", "min", "max"})
"""The only functions that exist."""

OPERATORS = (">=", "<=", "!=", ">", "<", "=", "+", "-", "*", "/", "(", ")", ",")
ALIASES = {"≥": ">=", "≤": "<=", "≠": "!=", "−": "-", "×": "*"}
"""Typographic operators accepted as their ASCII forms."""

_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.&%")
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)(%|cr|crore|l|lakh|k|x)?", re.IGNORECASE | re.ASCII)


class Tok(StrEnum):
    """Token types."""

    OP = "operator"
    WORD = "word"
    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    EOF = "end of query"


@dataclass(frozen=True)
class Token:
    """One token.

    Attributes:
        type: the token type.
        text: the source text (for NAME and STRING, the unquoted content).
        col: 1-based column of the first character.
        length: characters in the source.
        number: the value of a NUMBER (before its unit).
        unit: a NUMBER's attached unit word, lower-cased, or None.
    """

    type: Tok
    text: str
    col: int
    length: int
    number: float = 0.0
    unit: str | None = None

    @property
    def keyword(self) -> str | None:
        """The upper-cased keyword when this is a reserved word, else None."""
        if self.type is Tok.WORD and self.text.upper() in KEYWORDS:
            return self.text.upper()
        return None

    def is_op(self, *ops: str) -> bool:
        """True when this is one of the operators."""
        return self.type is Tok.OP and self.text in ops

    def is_kw(self, *words: str) -> bool:
        """True when this is one of the keywords."""
        return self.keyword in words

    def describe(self) -> str:
        """How error messages quote the token."""
        if self.type is Tok.EOF:
            return "end of query"
        if self.type is Tok.STRING:
            return f'"{self.text}"'
        if self.type is Tok.NAME:
            return f"[{self.text}]"
        return f"'{self.text}'"


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens, ending with one EOF token.

    Raises:
        QueryError: on an over-long query, a stray character, an unterminated string or name,
            too many tokens, or a number beyond the limit.
    """
    if not isinstance(text, str):
        raise QueryError("a query must be text", 1)
    if len(text) > MAX_CHARS:
        raise QueryError(
            f"query too long: {len(text):,} characters (at most {MAX_CHARS:,})", MAX_CHARS + 1
        )
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if len(tokens) >= MAX_TOKENS:
            raise QueryError(f"too many tokens (at most {MAX_TOKENS})", i + 1)
        if ch in _WORD_CHARS:
            j = i
            while j < n and text[j] in _WORD_CHARS:
                j += 1
            tokens.append(_word(text[i:j], i + 1))
            i = j
        elif ch in "\"'":
            i = _quoted(text, i, ch, tokens)
        elif ch in "[`":
            close = "]" if ch == "[" else "`"
            j = text.find(close, i + 1)
            if j < 0:
                raise QueryError(f"'{ch}' is never closed; expected '{close}'", i + 1, n - i)
            name = text[i + 1 : j]
            if not name.strip():
                raise QueryError("empty field name", i + 1, j - i + 1)
            tokens.append(Token(Tok.NAME, name, i + 1, j - i + 1))
            i = j + 1
        else:
            op = next((o for o in OPERATORS if text.startswith(o, i)), ALIASES.get(ch))
            if op is None:
                bad = "!" if ch == "!" else ch
                hint = "; use != for 'not equal'" if ch == "!" else ""
                raise QueryError(f"unexpected character '{bad}'{hint}", i + 1)
            width = len(op) if text.startswith(op, i) else 1
            tokens.append(Token(Tok.OP, op, i + 1, width))
            i += width
    tokens.append(Token(Tok.EOF, "", n + 1, 1))
    return tokens


def _word(word: str, col: int) -> Token:
    match = _NUMBER.fullmatch(word)
    if match is None:
        return Token(Tok.WORD, word, col, len(word))
    value = float(match.group(1))
    if value > MAX_NUMBER:
        raise QueryError(f"number too large: {match.group(1)} (at most 1e15)", col, len(word))
    unit = match.group(2).lower() if match.group(2) else None
    return Token(Tok.NUMBER, word, col, len(word), value, unit)


def _quoted(text: str, i: int, quote: str, tokens: list[Token]) -> int:
    """Read a quoted string starting at text[i]; return the index after it."""
    j = i + 1
    parts: list[str] = []
    while True:
        k = text.find(quote, j)
        if k < 0:
            raise QueryError("unterminated string", i + 1, len(text) - i)
        parts.append(text[j:k])
        if k + 1 < len(text) and text[k + 1] == quote:
            parts.append(quote)
            j = k + 2
            continue
        tokens.append(Token(Tok.STRING, "".join(parts), i + 1, k + 1 - i))
        return k + 1
