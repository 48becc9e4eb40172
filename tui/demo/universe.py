"""Build the demo universe (stocks.csv) from the real NSE/BSE reference lists.

The demo snapshot of 10 Feb 2026 (design.md §3) uses real company names, symbols, sectors and size
classes. This module derives them, deterministically, from the reference files kept beside the
project in ``../shared/data/reference`` (see its SOURCES.md). Those files are only present at
development time, so the result is committed as ``tui/demo/inputs/universe.csv`` and this module is
the script that rebuilds it::

    python -m tui.demo.universe /work/shared/data/reference

The same run writes ``tui/sources/data/isin_sector.csv``, the package's ISIN → sector/industry table
for every active BSE equity (sources.md §1 "Universe").

Rules:

* Size class: NSE market-cap rank of 28 Mar 2024 (1–100 Large, 101–250 Mid, else Small; unranked
  companies are Small). This is a derived proxy, not AMFI's categorisation.
* Only companies listed by 2024-11-01: NSE ``DATE OF LISTING`` in EQUITY_L for NSE companies.
  For BSE-only companies the BSE list has no listing date, so an active BSE equity line with a
  scrip code below ``BSE_CODE_LIMIT`` (codes are allotted in sequence) is the proxy. A company
  listed on NSE only after the cut-off but on BSE before it (e.g. Elpro International, NSE 2026)
  is treated as BSE-only; a BSE line ranked on NSE in 2024 but no longer in EQUITY_L (merged,
  delisted or suspended since) is left out.
* Symbol: the NSE symbol, or the BSE Security Id for BSE-only companies.
* Sector: NSE Indices macro sector (``Industry`` of the ``ind_*list.csv`` files), else BSE
  ``Industry New Name`` with commas removed (``-`` is missing; never BSE ``Sector Name``). Companies
  without a sector are left out. Industry: BSE ``Industry`` (NSE's basicIndustry is not available).
* Excluded: SME series and BSE SME groups, ETFs (INF ISINs), rights entitlements and partly-paid
  lines (no INE ISIN / codes 7xxxxx, 8xxxxx), preference shares (BSE instrument).
* All qualifying Large and Mid companies are kept, and exactly 1,211 Small ones: the companies named
  in the market report, the first 15 Small companies of each sector the report names, then the rest
  by NSE rank ascending, then unranked NSE companies by symbol, then BSE-only ones by scrip code.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd

LISTED_BY = date(2024, 11, 1)
"""Only companies listed on or before this day are in the demo universe."""

BSE_CODE_LIMIT = 544280
"""BSE-only companies need a scrip code below this: the proxy for "listed by 2024-11-01".

BSE allots scrip codes in sequence. Among companies also on NSE, 544279 (Godavari Biorefineries)
listed on 30 Oct 2024 and 544280 (Afcons Infrastructure) on 4 Nov 2024.
"""

SMALL_COUNT = 1211
"""The demo's small-cap universe on 10 Feb 2026 (design.md §3 row 5)."""

LARGE_MAX_RANK = 100
MID_MAX_RANK = 250

SECTOR_FLOOR = 15
"""Small-cap members wanted in each sector the market report names (design.md §3 row 12)."""

FLOOR_SECTORS = ("Capital Goods", "Chemicals", "Power", "Construction")

NAMED_BSE_CODES = (
    513269,  # Man Industries (India)
    541929,  # Synergy Green Industries
    533193,  # Kirloskar Electric Co
    524520,  # KMC Speciality Hospitals (India), BSE only
    532641,  # Nandan Denim
    532467,  # Hazoor Multi Projects, BSE only
    517300,  # Gujarat Industries Power Co
    514162,  # Welspun Living
    504000,  # Elpro International, NSE-listed only in 2026
    509631,  # HEG
    517041,  # Ador Welding
    524019,  # Kingfa Science & Technology (India)
    533248,  # Gujarat Pipavav Port
    523598,  # Shipping Corporation of India
    543896,  # Avalon Technologies
    543812,  # Divgi TorqTransfer Systems
    543573,  # Syrma SGS Technology
    543534,  # Aether Industries
    543527,  # Prudent Corporate Advisory Services
)
"""Companies named in the market report (SOURCES.md table), by BSE scrip code: always included."""

