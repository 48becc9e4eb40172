"""What every data source is: something with a name that loads one MarketData."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from tui.market.model import MarketData


class SourceError(RuntimeError):
    """A source could not produce its data; str() is one sentence fit for a notice."""


@runtime_checkable
class Source(Protocol):
    """A data source: demo, folder, nse, bse, yahoo, ..."""

    name: str
    """Short id shown in the UI and stored in `MarketData.source`."""

    def load(self) -> MarketData:
        """Load the source's data.

        Raises:
            SourceError: when nothing usable can be loaded.
        """
        ...
