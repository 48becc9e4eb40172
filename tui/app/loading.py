"""The default loader: a source spec and an as-of date in, one Analysis out (no Textual).

Also the two facts the App's refresh timer needs: whether a source is live, and whether its
market is open now.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from tui.market.analysis import Analysis

Notice = Callable[[str], None]
"""Called with a one-line notice (a fallback was taken)."""

Progress = Callable[[str, float | None], None]
"""Called with a stage ("analysing 1,211 stocks") and the fraction done (None: unknown)."""

Loader = Callable[[str | None, dt.date | None, Notice], "Analysis"]
"""(source spec or None for the configured one, as-of or None for the latest, notice) →
Analysis. Runs in a thread worker; tests pass their own."""


class ProgressLoader(Protocol):
    """A Loader that also reports its stages (live sources report per-symbol progress)."""

    def __call__(
        self,
        spec: str | None,
        as_of: dt.date | None,
        notice: Notice,
        progress: Progress | None = None,
    ) -> Analysis:
        """Load and analyse, reporting through `progress`."""
        ...


LIVE_SOURCES = frozenset({"nse", "bse", "yahoo"})
"""Sources whose data moves during the session (MarketData.source after any fallback)."""

SESSION_OPEN = dt.time(9, 15)
SESSION_CLOSE = dt.time(15, 30)
"""Regular session hours in the market's timezone (NSE and BSE)."""


def load_analysis(
    spec: str | None,
    as_of: dt.date | None,
    notice: Notice,
    progress: Progress | None = None,
) -> Analysis:
    """Open the source and analyse it at the as-of session.

    Args:
        spec: demo, folder:PATH, nse, bse, yahoo or auto; None takes the configured source.
        as_of: the session to analyse (None: the data's latest).
        notice: called with a one-line notice when the source falls back.
        progress: called with each stage and the fraction done.
    """
    from tui.market.params import params_from
    from tui.settings import config_file, load_settings
    from tui.sources.analysed import open_analysis

    report = progress or (lambda stage, done: None)
    settings = load_settings()
    params = params_from(settings.analytics, str(config_file()))
    spec = spec or settings.source
    report(f"opening and analysing {spec}", 0.05)

    def fetched(done: int, total: int, label: str) -> None:
        # A live source's items (universe, quotes, 1,211 histories, ...) fill 5–60 %.
        report(f"fetching {label} · {done:,} of {total:,}", 0.05 + 0.55 * done / max(total, 1))

    return open_analysis(spec, settings, as_of, params, notice=notice, progress=fetched)


def takes_progress(loader: Callable[..., object]) -> bool:
    """Whether a loader accepts the `progress` keyword (older loaders take three arguments)."""
    try:
        parameters = inspect.signature(loader).parameters
    except (TypeError, ValueError):
        return False
    return "progress" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def market_open(now: dt.datetime, timezone: str) -> bool:
    """Whether `now` falls in the market's regular session: for India tui.sources.clock's
    MarketClock (weekdays 09:15–15:30 IST), elsewhere the same hours in the market's zone.

    Exchange holidays are not known here; a refresh on a holiday finds nothing new.
    """
    from tui.sources.clock import MarketClock

    if timezone != "Asia/Kolkata":
        local = now.astimezone(ZoneInfo(timezone))
        return local.weekday() < 5 and SESSION_OPEN <= local.time() <= SESSION_CLOSE
    return MarketClock(lambda: now).is_open(now)
