"""The default loader: a source spec and an as-of date in, one Analysis out (no Textual)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.market.analysis import Analysis

Loader = Callable[[str | None, dt.date | None, Callable[[str], None]], "Analysis"]
"""(source spec or None for the configured one, as-of or None for the latest, notice) →
Analysis. Runs in a thread worker; tests pass their own."""


def load_analysis(
    spec: str | None, as_of: dt.date | None, notice: Callable[[str], None]
) -> Analysis:
    """Open the source and analyse it at the as-of session.

    Args:
        spec: demo, folder:PATH, nse, bse, yahoo or auto; None takes the configured source.
        as_of: the session to analyse (None: the data's latest).
        notice: called with a one-line notice when the source falls back.
    """
    from tui.market.analysis import analyse
    from tui.settings import load_settings
    from tui.sources.resolve import open_source

    settings = load_settings()
    data = open_source(spec or settings.source, settings, notice=notice)
    return analyse(data, as_of)
