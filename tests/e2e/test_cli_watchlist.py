"""`dalal watchlist list|show|add|remove|delete|import|export` on the demo (design.md §4, §6).

Most tests call `tui.cli.main` in-process with the demo analysed once per (source, as-of) for the
module; one test runs the real command line in subprocesses. The demo snapshot is built once
into a module cache dir.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tui import cli
from tui.store import watchlists as wl

_ANALYSES: dict[tuple[Any, Any], Any] = {}


@pytest.fixture(scope="module")
def demo_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-cache")


@pytest.fixture(autouse=True)
def shared_demo(isolated_dirs: None, demo_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep each test's config and data dirs, but share the demo cache and its analyses."""
    monkeypatch.setenv("DALAL_CACHE_DIR", str(demo_cache))
    real_open = cli._open

    def cached_open(args: Any) -> tuple[Any, Any]:
        key = (getattr(args, "source", None), getattr(args, "as_of", None))
        if key not in _ANALYSES:
            _ANALYSES[key] = real_open(args)
        return _ANALYSES[key]  # type: ignore[no-any-return]

    monkeypatch.setattr(cli, "_open", cached_open)


def dalal(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["--source", "demo", *args])
    out, err = capsys.readouterr()
    return code, out, err


_PRICES: list[pd.DataFrame] = []


def close_on(symbol: str, day: str) -> float:
    """A straightforward reading of the demo's prices.csv: the last close on or before day."""
    if not _PRICES:
        from tui.sources.demo import demo_folder

        _PRICES.append(pd.read_csv(demo_folder() / "prices.csv.gz", parse_dates=["date"]))
    prices = _PRICES[0]
    rows = prices[(prices["symbol"] == symbol) & (prices["date"] <= pd.Timestamp(day))]
    return float(rows.sort_values("date")["close"].iloc[-1])


def test_list_is_empty_at_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = dalal(capsys, "watchlist", "list")
    assert code == 0
    assert out == ""
    assert "no watchlists yet" in err


