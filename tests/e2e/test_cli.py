"""The command line in a subprocess: summary (text, JSON, --as-of), explain, locate, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SESSIONS = ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09",
            "2026-01-12", "2026-01-13", "2026-01-14"]  # fmt: skip
INDEX = [1000, 1010, 1005, 1020, 1030, 1040, 1050, 990]
BENCH = [500, 501, 502, 503, 504, 505, 506, 507]
CLOSES = {
    "AAA": [10, 10.5, 11, 11, 12, 13.2, 1.5, 1.6],
    "BBB": [20, 20, 20, 20, 20, 19, 19, 25],
    "CCC": [30, 30, 30, 30, 30, 30, 31, 29],
    "DDD": [40, 40, 40, 40, 40, 44, 40, 40],
}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120,
    )  # fmt: skip


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "market.toml").write_text(
        'name = "Tiny"\nas_of = 2026-01-14\nbenchmarks = ["BM"]\n\n[segments]\nsmall = "SC"\n'
    )
    (folder / "stocks.csv").write_text(
        "symbol,name,sector,industry,mcap_class\n"
        + "".join(f"{s},{s.title()} Ltd,Sector {s[0]},Ind,Small\n" for s in CLOSES)
    )
    rows = ["symbol,date,open,high,low,close,volume"]
    for s, closes in CLOSES.items():
        for d, c in zip(SESSIONS, closes, strict=True):
            rows.append(f"{s},{d},{c},{c},{c},{c},100000")
    (folder / "prices.csv").write_text("\n".join(rows) + "\n")
    idx = ["index,date,open,high,low,close"]
    for name, closes in (("SC", INDEX), ("BM", BENCH)):
        idx += [f"{name},{d},{c},{c},{c},{c}" for d, c in zip(SESSIONS, closes, strict=True)]
    (folder / "indices.csv").write_text("\n".join(idx) + "\n")
    return folder


def test_summary_as_of_gives_that_days_figures(tiny: Path) -> None:
    out = run("--source", f"folder:{tiny}", "summary", "--as-of", "2026-01-12", "--format", "json")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["as_of"] == "2026-01-12"
    assert s["source"] == "folder"
    # hand-computed: 1040/1030 - 1 and 1040/1000 - 1
    assert s["index"]["ret_1d"] == pytest.approx(100 * (1040 / 1030 - 1))
    assert s["index"]["ret_5d"] == pytest.approx(4.0)
    b = s["breadth"]
    assert (b["universe"], b["advancers"], b["decliners"], b["unchanged"]) == (4, 2, 1, 1)
    assert b["ad_ratio"] == pytest.approx(2.0)
    assert b["narrow_rally"] is False
    gainers = [(g["symbol"], round(g["ret_1d"], 6)) for g in s["movers"]["gainers"]]
    # equal +10 %: the higher traded value (DDD: 44 x 100,000) comes first
    assert gainers == [("DDD", 10.0), ("AAA", 10.0)]
    assert [g["symbol"] for g in s["movers"]["losers"]] == ["BBB"]
    assert s["benchmarks"] == [
        {"index": "BM", "ret_1d": pytest.approx(100 * (505 / 504 - 1)),
         "ret_5d": pytest.approx(1.0), "ret_1m": None}
    ]  # fmt: skip


def test_summary_default_is_market_toml_as_of(tiny: Path) -> None:
    out = run("summary", "--format", "json", "--source", f"folder:{tiny}")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["as_of"] == "2026-01-14"
    assert s["index"]["ret_1d"] == pytest.approx(100 * (990 / 1050 - 1))
    assert s["breadth"]["advancers"] == 2  # AAA, BBB
    assert s["breadth"]["decliners"] == 1  # CCC
    assert s["breadth"]["unchanged"] == 1  # DDD


def test_option_after_subcommand_wins(tiny: Path, tmp_path: Path) -> None:
    out = run("--source", "folder:/nonexistent", "summary", "--source", f"folder:{tiny}")
    assert out.returncode == 0, out.stderr
    assert "Tiny" in out.stdout


def test_non_session_as_of_resolves_to_the_session_before(tiny: Path) -> None:
    out = run("summary", "--format", "json", "--as-of", "2026-01-11", "--source", f"folder:{tiny}")
    assert json.loads(out.stdout)["as_of"] == "2026-01-09"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["summary", "--as-of", "10/01/2026"], "--as-of: '10/01/2026' is not a date"),
        (["summary", "--as-of", "2025-01-01"], "no session on or before 2025-01-01"),
        (["explain", "NOPE"], "unknown symbol 'NOPE'"),
        (["summary", "--segment", "mid"], "segment 'mid' is not defined in market.toml"),
    ],
)
def test_errors_are_one_line(tiny: Path, args: list[str], message: str) -> None:
    out = run("--source", f"folder:{tiny}", *args)
    assert out.returncode != 0
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert message in lines[0]
    assert "Traceback" not in out.stderr


def test_bad_folder_error_names_file_line_and_column(tiny: Path) -> None:
    prices = tiny / "prices.csv"
    text = prices.read_text().splitlines()
    assert text[2].startswith("AAA,2026-01-06,10.5,")  # physical line 3
    text[2] = text[2].replace(",10.5,10.5,10.5,10.5,", ",10.5,10.5,10.5,abc,")
    prices.write_text("\n".join(text) + "\n")
    out = run("--source", f"folder:{tiny}", "summary")
    assert out.returncode == 1
    line = out.stderr.strip()
    assert "\n" not in line
    assert "prices.csv" in line
    assert "line 3" in line
    assert "close" in line


def test_unknown_source_and_missing_folder() -> None:
    out = run("--source", "moon", "summary")
    assert out.returncode == 1
    assert "unknown source 'moon'" in out.stderr
    out = run("--source", "folder:/no/such/dir", "summary")
    assert out.returncode == 1
    assert "is not a folder" in out.stderr


def test_locate_prints_the_overridden_dirs(tmp_path: Path) -> None:
    for what, var in (("config", "DALAL_CONFIG_DIR"), ("data", "DALAL_DATA_DIR"),
                      ("cache", "DALAL_CACHE_DIR")):  # fmt: skip
        out = run("locate", what)
        assert out.returncode == 0
        assert out.stdout.strip() == os.environ[var]


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("dalal ")


def test_explain_lists_every_pillar(tiny: Path) -> None:
    out = run("--source", f"folder:{tiny}", "explain", "aaa")
    assert out.returncode == 0, out.stderr
    for title in ("Technicals", "Financial trend", "Quality", "Valuation"):
        assert title in out.stdout
    assert "Not rated" in out.stdout
