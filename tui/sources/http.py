"""The live sources' HTTP settings and the one `httpx.AsyncClient` (sources.md §2, §4, §6).

Owns: the tunables (`HttpConfig`, from config.toml's `[http]` and `[sources.<name>]`), the base
URL of each logical host (environment, then config, then default), the per-host limits
(`HostPolicy`), the request headers each host wants, and `build_client`, the only place an
`AsyncClient` is made (HTTP/2, the §4 timeouts). Requests go through `tui.sources.fetcher`.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

HOSTS = ("nse", "nse_archives", "niftyindices", "bse", "yahoo")
"""The logical hosts; policies, base URLs and `[sources.<name>]` tables are keyed by these."""

DEFAULT_BASE_URLS = {
    "nse": "https://www.nseindia.com",
    "nse_archives": "https://nsearchives.nseindia.com",
    "niftyindices": "https://www.niftyindices.com",
    "bse": "https://api.bseindia.com",
    "yahoo": "https://query1.finance.yahoo.com",
}
BASE_URL_VARIABLES = {
    "nse": "DALAL_NSE_BASE_URL",
    "nse_archives": "DALAL_NSE_ARCHIVES_BASE_URL",
    "niftyindices": "DALAL_NIFTYINDICES_BASE_URL",
    "bse": "DALAL_BSE_BASE_URL",
    "yahoo": "DALAL_YAHOO_BASE_URL",
}
_DERIVED_FROM_NSE = {"nse_archives": "/archives", "niftyindices": "/niftyindices"}

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/138.0.0.0 Safari/537.36"
)
ACCEPT_JSON = "application/json, text/plain, */*"
ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NSE_SITE = "https://www.nseindia.com"
BSE_SITE = "https://www.bseindia.com"


@dataclass(frozen=True)
class HostPolicy:
    """How hard one host may be asked.

    Attributes:
        rps: Requests per second (None: unlimited). Requests are spaced at least 1/rps apart.
        in_flight: Requests open at once.
        jitter: Extra random delay before each request, up to this many seconds.
        warm: Whether the host needs the cookie warm-up GET of the owning HTML page (NSE).
    """

    rps: float | None
    in_flight: int
    jitter: float = 0.0
    warm: bool = False


DEFAULT_POLICIES = {
    "nse": HostPolicy(3.0, 2, jitter=0.3, warm=True),
    "nse_archives": HostPolicy(1.0, 1),
    "niftyindices": HostPolicy(1.0, 1),
    "bse": HostPolicy(5.0, 3),
    "yahoo": HostPolicy(2.0, 2),
}
LOOPBACK_POLICY = HostPolicy(None, 32)
"""A base URL on 127.0.0.1 / localhost (the e2e server) is not rate-limited."""


@dataclass(frozen=True)
class HttpConfig:
    """The HTTP tunables (config.toml `[http]`), with the per-host base URLs and policies.

    Attributes:
        connect_timeout: Seconds to connect.
        read_timeout: Seconds between bytes read.
        write_timeout: Seconds to send.
        pool_timeout: Seconds to wait for a pooled connection.
        call_timeout: Seconds for one logical call, retries included.
        retry_base: Base of the exponential backoff, seconds.
        retry_cap: Longest backoff, seconds.
        retry_after_cap: Longest `Retry-After` honoured, seconds.
        attempts: Attempts per endpoint for transient failures.
        breaker_cooldown: Seconds a blocked host's breaker stays open.
        cookie_max_age: Seconds before the NSE cookie jar is re-warmed.
        base_urls: Logical host → base URL (no trailing slash).
        policies: Logical host → its limits.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    write_timeout: float = 5.0
    pool_timeout: float = 30.0
    call_timeout: float = 60.0
    retry_base: float = 0.5
    retry_cap: float = 8.0
    retry_after_cap: float = 30.0
    attempts: int = 3
    breaker_cooldown: float = 600.0
    cookie_max_age: float = 120.0
    base_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_BASE_URLS))
    policies: dict[str, HostPolicy] = field(default_factory=lambda: dict(DEFAULT_POLICIES))

    @classmethod
    def from_settings(
        cls,
        http: Mapping[str, Any] | None = None,
        sources: Mapping[str, Mapping[str, Any]] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> HttpConfig:
        """Build from `Settings.http`, `Settings.sources` and the environment.

        Raises:
            ValueError: one sentence naming the config key that is unknown or of a wrong type.
        """
        sources = sources or {}
        environ = os.environ if environ is None else environ
        numbers: dict[str, Any] = {}
        tunables = {f.name: f for f in fields(cls) if f.name not in ("base_urls", "policies")}
        for key, value in (http or {}).items():
            if key not in tunables:
                raise ValueError(f"config key [http] '{key}' is unknown")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"config key [http] '{key}' must be a positive number")
            numbers[key] = int(value) if key == "attempts" else float(value)
        base_urls = resolve_base_urls(sources, environ)
        policies = {host: policy_for(host, base_urls[host], sources.get(host)) for host in HOSTS}
        return replace(cls(**numbers), base_urls=base_urls, policies=policies)

    def timeout(self) -> httpx.Timeout:
        """The per-request httpx timeouts."""
        return httpx.Timeout(
            connect=self.connect_timeout,
            read=self.read_timeout,
            write=self.write_timeout,
            pool=self.pool_timeout,
        )


