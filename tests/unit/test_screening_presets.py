"""Built-in and saved screens: the source tree, the installed wheel, shadowing, bad files."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tui.screening import parse
from tui.screening.presets import (
    PresetError,
    all_screens,
    builtin_root,
    builtin_screens,
    find_screen,
    saved_screens,
)

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {
    "top-small", "top-mid", "top-large", "call-upgrades", "tech-upgrades", "strong-results",
    "results-this-week", "bullish-small-caps", "oversold-quality",
}  # fmt: skip


def test_builtin_screens_load_from_the_source_tree_and_parse() -> None:
    screens = builtin_screens()
    assert {s.key for s in screens} >= REQUIRED
    for s in screens:
        assert s.builtin
        assert s.description
        assert s.title
        parse(s.query)
    top = find_screen("TOP-Small")
    assert {"quality", "valuation", "fin_trend", "technical"} <= set(top.columns)


def test_pyproject_ships_screens_inside_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include == {"screens": "tui/screens_builtin"}


def test_the_wheel_holds_the_screens_and_an_install_reads_them(tmp_path: Path) -> None:
    wheel_mod = pytest.importorskip("hatchling.builders.wheel")
    built = list(wheel_mod.WheelBuilder(str(ROOT)).build(directory=str(tmp_path / "dist"),
                                                         versions=["standard"]))  # fmt: skip
    site = tmp_path / "site"
    with zipfile.ZipFile(built[0]) as wheel:
        names = wheel.namelist()
        wheel.extractall(site)
    shipped = {Path(n).stem for n in names if n.startswith("tui/screens_builtin/")}
    assert shipped >= REQUIRED
    assert not any(n.startswith("screens/") for n in names)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import tui; assert tui.__file__.startswith(sys.argv[1]), tui.__file__;"
        "from tui.screening.presets import builtin_root, builtin_screens;"
        "print(builtin_root()); print(len(builtin_screens()))"
    )
    out = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True,
                         text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": ""})  # fmt: skip
    assert out.returncode == 0, out.stderr
    root, count = out.stdout.split()
    assert root.startswith(str(site))
    assert root.endswith("screens_builtin")
    assert int(count) == len(builtin_screens())


def test_editable_install_falls_back_to_the_source_tree() -> None:
    assert Path(str(builtin_root())) == ROOT / "screens"


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(text, encoding="utf-8")


def test_saved_screens_are_listed_and_may_not_shadow_builtins(tmp_path: Path) -> None:
    folder = tmp_path / "screens"
    write(folder, "Cheap", 'name = "cheap"\ndescription = "d"\nquery = "pe < 10"\nlimit = 5\n')
    write(folder, "top-small", 'query = "score > 1"\n')
    write(folder, "broken", "query = \n")
    write(folder, "nolimit", 'query = "pe < 1"\nlimit = -1\n')
    screens, problems = saved_screens(folder, builtin_screens())
    assert [s.key for s in screens] == ["cheap"]
    assert screens[0].limit == 5
    assert not screens[0].builtin
    assert len(problems) == 3
    assert any("top-small" in p and "built-in" in p for p in problems)
    assert any("broken" in p and "not valid TOML" in p for p in problems)
    assert any("limit" in p for p in problems)
    everything, _ = all_screens(folder)
    assert find_screen("CHEAP", folder).query == "pe < 10"
    assert find_screen("top-small", folder).builtin
    assert len(everything) == len(builtin_screens()) + 1


def test_saved_screens_default_to_the_config_dir(tmp_path: Path) -> None:
    write(Path(os.environ["DALAL_CONFIG_DIR"]) / "screens", "mine", 'query = "rsi < 20"\n')
    assert find_screen("mine").query == "rsi < 20"


def test_unknown_screen_suggests_the_nearest() -> None:
    with pytest.raises(PresetError, match="did you mean 'top-small'"):
        find_screen("top-smal")
