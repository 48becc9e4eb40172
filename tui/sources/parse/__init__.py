"""Pure parsers for every live endpoint (sources.md §2): response bytes in, frames out.

Modules: `nse` (constituents, indices, history), `nse_quote` (one stock), `nse_corporate`
(calendar, results, market status, holidays), `bse`, `yahoo` and `lists` (NSE archives,
niftyindices and the packaged isin → sector table). Every
`parse_*` is pure and raises `tui.sources.errors.BadPayload` for a body it cannot read (HTML,
`{}`, a missing required key, a CSV without its header), so the caller can try the next
provider; Yahoo's "Not Found" raises `NotFound`. Output columns follow `MarketData`'s names
(symbol, date, open, high, low, close, volume; index; the results and calendar columns) plus
source-specific extras, each listed in the function's docstring.
"""

from tui.sources.parse import bse, lists, nse, nse_corporate, nse_quote, yahoo
from tui.sources.parse.common import IST, QUOTE_COLUMNS, Breadth
from tui.sources.parse.nse import IndexBoard, IndexQuotes
from tui.sources.parse.nse_corporate import MarketStatus
from tui.sources.parse.nse_quote import SymbolMeta
from tui.sources.parse.yahoo import Chart

__all__ = [
    "IST",
    "QUOTE_COLUMNS",
    "Breadth",
    "Chart",
    "IndexBoard",
    "IndexQuotes",
    "MarketStatus",
    "SymbolMeta",
    "bse",
    "lists",
    "nse",
    "nse_corporate",
    "nse_quote",
    "yahoo",
]
