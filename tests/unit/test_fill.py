"""Forward fill and last-valid lookups against a plain per-column loop."""

from __future__ import annotations

import numpy as np
import pytest

from tui.market.model import ffill, last_valid


def _reference_ffill(a: np.ndarray) -> np.ndarray:
    out = a.copy()
    for j in range(a.shape[1]):
        last = np.nan
        for i in range(a.shape[0]):
            if np.isnan(out[i, j]):
                out[i, j] = last
            else:
                last = out[i, j]
    return out


@pytest.mark.parametrize("seed", range(40))
def test_ffill_and_last_valid_match_a_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(int(rng.integers(0, 25)), int(rng.integers(0, 7))))
    a[rng.random(a.shape) < 0.45] = np.nan
    expected = _reference_ffill(a)
    filled = ffill(a)
    assert np.array_equal(filled, expected, equal_nan=True)
    assert filled is not a
    if a.shape[0]:
        assert np.array_equal(last_valid(a), expected[-1], equal_nan=True)


def test_leading_nan_stays_and_gaps_fill() -> None:
    a = np.array([[np.nan, 1.0], [2.0, np.nan], [np.nan, np.nan], [3.0, 4.0]])
    assert np.array_equal(
        ffill(a), [[np.nan, 1.0], [2.0, 1.0], [2.0, 1.0], [3.0, 4.0]], equal_nan=True
    )
    assert np.array_equal(last_valid(a[:3]), [2.0, 1.0])
    assert np.isnan(last_valid(np.full((3, 1), np.nan))[0])
