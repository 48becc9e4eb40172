"""Composite score, call bands, hysteresis and caps: golden cases 22-25 of analytics.md §10."""

import numpy as np
import pytest

from tui.market.grades import CALL, FIN_TREND, QUALITY, TECHNICAL, VALUATION, round_half_up
from tui.market.rating import (
    CAP_ILLIQUID,
    CAP_RISKY,
    composite,
    plain_band,
    rating_history,
    weights_used,
)

NAN = np.nan


def a(*values: float) -> np.ndarray:
    return np.array(values, dtype=float)


def test_golden_22_weights_and_renormalisation() -> None:
    raw = composite(a(70, 70, NAN), a(40, NAN, NAN), a(60, 60, 60), a(75, 75, 75))
    # Q 70, V 40, F 60, T 75 → 63; without V → 68.75; F and T only → 68.18
    assert raw[0] == pytest.approx(63.0)
    assert raw[1] == pytest.approx(68.75)
    assert raw[2] == pytest.approx(37.5 / 0.55)
    scores = np.floor(raw + 0.5)
    assert list(scores) == [63, 69, 68]
    assert [CALL[int(c)] for c in plain_band(scores)] == ["Hold", "Buy", "Buy"]


def test_required_pillars_missing_is_not_rated() -> None:
    raw = composite(a(70, 70), a(40, 40), a(NAN, 60), a(75, NAN))
    assert np.isnan(raw).all()


def test_golden_23_half_up_and_bands() -> None:
    assert round_half_up(64.5) == 65
    assert round(64.5) == 64  # why we never use round()
    bands = plain_band(a(65, 51, 45, 80, 79, 30, 29, 50, 49))
    assert [CALL[int(c)] for c in bands] == [
        "Buy", "Hold", "Sell", "Strong Buy", "Buy", "Sell", "Strong Sell", "Hold", "Sell",
    ]  # fmt: skip


def _history(scores: list[float], **grades: list[float]) -> np.ndarray:
    t = len(scores)
    col = np.array(scores, dtype=float)[:, None]
    # Solve for a technicals score that gives the wanted composite with F = T.
    g = {
        "technicals": np.array(
            grades.get("technicals", [TECHNICAL.index("Sideways")] * t), dtype=float
        )[:, None],
        "fin_trend": np.full((t, 1), float(FIN_TREND.index("Flat"))),
        "quality": np.array(grades.get("quality", [NAN] * t), dtype=float)[:, None],
        "valuation": np.array(grades.get("valuation", [NAN] * t), dtype=float)[:, None],
    }
    illiquid = np.array(grades.get("illiquid", [0] * t), dtype=bool)[:, None]
    return rating_history(np.full((t, 1), NAN), np.full((t, 1), NAN), col, col, g, illiquid)


def test_golden_24_hysteresis_buy_holds_at_64_and_63() -> None:
    h = _history([66, 64, 63, 62])
    assert [CALL[int(c)] for c in h.call[:, 0]] == ["Buy", "Buy", "Buy", "Hold"]
    assert [CALL[int(c)] for c in h.plain[:, 0]] == ["Buy", "Hold", "Hold", "Hold"]


def test_upgrade_is_immediate_and_first_day_uses_plain_band() -> None:
    h = _history([64, 65, 80, 78, 77])
    assert [CALL[int(c)] for c in h.call[:, 0]] == ["Hold", "Buy", "Strong Buy", "Strong Buy",
                                                    "Buy"]  # fmt: skip


def test_not_rated_resets_the_hysteresis() -> None:
    h = _history([66, NAN, 63])
    assert CALL[int(h.call[0, 0])] == "Buy"
    assert np.isnan(h.call[1, 0])
    assert CALL[int(h.call[2, 0])] == "Hold"


def test_golden_25_risky_valuation_caps_at_hold() -> None:
    h = _history([85], valuation=[VALUATION.index("Risky")])
    assert CALL[int(h.uncapped[0, 0])] == "Strong Buy"
    assert CALL[int(h.call[0, 0])] == "Hold"
    assert h.caps[0, 0] & CAP_RISKY


def test_caps_bearish_quality_trend_illiquid() -> None:
    bearish = _history([85], technicals=[TECHNICAL.index("Bearish")])
    assert CALL[int(bearish.call[0, 0])] == "Hold"
    weak = rating_history(
        a(85)[:, None], a(NAN)[:, None], a(85)[:, None], a(85)[:, None],
        {"technicals": a(2)[:, None], "fin_trend": a(FIN_TREND.index("Negative"))[:, None],
         "quality": a(QUALITY.index("Below Average"))[:, None], "valuation": a(NAN)[:, None]},
        np.zeros((1, 1), dtype=bool),
    )  # fmt: skip
    assert CALL[int(weak.call[0, 0])] == "Sell"
    illiquid = _history([85], illiquid=[1])
    assert CALL[int(illiquid.call[0, 0])] == "Hold"
    assert illiquid.caps[0, 0] & CAP_ILLIQUID


def test_caps_do_not_feed_the_hysteresis_state() -> None:
    # Capped at Hold on day 1, the uncapped Strong Buy survives and shows once the cap lifts.
    h = _history([85, 85], valuation=[VALUATION.index("Risky"), VALUATION.index("Fair")])
    assert [CALL[int(c)] for c in h.call[:, 0]] == ["Hold", "Strong Buy"]


def test_weights_used_renormalise() -> None:
    w = weights_used({"fin_trend": True, "technicals": True})
    assert w["fin_trend"] == pytest.approx(0.25 / 0.55)
    assert w["technicals"] == pytest.approx(0.30 / 0.55)
    assert sum(
        weights_used(
            {n: True for n in ("quality", "valuation", "fin_trend", "technicals")}
        ).values()
    ) == pytest.approx(1)


@pytest.mark.parametrize("keep_from", [0, 1, 31, 32, 33, 70, 99, 100])
def test_kept_rows_equal_the_tail_of_the_full_replay(keep_from: int) -> None:
    rng = np.random.default_rng(keep_from)
    t, n = 100, 40

    def scores() -> np.ndarray:
        a = rng.uniform(0, 100, (t, n))
        a[rng.random((t, n)) < 0.1] = NAN
        return a

    q, v, f, tech = scores(), scores(), scores(), scores()
    g = {name: rng.integers(0, 4, (t, n)).astype(float) for name in
         ("technicals", "fin_trend", "quality", "valuation")}  # fmt: skip
    illiquid = rng.random((t, n)) < 0.05
    full = rating_history(q, v, f, tech, g, illiquid)
    tail = rating_history(q, v, f, tech, g, illiquid, keep_from=keep_from)
    assert tail.start == keep_from
    assert tail.call.shape == (t - keep_from, n)
    for name in ("raw", "score", "plain", "uncapped", "call", "caps", "coverage"):
        assert np.array_equal(getattr(tail, name), getattr(full, name)[keep_from:], equal_nan=True)
    if keep_from < t:
        assert tail.row(t - 1) == t - 1 - keep_from
    with pytest.raises(IndexError):
        tail.row(keep_from - 1)