MCAP_SYMBOL_ALIASES = {"ZOMATO": "ETERNAL", "GMRINFRA": "GMRAIRPORT", "L&TFH": "LTF"}
"""March-2024 NSE symbols of top-250 companies renamed since, whose name changed too.

Every other March-2024 symbol is matched by symbol (EQUITY_L), by BSE Security Id with a similar
name, or by company name; the few still unmatched (renames, mergers, SME lines) stay unranked.
"""

NSE_LISTS = (
    "ind_nifty100list.csv",
    "ind_nifty500list.csv",
    "ind_niftysmallcap250list.csv",
    "ind_niftytotalmarket_list.csv",
    "ind_niftymicrocap250_list.csv",
    "ind_niftysmelist.csv",
)
"""NSE Indices constituent lists, in the order that settles an ISIN listed twice."""

NSE_SERIES = ("EQ", "BE", "BZ")
BSE_EXCLUDED_GROUPS = frozenset({"M", "MT", "MS", "TS", "IP", "P"})
"""BSE SME groups (M, MT, MS, TS, IP) and P (permitted to trade, listed on another exchange)."""

COLUMNS = (
    "symbol",
    "name",
    "sector",
    "industry",
    "mcap_class",
    "exchange",
    "isin",
    "bse_code",
    "market_cap_cr",
)

_NAME_STOPWORDS = frozenset(
    {"limited", "ltd", "the", "india", "co", "company", "corporation", "corp", "and", "of"}
)
_SUFFIX = re.compile(r"[\s,]+(?:limited|ltd\.?)$", re.IGNORECASE)


def build_universe(reference_dir: Path) -> pd.DataFrame:
    """Build the demo universe from the reference lists.

    Args:
        reference_dir: Folder holding the reference files listed in its SOURCES.md.

    Returns:
        One row per company with the columns in ``COLUMNS``, sorted by symbol; ``bse_code`` is a
        nullable integer and ``market_cap_cr`` is in ₹ crore.

    Raises:
        ValueError: If a named company is missing or not Small, a symbol repeats, there are too few
            Small candidates, or a named sector has fewer than ``SECTOR_FLOOR`` Small members.
    """
    candidates = _candidates(reference_dir)
    ranks = _mcap_ranks(reference_dir)
    ranks = ranks.set_index("isin")
    candidates["rank"] = _lookup(candidates["isin"], ranks["rank"])
    candidates["mcap_lakh"] = _lookup(candidates["isin"], ranks["mcap_lakh"])
    # A BSE line ranked on NSE in 2024 but gone from EQUITY_L has since left NSE (merged,
    # delisted or suspended); it is not a BSE-only company, so it is left out.
    left_nse = (candidates["exchange"] == "BSE") & candidates["rank"].notna()
    candidates = candidates[~left_nse].copy()
    candidates["mcap_class"] = [_size_class(rank) for rank in candidates["rank"]]

    named = candidates["bse_code"].isin(NAMED_BSE_CODES)
    missing = set(NAMED_BSE_CODES) - set(candidates.loc[named, "bse_code"].astype(int))
    if missing:
        raise ValueError(f"named companies not in the universe: {sorted(missing)}")
    not_small = candidates.loc[named & (candidates["mcap_class"] != "Small"), "symbol"]
    if not not_small.empty:
        raise ValueError(f"named companies not Small: {sorted(not_small)}")

    small = _choose_small(candidates[candidates["mcap_class"] == "Small"])
    universe = pd.concat(
        [candidates[candidates["mcap_class"] != "Small"], small], ignore_index=True
    )
    universe["market_cap_cr"] = _market_cap_cr(universe)
    universe = universe.sort_values("symbol", kind="mergesort").reset_index(drop=True)

    if universe["symbol"].duplicated().any():
        dupes = sorted(universe.loc[universe["symbol"].duplicated(), "symbol"])
        raise ValueError(f"duplicate symbols: {dupes}")
    counts = universe.loc[universe["mcap_class"] == "Small", "sector"].value_counts()
    thin = {s: int(counts.get(s, 0)) for s in FLOOR_SECTORS if counts.get(s, 0) < SECTOR_FLOOR}
    if thin:
        raise ValueError(f"sectors with too few Small members: {thin}")
    return universe[list(COLUMNS)]


