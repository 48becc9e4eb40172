"""The committed demo universe: its invariants, and that it rebuilds from the reference lists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHARED
from tui.demo import universe

PACKAGE = Path(universe.__file__).resolve().parents[1]
UNIVERSE_CSV = PACKAGE / "demo" / "inputs" / "universe.csv"
ISIN_SECTOR_CSV = PACKAGE / "sources" / "data" / "isin_sector.csv"
REFERENCE = SHARED / "data" / "reference"

NAMED = {
    # symbol: (sector, exchange), all Small
    "MANINDS": ("Capital Goods", "NSE"),
    "SGIL": ("Capital Goods", "NSE"),
    "KECL": ("Capital Goods", "NSE"),
    "KMCSHIL": ("Healthcare", "BSE"),
    "NDL": ("Textiles", "NSE"),
    "HAZOOR": ("Realty", "BSE"),
    "GIPCL": ("Power", "NSE"),
    "WELSPUNLIV": ("Textiles", "NSE"),
    "ELPROINTL": ("Realty", "BSE"),
    "HEG": ("Capital Goods", "NSE"),
    "ADOR": ("Capital Goods", "NSE"),
    "KINGFA": ("Capital Goods", "NSE"),
    "GPPL": ("Services", "NSE"),
    "SCI": ("Services", "NSE"),
    "AVALON": ("Capital Goods", "NSE"),
    "DIVGIITTS": ("Automobile and Auto Components", "NSE"),
    "SYRMA": ("Capital Goods", "NSE"),
    "AETHER": ("Chemicals", "NSE"),
    "PRUDENT": ("Financial Services", "NSE"),
}


@pytest.fixture(scope="module")
def stocks() -> pd.DataFrame:
    return pd.read_csv(UNIVERSE_CSV, dtype=str, keep_default_na=False)


def test_columns_and_order(stocks: pd.DataFrame) -> None:
    assert tuple(stocks.columns) == universe.COLUMNS
    assert list(stocks["symbol"]) == sorted(stocks["symbol"])


def test_symbols_and_isins_are_unique(stocks: pd.DataFrame) -> None:
    assert stocks["symbol"].is_unique
    assert stocks["isin"].is_unique
    assert (stocks["symbol"] != "").all()


def test_size_classes(stocks: pd.DataFrame) -> None:
    counts = stocks["mcap_class"].value_counts()
    assert set(counts.index) <= {"Small", "Mid", "Large"}
    assert counts["Small"] == 1211
    assert 95 <= counts["Large"] <= 100
    assert 140 <= counts["Mid"] <= 150


def test_every_row_has_sector_industry_and_market_cap(stocks: pd.DataFrame) -> None:
    assert (stocks["sector"] != "").all()
    assert (stocks["industry"] != "").all()
    assert set(stocks["exchange"]) <= {"NSE", "BSE"}
    assert (stocks["isin"].str.match(r"^INE[0-9A-Z]{9}$")).all()
    assert (stocks["market_cap_cr"].astype(float) > 0).all()
    bse_only = stocks[stocks["exchange"] == "BSE"]
    assert (bse_only["bse_code"] != "").all()
    assert (bse_only["bse_code"].astype(int) < universe.BSE_CODE_LIMIT).all()


def test_sectors_are_nse_macro_sectors(stocks: pd.DataFrame) -> None:
    assert stocks["sector"].nunique() <= 22
    assert not stocks["sector"].str.contains(",").any()


def test_large_caps_are_bigger_than_small_caps(stocks: pd.DataFrame) -> None:
    cap = stocks["market_cap_cr"].astype(float)
    assert cap[stocks["mcap_class"] == "Large"].min() > cap[stocks["mcap_class"] == "Small"].max()


def test_named_companies(stocks: pd.DataFrame) -> None:
    by_symbol = stocks.set_index("symbol")
    for symbol, (sector, exchange) in NAMED.items():
        row = by_symbol.loc[symbol]
        assert (row["mcap_class"], row["sector"], row["exchange"]) == ("Small", sector, exchange), (
            symbol
        )
    assert by_symbol.loc["MANINDS", "name"] == "Man Industries (India) Ltd."


@pytest.mark.parametrize("sector", ["Capital Goods", "Chemicals", "Power", "Construction"])
def test_report_sectors_have_enough_small_caps(stocks: pd.DataFrame, sector: str) -> None:
    small = stocks[stocks["mcap_class"] == "Small"]
    assert (small["sector"] == sector).sum() >= 10


def test_isin_sector_table() -> None:
    table = pd.read_csv(ISIN_SECTOR_CSV, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == ("isin", "sector", "industry")
    assert table["isin"].is_unique
    assert table["isin"].str.startswith("INE").all()
    assert (table["sector"] != "").all()
    assert table["sector"].nunique() == 22
    assert len(table) > 4000


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="reference lists (../shared) not available")
def test_rebuild_reproduces_committed_files(tmp_path: Path) -> None:
    universe.write_csv(universe.build_universe(REFERENCE), tmp_path / "universe.csv")
    universe.write_csv(universe.build_isin_sector(REFERENCE), tmp_path / "isin_sector.csv")
    assert (tmp_path / "universe.csv").read_bytes() == UNIVERSE_CSV.read_bytes()
    assert (tmp_path / "isin_sector.csv").read_bytes() == ISIN_SECTOR_CSV.read_bytes()