def test_add_records_the_as_of_session_and_close(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = dalal(capsys, "watchlist", "add", "core", "tcs", "360ONE")
    assert code == 0, err
    assert "added TCS, 360ONE to 'core' (as of 2026-02-10)" in out
    entries = wl.get("core").entries
    assert [(e.symbol, e.added_on.isoformat() if e.added_on else None) for e in entries] == [
        ("TCS", "2026-02-10"),
        ("360ONE", "2026-02-10"),
    ]
    assert entries[0].added_price == pytest.approx(close_on("TCS", "2026-02-10"))
    assert entries[1].added_price == pytest.approx(close_on("360ONE", "2026-02-10"))


def test_add_reports_unknown_symbols_and_adds_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = dalal(capsys, "watchlist", "add", "core", "TCS", "NOSUCH", "ALSO_NOT")
    assert code == 0
    assert wl.get("core").symbols == ["TCS"]
    assert err.strip() == "dalal: unknown symbol NOSUCH, ALSO_NOT, not added"
    code, _out, err = dalal(capsys, "watchlist", "add", "core", "NOSUCH")
    assert code == 1
    assert "unknown symbol NOSUCH; nothing added" in err
    assert err.count("\n") == 1
    assert wl.get("core").symbols == ["TCS"]


def test_adding_again_keeps_the_first_entry(capsys: pytest.CaptureFixture[str]) -> None:
    dalal(capsys, "watchlist", "add", "core", "TCS", "--as-of", "2026-01-05")
    code, out, _ = dalal(capsys, "watchlist", "add", "core", "TCS")
    assert code == 0
    assert "already on 'core'" in out
    (only,) = wl.get("core").entries
    assert only.added_on is not None
    assert only.added_on.isoformat() == "2026-01-05"


def test_show_gives_the_return_since_added(capsys: pytest.CaptureFixture[str]) -> None:
    dalal(capsys, "watchlist", "add", "core", "TCS", "20MICRONS", "--as-of", "2026-01-05")
    code, out, err = dalal(capsys, "watchlist", "show", "core", "--format", "json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["name"] == "core"
    assert shown["as_of"] == "2026-02-10"
    for row in shown["entries"]:
        then, now = close_on(row["symbol"], "2026-01-05"), close_on(row["symbol"], "2026-02-10")
        assert row["added_on"] == "2026-01-05"
        assert row["added_price"] == pytest.approx(then)
        assert row["close"] == pytest.approx(now)
        assert row["return_since_added"] == pytest.approx((now / then - 1) * 100)
    code, text, _ = dalal(capsys, "watchlist", "show", "core")
    assert code == 0
    tcs = next(r for r in shown["entries"] if r["symbol"] == "TCS")
    assert f"{tcs['return_since_added']:+.2f}%" in text
    assert "Tata Consultancy Services" in text
    assert "2026-01-05" in text
    assert "since added" in text.splitlines()[1]


def test_show_at_an_earlier_as_of_uses_that_close(capsys: pytest.CaptureFixture[str]) -> None:
    dalal(capsys, "watchlist", "add", "core", "TCS", "--as-of", "2026-01-05")
    code, out, _ = dalal(
        capsys, "watchlist", "show", "core", "--as-of", "2026-01-05", "--format", "json"
    )
    assert code == 0
    (row,) = json.loads(out)["entries"]
    assert row["return_since_added"] == pytest.approx(0.0)


def test_list_remove_delete(capsys: pytest.CaptureFixture[str]) -> None:
    dalal(capsys, "watchlist", "add", "core", "TCS", "360ONE")
    dalal(capsys, "watchlist", "add", "my picks", "TCS")
    code, out, _ = dalal(capsys, "watchlist", "list")
    assert code == 0
    assert out.splitlines() == ["core      2 symbols", "my picks  1 symbol"]
    code, out, err = dalal(capsys, "watchlist", "remove", "core", "tcs", "NOPE")
    assert code == 0
    assert out.strip() == "removed TCS from 'core'"
    assert "NOPE not on 'core'" in err
    code, _, err = dalal(capsys, "watchlist", "remove", "core", "NOPE")
    assert code == 1
    assert "nothing removed" in err
    code, out, _ = dalal(capsys, "watchlist", "delete", "MY PICKS")
    assert code == 0
    assert out.strip() == "deleted watchlist 'my picks'"
    assert wl.list_names() == ["core"]
    code, _, err = dalal(capsys, "watchlist", "delete", "my picks")
    assert code == 1
    assert err.strip() == "dalal: no watchlist named 'my picks' (there are 'core')"


def test_import_csv_and_plain_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("Name,Symbol,Qty\nTata,TCS,1\nNobody,NOSUCH,2\nMicrons,20microns,3\n")
    code, out, err = dalal(capsys, "watchlist", "import", "core", str(holdings))
    assert code == 0, err
    assert "added TCS, 20MICRONS to 'core'" in out
    assert err.strip() == "dalal: unknown symbol NOSUCH, not added"
    plain = tmp_path / "plain.txt"
    plain.write_text("360one\nTCS\n")
    code, out, _ = dalal(capsys, "watchlist", "import", "core", str(plain))
    assert code == 0
    assert "added 360ONE" in out
    assert "already on 'core' (kept as first added): TCS" in out
    assert wl.get("core").symbols == ["TCS", "20MICRONS", "360ONE"]


def test_import_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = dalal(capsys, "watchlist", "import", "core", str(tmp_path / "missing.csv"))
    assert code == 1
    assert err.startswith("dalal: cannot read")
    assert err.count("\n") == 1
    unknown = tmp_path / "unknown.txt"
    unknown.write_text("NOSUCH\nNOPE\n")
    code, _, err = dalal(capsys, "watchlist", "import", "core", str(unknown))
    assert code == 1
    assert "nothing added" in err
    assert wl.list_names() == []


def test_export_writes_csv_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    dalal(capsys, "watchlist", "add", "core", "TCS", "360ONE")
    code, out, err = dalal(capsys, "watchlist", "export", "core")
    assert code == 0
    assert err == ""
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["symbol"] for r in rows] == ["TCS", "360ONE"]
    assert {r["added_on"] for r in rows} == {"2026-02-10"}
    assert float(rows[0]["added_price"]) == pytest.approx(close_on("TCS", "2026-02-10"))


@pytest.mark.parametrize("name", ["../x", "a" * 500, "a/b", ""])
def test_bad_names_are_one_line_errors(capsys: pytest.CaptureFixture[str], name: str) -> None:
    for action in (["add", name, "TCS"], ["show", name], ["delete", name], ["export", name]):
        code, out, err = dalal(capsys, "watchlist", *action)
        assert code == 1, action
        assert out == ""
        assert err.startswith("dalal: ")
        assert "watchlist name" in err
        assert err.count("\n") == 1
    assert not wl.default_path().exists()


def test_corrupt_file_is_reported_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    path = wl.default_path()
    path.parent.mkdir(parents=True)
    path.write_text("[lists.core\n")
    code, _, err = dalal(capsys, "watchlist", "list")
    assert code == 0
    assert "could not be read" in err
    assert "moved aside" in err
    assert list(path.parent.glob("watchlists.toml.unreadable-*"))


def test_missing_action_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = dalal(capsys, "watchlist")
    assert code == 2
    assert err.count("\n") == 1


def test_the_real_command_line(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui.cli", *args],
            capture_output=True, text=True, env=dict(os.environ), timeout=120,
        )  # fmt: skip

    added = run("watchlist", "add", "Core", "TCS", "NOSUCH", "--source", "demo")
    assert added.returncode == 0, added.stderr
    assert added.stderr.strip() == "dalal: unknown symbol NOSUCH, not added"
    shown = run("--source", "demo", "watchlist", "show", "core")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Core — 1 symbol, as of 2026-02-10")
    assert "+0.00%" in shown.stdout
    exported = run("watchlist", "export", "core")
    assert exported.stdout.splitlines()[0] == "symbol,added_on,added_price"
    assert (Path(os.environ["DALAL_DATA_DIR"]) / "watchlists.toml").is_file()