def _choose_small(small: pd.DataFrame) -> pd.DataFrame:
    """Pick exactly ``SMALL_COUNT`` Small companies, deterministically.

    Priority order: the named companies, then NSE rank ascending, then unranked NSE companies by
    symbol, then BSE-only companies by scrip code. The named companies are always taken, then the
    first ``SECTOR_FLOOR`` of each sector in ``FLOOR_SECTORS`` (in priority order), then the rest of
    the priority order until the count is reached.

    Args:
        small: The Small candidates with ``rank``, ``exchange``, ``bse_code``, ``symbol`` and
            ``sector``.

    Returns:
        The chosen rows.

    Raises:
        ValueError: If there are too few candidates overall or in a floor sector.
    """
    if len(small) < SMALL_COUNT:
        raise ValueError(f"only {len(small)} Small candidates, {SMALL_COUNT} needed")
    order = small.assign(
        not_named=~small["bse_code"].isin(NAMED_BSE_CODES),  # False sorts first
        tier=[
            0 if pd.notna(rank) else (1 if exchange == "NSE" else 2)
            for rank, exchange in zip(small["rank"], small["exchange"], strict=True)
        ],
        code_key=small["bse_code"].fillna(0).astype("int64"),
    ).sort_values(
        ["not_named", "tier", "rank", "code_key", "symbol"], kind="mergesort", na_position="last"
    )
    chosen = set(order.index[~order["not_named"]])
    for sector in FLOOR_SECTORS:
        members = order.index[order["sector"] == sector]
        if len(members) < SECTOR_FLOOR:
            raise ValueError(f"only {len(members)} Small candidates in {sector}")
        chosen.update(members[:SECTOR_FLOOR])
    for index in order.index:
        if len(chosen) >= SMALL_COUNT:
            break
        chosen.add(index)
    return order[order.index.isin(chosen)].drop(columns=["not_named", "tier", "code_key"])


def build_isin_sector(reference_dir: Path) -> pd.DataFrame:
    """Build the ISIN → sector/industry table for every active BSE INE equity with an industry.

    The sector is the NSE Indices macro sector when the ISIN is in an NSE list, else BSE
    ``Industry New Name`` with commas removed; the industry is BSE ``Industry``.

    Args:
        reference_dir: Folder holding the reference files.

    Returns:
        Columns ``isin, sector, industry``, sorted by ISIN.
    """
    bse = _read_bse(reference_dir)
    bse = bse[bse["bse_sector"].notna()].copy()
    nse_lists = _read_nse_lists(reference_dir)
    nse_sector = _lookup(bse["isin"], nse_lists.set_index("isin")["nse_sector"])
    bse["sector"] = nse_sector.fillna(bse["bse_sector"])
    _check_sector_names(bse["sector"], nse_lists["nse_sector"])
    table = bse[["isin", "sector", "industry"]].sort_values("isin", kind="mergesort")
    return table.reset_index(drop=True)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as UTF-8 CSV with LF line endings, no index, floats to two decimals.

    Args:
        frame: The table to write.
        path: Destination file; its folder is created when missing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", float_format="%.2f", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Rebuild ``tui/demo/inputs/universe.csv`` and ``tui/sources/data/isin_sector.csv``.

    Args:
        argv: Command-line arguments; the first is the reference folder.

    Returns:
        The process exit status.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tui.demo.universe REFERENCE_DIR", file=sys.stderr)
        return 2
    reference_dir = Path(args[0])
    package = Path(__file__).resolve().parents[1]
    universe = build_universe(reference_dir)
    write_csv(universe, package / "demo" / "inputs" / "universe.csv")
    write_csv(build_isin_sector(reference_dir), package / "sources" / "data" / "isin_sector.csv")
    print(universe["mcap_class"].value_counts().to_string())
    return 0


