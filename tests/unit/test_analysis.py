"""The analysis facade on the demo: grades_at is aligned with symbols."""

import numpy as np

from tui.market.analysis import analyse
from tui.market.grades import CALL
from tui.sources.demo import DemoSource


def test_grades_at_rows_match_the_arrays() -> None:
    a = analyse(DemoSource().load().compact())
    frame = a.grades_at()
    assert frame.index.equals(a.symbols)
    j = a.column("HEG")
    assert frame.loc["HEG", "call"] == CALL[int(a.rating.call[a.t, j])] == "Buy"
    assert frame.loc["HEG", "score"] == a.rating.score[a.t, j]
    assert frame["call"].notna().sum() == int((~np.isnan(a.rating.call[a.t])).sum()) > 1000
