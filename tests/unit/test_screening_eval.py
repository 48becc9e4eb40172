"""Evaluation on small frames: three-valued logic (golden 30), types, arithmetic, events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tui.screening import QueryError, mask, parse
from tui.screening.frame import ordinal

NAN = np.nan
SCALE = ("Strong Sell", "Sell", "Hold", "Buy", "Strong Buy")


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "pe": [10.0, 30.0, NAN, 20.0],
            "roce": [16.0, NAN, 20.0, 10.0],
            "industry_pe": [20.0, 20.0, 20.0, NAN],
            "call": ordinal(np.array([3.0, NAN, 1.0, 4.0]), SCALE),
            "sector": pd.Series(["Power", "power", None, "Healthcare"], dtype=object).to_numpy(),
            "market_cap": [400.0, 600.0, 5000.0, NAN],
            "ret_1d": [1.0, -2.0, 0.0, NAN],
        },
        index=pd.Index(["AAA", "BBB", "CCC", "DDD"], name="symbol"),
    )


def rows(query: str) -> list[object]:
    m = mask(frame(), parse(query))
    assert str(m.dtype) == "boolean"
    return [None if v is pd.NA else bool(v) for v in m]


def test_golden_30_not_of_unknown_is_unknown_and_excluded() -> None:
    assert rows("NOT (pe > 20)") == [True, False, None, True]
    assert rows("pe > 20") == [False, True, None, False]


def test_kleene_and_or() -> None:
    # pe > 15: F T N T ; roce > 15: T N T F
    assert rows("pe > 15 AND roce > 15") == [False, None, None, False]
    assert rows("pe > 15 OR roce > 15") == [True, True, True, True]
    assert rows("pe > 25 OR roce > 15") == [True, True, True, False]
    assert rows("NOT (pe > 25 OR roce > 15)") == [False, False, False, True]


def test_is_null_is_definite() -> None:
    assert rows("pe IS NULL") == [False, False, True, False]
    assert rows("call IS NOT NULL") == [True, False, True, True]
    assert rows("sector IS NULL") == [False, False, True, False]


def test_ordinals_compare_by_rank_and_text_case_insensitively() -> None:
    assert rows("call >= buy") == [True, None, False, True]
    assert rows("call BETWEEN sell AND buy") == [True, None, True, False]
    assert rows("call IN (sell, 'strong buy')") == [False, None, True, True]
    assert rows("call NOT IN (sell)") == [True, None, False, True]
    assert rows('sector = "POWER"') == [True, True, None, False]
    assert rows("sector != power") == [False, False, None, True]
    assert rows("sector IN (healthcare, Power)") == [True, True, None, True]


def test_arithmetic_units_and_functions() -> None:
    assert rows("pe < 0.8 * [industry pe]") == [True, False, None, None]
    assert rows("market cap BETWEEN 500cr AND 5000 cr") == [False, True, True, None]
    assert rows("market cap > 50000 lakh") == [False, True, True, None]
    assert rows("abs(ret 1d) >= 1") == [True, True, False, None]
    assert rows("max(pe, roce) > 25") == [False, None, None, False]
    assert rows("-ret_1d > 1") == [False, True, False, None]
    assert rows("pe / (roce - 16) > 0") == [None, None, None, False]  # x/0 is missing


def test_in_and_not_between_on_numbers() -> None:
    assert rows("pe IN (10, 20)") == [True, False, None, True]
    assert rows("pe NOT BETWEEN 15 AND 25") == [True, True, None, False]


def test_events_and_crosses_need_a_context() -> None:
    with pytest.raises(QueryError, match="daily history"):
        mask(frame(), parse("call UPGRADED"))


def test_missing_column_names_the_field() -> None:
    with pytest.raises(QueryError) as info:
        mask(frame(), parse("pe > 1 AND rsi > 1"))
    assert info.value.column == 12
    assert "rsi" in info.value.message


class FakeContext:
    """Two stocks over three sessions."""

    def events(self, kind: str, sessions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        grades = np.array([[2.0, 2.0], [3.0, 2.0], [3.0, 1.0]])[-(sessions + 1) :]
        change = np.sign(np.diff(grades, axis=0)).astype(np.int8)
        return change, grades[:-1], grades[1:]

    def history(self, field: str, rows: int) -> np.ndarray:
        data = {"close": [[9.0, 11.0], [11.0, 9.0], [12.0, 10.0]],
                "sma50": [[10.0, 10.0], [10.0, 10.0], [10.0, NAN]]}[field]  # fmt: skip
        return np.array(data)[-rows:]


def test_event_and_crossing_windows() -> None:
    f = frame().iloc[:2]
    ctx = FakeContext()

    def got(q: str) -> list[object]:
        return [None if v is pd.NA else bool(v) for v in mask(f, parse(q), ctx)]

    assert got("call UPGRADED") == [False, False]
    assert got("call UPGRADED WITHIN 2 D") == [True, False]
    assert got("call DOWNGRADED") == [False, True]
    assert got("call CHANGED FROM hold TO buy WITHIN 2 D") == [True, False]
    assert got("call CHANGED TO sell") == [False, True]
    assert got("close CROSSES ABOVE sma50") == [False, None]
    assert got("close CROSSES ABOVE sma50 WITHIN 2 D") == [True, None]
    assert got("close CROSSES BELOW sma50 WITHIN 2 D") == [False, True]