def _candidates(reference_dir: Path) -> pd.DataFrame:
    """Every company that qualifies for the universe, before size selection."""
    nse_lists = _read_nse_lists(reference_dir).set_index("isin")
    bse = _read_bse(reference_dir)
    bse_by_isin = bse.set_index("isin")

    equity = _read_equity_l(reference_dir)
    nse = equity[(equity["listed"] <= LISTED_BY) & equity["isin"].str.startswith("INE")].copy()
    nse["exchange"] = "NSE"
    for column in ("bse_code", "issuer", "security_name", "industry", "bse_sector"):
        nse[column] = _lookup(nse["isin"], bse_by_isin[column]).to_numpy()
    nse["bse_code"] = nse["bse_code"].astype("Int64")

    bse_only = bse[
        (bse["bse_code"] < BSE_CODE_LIMIT)
        & ~bse["group"].isin(BSE_EXCLUDED_GROUPS)
        & ~bse["bse_code"].isin(nse["bse_code"].dropna())
    ].copy()
    bse_only["symbol"] = bse_only["security_id"]
    bse_only["nse_name"] = pd.NA
    bse_only["exchange"] = "BSE"

    frame = pd.concat([nse, bse_only], ignore_index=True)
    frame["bse_code"] = frame["bse_code"].astype("Int64")
    frame["list_sector"] = _lookup(frame["isin"], nse_lists["nse_sector"]).to_numpy()
    frame["list_name"] = _lookup(frame["isin"], nse_lists["nse_name"]).to_numpy()
    frame["sector"] = frame["list_sector"].fillna(frame["bse_sector"])
    _check_sector_names(frame["sector"], nse_lists["nse_sector"])
    frame = frame[frame["sector"].notna()].copy()
    frame["name"] = [
        _proper_name(row.list_name, row.nse_name, row.issuer, row.security_name)
        for row in frame.itertuples()
    ]
    # Not listed on BSE (BSE Ltd itself, CDSL): no BSE industry, so the sector stands in.
    frame["industry"] = frame["industry"].fillna(frame["sector"])
    # A BSE-only Security Id that is also some NSE company's symbol: that company keeps it.
    nse_symbols = frame.loc[frame["exchange"] == "NSE", "symbol"]
    clash = (frame["exchange"] == "BSE") & frame["symbol"].isin(nse_symbols)
    frame = frame[~clash]
    return frame[["symbol", "name", "sector", "industry", "exchange", "isin", "bse_code"]]


def _mcap_ranks(reference_dir: Path) -> pd.DataFrame:
    """The 28 Mar 2024 NSE rank and market cap (₹ lakh) of each company, by current ISIN."""
    mcap = _read_mcap(reference_dir)
    equity = _read_equity_l(reference_dir)
    by_symbol = equity.set_index("symbol")["isin"]
    bse_all = _read_bse(reference_dir, active_only=False).drop_duplicates("security_id")
    by_bse_id = bse_all.set_index("security_id")
    by_name: dict[str, str] = {}
    for names, name_isins in (
        (equity["nse_name"], equity["isin"]),
        (bse_all["issuer"], bse_all["isin"]),
        (bse_all["security_name"], bse_all["isin"]),
    ):
        for company, company_isin in zip(names, name_isins, strict=True):
            by_name.setdefault(_name_key(company), company_isin)

    isins: list[str | None] = []
    for symbol, name in zip(mcap["symbol"], mcap["name"], strict=True):
        symbol = MCAP_SYMBOL_ALIASES.get(symbol, symbol)
        isin: str | None = None
        if symbol in by_symbol.index:
            isin = str(by_symbol[symbol])
        elif symbol in by_bse_id.index and _similar(name, by_bse_id.at[symbol, "issuer"]):
            isin = str(by_bse_id.at[symbol, "isin"])
        else:
            isin = by_name.get(_name_key(name))
        isins.append(isin)
    mcap["isin"] = isins
    mcap = mcap.dropna(subset=["isin"]).sort_values("rank", kind="mergesort")
    mcap = mcap.drop_duplicates("isin")
    return mcap[["isin", "rank", "mcap_lakh"]].reset_index(drop=True)


