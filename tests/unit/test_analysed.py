"""The disk cache of analyses: a hit equals a fresh analysis; any change recomputes."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
from folder_factory import make_folder

from tui.market.analysis import Analysis
from tui.market.params import DEFAULT, params_from
from tui.settings import Settings
from tui.sources import analysed


def _open(folder: Path, as_of: dt.date | None = None, params=DEFAULT) -> Analysis:  # type: ignore[no-untyped-def]
    return analysed.open_analysis(f"folder:{folder}", Settings(), as_of, params)


def _same(a: Analysis, b: Analysis) -> None:
    assert a.as_of == b.as_of
    assert a.grades_at().equals(b.grades_at())
    assert np.array_equal(a.rating.score, b.rating.score, equal_nan=True)
    assert np.array_equal(a.panel.close, b.panel.close, equal_nan=True)


def _entries() -> list[Path]:
    return list(Path(os.environ["DALAL_CACHE_DIR"]).rglob("analyses/*.pkl"))


def test_second_open_is_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path)
    first = _open(folder)
    assert len(_entries()) == 1

    def fail(*_: object, **__: object) -> None:
        raise AssertionError("analysed again")

    monkeypatch.setattr(analysed, "analyse", fail)
    _same(first, _open(folder))


@pytest.mark.parametrize("change", ["file", "as_of", "params", "corrupt"])
def test_any_change_recomputes(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path)
    first = _open(folder)
    calls: list[object] = []
    real = analysed.analyse

    def counted(*args: object, **kwargs: object) -> Analysis:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analysed, "analyse", counted)
    as_of, params = None, DEFAULT
    if change == "file":
        prices = folder / "prices.csv"
        prices.write_text(prices.read_text() + "\n")
    elif change == "as_of":
        as_of = dt.date(2026, 2, 9)
    elif change == "params":
        params = params_from({"call_downgrade_slack": 5})
    else:
        _entries()[0].write_bytes(b"not a pickle")
    again = _open(folder, as_of, params)
    assert len(calls) == 1
    if change in ("file", "corrupt"):
        _same(first, again)
    if change == "as_of":
        assert again.as_of == dt.date(2026, 2, 9)
    assert len(_entries()) == 1  # one entry per folder: the newer replaces the older
