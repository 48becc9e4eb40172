"""The three live modes (sources.md §1): which exchange answers first, the segment indices and
benchmarks, and the Yahoo symbols of the indices that have one."""

from __future__ import annotations

from dataclasses import dataclass, field

SEGMENT_KEYS = ("small", "mid", "large")
CLASS_OF_SEGMENT = {"small": "Small", "mid": "Mid", "large": "Large"}


@dataclass(frozen=True)
class Mode:
    """One live mode.

    Attributes:
        name: `nse`, `bse` or `yahoo` (also `MarketData.source`).
        segments: Segment key → index name, as the exchange spells it in requests.
        benchmarks: Benchmark index names.
        index_yahoo: Index name → Yahoo symbol, for the indices Yahoo is known to carry.
        index_lists: Segment key → the niftyindices constituent list (static membership).
        quotes: Who answers constituents and today's quotes: `nse`, `bse` or `yahoo` (spark).
        calendar: Calendar providers in order (`nse`, `bse`); empty for none.
        results: Whether NSE quarterly results are fetched.
        history_suffix: The Yahoo suffix of stock histories (`.NS` or `.BO`).
    """

    name: str
    segments: dict[str, str]
    benchmarks: tuple[str, ...]
    index_yahoo: dict[str, str] = field(default_factory=dict)
    index_lists: dict[str, str] = field(default_factory=dict)
    quotes: str = "nse"
    calendar: tuple[str, ...] = ("nse", "bse")
    results: bool = True
    history_suffix: str = ".NS"

    @property
    def indices(self) -> tuple[str, ...]:
        """Segment indices (small, mid, large) then the benchmarks."""
        return (*(self.segments[k] for k in SEGMENT_KEYS), *self.benchmarks)


NSE_SEGMENTS = {"small": "NIFTY SMALLCAP 250", "mid": "NIFTY MIDCAP 150", "large": "NIFTY 100"}
NSE_LISTS = {
    "small": "ind_niftysmallcap250list.csv",
    "mid": "ind_niftymidcap150list.csv",
    "large": "ind_nifty100list.csv",
}
BROAD_LIST = "ind_nifty500list.csv"
"""Nifty 500 = Nifty 100 + Midcap 150 + Smallcap 250: the NSE macro sector of every member."""

MODES = {
    "nse": Mode(
        "nse",
        NSE_SEGMENTS,
        ("NIFTY 50",),
        {"NIFTY 50": "^NSEI"},
        NSE_LISTS,
    ),
    "bse": Mode(
        "bse",
        {"small": "BSE SmallCap", "mid": "BSE MidCap", "large": "BSE 100"},
        ("SENSEX",),
        {
            "BSE SmallCap": "BSE-SMLCAP.BO",
            "BSE MidCap": "BSE-MIDCAP.BO",
            "BSE 100": "BSE-100.BO",
            "SENSEX": "^BSESN",
        },
        quotes="bse",
        calendar=("bse", "nse"),
        history_suffix=".BO",
    ),
    "yahoo": Mode(
        "yahoo",
        NSE_SEGMENTS,
        ("NIFTY 50",),
        {"NIFTY 50": "^NSEI"},
        NSE_LISTS,
        quotes="yahoo",
        calendar=(),
        results=False,
    ),
}
"""`nse` puts NSE first, `bse` BSE first (results still NSE), `yahoo` every price from Yahoo."""
