"""Content checks on raw responses (sources.md §4): what is data, what is a block page.

HTML (`text/html`, or a body starting with "<") is never data; Akamai's "Access Denied" page and
NSE's "exceeded the permissible threshold" page mean the host blocked us.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

import httpx

_BLOCK_MARKERS = (b"access denied", b"errors.edgesuite.net", b"permissible threshold")
THRESHOLD = "request rate threshold exceeded"


@dataclass(frozen=True)
class Fetched:
    """A response that passed the content checks.

    Attributes:
        source: The logical host.
        endpoint: The path of the chain that answered.
        url: The full URL requested.
        status: The HTTP status (2xx).
        content: The decoded body bytes.
        content_type: The `Content-Type` header.
        fetched_at: When it arrived (IST, from the injected clock).
    """

    source: str
    endpoint: str
    url: str
    status: int
    content: bytes
    content_type: str
    fetched_at: dt.datetime


def retry_after(response: httpx.Response, now: dt.datetime) -> float | None:
    """Seconds the `Retry-After` header asks for (delta seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def is_html(response: httpx.Response) -> bool:
    """`text/html`, or a body starting with "<": never data."""
    if "text/html" in response.headers.get("content-type", "").lower():
        return True
    return response.content.lstrip()[:1] == b"<"


def has_block_marker(content: bytes) -> bool:
    """Whether the body is Akamai's "Access Denied" or NSE's rate-threshold page."""
    head = content[:8192].lower()
    return any(marker in head for marker in _BLOCK_MARKERS)


def block_reason(content: bytes) -> str:
    """A short phrase naming the block page, or ""."""
    head = content[:8192].lower()
    if b"permissible threshold" in head:
        return THRESHOLD
    if b"access denied" in head or b"errors.edgesuite.net" in head:
        return "Access Denied"
    return ""
