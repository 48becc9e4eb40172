"""The analysis facade on the demo: grades_at is aligned with symbols."""

import numpy as np
import pytest

from tui.market.analysis import HISTORY_ROWS, Analysis, analyse
from tui.market.changes import events_on
from tui.market.grades import CALL
from tui.sources.demo import DemoSource


@pytest.fixture(scope="module")
def demo() -> Analysis:
    return analyse(DemoSource().load().compact())


def test_grades_at_rows_match_the_arrays(demo: Analysis) -> None:
    a = demo
    frame = a.grades_at()
    assert frame.index.equals(a.symbols)
    j = a.column("HEG")
    assert frame.loc["HEG", "call"] == CALL[int(a.rating.call[a.row(a.t), j])] == "Buy"
    assert frame.loc["HEG", "score"] == a.rating.score[a.row(a.t), j]
    assert frame["call"].notna().sum() == int((~np.isnan(a.rating.call[a.row(a.t)])).sum()) > 1000


def test_histories_keep_the_last_sessions_and_refuse_older_rows(demo: Analysis) -> None:
    a = demo
    assert a.start == a.t + 1 - HISTORY_ROWS > 0
    assert a.rating.call.shape[0] == HISTORY_ROWS
    for history in a.pillars.values():
        assert history.start == a.start
        assert history.grade.shape[0] == HISTORY_ROWS
    assert a.row(a.t) == HISTORY_ROWS - 1
    with pytest.raises(IndexError):
        a.row(a.start - 1)
    # The change events of the oldest comparable kept session are still available.
    assert events_on(a, a.start + 1) is not None
    assert all(not v for v in events_on(a, a.start).values())
