"""Watchlists in watchlists.toml: the API, names, TOML round-trips, corrupt files, import/export."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from tui import paths
from tui.store import watchlists as wl
from tui.store.atomic import StoreError, StoreNotice, StoreWarning, atomic_write, validate_name

DAY = dt.date(2026, 2, 10)


def entry(symbol: str, price: float = 100.0, day: dt.date = DAY) -> wl.Entry:
    return wl.Entry(symbol, day, price)


def test_file_lives_in_the_data_dir() -> None:
    wl.create("core")
    assert wl.default_path() == paths.data_dir() / "watchlists.toml"
    assert wl.default_path().is_file()


def test_create_add_get_remove_delete() -> None:
    assert wl.list_names() == []
    assert wl.create("core") == "core"
    assert wl.get("core").entries == ()
    change = wl.add_symbols("core", [entry("tcs", 3120.5), entry("INFY", 1500.0)])
    assert change.done == ("TCS", "INFY")
    assert wl.get("core").entries == (entry("TCS", 3120.5), entry("INFY", 1500.0))
    removed = wl.remove_symbols("core", ["infy", "NOPE"])
    assert (removed.done, removed.skipped) == (("INFY",), ("NOPE",))
    assert wl.get("core").symbols == ["TCS"]
    assert wl.delete("core") == "core"
    assert wl.list_names() == []


def test_adding_an_existing_symbol_keeps_the_original_entry() -> None:
    wl.add_symbols("core", [entry("TCS", 100.0, dt.date(2026, 1, 5))])
    change = wl.add_symbols("core", [entry("TCS", 200.0), entry("INFY", 50.0)])
    assert change.done == ("INFY",)
    assert change.skipped == ("TCS",)
    assert wl.get("core").entries[0] == entry("TCS", 100.0, dt.date(2026, 1, 5))


def test_add_creates_the_list_unless_told_not_to() -> None:
    with pytest.raises(StoreError, match="no watchlist named 'new'"):
        wl.add_symbols("new", ["TCS"], create=False)
    assert wl.add_symbols("new", ["TCS"]).done == ("TCS",)
    assert wl.get("new").entries == (wl.Entry("TCS"),)


def test_names_are_matched_case_insensitively_and_kept_as_written() -> None:
    wl.create("Core Picks")
    with pytest.raises(StoreError, match="already exists"):
        wl.create("core picks")
    wl.add_symbols("CORE PICKS", ["TCS"])
    assert wl.list_names() == ["Core Picks"]
    assert wl.get("core picks").name == "Core Picks"


def test_missing_lists_are_one_line_errors() -> None:
    for call in (
        lambda: wl.get("nope"),
        lambda: wl.delete("nope"),
        lambda: wl.remove_symbols("nope", ["X"]),
        lambda: wl.export_csv("nope"),
        lambda: wl.set_last_used("nope"),
    ):
        with pytest.raises(StoreError, match="no watchlist named 'nope'") as err:
            call()
        assert "\n" not in str(err.value)


def test_last_used_follows_set_and_delete() -> None:
    assert wl.last_used() is None
    wl.create("a")
    wl.create("b")
    wl.set_last_used("B")
    assert wl.last_used() == "b"
    wl.delete("b")
    assert wl.last_used() is None
    assert "last_used" not in tomllib.loads(wl.default_path().read_text())


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "..",
        ".",
        "",
        "   ",
        "a" * 500,
        "a" * 65,
        "a/b",
        "a\\b",
        "/etc/passwd",
        "x\ny",
        "tab\there",
        "nul\x00",
        " leading",
        "trailing ",
        "dots.in.name",
        "semi;colon",
        "quote'",
        'dq"',
    ],
)
def test_bad_names_are_refused_in_one_line(name: str) -> None:
    with pytest.raises(StoreError) as err:
        wl.create(name)
    message = str(err.value)
    assert "\n" not in message
    assert len(message) < 200
    with pytest.raises(StoreError):
        wl.add_symbols(name, ["TCS"])
    assert not wl.default_path().exists()  # nothing was written


@pytest.mark.parametrize(
    "name", ["core", "My List_2-b", "a" * 64, "निवेश सूची", "Überliste", "日本株", "x"]
)
def test_good_names_including_unicode_round_trip(name: str) -> None:
    wl.create(name)
    wl.add_symbols(name, [entry("TCS")])
    text = wl.default_path().read_text(encoding="utf-8")
    assert tomllib.loads(text)["lists"][name]["entries"][0]["symbol"] == "TCS"
    assert wl.list_names() == [name]
    assert wl.get(name).entries == (entry("TCS"),)
    wl.delete(name)
    assert wl.list_names() == []


def test_unicode_name_forms_are_the_same_list() -> None:
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    wl.create(composed)
    assert wl.get(decomposed).name == composed


def test_written_toml_round_trips_through_tomlkit_and_tomllib() -> None:
    wl.add_symbols("core", [entry("TCS", 3120.55), wl.Entry("NOPRICE", DAY, None), "BARE"])
    wl.add_symbols("second list", [entry("INFY", 1.25)])
    wl.set_last_used("core")
    text = wl.default_path().read_text(encoding="utf-8")
    assert tomlkit.parse(text).as_string() == text
    data = tomllib.loads(text)
    assert data["last_used"] == "core"
    assert data["lists"]["core"]["entries"] == [
        {"symbol": "TCS", "added_on": DAY, "added_price": 3120.55},
        {"symbol": "NOPRICE", "added_on": DAY},
        {"symbol": "BARE"},
    ]
    assert wl.get("core").entries[1] == wl.Entry("NOPRICE", DAY, None)


def test_user_comments_and_unknown_keys_survive_changes() -> None:
    atomic_write(
        wl.default_path(),
        b"# my watchlists\nfavourite_colour = 'green'\n\n"
        b"[lists.core]  # the main one\nnote = 'keep me'\n"
        b"entries = [{symbol = 'TCS', added_on = 2026-01-05, added_price = 10.0}]\n",
    )
    wl.add_symbols("core", [entry("INFY")])
    wl.create("other")
    text = wl.default_path().read_text()
    for kept in ("# my watchlists", "favourite_colour", "# the main one", "note = 'keep me'"):
        assert kept in text
    assert wl.get("core").symbols == ["TCS", "INFY"]


def test_array_of_tables_form_is_read_too() -> None:
    atomic_write(
        wl.default_path(),
        b"[[lists.core.entries]]\nsymbol = 'TCS'\nadded_on = 2026-01-05\nadded_price = 10\n",
    )
    assert wl.get("core").entries == (wl.Entry("TCS", dt.date(2026, 1, 5), 10.0),)
    wl.add_symbols("core", ["INFY"])
    assert wl.get("core").symbols == ["TCS", "INFY"]


CORRUPT = [
    b"[lists.core\nentries = [",  # not TOML
    b"\xff\xfe\x00garbage",  # not UTF-8
    b"lists = 3\n",  # not the expected shape
    b"[lists.core]\nentries = [{added_on = 2026-01-05}]\n",  # an entry without a symbol
    b"[lists.core]\nentries = [{symbol = 'X', added_price = 'cheap'}]\n",
]


@pytest.mark.parametrize("content", CORRUPT)
def test_corrupt_file_is_moved_aside_reported_and_replaced(content: bytes) -> None:
    path = wl.default_path()
    atomic_write(path, content)
    notices: list[StoreNotice] = []
    assert wl.list_names(notice=notices.append) == []
    assert len(notices) == 1
    aside = notices[0].moved_to
    assert notices[0].path == path
    assert re.fullmatch(r"watchlists\.toml\.unreadable-\d{8}-\d{6}(-\d+)?", aside.name)
    assert aside.read_bytes() == content  # kept, never overwritten
    assert not path.exists()
    assert "moved aside" in str(notices[0])
    assert "\n" not in str(notices[0])
    wl.add_symbols("fresh", ["TCS"], notice=notices.append)  # a fresh file is usable
    assert wl.list_names() == ["fresh"]
    assert len(notices) == 1


def test_corrupt_file_found_by_a_change_is_moved_aside_first() -> None:
    path = wl.default_path()
    atomic_write(path, b"not = toml = at all")
    notices: list[StoreNotice] = []
    wl.add_symbols("core", ["TCS"], notice=notices.append)
    assert len(notices) == 1
    assert notices[0].moved_to.read_bytes() == b"not = toml = at all"
    assert wl.get("core").symbols == ["TCS"]


def test_two_corruptions_never_overwrite_an_earlier_aside_file() -> None:
    path = wl.default_path()
    notices: list[StoreNotice] = []
    for content in (b"[bad", b"[worse"):
        atomic_write(path, content)
        wl.list_names(notice=notices.append)
    assert len({n.moved_to for n in notices}) == 2
    assert sorted(n.moved_to.read_bytes() for n in notices) == [b"[bad", b"[worse"]


def test_without_a_callback_the_notice_is_a_warning() -> None:
    atomic_write(wl.default_path(), b"[bad")
    with pytest.warns(StoreWarning, match="moved aside"):
        assert wl.list_names() == []


def test_export_csv() -> None:
    wl.add_symbols("core", [entry("TCS", 3120.5), wl.Entry("M&M", None, None)])
    assert wl.export_csv("core") == ("symbol,added_on,added_price\nTCS,2026-02-10,3120.5\nM&M,,\n")


def test_read_symbols_from_csv_with_a_symbol_column(tmp_path: Path) -> None:
    file = tmp_path / "holdings.csv"
    file.write_text(
        "\ufeffName, SYMBOL ,Qty\nTata,tcs,10\nInfosys, INFY ,5\n\nDup,TCS,1\nEmpty,,3\n",
        encoding="utf-8",
    )
    assert wl.read_symbols(file) == ["TCS", "INFY"]


def test_read_symbols_from_a_plain_list(tmp_path: Path) -> None:
    file = tmp_path / "list.txt"
    file.write_text("# my picks\ntcs\n\n  INFY  \nM&M\ntcs\n")
    assert wl.read_symbols(file) == ["TCS", "INFY", "M&M"]


def test_read_symbols_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot read"):
        wl.read_symbols(tmp_path / "missing.csv")
    file = tmp_path / "no_symbol.csv"
    file.write_text("name,qty\nTata,1\n")
    with pytest.raises(StoreError, match="no 'symbol' column"):
        wl.read_symbols(file)


def test_import_adds_known_and_reports_unknown(tmp_path: Path) -> None:
    file = tmp_path / "in.csv"
    file.write_text("symbol\nTCS\nNOPE\nINFY\n")
    known = {"TCS": 10.0, "INFY": 20.0}

    def resolve(symbol: str) -> wl.Entry | None:
        return entry(symbol, known[symbol]) if symbol in known else None

    wl.add_symbols("core", [entry("TCS", 5.0)])
    change = wl.import_symbols("core", file, resolve)
    assert change.done == ("INFY",)
    assert change.skipped == ("TCS",)
    assert change.unknown == ("NOPE",)
    assert wl.get("core").entries == (entry("TCS", 5.0), entry("INFY", 20.0))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_validate_name_accepts_only_safe_names(name: str) -> None:
    try:
        ok = validate_name(name)
    except StoreError as exc:
        message = str(exc)
    else:
        message = ""
    assert "\n" not in message
    if message:
        return
    assert 1 <= len(ok) <= 64
    assert not {"/", "\\", ".", "\x00", "\n"} & set(ok)
    assert ok == ok.strip()
