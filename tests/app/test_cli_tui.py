"""`dalal` with no subcommand starts the TUI; the subcommands stay headless."""

from __future__ import annotations

from typing import Any

import pytest

from tui import cli
from tui.app import DalalApp


def test_plain_dalal_starts_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[DalalApp] = []

    def run(self: DalalApp, *args: Any, **kwargs: Any) -> None:
        started.append(self)

    monkeypatch.setattr(DalalApp, "run", run)
    assert cli.main(["--source", "demo", "--as-of", "2026-02-09"]) == 0
    (app,) = started
    assert app.source == "demo"
    assert app.as_of is not None
    assert app.as_of.isoformat() == "2026-02-09"
    assert app.segment == "small"


def test_bad_as_of_fails_before_the_app(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(DalalApp, "run", lambda self: pytest.fail("app started"))
    assert cli.main(["--as-of", "yesterday"]) == 1
    assert "--as-of" in capsys.readouterr().err
