"""`dalal screen` and `dalal screens` in a subprocess: formats, presets, sorting, bad queries."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from tests.e2e.test_cli import run, tiny  # noqa: F401  (tiny is a fixture)

KEYS = {"symbol", "name", "sector", "mcap_class", "close", "ret_1d", "score", "call",
        "technical", "fin_trend"}  # fmt: skip


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A cache dir shared by this module's subprocesses, so the demo is built once."""
    return {"DALAL_CACHE_DIR": str(tmp_path_factory.mktemp("cache")), "DALAL_SOURCE": "demo"}


def test_json_rows_have_the_default_keys_and_nulls(tiny: Path) -> None:  # noqa: F811
    out = run("screen", "close > 20", "--format", "json", "--source", f"folder:{tiny}",
              "--sort", "close:desc")  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["symbol"] for r in rows] == ["DDD", "CCC", "BBB"]
    assert all(set(r) == KEYS for r in rows)
    assert rows[0]["close"] == 40
    assert rows[0]["score"] is None
    assert rows[0]["call"] is None
    assert rows[2]["ret_1d"] == pytest.approx(100 * (25 / 19 - 1))
    assert rows[0]["name"] == "Ddd Ltd"
    assert rows[0]["mcap_class"] == "Small"


def test_columns_add_keys_and_limit_and_sort(tiny: Path) -> None:  # noqa: F811
    out = run("--source", f"folder:{tiny}", "screen", "ret 1d != 0", "--columns", "ret_5d, [rsi]",
              "--sort", "ret_1d", "--limit", "2", "--format", "json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["symbol"] for r in rows] == ["CCC", "AAA"]  # -6.45 %, +6.67 % (DDD is 0)
    assert set(rows[0]) == KEYS | {"ret_5d", "rsi"}
    assert rows[0]["rsi"] is None  # 8 sessions: RSI(14) is not defined yet


def test_csv_and_table(tiny: Path) -> None:  # noqa: F811
    out = run("screen", "sector IN (\"Sector B\", 'sector c')", "--format", "csv",
              "--source", f"folder:{tiny}", "--sort", "symbol")  # fmt: skip
    assert out.returncode == 0, out.stderr
    table = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["symbol"] for r in table] == ["BBB", "CCC"]
    assert table[0]["score"] == ""
    assert float(table[0]["close"]) == 25
    out = run("screen", "close > 20", "--source", f"folder:{tiny}", "--sort", "symbol")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["symbol", "name", "sector", "mcap_class", "close", "ret_1d",
                                "score", "call", "technical", "fin_trend"]  # fmt: skip
    assert lines[2].startswith("BBB ")
    assert lines[2].split()[6] == "25.00"
    assert len({len(line) for line in lines[:2]}) == 1  # header and rule align
    assert "3 stocks" in out.stdout
    assert "close > 20" in out.stdout


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "call > 5",
            "dalal: col 1: type error: 'call' is an ordinal (Strong Sell…Strong Buy); "
            "cannot compare with a number",
        ),
        ("market cp > 500", "dalal: col 1: unknown field 'market cp' — did you mean 'market cap'?"),
        ("close >", "dalal: col 8: unexpected end of query; expected a field, a value or '('"),
    ],
)
def test_bad_query_is_one_line_with_its_column(tiny: Path, query: str, message: str) -> None:  # noqa: F811
    out = run("screen", query, "--source", f"folder:{tiny}")
    assert out.returncode == 2
    assert out.stderr.strip() == message
    assert "Traceback" not in out.stderr
    assert out.stdout == ""


def test_usage_errors(tiny: Path) -> None:  # noqa: F811
    for args, text in [(("screen",), "give a QUERY or --preset NAME"),
                       (("screen", "close > 1", "--columns", "clse"), "unknown column 'clse'"),
                       (("screen", "close > 1", "--sort", "close:up"), "asc or desc"),
                       (("screen", "--preset", "nope"), "unknown screen 'nope'")]:  # fmt: skip
        out = run(*args, "--source", f"folder:{tiny}")
        assert out.returncode != 0
        assert out.stderr.startswith("dalal: ")
        assert text in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1


def test_presets_on_the_demo(demo_env: dict[str, str]) -> None:
    out = run("screen", "--preset", "top-small", "--format", "json", env=demo_env)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows
    assert all(r["mcap_class"] == "Small" for r in rows)
    assert {"score_rank_pct", "quality", "valuation"} <= set(rows[0])
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    out = run("screen", "--preset", "bullish-small-caps", "--format", "json", env=demo_env)
    assert len(json.loads(out.stdout)) == 50  # the screen's limit
    out = run("screen", "--preset", "call-upgrades", "call >= buy", "--format", "json",
              "--limit", "100", env=demo_env)  # fmt: skip
    rows = json.loads(out.stdout)
    assert rows
    assert {r["call"] for r in rows} <= {"Buy", "Strong Buy"}
    assert {"HEG", "ADOR", "KINGFA", "GPPL", "SCI"} <= {r["symbol"] for r in rows}


def test_screens_lists_builtin_and_saved(demo_env: dict[str, str]) -> None:
    folder = Path(os.environ["DALAL_CONFIG_DIR"]) / "screens"
    folder.mkdir(parents=True)
    (folder / "cheap.toml").write_text('description = "Cheap stocks"\nquery = "pe < 8"\n')
    (folder / "top-small.toml").write_text('query = "pe < 8"\n')
    out = run("screens", env=demo_env)
    assert out.returncode == 0, out.stderr
    assert "Built-in screens" in out.stdout
    assert "Saved screens" in out.stdout
    assert "top-small" in out.stdout
    assert "cheap" in out.stdout
    assert "Cheap stocks" in out.stdout
    assert "built-in screen has that name" in out.stderr
    out = run("screens", "--format", "json", env=demo_env)
    listed = {s["name"]: s for s in json.loads(out.stdout)}
    assert listed["cheap"]["builtin"] is False
    assert listed["top-mid"]["builtin"] is True
    out = run("screen", "--preset", "Cheap", "--format", "json", env=demo_env)
    assert out.returncode == 0, out.stderr
    assert all(r["symbol"] for r in json.loads(out.stdout))


def test_bad_saved_screen_query_names_the_screen(demo_env: dict[str, str]) -> None:
    folder = Path(os.environ["DALAL_CONFIG_DIR"]) / "screens"
    folder.mkdir(parents=True)
    (folder / "oops.toml").write_text('query = "pe <"\n')
    out = run("screen", "--preset", "oops", env=demo_env)
    assert out.returncode == 2
    assert out.stderr.strip().startswith("dalal: screen 'oops': col 5: unexpected end of query")
