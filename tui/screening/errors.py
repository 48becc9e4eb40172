"""The one error type of the screening language: a message anchored at a column of the query."""

from __future__ import annotations


class QueryError(ValueError):
    """A query that does not lex, parse or type-check, or cannot be evaluated.

    Printed as `col N: message`, N being the 1-based column where the problem starts.

    Attributes:
        message: the sentence, without the column.
        column: 1-based column in the query text (len + 1 for the end of the query).
        length: characters the problem spans (at least 1).
    """

    def __init__(self, message: str, column: int, length: int = 1) -> None:
        super().__init__(message, column, length)
        self.message = message
        self.column = max(1, int(column))
        self.length = max(1, int(length))

    def __str__(self) -> str:
        return f"col {self.column}: {self.message}"

    def prefixed(self, prefix: str) -> QueryError:
        """The same error with a prefix on its message (e.g. which preset it came from)."""
        return QueryError(f"{prefix}{self.message}", self.column, self.length)
