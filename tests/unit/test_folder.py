"""The data folder loader: values and dtypes, every one-line error, gzip, the cache, writing."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from folder_factory import INDICES, PRICES, RESULTS, STOCKS, make_folder, render, text

from tui import paths
from tui.market.model import (
    ANNUAL_COLUMNS,
    ANNUAL_OPTIONAL,
    BALANCE_COLUMNS,
    CALENDAR_COLUMNS,
    CALENDAR_OPTIONAL,
    RESULT_COLUMNS,
    MarketData,
    MarketMeta,
)
from tui.sources import folder as folder_module
from tui.sources.base import Source, SourceError
from tui.sources.folder import FolderError, FolderSource, load_folder, write_folder


def _with(rows: list[dict[str, str]], index: int, **changes: str) -> list[dict[str, str]]:
    """A copy of rows with row `index` changed."""
    out = [dict(r) for r in rows]
    out[index].update(changes)
    return out


def _error(tmp_path: Path, **overrides: object) -> str:
    with pytest.raises(FolderError) as caught:
        load_folder(make_folder(tmp_path, **overrides), use_cache=False)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- the valid folder ---------------------------------------------------------------------------


def test_tiny_folder_loads_typed_and_sorted(tmp_path: Path) -> None:
    data = load_folder(make_folder(tmp_path))
    assert data.source == "folder"
    assert not data.stale
    assert data.meta == MarketMeta(
        name="Testland",
        as_of=dt.date(2026, 2, 10),
        benchmarks=("SENSEX",),
        segments={"small": "BSE SmallCap", "mid": "BSE MidCap", "large": "BSE 100"},
    )

    stocks = data.stocks
    assert list(stocks.index) == ["ALPHA", "BETA", "GAMMA"]
    assert stocks.index.name == "symbol"
    assert list(stocks["mcap_class"]) == ["Small", "Mid", "Large"]
    assert list(stocks["status"]) == ["active", "active", "suspended"]
    assert stocks.loc["GAMMA", "name"] == "Gamma Bank, Ltd"
    assert stocks["market_cap_cr"].dtype == np.float64
    assert stocks.loc["ALPHA", "market_cap_cr"] == 850.5
    assert np.isnan(stocks.loc["GAMMA", "market_cap_cr"])

    prices = data.prices
    assert list(prices.columns) == ["symbol", "date", "open", "high", "low", "close", "volume"]
    assert prices["date"].dtype == "datetime64[ns]"
    assert all(prices[c].dtype == np.float64 for c in ("open", "high", "low", "close", "volume"))
    assert isinstance(prices["symbol"].dtype, pd.CategoricalDtype)  # compact: see MarketData
    assert list(prices.index) == list(range(11))
    assert list(prices["symbol"]) == ["ALPHA"] * 5 + ["BETA"] * 5 + ["GAMMA"]
    assert prices["date"].is_monotonic_increasing is False  # sorted within each symbol only
    alpha = prices[prices["symbol"] == "ALPHA"]
    assert alpha["date"].is_monotonic_increasing
    assert list(alpha["close"]) == [100.0, 102.0, 101.0, 104.0, 103.5]
    assert (prices["date"] == prices["date"].dt.normalize()).all()

    assert list(data.indices["index"].unique()) == [
        "BSE 100",
        "BSE MidCap",
        "BSE SmallCap",
        "SENSEX",
    ]
    assert len(data.sessions) == 5

    results = data.results
    assert list(results["period_end"]) == [pd.Timestamp("2025-09-30"), pd.Timestamp("2025-12-31")]
    assert list(results["basis"]) == ["standalone", "consolidated"]
    assert np.isnan(results["other_income"].iloc[0])
    assert results["filed_on"].dtype == "datetime64[ns]"
    assert data.annual.loc[0, "promoter_pledge_pct"] == 0.0
    assert np.isnan(data.annual.loc[0, "shares_cr"])
    assert data.balance.loc[0, "receivables"] == 210.0
    assert data.calendar["announced_on"].isna().tolist() == [False, True]


def test_missing_optional_files_give_empty_typed_frames(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, results=None, annual=None, balance=None, calendar=None)
    data = load_folder(folder)
    for frame, columns in (
        (data.results, (*RESULT_COLUMNS, "basis")),
        (data.annual, ANNUAL_COLUMNS + ANNUAL_OPTIONAL),
        (data.balance, BALANCE_COLUMNS),
        (data.calendar, CALENDAR_COLUMNS + CALENDAR_OPTIONAL),
    ):
        assert frame.empty
        assert tuple(frame.columns) == columns
    assert data.results["filed_on"].dtype == "datetime64[ns]"
    assert data.annual["sales"].dtype == np.float64
    assert data.calendar["date"].dtype == "datetime64[ns]"


def test_header_only_optional_file_is_empty_not_an_error(tmp_path: Path) -> None:
    header = render(RESULTS).splitlines()[0] + "\n"
    data = load_folder(make_folder(tmp_path, results=header))
    assert data.results.empty
    assert data.results["period_end"].dtype == "datetime64[ns]"


def test_gzipped_files_load_like_plain_ones(tmp_path: Path) -> None:
    plain = make_folder(tmp_path)
    zipped = make_folder(tmp_path, folder_name="zipped", prices=None, stocks=None)
    (zipped / "prices.csv.gz").write_bytes(gzip.compress(text("prices").encode()))
    (zipped / "stocks.csv.gz").write_bytes(gzip.compress(text("stocks").encode()))
    a, b = load_folder(plain), load_folder(zipped)
    pd.testing.assert_frame_equal(a.prices, b.prices)
    pd.testing.assert_frame_equal(a.stocks, b.stocks)


def test_as_of_may_be_a_string(tmp_path: Path) -> None:
    market = text("market").replace("as_of = 2026-02-10", 'as_of = "2026-02-09"')
    assert load_folder(make_folder(tmp_path, market=market)).meta.as_of == dt.date(2026, 2, 9)


def test_blank_lines_and_multiline_fields_keep_physical_line_numbers(tmp_path: Path) -> None:
    stocks = render(_with(STOCKS, 0, name="Beta\nCables")) + "\n"
    stocks += "DELTA,Delta Ltd,IT,Software,Micro\n"
    message = _error(tmp_path, stocks=stocks)
    assert message == "stocks.csv line 7, column mcap_class: 'Micro' is not Small, Mid or Large"


# --- each malformed folder, with its exact one-line message ------------------------------------


ERRORS = [
    pytest.param(
        {"stocks": [{k: v for k, v in r.items() if k != "mcap_class"} for r in STOCKS]},
        "stocks.csv: missing column 'mcap_class'",
        id="missing-column",
    ),
    pytest.param(
        {"prices": _with(PRICES, 3, close="abc")},
        "prices.csv line 5, column close: 'abc' is not a number",
        id="non-numeric-price",
    ),
    pytest.param(
        {"prices": _with(PRICES, 0, volume="nan")},
        "prices.csv line 2, column volume: 'nan' is not a number",
        id="nan-text",
    ),
    pytest.param(
        {"prices": _with(PRICES, 1, high="1e999")},
        "prices.csv line 3, column high: '1e999' is not a number",
        id="infinite",
    ),
    pytest.param(
        {"prices": _with(PRICES, 2, low="")},
        "prices.csv line 4, column low: missing value",
        id="missing-value",
    ),
    pytest.param(
        {"prices": _with(PRICES, 10, symbol="BETA", date="2026-02-05")},
        "prices.csv line 12: duplicate (symbol, date) ('BETA', 2026-02-05), first on line 4",
        id="duplicate-symbol-date",
    ),
    pytest.param(
        {"indices": _with(INDICES, 7, date="2026-02-04")},
        "indices.csv line 9: duplicate (index, date) ('BSE SmallCap', 2026-02-04), first on line 7",
        id="duplicate-index-date",
    ),
    pytest.param(
        {"stocks": [*STOCKS, STOCKS[0]]},
        "stocks.csv line 5: duplicate symbol 'BETA', first on line 2",
        id="duplicate-stock",
    ),
    pytest.param(
        {"stocks": _with(STOCKS, 1, mcap_class="Micro")},
        "stocks.csv line 3, column mcap_class: 'Micro' is not Small, Mid or Large",
        id="unknown-mcap-class",
    ),
    pytest.param(
        {"stocks": _with(STOCKS, 2, status="halted")},
        "stocks.csv line 4, column status: 'halted' is not active or suspended",
        id="unknown-status",
    ),
    pytest.param(
        {"prices": _with(PRICES, 4, date="2026-02-30")},
        "prices.csv line 6, column date: '2026-02-30' is not a date (YYYY-MM-DD)",
        id="bad-date",
    ),
    pytest.param(
        {"results": _with(RESULTS, 1, filed_on="2025-09-29")},
        "results.csv line 3, column filed_on: 2025-09-29 is before period_end 2025-09-30",
        id="filed-before-period-end",
    ),
    pytest.param(
        {"annual": text("annual").replace("2025-05-20", "2025-03-01")},
        "annual.csv line 2, column filed_on: 2025-03-01 is before year_end 2025-03-31",
        id="filed-before-year-end",
    ),
    pytest.param(
        {"balance": text("balance").replace("2025-11-12", "2025-01-01")},
        "balance.csv line 2, column filed_on: 2025-01-01 is before period_end 2025-09-30",
        id="balance-filed-early",
    ),
    pytest.param(
        {"calendar": text("calendar").replace("2026-02-02", "2026-02-13")},
        "calendar.csv line 2, column announced_on: 2026-02-13 is after the meeting date 2026-02-12",
        id="announced-after-meeting",
    ),
    pytest.param({"prices": ""}, "prices.csv: file is empty (no header line)", id="empty-file"),
    pytest.param(
        {"prices": text("prices").splitlines()[0] + "\n"},
        "prices.csv: no rows (only a header line)",
        id="header-only",
    ),
    pytest.param(
        {"prices": _with(PRICES, 5, high="100")},
        "prices.csv line 7, column high: high 100 is below max(open, close) 101",
        id="high-below-open-close",
    ),
    pytest.param(
        {"prices": _with(PRICES, 6, low="104")},
        "prices.csv line 8, column low: low 104 is above min(open, close) 50.5",
        id="low-above-open-close",
    ),
    pytest.param(
        {"prices": _with(PRICES, 8, open="0")},
        "prices.csv line 10, column open: '0' is not a positive price",
        id="zero-price",
    ),
    pytest.param(
        {"prices": _with(PRICES, 9, volume="-5")},
        "prices.csv line 11, column volume: '-5' is negative",
        id="negative-volume",
    ),
    pytest.param(
        {"prices": _with(PRICES, 3, symbol="ZETA")},
        "prices.csv line 5, column symbol: 'ZETA' is not in stocks.csv",
        id="unknown-symbol-prices",
    ),
    pytest.param(
        {"results": _with(RESULTS, 0, symbol="ZETA")},
        "results.csv line 2, column symbol: 'ZETA' is not in stocks.csv",
        id="unknown-symbol-results",
    ),
    pytest.param(
        {"prices": text("prices") + "ALPHA,2026-02-11,1,2,1,2,3,4\n"},
        "prices.csv line 13: expected 7 fields, saw 8",
        id="too-many-fields",
    ),
    pytest.param(
        {"prices": text("prices").replace("\n", ",7\n", 2).replace(",7", "", 1)},
        "prices.csv line 2: expected 7 fields, saw 8",
        id="extra-field-on-first-row",
    ),
    pytest.param(
        {"indices": None},
        "indices.csv: required file is missing (nor is there indices.csv.gz)",
        id="missing-file",
    ),
    pytest.param({"market": None}, "market.toml: required file is missing", id="missing-toml"),
    pytest.param(
        {"market": text("market").replace("as_of = 2026-02-10\n", "")},
        "market.toml: key 'as_of' must be a date (2026-02-10 or \"2026-02-10\") (found missing)",
        id="toml-missing-as-of",
    ),
    pytest.param(
        {"market": text("market").replace("2026-02-10", '"10/02/2026"')},
        "market.toml: key 'as_of' must be a date YYYY-MM-DD (found '10/02/2026')",
        id="toml-bad-as-of",
    ),
    pytest.param(
        {"market": text("market").replace('name = "Testland"', "name = 3")},
        "market.toml: key 'name' must be a string (found 3)",
        id="toml-name-type",
    ),
    pytest.param(
        {"market": text("market").replace('name = "Testland"', "name = ")},
        "market.toml line 1: invalid TOML: Invalid value",
        id="toml-syntax",
    ),
    pytest.param(
        {"market": text("market").replace('["SENSEX"]', '["NIFTY 50"]')},
        "market.toml: benchmark 'NIFTY 50' is not an index in indices.csv",
        id="unknown-benchmark",
    ),
    pytest.param(
        {"market": text("market").replace('"BSE MidCap"', '"BSE MidSmall"')},
        "market.toml: segment mid = 'BSE MidSmall' is not an index in indices.csv",
        id="unknown-segment-index",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), ERRORS)
def test_malformed_folder_gives_one_line_error(
    tmp_path: Path, overrides: dict[str, object], expected: str
) -> None:
    assert _error(tmp_path, **overrides) == expected


def test_error_message_is_one_line_even_for_multiline_values(tmp_path: Path) -> None:
    message = _error(tmp_path, stocks=_with(STOCKS, 0, mcap_class="Mid\ncap"))
    assert len(message.splitlines()) == 1
    assert message == "stocks.csv line 2, column mcap_class: 'Mid\\ncap' is not Small, Mid or Large"


def test_error_names_the_gzipped_file(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, prices=None)
    bad = render(_with(PRICES, 3, close="abc"))
    (folder / "prices.csv.gz").write_bytes(gzip.compress(bad.encode()))
    with pytest.raises(FolderError, match=r"^prices\.csv\.gz line 5, column close: 'abc' is"):
        load_folder(folder)


def test_plain_and_gzipped_copies_of_one_file_are_ambiguous(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    (folder / "prices.csv.gz").write_bytes(gzip.compress(text("prices").encode()))
    with pytest.raises(FolderError, match=r"both prices\.csv and prices\.csv\.gz exist"):
        load_folder(folder)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(FolderError, match="not a folder"):
        load_folder(tmp_path / "nowhere")


def test_folder_error_is_a_value_error_and_a_source_error(tmp_path: Path) -> None:
    error = FolderError("prices.csv", "'abc' is not a number", 12, "close")
    assert str(error) == "prices.csv line 12, column close: 'abc' is not a number"
    assert (error.file, error.line, error.column) == ("prices.csv", 12, "close")
    assert isinstance(error, ValueError)
    assert isinstance(error, SourceError)


def test_folder_source(tmp_path: Path) -> None:
    source = FolderSource(make_folder(tmp_path))
    assert isinstance(source, Source)
    assert source.name == "folder"
    assert list(source.load().stocks.index) == ["ALPHA", "BETA", "GAMMA"]


# --- the cache ----------------------------------------------------------------------------------


def _cache_entries() -> list[Path]:
    return sorted((paths.cache_dir() / "v1" / "folders").glob("*.pkl"))


def test_cache_hit_skips_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_folder(tmp_path)
    first = load_folder(folder)
    assert len(_cache_entries()) == 1

    def fail(_: Path) -> MarketData:
        raise AssertionError("parsed again")

    monkeypatch.setattr(folder_module, "_load", fail)
    second = load_folder(folder)
    pd.testing.assert_frame_equal(first.prices, second.prices)
    assert second.meta == first.meta
    with pytest.raises(AssertionError, match="parsed again"):
        load_folder(folder, use_cache=False)


def test_cache_misses_when_a_file_changes(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    load_folder(folder)
    stocks = folder / "stocks.csv"
    stocks.write_text(text("stocks").replace("Alpha Power Ltd", "Alpha Energy Ltd"))
    os.utime(stocks, ns=(1, 1))
    assert load_folder(folder).stocks.loc["ALPHA", "name"] == "Alpha Energy Ltd"


def test_cache_is_never_used_for_a_folder_that_became_invalid(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    load_folder(folder)
    (folder / "prices.csv").write_text(render(_with(PRICES, 0, close="x")))
    with pytest.raises(FolderError):
        load_folder(folder)


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps("wrong header")])
def test_corrupt_cache_entry_is_a_miss(tmp_path: Path, content: bytes) -> None:
    folder = make_folder(tmp_path)
    first = load_folder(folder)
    [entry] = _cache_entries()
    entry.write_bytes(content)
    again = load_folder(folder)
    pd.testing.assert_frame_equal(first.prices, again.prices)
    assert entry.read_bytes() != content  # rewritten
    assert not list(entry.parent.glob("*.tmp"))


def test_wrong_object_in_cache_is_a_miss(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    load_folder(folder)
    [entry] = _cache_entries()
    with entry.open("rb") as handle:
        header = pickle.load(handle)
    entry.write_bytes(pickle.dumps(header) + pickle.dumps({"not": "market data"}))
    assert isinstance(load_folder(folder), MarketData)


def test_use_cache_false_writes_nothing(tmp_path: Path) -> None:
    load_folder(make_folder(tmp_path), use_cache=False)
    assert _cache_entries() == []


def test_unwritable_cache_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("a file where the cache dir should be")
    monkeypatch.setenv("DALAL_CACHE_DIR", str(blocker))
    assert isinstance(load_folder(make_folder(tmp_path)), MarketData)


# --- writing ------------------------------------------------------------------------------------


def _assert_same(a: MarketData, b: MarketData) -> None:
    assert a.meta == b.meta
    for name in ("stocks", "prices", "indices", "results", "annual", "balance", "calendar"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


@pytest.mark.parametrize("zipped", [True, False])
def test_write_folder_round_trips(tmp_path: Path, zipped: bool) -> None:
    data = load_folder(make_folder(tmp_path))
    rng = np.random.default_rng(7)
    prices = data.prices.copy()
    noise = rng.uniform(1, 2, (len(prices), 4)) * 10.0 ** rng.integers(-3, 6, (len(prices), 1))
    prices[["open", "close", "low"]] = noise[:, :3]
    prices["high"] = noise.max(axis=1)
    prices["low"] = noise.min(axis=1)
    results = data.results.copy()
    results["sales"] = [0.1 + 0.2, 1 / 3]
    results["eps"] = [-1e-7, 123456789.123456789]
    data = replace(data, prices=prices, results=results)

    out = tmp_path / "written"
    write_folder(data, out, gzip=zipped)
    suffix = ".csv.gz" if zipped else ".csv"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["market.toml"] + [f"{s}{suffix}" for s in (
            "stocks", "prices", "indices", "results", "annual", "balance", "calendar"
        )]
    )  # fmt: skip
    _assert_same(data, load_folder(out, use_cache=False))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".written")]


def test_write_folder_replaces_a_data_folder_and_skips_empty_optional_frames(
    tmp_path: Path,
) -> None:
    data = load_folder(make_folder(tmp_path, results=None, annual=None, balance=None))
    out = tmp_path / "written"
    write_folder(load_folder(make_folder(tmp_path, folder_name="full")), out)
    write_folder(data, out, gzip=False)
    assert sorted(p.name for p in out.iterdir()) == [
        "calendar.csv", "indices.csv", "market.toml", "prices.csv", "stocks.csv",
    ]  # fmt: skip
    _assert_same(data, load_folder(out))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_write_folder_refuses_to_replace_other_folders(tmp_path: Path) -> None:
    data = load_folder(make_folder(tmp_path))
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        write_folder(data, precious)
    assert (precious / "notes.txt").read_text() == "keep me"


def test_failed_write_leaves_no_temp_folder(tmp_path: Path) -> None:
    data = load_folder(make_folder(tmp_path))
    broken = replace(data, prices=object())
    with pytest.raises(AttributeError):
        write_folder(broken, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "folder"]


def test_corrupt_gzip_is_a_folder_error(tmp_path: Path) -> None:
    folder = make_folder(tmp_path, prices=None)
    (folder / "prices.csv.gz").write_bytes(gzip.compress(text("prices").encode())[:40])
    message = _error_in(folder)
    assert message.startswith("prices.csv.gz: cannot be read (")


def test_non_utf8_file_is_a_folder_error(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    (folder / "stocks.csv").write_bytes(
        text("stocks").replace("Alpha", "Alph\xe9").encode("latin-1")
    )
    assert _error_in(folder) == "stocks.csv: not UTF-8 text"


def _error_in(folder: Path) -> str:
    with pytest.raises(FolderError) as caught:
        load_folder(folder, use_cache=False)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_compact_load_caches_the_panel_and_equals_the_long_form(tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    long = load_folder(folder)
    first = load_folder(folder, compact=True)
    again = load_folder(folder, compact=True)  # from the compact cache entry
    assert first.bars is not None
    assert again.bars is not None
    assert long.bars is None
    for data in (first, again):
        pd.testing.assert_frame_equal(data.price_frame(), long.prices.astype({"symbol": str}),
                                      check_categorical=False)  # fmt: skip
    files = sorted(p.name for p in _cache_entries())
    assert len(files) == 2
    assert any(name.endswith(".compact.pkl") for name in files)