def _read_nse_lists(reference_dir: Path) -> pd.DataFrame:
    """NSE Indices constituents (placeholder rows dropped): isin, nse_name, nse_sector."""
    frames = [
        pd.read_csv(reference_dir / name, dtype=str, keep_default_na=False) for name in NSE_LISTS
    ]
    lists = pd.concat(frames, ignore_index=True)
    lists = lists[~lists["ISIN Code"].str.startswith("DUM")]
    lists = lists.rename(
        columns={"ISIN Code": "isin", "Company Name": "nse_name", "Industry": "nse_sector"}
    )
    lists = lists.drop_duplicates("isin")
    return lists[["isin", "nse_name", "nse_sector"]].reset_index(drop=True)


def _read_equity_l(reference_dir: Path) -> pd.DataFrame:
    """NSE EQUITY_L main-board lines: symbol, nse_name, series, listed (date), isin."""
    equity = pd.read_csv(reference_dir / "EQUITY_L.csv", dtype=str, keep_default_na=False)
    equity.columns = equity.columns.str.strip()
    equity = equity[equity["SERIES"].str.strip().isin(NSE_SERIES)]
    listed = pd.to_datetime(equity["DATE OF LISTING"].str.strip(), format="%d-%b-%Y")
    return pd.DataFrame(
        {
            "symbol": equity["SYMBOL"].str.strip(),
            "nse_name": equity["NAME OF COMPANY"].str.strip(),
            "series": equity["SERIES"].str.strip(),
            "listed": listed.dt.date,
            "isin": equity["ISIN NUMBER"].str.strip(),
        }
    ).reset_index(drop=True)


def _read_bse(reference_dir: Path, *, active_only: bool = True) -> pd.DataFrame:
    """BSE scrip master equity lines with an INE ISIN (active ones unless told otherwise)."""
    bse = pd.read_csv(reference_dir / "Equity.csv", dtype=str, keep_default_na=False)
    bse = bse[(bse["Instrument"] == "Equity") & bse["ISIN No"].str.strip().str.startswith("INE")]
    if active_only:
        bse = bse[bse["Status"] == "Active"]
    sector = bse["Industry New Name"].str.replace(",", "", regex=False).str.strip()
    industry = bse["Industry"].str.strip()
    return pd.DataFrame(
        {
            "bse_code": bse["Security Code"].astype("int64"),
            "issuer": bse["Issuer Name"].str.strip(),
            "security_id": bse["Security Id"].str.strip(),
            "security_name": bse["Security Name"].str.strip(),
            "group": bse["Group"].str.strip(),
            "isin": bse["ISIN No"].str.strip(),
            "industry": industry.where(industry != ""),
            "bse_sector": sector.where(~sector.isin(["-", ""])),
        }
    ).reset_index(drop=True)


def _read_mcap(reference_dir: Path) -> pd.DataFrame:
    """NSE market caps of 28 Mar 2024: rank, symbol, name, mcap_lakh (NaN if not traded)."""
    mcap = pd.read_csv(reference_dir / "MCAP28032024.csv", dtype=str, keep_default_na=False)
    mcap.columns = ["rank", "symbol", "name", "lakh"]
    mcap = mcap[mcap["symbol"].str.strip() != ""]
    lakh = pd.to_numeric(mcap["lakh"].str.replace(",", "", regex=False).str.strip(), "coerce")
    return pd.DataFrame(
        {
            "rank": mcap["rank"].astype("int64"),
            "symbol": mcap["symbol"].str.strip(),
            "name": mcap["name"].str.strip(),
            "mcap_lakh": lakh,
        }
    ).reset_index(drop=True)


