"""The dependency rule of style.md §2, checked in fresh interpreters."""

import subprocess
import sys

import pytest

HEADLESS = {"textual", "rich", "httpx"}
FORBIDDEN = {
    "tui.market": HEADLESS,
    "tui.screening": HEADLESS,
    "tui.sources": {"textual", "rich"},
    "tui.store": {"textual", "rich", "httpx"},
    "tui.demo": HEADLESS,
    "tui.cli": {"textual", "rich"},
}
SCRIPT = """
import importlib, pkgutil, sys
pkg = importlib.import_module({name!r})
for info in pkgutil.walk_packages(getattr(pkg, "__path__", []), pkg.__name__ + "."):
    importlib.import_module(info.name)
print(*sys.modules)
"""


@pytest.mark.parametrize(("name", "banned"), FORBIDDEN.items())
def test_package_stays_headless(name: str, banned: set[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(name=name)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    loaded = {module.partition(".")[0] for module in out.split()}
    assert not loaded & banned, f"{name} pulls in {sorted(loaded & banned)}"


def test_market_imports_neither_textual_nor_httpx() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import tui.market.analysis, sys; print(*sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    mods = set(out.split())
    assert "textual" not in mods
    assert "httpx" not in mods
    assert "pandas" in mods  # the check can fail: it sees what was imported


def test_version_is_cheap() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import tui.cli, sys; print(*sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    mods = {m.partition(".")[0] for m in out.split()}
    assert not mods & {"pandas", "numpy", "textual", "httpx"}
