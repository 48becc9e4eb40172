"""NSE corporate and clock bodies (sources.md §2.1): calendar, board meetings, quarterly results,
market status and holidays.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tui.market.model import RESULT_COLUMNS
from tui.sources.parse.common import (
    Kind,
    PayloadError,
    as_mapping,
    as_rows,
    by_date,
    dummy_isin,
    endpoint,
    floats,
    load_json,
    number,
    parse_date,
    require,
    text,
    to_frame,
)

__all__ = [
    "CALENDAR_FRAME",
    "HOLIDAY_COLUMNS",
    "RESULT_FRAME",
    "MarketStatus",
    "is_results_purpose",
    "parse_board_meetings",
    "parse_event_calendar",
    "parse_holidays",
    "parse_market_status",
    "parse_results_comparison",
]

_LAKH_PER_CRORE = 100.0
_CHECK_TOLERANCE_LAKH = 1.0
"""`re_total_inc − re_oth_tot_exp` may differ from PBT by rounding only (₹ 1 lakh)."""
_RESULTS = re.compile(r"financial\s+results?", re.IGNORECASE)

CALENDAR_FRAME: dict[str, Kind] = {
    "symbol": "text", "date": "date", "purpose": "text", "name": "text", "description": "text",
    "isin": "text", "industry": "text", "announced_on": "date", "is_results": "bool",
}  # fmt: skip
"""Board meetings: CALENDAR_COLUMNS (symbol, date, purpose) and announced_on, plus extras."""
RESULT_FRAME: dict[str, Kind] = floats(RESULT_COLUMNS) | {
    "symbol": "text", "period_end": "date", "filed_on": "date", "period_start": "date",
    "audited": "bool",
}  # fmt: skip
"""Quarterly results in ₹ crore: RESULT_COLUMNS plus period_start and audited."""
HOLIDAY_COLUMNS: dict[str, Kind] = {"date": "date", "description": "text"}


@dataclass(frozen=True)
class MarketStatus:
    """The Capital Market row of marketStatus.

    Attributes:
        market: The row's market name ("Capital Market").
        status: NSE's word ("Open", "Closed", "Close").
        is_open: True when the status is "Open".
        trade_date: The session the row describes (naive date), or NaT.
        message: NSE's sentence ("Normal Market has Closed"), or None.
        index: The headline index ("NIFTY 50"), or None.
        last: The headline index level, or NaN.
    """

    market: str
    status: str
    is_open: bool
    trade_date: pd.Timestamp
    message: str | None
    index: str | None
    last: float


def is_results_purpose(purpose: str | None) -> bool:
    """True when a meeting's purpose mentions financial results (NSE's free text)."""
    return bool(purpose) and _RESULTS.search(str(purpose)) is not None


@endpoint("nse", "/api/event-calendar")
def parse_event_calendar(body: bytes) -> pd.DataFrame:
    """Parse event-calendar: a bare array of `{symbol, company, purpose, bm_desc, date}`.

    Returns:
        CALENDAR_FRAME, ascending by date then symbol: symbol, date (`27-May-2026`), purpose,
        name, description, isin and industry (missing here), announced_on (missing),
        is_results.
    """
    records = []
    for row in as_rows(load_json(body)):
        purpose = text(require(row, "purpose"))
        records.append(
            {
                "symbol": text(require(row, "symbol")),
                "date": parse_date(require(row, "date"), "%d-%b-%Y", "date"),
                "purpose": purpose,
                "name": text(row.get("company")),
                "description": text(row.get("bm_desc")),
                "is_results": is_results_purpose(purpose),
            }
        )
    return by_date(to_frame(records, CALENDAR_FRAME), ("date", "symbol", "purpose"))


@endpoint("nse", "/api/corporate-board-meetings")
def parse_board_meetings(body: bytes) -> pd.DataFrame:
    """Parse corporate-board-meetings (the calendar fallback); `DUM…` ISINs are skipped.

    Returns:
        CALENDAR_FRAME, ascending: symbol (`bm_symbol`), date (`bm_date`), purpose
        (`bm_purpose`, free text), name, description (`bm_desc`), isin, industry
        (`sm_indusrty`, sic), announced_on (the date of `bm_timestamp`), is_results.
    """
    records = []
    for row in as_rows(load_json(body)):
        isin = text(row.get("sm_isin"))
        if dummy_isin(isin):
            continue
        purpose = text(require(row, "bm_purpose"))
        stamp = text(row.get("bm_timestamp"))
        records.append(
            {
                "symbol": text(require(row, "bm_symbol")),
                "date": parse_date(require(row, "bm_date"), "%d-%b-%Y", "bm_date"),
                "purpose": purpose,
                "name": text(row.get("sm_name")),
                "description": text(row.get("bm_desc")),
                "isin": isin,
                "industry": text(row.get("sm_indusrty")),
                "announced_on": parse_date(
                    stamp.split()[0] if stamp else None, "%d-%b-%Y", "bm_timestamp"
                ),
                "is_results": is_results_purpose(purpose),
            }
        )
    return by_date(to_frame(records, CALENDAR_FRAME), ("date", "symbol", "purpose"))


def _lakh(row: dict[str, Any], key: str) -> float:
    return number(row.get(key), key)


def _result_record(row: dict[str, Any], symbol: str | None) -> dict[str, Any] | None:
    """One quarter in ₹ crore, or None when the row fails the PBT identity."""
    total = _lakh(row, "re_total_inc")
    spent = _lakh(row, "re_oth_tot_exp")
    pbt = _lakh(row, "re_pro_loss_bef_tax")
    if any(math.isnan(v) for v in (total, spent, pbt)):
        return None
    if abs(total - spent - pbt) > _CHECK_TOLERANCE_LAKH:
        return None
    sales = _lakh(row, "re_net_sale")
    other = _lakh(row, "re_oth_inc_new")
    interest = _lakh(row, "re_int_new")
    depreciation = _lakh(row, "re_depr_und_exp")
    expenses = spent - _zero(interest) - _zero(depreciation)
    crore = {
        "sales": sales,
        "other_income": other,
        "expenses": expenses,
        "pbdit": _zero(sales) + _zero(other) - expenses,
        "interest": interest,
        "depreciation": depreciation,
        "pbt": pbt,
        "tax": _lakh(row, "re_tax"),
        "pat": _lakh(row, "re_net_profit"),
    }
    kind = text(row.get("re_res_type"))
    return {k: v / _LAKH_PER_CRORE for k, v in crore.items()} | {
        "symbol": symbol,
        "eps": _lakh(row, "re_basic_eps_for_cont_dic_opr"),
        "period_end": parse_date(require(row, "re_to_dt"), "%d-%b-%Y", "re_to_dt"),
        "filed_on": parse_date(row.get("re_create_dt"), "%d-%b-%Y", "re_create_dt"),
        "period_start": parse_date(row.get("re_from_dt"), "%d-%b-%Y", "re_from_dt"),
        "audited": None if kind is None else kind.upper() == "A",
    }


def _zero(value: float) -> float:
    return 0.0 if math.isnan(value) else value


@endpoint("nse", "/api/results-comparision")
def parse_results_comparison(body: bytes, symbol: str | None = None) -> pd.DataFrame:
    """Parse results-comparision (NSE's spelling): quarterly results, strings in ₹ lakh.

    Every amount is divided by 100 into ₹ crore (sources.md §2.1 mapping): sales ←
    `re_net_sale`, other_income ← `re_oth_inc_new`, interest ← `re_int_new`, depreciation ←
    `re_depr_und_exp`, expenses = `re_oth_tot_exp` − interest − depreciation, pbdit = sales +
    other_income − expenses, pbt ← `re_pro_loss_bef_tax`, tax ← `re_tax`, pat ←
    `re_net_profit`, eps ← `re_basic_eps_for_cont_dic_opr` (₹, not scaled), period_end ←
    `re_to_dt`, filed_on ← `re_create_dt`. A row whose `re_total_inc − re_oth_tot_exp` is not
    its PBT (within ₹ 1 lakh) uses another layout and is dropped. Banks (`bankNonBnking` ≠
    "N") use other fields and give zero rows (unrated for now).

    Args:
        body: the response body.
        symbol: the symbol asked for (the body does not name it), stored in `symbol`.

    Returns:
        RESULT_FRAME, ascending by period_end with one row per period (the latest filing wins):
        RESULT_COLUMNS plus period_start and audited (`re_res_type` "A").
    """
    payload = as_mapping(load_json(body))
    rows = as_rows(require(payload, "resCmpData"), "'resCmpData'")
    if text(payload.get("bankNonBnking")) not in (None, "N"):
        rows = []
    records = [r for r in (_result_record(row, symbol) for row in rows) if r is not None]
    frame = to_frame(records, RESULT_FRAME)
    frame = frame.sort_values(["period_end", "filed_on"], kind="stable")
    return by_date(frame, ("period_end",))


@endpoint("nse", "/api/marketStatus")
def parse_market_status(body: bytes) -> MarketStatus:
    """Parse marketStatus and return its Capital Market row (other rows hold strings or "")."""
    payload = as_mapping(load_json(body))
    for row in as_rows(require(payload, "marketState"), "'marketState'"):
        market = text(row.get("market"))
        if market not in ("Capital Market", "CM"):
            continue
        status = text(require(row, "marketStatus")) or ""
        day = text(row.get("tradeDate"))
        return MarketStatus(
            market=market,
            status=status,
            is_open=status.lower() == "open",
            trade_date=parse_date(day.split()[0] if day else None, "%d-%b-%Y", "tradeDate"),
            message=text(row.get("marketStatusMessage")),
            index=text(row.get("index")),
            last=number(row.get("last"), "last"),
        )
    raise PayloadError("no 'Capital Market' row in 'marketState'")


@endpoint("nse", "/api/holiday-master?type=trading")
def parse_holidays(body: bytes, segment: str = "CM") -> pd.DataFrame:
    """Parse holiday-master: the trading holidays of one segment (`CM` is the equity market).

    Returns:
        HOLIDAY_COLUMNS, ascending: date (`tradingDate`, `26-Jan-2023`), description.
    """
    payload = as_mapping(load_json(body))
    records = [
        {
            "date": parse_date(require(row, "tradingDate"), "%d-%b-%Y", "tradingDate"),
            "description": text(row.get("description")),
        }
        for row in as_rows(require(payload, segment), repr(segment))
    ]
    return by_date(to_frame(records, HOLIDAY_COLUMNS))
