"""The live sources `nse`, `bse` and `yahoo` (sources.md §1): fetch, cache and assemble one
`MarketData`.

`LiveSource(name, settings, progress)` is the `Source` the app and the CLI open; its `load()`
runs `fetch_market` on a private event loop and client. `fetch_market` is the async core: it
asks each capability's providers in order (`nse`, `bse`, `yahoo` modules), cache first
(`store`), joins the universe (`universe`) and builds the value (`assemble`). The outcome of
every symbol and item is kept in a `FetchReport`.
"""

from tui.sources.live.market import FetchReport, LiveResult, Progress, fetch_market
from tui.sources.live.modes import MODES, Mode
from tui.sources.live.source import LiveSource

__all__ = ["MODES", "FetchReport", "LiveResult", "LiveSource", "Mode", "Progress", "fetch_market"]