def resolve_base_urls(
    sources: Mapping[str, Mapping[str, Any]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Each logical host's base URL: environment, then `[sources.<name>] base_url`, then default.

    When `DALAL_NSE_ARCHIVES_BASE_URL` or `DALAL_NIFTYINDICES_BASE_URL` is unset and
    `DALAL_NSE_BASE_URL` is set, they derive from it (`…/archives`, `…/niftyindices`), so an
    NSE override never leaks traffic to the real sibling hosts.

    Raises:
        ValueError: when a configured base_url is not an http(s) URL.
    """
    sources = sources or {}
    environ = os.environ if environ is None else environ
    nse_env = environ.get(BASE_URL_VARIABLES["nse"], "").strip().rstrip("/")
    urls: dict[str, str] = {}
    for host in HOSTS:
        value = environ.get(BASE_URL_VARIABLES[host], "").strip()
        if not value and nse_env and host in _DERIVED_FROM_NSE:
            value = nse_env + _DERIVED_FROM_NSE[host]
        if not value:
            configured = (sources.get(host) or {}).get("base_url")
            value = configured if isinstance(configured, str) else ""
        value = (value or DEFAULT_BASE_URLS[host]).rstrip("/")
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"base URL of {host} '{value}' must start with http:// or https://")
        urls[host] = value
    return urls


def is_loopback(url: str) -> bool:
    """Whether the URL's host is localhost or a loopback address."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def policy_for(host: str, base_url: str, overrides: Mapping[str, Any] | None = None) -> HostPolicy:
    """The limits of a logical host: its default (loopback if the base URL is loopback), then
    `[sources.<name>]` `rps` / `in_flight` / `jitter` overrides.

    Raises:
        ValueError: one sentence naming the key of a wrong type.
    """
    default = DEFAULT_POLICIES.get(host, LOOPBACK_POLICY)
    policy = replace(LOOPBACK_POLICY, warm=default.warm) if is_loopback(base_url) else default
    for key in ("rps", "in_flight", "jitter"):
        value = (overrides or {}).get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"config key [sources.{host}] '{key}' must be a number ≥ 0")
        if key == "rps":
            policy = replace(policy, rps=float(value) or None)
        elif key == "in_flight":
            policy = replace(policy, in_flight=max(1, int(value)))
        else:
            policy = replace(policy, jitter=float(value))
    return policy


def build_client(
    config: HttpConfig | None = None, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one `AsyncClient`: HTTP/2, the §4 timeouts, redirects followed, no default headers
    beyond httpx's (headers are per request; `Accept-Encoding` is left to httpx, which offers
    only the decoders it has). The App owns it and closes it in `on_unmount`.

    Args:
        config: The tunables (timeouts); defaults to `HttpConfig()`.
        transport: Replaces the network, e.g. `httpx.MockTransport(router)` in tests.
    """
    config = config or HttpConfig()
    flights = sum(p.in_flight for p in config.policies.values())
    return httpx.AsyncClient(
        http2=True,
        timeout=config.timeout(),
        limits=httpx.Limits(max_connections=max(flights, 10), max_keepalive_connections=20),
        follow_redirects=True,
        transport=transport,
    )


def request_headers(
    host: str, *, page: str | None = None, accept: str | None = None
) -> dict[str, str]:
    """The headers of one API request to a logical host (§2.1, §2.3, §2.4).

    Args:
        host: The logical host.
        page: For NSE, the owning HTML page (path and query), sent as `Referer`.
        accept: Overrides `Accept` (e.g. for CSV files).
    """
    headers = {
        "User-Agent": CHROME_UA,
        "Accept": accept or ACCEPT_JSON,
        "Accept-Language": "en-US,en;q=0.9",
    }
    if host == "nse":
        headers["X-Requested-With"] = "XMLHttpRequest"
        headers["Referer"] = NSE_SITE + (page or "/")
    elif host == "bse":
        headers["Referer"] = BSE_SITE + "/"
        headers["Origin"] = BSE_SITE
    return headers


def page_headers() -> dict[str, str]:
    """The headers of the NSE warm-up GET of an HTML page (a browser navigation)."""
    return {"User-Agent": CHROME_UA, "Accept": ACCEPT_HTML, "Accept-Language": "en-US,en;q=0.9"}
