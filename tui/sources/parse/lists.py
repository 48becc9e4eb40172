"""The static lists (sources.md §2.2): NSE's EQUITY_L.csv, niftyindices' `ind_*list.csv` and
index-history POST, plus the packaged `isin → sector` table for companies in no NSE list.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources

import pandas as pd

from tui.sources.parse.common import (
    Kind,
    PayloadError,
    as_mapping,
    as_rows,
    by_date,
    decode_text,
    dummy_isin,
    endpoint,
    load_json,
    number,
    parse_date,
    text,
    to_frame,
)

__all__ = [
    "EQUITY_LIST_COLUMNS",
    "INDEX_LIST_COLUMNS",
    "NIFTY_HISTORY_COLUMNS",
    "load_isin_sectors",
    "parse_equity_list",
    "parse_index_list",
    "parse_niftyindices_history",
]

_EQUITY_HEADER = ("SYMBOL", "NAME OF COMPANY", "SERIES", "DATE OF LISTING", "ISIN NUMBER")
_INDEX_HEADER = ("Company Name", "Industry", "Symbol", "Series", "ISIN Code")

EQUITY_LIST_COLUMNS: dict[str, Kind] = {
    "symbol": "text", "name": "text", "series": "text", "listed_on": "date", "isin": "text",
    "face_value": "float", "paid_up_value": "float", "market_lot": "float",
}  # fmt: skip
INDEX_LIST_COLUMNS: dict[str, Kind] = {
    "symbol": "text", "name": "text", "sector": "text", "series": "text", "isin": "text",
}  # fmt: skip
NIFTY_HISTORY_COLUMNS: dict[str, Kind] = {
    "index": "text", "date": "date", "open": "float", "high": "float", "low": "float",
    "close": "float",
}  # fmt: skip


def _csv_rows(body: bytes, header: tuple[str, ...], name: str) -> list[dict[str, str]]:
    """Rows of a CSV whose header line (cells trimmed) must hold every name in `header`."""
    content = decode_text(body)
    reader = csv.reader(io.StringIO(content))
    first = next(reader, None)
    cells = [c.strip() for c in first or []]
    missing = [h for h in header if h not in cells]
    if missing:
        raise PayloadError(f"{name} has no header line with {', '.join(missing)}")
    rows = []
    for line in reader:
        if not any(c.strip() for c in line):
            continue
        rows.append(dict(zip(cells, line, strict=False)))
    return rows


@endpoint("nse_archives", "/content/equities/EQUITY_L.csv")
def parse_equity_list(body: bytes) -> pd.DataFrame:
    """Parse EQUITY_L.csv, NSE's list of equities (headers have leading spaces; no industry).

    Returns:
        EQUITY_LIST_COLUMNS sorted by symbol: symbol, name, series, listed_on (`06-OCT-2008`),
        isin, face_value, paid_up_value, market_lot. `DUM…` ISINs are skipped.
    """
    records = []
    for row in _csv_rows(body, _EQUITY_HEADER, "EQUITY_L.csv"):
        isin = text(row.get("ISIN NUMBER"))
        symbol = text(row.get("SYMBOL"))
        if symbol is None or dummy_isin(isin):
            continue
        records.append(
            {
                "symbol": symbol,
                "name": text(row.get("NAME OF COMPANY")),
                "series": text(row.get("SERIES")),
                "listed_on": parse_date(row.get("DATE OF LISTING"), "%d-%b-%Y", "DATE OF LISTING"),
                "isin": isin,
                "face_value": number(row.get("FACE VALUE"), "FACE VALUE"),
                "paid_up_value": number(row.get("PAID UP VALUE"), "PAID UP VALUE"),
                "market_lot": number(row.get("MARKET LOT"), "MARKET LOT"),
            }
        )
    return by_date(to_frame(records, EQUITY_LIST_COLUMNS), ("symbol",))


@endpoint("niftyindices", "/IndexConstituent/ind_*list.csv")
def parse_index_list(body: bytes) -> pd.DataFrame:
    """Parse an `ind_*list.csv` constituent list (sent as octet-stream, so the header line is
    the only proof that this is the list).

    Returns:
        INDEX_LIST_COLUMNS sorted by symbol: symbol, name, sector (`Industry`, NSE Indices'
        macro sector), series, isin. `DUM…` placeholder rows are skipped.
    """
    records = []
    for row in _csv_rows(body, _INDEX_HEADER, "the index list"):
        isin = text(row.get("ISIN Code"))
        symbol = text(row.get("Symbol"))
        if symbol is None or dummy_isin(isin):
            continue
        records.append(
            {
                "symbol": symbol,
                "name": text(row.get("Company Name")),
                "sector": text(row.get("Industry")),
                "series": text(row.get("Series")),
                "isin": isin,
            }
        )
    return by_date(to_frame(records, INDEX_LIST_COLUMNS), ("symbol",))


@endpoint("niftyindices", "/BackPage/getHistoricaldatatabletoString")
def parse_niftyindices_history(body: bytes) -> pd.DataFrame:
    """Parse the niftyindices history POST: rows `{HistoricalDate, OPEN, HIGH, LOW, CLOSE}`,
    bare or (old `/Backpage.aspx/`) as a JSON string inside `{"d": "..."}`.

    Returns:
        NIFTY_HISTORY_COLUMNS, ascending: index (`Index Name` or `INDEX_NAME`), date
        (`HistoricalDate`, `31 Mar 2025`), open, high, low, close. An empty result is zero rows.
    """
    payload = load_json(body)
    if isinstance(payload, dict):
        inner = as_mapping(payload).get("d")
        if not isinstance(inner, str):
            raise PayloadError("the required key 'd' is missing")
        try:
            payload = json.loads(inner) if inner.strip() else []
        except ValueError as error:
            raise PayloadError("'d' does not hold JSON") from error
    records = []
    for row in as_rows(payload):
        day = row.get("HistoricalDate")
        if day is None:
            raise PayloadError("the required key 'HistoricalDate' is missing")
        records.append(
            {
                "index": text(row.get("Index Name")) or text(row.get("INDEX_NAME")),
                "date": parse_date(day, "%d %b %Y", "HistoricalDate"),
                "open": number(row.get("OPEN"), "OPEN"),
                "high": number(row.get("HIGH"), "HIGH"),
                "low": number(row.get("LOW"), "LOW"),
                "close": number(row.get("CLOSE"), "CLOSE"),
            }
        )
    frame = to_frame(records, NIFTY_HISTORY_COLUMNS)
    return by_date(frame[frame["close"].notna()], ("index", "date"))


def load_isin_sectors() -> pd.DataFrame:
    """The packaged `isin → sector` table (`tui/sources/data/isin_sector.csv`).

    Built from BSE's `Industry New Name` (commas removed, `-` missing) for companies in no NSE
    list; their industry is BSE's `Industry`.

    Returns:
        Columns isin, sector, industry (strings; missing as None), one row per ISIN.
    """
    ref = resources.files("tui.sources").joinpath("data", "isin_sector.csv")
    with ref.open("r", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        records = [{k: text(row.get(k)) for k in ("isin", "sector", "industry")} for row in reader]
    frame = to_frame(records, {"isin": "text", "sector": "text", "industry": "text"})
    return frame.drop_duplicates("isin", keep="last").reset_index(drop=True)
