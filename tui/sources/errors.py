"""The live sources' failure taxonomy (sources.md §4): one exception per way a fetch can fail.

Every exception is a `SourceError`, names the logical host (`nse`, `nse_archives`,
`niftyindices`, `bse`, `yahoo`) and the endpoint it was asked for, and its `str()` is one
sentence fit for a notice ("NSE blocked (403) on /api/allIndices.").
"""

from __future__ import annotations

import datetime as dt

from tui.sources.base import SourceError

DISPLAY_NAMES = {
    "nse": "NSE",
    "nse_archives": "NSE archives",
    "niftyindices": "niftyindices",
    "bse": "BSE",
    "yahoo": "Yahoo",
}
"""Logical host → the name a notice uses."""


def display_name(source: str) -> str:
    """The name a notice uses for a logical host ("nse" → "NSE")."""
    return DISPLAY_NAMES.get(source, source)


class FetchError(SourceError):
    """A fetch from one host failed; the base of the taxonomy below.

    Attributes:
        source: The logical host (`nse`, `bse`, ...).
        endpoint: The path asked for (the last one tried in a fallback chain), or "".
        status: The HTTP status that decided the failure, if any.
        detail: A short phrase on what went wrong.
    """

    def __init__(
        self, source: str, endpoint: str = "", detail: str = "", status: int | None = None
    ):
        self.source = source
        self.endpoint = endpoint
        self.status = status
        self.detail = detail
        super().__init__(self._sentence())

    @property
    def host(self) -> str:
        """The display name of the logical host ("NSE")."""
        return display_name(self.source)

    def _where(self) -> str:
        return f" on {self.endpoint}" if self.endpoint else ""

    def _sentence(self) -> str:
        extra = f": {self.detail}" if self.detail else ""
        return f"{self.host} failed{self._where()}{extra}."


class Unavailable(FetchError):
    """Transient failures (timeouts, connection errors, 5xx) outlasted every retry."""

    def _sentence(self) -> str:
        why = f" ({self.detail})" if self.detail else ""
        return f"{self.host} is unavailable{self._where()}{why}."


class RateLimited(FetchError):
    """The host kept answering 429 Too Many Requests through every retry."""

    def _sentence(self) -> str:
        return f"{self.host} is rate-limiting requests (429){self._where()}."


class Blocked(FetchError):
    """The host refused us: a second 401/403, an Akamai "Access Denied" page, the
    rate-threshold page, or an open circuit breaker.

    Attributes:
        until: When the host's breaker closes again (timezone-aware), or None when no breaker
            was opened.
    """

    def __init__(
        self,
        source: str,
        endpoint: str = "",
        detail: str = "",
        status: int | None = None,
        until: dt.datetime | None = None,
    ):
        self.until = until
        super().__init__(source, endpoint, detail, status)

    def _sentence(self) -> str:
        if self.until is not None:
            why = f" ({self.detail})" if self.detail else ""
            return f"{self.host} paused until {self.until:%H:%M}{why}."
        code = f" ({self.status})" if self.status else ""
        why = f": {self.detail}" if self.detail else ""
        return f"{self.host} blocked{code}{self._where()}{why}."


class NotFound(FetchError):
    """Every endpoint of a fallback chain answered 404 (or the host says the item does not
    exist, e.g. Yahoo `chart.error` "Not Found"); callers cache this negatively."""

    def _sentence(self) -> str:
        why = f" ({self.detail})" if self.detail else ""
        return f"{self.host} has no data{self._where()}{why}."


class BadPayload(FetchError):
    """The body is not the data asked for: HTML or non-JSON on a JSON endpoint (even with
    status 200), `{}`, a CSV without its header, a missing required key, `chart.error`.
    Never retried; the next provider is tried."""

    def _sentence(self) -> str:
        why = f": {self.detail}" if self.detail else ""
        return f"{self.host} sent unusable data{self._where()}{why}."
