"""The live universe (sources.md §1 "Universe", "Live universe", "Market-cap class").

The segment indices' constituents are joined on ISIN with the reference lists: the display
symbol is the NSE one, or BSE `scrip_id` for BSE-only companies; series EQ, BE and BZ count
(SME series are off); the sector is NSE Indices' macro sector from the `ind_*list.csv` files,
else the packaged isin → sector table; the industry is BSE's `INDUSTRY`, else the table's.

Size class: a segment index's constituents take that segment's class (Nifty 100 / BSE 100
Large, Midcap Mid, Smallcap Small), so a segment's breadth universe is exactly its index's
constituents; a stock in none of them is ranked by BSE `Mktcap` (1–100 Large, 101–250 Mid, the
rest Small). Both are labelled derived in `mcap_basis`, never "AMFI".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tui.sources.live.modes import CLASS_OF_SEGMENT, SEGMENT_KEYS, Mode

SERIES = frozenset({"EQ", "BE", "BZ"})
"""Series that count; SME series (SM, ST) are off by default."""
LARGE_RANKS, MID_RANKS = 100, 250
BY_MEMBERSHIP = "derived: index membership"
BY_RANK = "derived: BSE Mktcap rank"
UNCLASSIFIED = "Unclassified"
UNIVERSE_COLUMNS = (
    "symbol", "name", "sector", "industry", "mcap_class", "exchange", "isin", "bse_code",
    "market_cap_cr", "status", "mcap_basis", "segment", "quote_symbol", "yahoo",
)  # fmt: skip
"""`join_universe` output: STOCK_COLUMNS, the optional ones, and helper columns (segment,
the exchange's quote symbol, the Yahoo history symbol)."""


@dataclass(frozen=True)
class Reference:
    """The reference lists a universe is joined with; any may be missing (None).

    Attributes:
        index_lists: NSE `ind_*list.csv` rows (symbol, name, sector, series, isin).
        equity_list: NSE `EQUITY_L.csv` (symbol, name, series, isin).
        scrips: BSE `ListofScripData` (bse_code, symbol, name, isin, industry, mcap_cr).
        isin_sectors: The packaged table (isin, sector, industry).
    """

    index_lists: pd.DataFrame | None = None
    equity_list: pd.DataFrame | None = None
    scrips: pd.DataFrame | None = None
    isin_sectors: pd.DataFrame | None = None


def rank_classes(scrips: pd.DataFrame) -> pd.Series:
    """Size class by BSE `Mktcap` rank over the whole BSE universe, keyed by ISIN."""
    caps = scrips.dropna(subset=["isin", "mcap_cr"]).drop_duplicates("isin")
    rank = caps["mcap_cr"].rank(ascending=False, method="first")
    classes = np.where(rank <= LARGE_RANKS, "Large", np.where(rank <= MID_RANKS, "Mid", "Small"))
    return pd.Series(classes, index=pd.Index(caps["isin"]), dtype=object)


def _lookup(frame: pd.DataFrame | None, key: str, value: str) -> dict[str, object]:
    if frame is None or frame.empty or key not in frame or value not in frame:
        return {}
    rows = frame.dropna(subset=[key]).drop_duplicates(key, keep="last")
    return dict(zip(rows[key], rows[value], strict=True))


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def join_universe(mode: Mode, members: dict[str, pd.DataFrame], ref: Reference) -> pd.DataFrame:
    """The universe of a mode's segment indices.

    Args:
        mode: The live mode (decides the display and Yahoo symbols).
        members: Segment key → constituents: `symbol` (the exchange's), optionally `isin`,
            `name`, `industry`, `series`, `bse_code`.
        ref: The reference lists.

    Returns:
        UNIVERSE_COLUMNS, one row per display symbol, sorted by symbol.
    """
    lists, equity, scrips = ref.index_lists, ref.equity_list, ref.scrips
    isin_by_nse = {**_lookup(equity, "symbol", "isin"), **_lookup(lists, "symbol", "isin")}
    nse_by_isin = {v: k for k, v in _lookup(equity, "symbol", "isin").items()}
    nse_by_isin |= {v: k for k, v in _lookup(lists, "symbol", "isin").items()}
    isin_by_code = _lookup(scrips, "bse_code", "isin")
    code_by_isin = _lookup(scrips, "isin", "bse_code")
    sector_by_isin = _lookup(lists, "isin", "sector")
    table_sector = _lookup(ref.isin_sectors, "isin", "sector")
    table_industry = _lookup(ref.isin_sectors, "isin", "industry")
    bse_industry = _lookup(scrips, "isin", "industry")
    bse_name = _lookup(scrips, "isin", "name")
    bse_cap = _lookup(scrips, "isin", "mcap_cr")
    list_name = _lookup(lists, "isin", "name")
    equity_name = _lookup(equity, "isin", "name")
    series_by_nse = {**_lookup(equity, "symbol", "series"), **_lookup(lists, "symbol", "series")}
    ranks = rank_classes(scrips) if scrips is not None and not scrips.empty else pd.Series()

    rows: dict[str, dict[str, object]] = {}
    order = {k: i for i, k in enumerate(SEGMENT_KEYS)}
    for segment in sorted(members, key=lambda k: -order.get(k, -1)):  # large wins an overlap
        for record in members[segment].to_dict("records"):
            quote_symbol = _text(record.get("symbol"))
            if quote_symbol is None:
                continue
            code = _text(record.get("bse_code"))
            isin = _text(record.get("isin"))
            if isin is None:
                isin = _text(isin_by_code.get(code)) if code else None
                if isin is None and mode.quotes != "bse":
                    isin = _text(isin_by_nse.get(quote_symbol))
            nse_symbol = _text(nse_by_isin.get(isin)) if isin else None
            if nse_symbol is None and mode.quotes != "bse":
                nse_symbol = quote_symbol
            code = code or (_text(code_by_isin.get(isin)) if isin else None)
            series = _text(record.get("series")) or (
                _text(series_by_nse.get(nse_symbol)) if nse_symbol else None
            )
            if series is not None and series.upper() not in SERIES:
                continue
            symbol = nse_symbol or quote_symbol
            if symbol in rows:
                continue
            key = isin or ""
            sector = _text(sector_by_isin.get(key)) or _text(table_sector.get(key))
            industry = (
                _text(bse_industry.get(key))
                or _text(record.get("industry"))
                or _text(table_industry.get(key))
            )
            name = (
                _text(list_name.get(key))
                or _text(equity_name.get(key))
                or _text(bse_name.get(key))
                or _text(record.get("name"))
                or symbol
            )
            if mode.history_suffix == ".BO" and code:
                yahoo = f"{code}.BO"
            else:
                yahoo = f"{nse_symbol}.NS" if nse_symbol else f"{code}.BO"
            rows[symbol] = {
                "symbol": symbol,
                "name": name,
                "sector": sector or UNCLASSIFIED,
                "industry": industry or sector or UNCLASSIFIED,
                "mcap_class": CLASS_OF_SEGMENT.get(segment) or ranks.get(key, "Small"),
                "exchange": "NSE" if nse_symbol else "BSE",
                "isin": isin,
                "bse_code": code,
                "market_cap_cr": bse_cap.get(key, np.nan),
                "status": "active",
                "mcap_basis": BY_MEMBERSHIP if segment in CLASS_OF_SEGMENT else BY_RANK,
                "segment": segment,
                "quote_symbol": quote_symbol,
                "yahoo": yahoo,
            }
    frame = pd.DataFrame(list(rows.values()), columns=list(UNIVERSE_COLUMNS))
    frame["market_cap_cr"] = pd.to_numeric(frame["market_cap_cr"], errors="coerce")
    return frame.sort_values("symbol").reset_index(drop=True)
