"""BSE bodies (sources.md §2.3): universe, index quotes, movers, breadth, index levels and
history, results calendar and one-scrip quotes.

BSE sends most numbers as strings; index names lost their "S&P " prefix in 2024 but old bodies
still carry it, so names are stripped of it and `index_key` gives the case-folded comparison key.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pandas as pd

from tui.sources.parse.common import (
    IST,
    NAT,
    QUOTE_COLUMNS,
    Kind,
    PayloadError,
    as_mapping,
    by_date,
    decode_text,
    dummy_isin,
    endpoint,
    floats,
    load_json,
    number,
    parse_date,
    parse_time,
    require,
    section,
    text,
    to_frame,
    unwrap_rows,
)

__all__ = [
    "ADVANCE_DECLINE_COLUMNS",
    "BSE_QUOTE_COLUMNS",
    "CALENDAR_COLUMNS",
    "INDEX_HISTORY_COLUMNS",
    "INDEX_LEVEL_COLUMNS",
    "SCRIP_COLUMNS",
    "index_key",
    "index_name",
    "parse_advance_decline",
    "parse_gainers_losers",
    "parse_index_csv",
    "parse_index_movers",
    "parse_mkt_data",
    "parse_result_calendar",
    "parse_scrip_header",
    "parse_scrip_list",
]

_API = "/BseIndiaAPI/api"
_PREFIX = "S&P "

SCRIP_COLUMNS: dict[str, Kind] = {
    "bse_code": "text", "symbol": "text", "name": "text", "isin": "text", "industry": "text",
    "group": "text", "face_value": "float", "status": "text", "mcap_cr": "float",
}  # fmt: skip
"""The BSE universe (ListofScripData)."""
BSE_QUOTE_COLUMNS: dict[str, Kind] = floats(QUOTE_COLUMNS) | {
    "symbol": "text", "date": "date", "bse_code": "text", "name": "text", "group": "text",
    "change": "float", "time": "time", "indices": "text",
}  # fmt: skip
"""Quotes (GetMktData, MktRGainerLoserData, getScripHeaderData): QUOTE_COLUMNS plus extras."""
ADVANCE_DECLINE_COLUMNS: dict[str, Kind] = {
    "index": "text", "index_key": "text", "advances": "int", "declines": "int",
    "unchanged": "int", "total": "int",
}  # fmt: skip
INDEX_LEVEL_COLUMNS: dict[str, Kind] = {
    "index": "text", "index_key": "text", "close": "float", "change": "float",
    "change_pct": "float", "prev_close": "float",
}  # fmt: skip
INDEX_HISTORY_COLUMNS: dict[str, Kind] = {
    "index": "text", "date": "date", "open": "float", "high": "float", "low": "float",
    "close": "float",
}  # fmt: skip
CALENDAR_COLUMNS: dict[str, Kind] = {
    "symbol": "text", "date": "date", "purpose": "text", "bse_code": "text", "name": "text",
}  # fmt: skip
"""Corpforthresults: CALENDAR_COLUMNS (every meeting considers results) plus extras."""

_CSV_DATES = ("%d-%B-%Y", "%d/%m/%Y", "%d-%b-%Y")
"""ProduceCSVForDate has no real sample: the archive's `01-January-2024` form, then two
plausible ones. The first format that reads the first row is used for the whole file."""


def index_name(name: str | None) -> str | None:
    """A BSE index name without the pre-2024 "S&P " prefix ("S&P BSE SENSEX" → "BSE SENSEX")."""
    if name is None:
        return None
    cleaned = " ".join(name.split())
    return cleaned[len(_PREFIX) :] if cleaned.upper().startswith(_PREFIX) else cleaned


def index_key(name: str | None) -> str | None:
    """The comparison key of a BSE index name: prefix stripped and case-folded."""
    stripped = index_name(name)
    return None if stripped is None else stripped.casefold()


def _price(row: dict[str, Any], key: str) -> float:
    return number(row.get(key), key)


def _quote(row: dict[str, Any]) -> dict[str, Any]:
    time = parse_time(row.get("dt_tm"), "%Y-%m-%dT%H:%M:%S", "dt_tm", IST)
    codes = text(row.get("index_code"))
    memberships = None
    if codes:
        parts = (index_name(p.strip().strip("|")) for p in codes.split(","))
        memberships = "|".join(p for p in parts if p)
    return {
        "symbol": text(require(row, "scripname")),
        "date": NAT if pd.isna(time) else pd.Timestamp(time.date()),
        "open": _price(row, "openrate"),
        "high": _price(row, "highrate"),
        "low": _price(row, "lowrate"),
        "close": number(require(row, "ltradert"), "ltradert"),
        "volume": _price(row, "trd_vol"),
        "prev_close": _price(row, "prevdayclose"),
        "change_pct": _price(row, "change_percent"),
        "bse_code": text(require(row, "scrip_cd")),
        "name": text(row.get("LONG_NAME")),
        "group": text(row.get("scrip_grp")),
        "change": _price(row, "change_val"),
        "time": time,
        "indices": memberships,
    }


@endpoint("bse", f"{_API}/ListofScripData/w")
def parse_scrip_list(body: bytes) -> pd.DataFrame:
    """Parse ListofScripData: the BSE universe, every field a string; `DUM…` ISINs skipped.

    Returns:
        SCRIP_COLUMNS sorted by bse_code: bse_code (`SCRIP_CD`), symbol (`scrip_id`), name
        (`Scrip_Name`), isin, industry (`INDUSTRY`), group, face_value, status, mcap_cr
        (`Mktcap`, already ₹ crore).
    """
    records = []
    for row in unwrap_rows(load_json(body), "Table"):
        isin = text(row.get("ISIN_NUMBER"))
        if dummy_isin(isin):
            continue
        records.append(
            {
                "bse_code": text(require(row, "SCRIP_CD")),
                "symbol": text(row.get("scrip_id")),
                "name": text(row.get("Scrip_Name")),
                "isin": isin,
                "industry": text(row.get("INDUSTRY")),
                "group": text(row.get("GROUP")),
                "face_value": _price(row, "FACE_VALUE"),
                "status": text(row.get("Status")),
                "mcap_cr": _price(row, "Mktcap"),
            }
        )
    return by_date(to_frame(records, SCRIP_COLUMNS), ("bse_code",))


@endpoint("bse", f"{_API}/GetMktData/w")
def parse_mkt_data(body: bytes) -> pd.DataFrame:
    """Parse GetMktData (one index's constituents with quotes, `{Table: [...]}`).

    Returns:
        BSE_QUOTE_COLUMNS sorted by bse_code: symbol (`scripname`), date (missing: the body has
        no time), open, high, low, close (`ltradert`), volume (`trd_vol`), prev_close,
        change_pct, bse_code, name, group, change, time, indices.
    """
    records = [_quote(row) for row in unwrap_rows(load_json(body), "Table")]
    return by_date(to_frame(records, BSE_QUOTE_COLUMNS), ("bse_code",))


@endpoint("bse", f"{_API}/MktRGainerLoserData/w")
def parse_gainers_losers(body: bytes) -> pd.DataFrame:
    """Parse MktRGainerLoserData (`{Table: [...]}`): movers with index memberships.

    Returns:
        BSE_QUOTE_COLUMNS in the body's order (best first): as `parse_mkt_data`, with time
        (`dt_tm`, naive IST made aware), date, name (`LONG_NAME`) and indices (`index_code`
        as "BSE 500|BSE SmallCap|…", prefix stripped).
    """
    records = [_quote(row) for row in unwrap_rows(load_json(body), "Table")]
    return to_frame(records, BSE_QUOTE_COLUMNS).drop_duplicates("bse_code").reset_index(drop=True)


@endpoint("bse", f"{_API}/advanceDecline/w")
def parse_advance_decline(body: bytes) -> pd.DataFrame:
    """Parse advanceDecline (`val=Index`): per-index breadth as strings; the last row, "Total",
    is skipped.

    Returns:
        ADVANCE_DECLINE_COLUMNS in the body's order: index ("S&P " stripped), index_key
        (case-folded), advances (`UP`), declines (`DN`), unchanged (`UC`), total (`TOTAL`).
    """
    records = []
    for row in unwrap_rows(load_json(body), "Table"):
        name = text(require(row, "Sens_ind"))
        if name is None or name.casefold() == "total":
            continue
        records.append(
            {
                "index": index_name(name),
                "index_key": index_key(name),
                "advances": number(require(row, "UP"), "UP"),
                "declines": number(require(row, "DN"), "DN"),
                "unchanged": number(row.get("UC"), "UC"),
                "total": number(row.get("TOTAL"), "TOTAL"),
            }
        )
    frame = to_frame(records, ADVANCE_DECLINE_COLUMNS)
    return frame.drop_duplicates("index_key", keep="last").reset_index(drop=True)


@endpoint("bse", f"{_API}/IndexMovers/w")
def parse_index_movers(body: bytes) -> pd.DataFrame:
    """Parse IndexMovers (`{Table: [...]}`): index levels, used for the Sensex headline.

    Returns:
        INDEX_LEVEL_COLUMNS: index (`shortalias`, "S&P " stripped), index_key, close (`LTP`),
        change, change_pct (`PERCENTCHG`), prev_close (close − change).
    """
    records = []
    for row in unwrap_rows(load_json(body), "Table"):
        name = text(require(row, "shortalias"))
        close = number(require(row, "LTP"), "LTP")
        change = number(row.get("change"), "change")
        records.append(
            {
                "index": index_name(name),
                "index_key": index_key(name),
                "close": close,
                "change": change,
                "change_pct": number(row.get("PERCENTCHG"), "PERCENTCHG"),
                "prev_close": close - change,
            }
        )
    frame = to_frame(records, INDEX_LEVEL_COLUMNS)
    return frame.drop_duplicates("index_key", keep="last").reset_index(drop=True)


@endpoint("bse", f"{_API}/ProduceCSVForDate/w")
def parse_index_csv(body: bytes, index: str) -> pd.DataFrame:
    """Parse ProduceCSVForDate: an index's daily history as CSV; an empty file means no data.

    Args:
        body: the response body.
        index: the index asked for (`strIndex`), stored in `index`.

    Returns:
        INDEX_HISTORY_COLUMNS, ascending: index, date, open, high, low, close.
    """
    content = decode_text(body)
    if not content.strip():
        return to_frame([], INDEX_HISTORY_COLUMNS)
    reader = csv.reader(io.StringIO(content))
    cells = [c.strip().casefold() for c in next(reader)]
    needed = ("date", "open", "high", "low", "close")
    if any(n not in cells for n in needed):
        raise PayloadError("the CSV has no Date,Open,High,Low,Close header line")
    at = {n: cells.index(n) for n in needed}
    lines = [line for line in reader if any(c.strip() for c in line)]
    fmt = _date_format(lines[0][at["date"]].strip()) if lines else _CSV_DATES[0]
    records = [
        {
            "index": index_name(index),
            "date": parse_date(line[at["date"]], fmt, "Date"),
            **{n: number(line[at[n]], n) for n in ("open", "high", "low", "close")},
        }
        for line in lines
    ]
    return by_date(to_frame(records, INDEX_HISTORY_COLUMNS))


def _date_format(sample: str) -> str:
    for fmt in _CSV_DATES:
        try:
            parse_date(sample, fmt)
        except PayloadError:
            continue
        return fmt
    raise PayloadError(f"Date {sample!r} is not a known date format")


@endpoint("bse", f"{_API}/Corpforthresults/w")
def parse_result_calendar(body: bytes) -> pd.DataFrame:
    """Parse Corpforthresults: upcoming results meetings, bare or wrapped in `{Table: [...]}`.

    Returns:
        CALENDAR_COLUMNS, ascending by date then symbol: symbol (`short_name`), date
        (`meeting_date`, `23 Oct 2023`), purpose ("Financial Results"), bse_code, name.
    """
    records = [
        {
            "symbol": text(require(row, "short_name")),
            "date": parse_date(require(row, "meeting_date"), "%d %b %Y", "meeting_date"),
            "purpose": "Financial Results",
            "bse_code": text(row.get("scrip_Code")),
            "name": text(row.get("Long_Name")),
        }
        for row in unwrap_rows(load_json(body), "Table")
    ]
    return by_date(to_frame(records, CALENDAR_COLUMNS), ("date", "symbol"))


@endpoint("bse", f"{_API}/getScripHeaderData/w")
def parse_scrip_header(body: bytes, bse_code: str | None = None) -> pd.DataFrame:
    """Parse getScripHeaderData: one scrip's quote, strings in `Header` and `CurrRate`.

    Args:
        body: the response body.
        bse_code: the scrip code asked for (`scripcode`), stored in `bse_code`.

    Returns:
        One row of BSE_QUOTE_COLUMNS: symbol (`Cmpname.ShortN`), open, high, low, close
        (`Header.LTP`, else `CurrRate.LTP`), prev_close, change_pct (`CurrRate.PcChg`), change,
        bse_code, name (`Cmpname.FullN`); volume, date and time are missing.
    """
    payload = as_mapping(load_json(body))
    header = as_mapping(require(payload, "Header"), "'Header'")
    rate = section(payload, "CurrRate")
    names = section(payload, "Cmpname")
    close = number(header.get("LTP"), "LTP")
    if pd.isna(close):
        close = number(rate.get("LTP"), "CurrRate.LTP")
    if pd.isna(close):
        raise PayloadError("no last price in 'Header' or 'CurrRate'")
    record = {
        "symbol": text(names.get("ShortN")),
        "open": number(header.get("Open"), "Open"),
        "high": number(header.get("High"), "High"),
        "low": number(header.get("Low"), "Low"),
        "close": close,
        "prev_close": number(require(header, "PrevClose"), "PrevClose"),
        "change_pct": number(rate.get("PcChg"), "PcChg"),
        "change": number(rate.get("Chg"), "Chg"),
        "bse_code": bse_code,
        "name": text(names.get("FullN")),
    }
    return to_frame([record], BSE_QUOTE_COLUMNS)