def _lookup(isins: pd.Series, table: pd.Series) -> pd.Series:
    """Map ISINs through ``table`` (indexed by ISIN); fall back on the issuer's equity prefix.

    The first nine characters (``INE`` + issuer + security type) stay the same when a split or a
    face-value change gives the share a new ISIN, which the lists, months apart, may not agree on.
    """
    table = table[~table.index.duplicated()]
    exact = isins.map(table)
    prefix = table.copy()
    prefix.index = prefix.index.str[:9]
    prefix = prefix[~prefix.index.duplicated(keep=False)]
    return exact.fillna(isins.str[:9].map(prefix))


def _check_sector_names(sectors: pd.Series, nse_sectors: pd.Series) -> None:
    """Fail unless every sector is one of NSE's macro-sector names.

    BSE ``Industry New Name`` with commas removed spells the same 22 names as NSE Indices (e.g.
    "Oil, Gas & Consumable Fuels" becomes "Oil Gas & Consumable Fuels"), so no mapping is needed;
    this check catches a future list that breaks that.
    """
    unknown = sorted(set(sectors.dropna()) - set(nse_sectors))
    if unknown:
        raise ValueError(f"sector names not among NSE's macro sectors: {unknown}")


def _size_class(rank: float) -> str:
    """SEBI-style class from the 2024 NSE market-cap rank; unranked is Small."""
    if pd.isna(rank) or rank > MID_MAX_RANK:
        return "Small"
    return "Large" if rank <= LARGE_MAX_RANK else "Mid"


def _market_cap_cr(universe: pd.DataFrame) -> pd.Series:
    """Market cap in ₹ crore: the 2024 figure, or a synthetic one for unranked companies.

    The synthetic value is 40–95 % of the smallest ranked Small company's, set by a hash of the
    ISIN so that it is stable whatever else is in the universe.
    """
    crore = (universe["mcap_lakh"] / 100).round(2)
    ranked_small = crore[(universe["mcap_class"] == "Small") & crore.notna()]
    floor = float(ranked_small.min())
    synthetic = [round(floor * (0.40 + 0.55 * _unit_hash(isin)), 2) for isin in universe["isin"]]
    return crore.fillna(pd.Series(synthetic, index=universe.index))


def _unit_hash(text: str) -> float:
    """A stable number in [0, 1) from text."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) / 2**32


def _name_key(name: object) -> str:
    """A loose key for company names: lower case, no punctuation or legal-form words."""
    text = str(name).lower().replace("&", " and ")
    words = re.sub(r"[^a-z0-9 ]", " ", text).split()
    return " ".join(word for word in words if word not in _NAME_STOPWORDS)


def _similar(first: object, second: object) -> bool:
    """Whether two company names are alike enough to be the same company."""
    return difflib.SequenceMatcher(None, _name_key(first), _name_key(second)).ratio() >= 0.7


def _proper_name(*names: object) -> str:
    """The first usable name in mixed case, with the legal form written ``Ltd.``.

    Args:
        *names: Candidate names, best first: NSE index list, EQUITY_L, BSE issuer, BSE security.

    Returns:
        The chosen name; an all-capitals name is used only when no other exists.
    """
    usable = [re.sub(r"\s+", " ", str(n)).strip() for n in names if isinstance(n, str) and n]
    usable = [re.sub(r"-\$$", "", name).strip() for name in usable]
    usable = [name for name in usable if name]
    mixed = [name for name in usable if name != name.upper()]
    chosen = (mixed or usable)[0]
    return _SUFFIX.sub(" Ltd.", chosen)


if __name__ == "__main__":
    raise SystemExit(main())
