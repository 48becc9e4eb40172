"""Saved user screens: TOML files in config_dir()/screens, names, built-in shadowing, bad files."""

from __future__ import annotations

import tomllib

import pytest
import tomlkit

from tui import paths
from tui.store import screens as sc
from tui.store.atomic import StoreError, StoreNotice, atomic_write

BUILTIN = {"top_small", "Results_This_Week"}


def test_save_load_list_delete() -> None:
    saved = sc.save_screen(
        "cheap quality",
        "quality >= good AND valuation <= fair",
        "Good quality at a fair price",
        ["score", "pe"],
        "score:desc",
        limit=20,
        builtin=BUILTIN,
    )
    assert saved.path == paths.config_dir() / "screens" / "cheap quality.toml"
    loaded = sc.load_screen("Cheap Quality")
    assert loaded == saved
    assert [s.name for s in sc.list_screens()] == ["cheap quality"]
    assert sc.delete_screen("CHEAP QUALITY") == "cheap quality"
    assert sc.list_screens() == []
    with pytest.raises(StoreError, match="no saved screen named 'cheap quality'"):
        sc.load_screen("cheap quality")
    with pytest.raises(StoreError, match="no saved screen"):
        sc.delete_screen("cheap quality")


def test_file_has_the_builtin_format_and_round_trips() -> None:
    path = sc.save_screen("mine", 'sector = "IT"', "IT names", ("score",), None).path
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert tomlkit.parse(text).as_string() == text
    assert tomllib.loads(text) == {
        "name": "mine",
        "description": "IT names",
        "query": 'sector = "IT"',
        "columns": ["score"],
    }


def test_a_saved_screen_may_not_shadow_a_builtin_one() -> None:
    for name in ("top_small", "TOP_SMALL", "results_this_week"):
        with pytest.raises(StoreError, match="built-in screen"):
            sc.save_screen(name, "score > 50", builtin=BUILTIN)
    assert sc.list_screens() == []


def test_saving_again_replaces_unless_told_not_to() -> None:
    sc.save_screen("Mine", "score > 50")
    sc.save_screen("mine", "score > 60")
    assert [(s.name, s.query) for s in sc.list_screens()] == [("Mine", "score > 60")]
    with pytest.raises(StoreError, match="already exists"):
        sc.save_screen("MINE", "score > 70", overwrite=False)
    assert sc.load_screen("mine").query == "score > 60"


@pytest.mark.parametrize("name", ["../x", "", "a" * 500, "a/b", "x.toml", "con", "NUL", "lpt1"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(StoreError) as err:
        sc.save_screen(name, "score > 50")
    assert "\n" not in str(err.value)
    assert not (paths.config_dir() / "screens").exists() or sc.list_screens() == []


def test_bad_contents_are_refused() -> None:
    with pytest.raises(StoreError, match="needs a query"):
        sc.save_screen("empty", "   ")
    with pytest.raises(StoreError, match="limit"):
        sc.save_screen("neg", "score > 1", limit=0)


def test_unicode_screen_names() -> None:
    sc.save_screen("सस्ते शेयर", "pe < 10")
    assert sc.load_screen("सस्ते शेयर").query == "pe < 10"
    assert [s.name for s in sc.list_screens()] == ["सस्ते शेयर"]


def test_unreadable_screen_is_moved_aside_and_reported() -> None:
    sc.save_screen("good", "score > 50")
    bad = sc.screens_dir() / "bad.toml"
    atomic_write(bad, b"query = 'unterminated")
    noquery = sc.screens_dir() / "noquery.toml"
    atomic_write(noquery, b"name = 'x'\n")
    notices: list[StoreNotice] = []
    assert [s.name for s in sc.list_screens(notice=notices.append)] == ["good"]
    assert sorted(n.path.name for n in notices) == ["bad.toml", "noquery.toml"]
    for n in notices:
        assert n.moved_to.exists()
        assert not n.path.exists()
        assert not n.moved_to.name.endswith(".toml")  # no longer listed as a screen
    assert [s.name for s in sc.list_screens(notice=notices.append)] == ["good"]
    assert len(notices) == 2
    sc.save_screen("bad", "score > 1")  # the name is usable again
    assert sc.load_screen("bad").query == "score > 1"
