"""The screen frame: one row per stock with every registry field at the as-of session (§9).

`screen_frame(analysis)` gathers grades, scores, returns, daily indicators, the Technicals
pillar's weekly/monthly RSI and MACD, valuation ratios, excess returns and the results calendar
into one frame indexed by symbol (ordinals as ordered categoricals of their display words).
`AnalysisContext` serves the evaluator what a single row cannot: change events over recent
sessions and the daily history of indicator fields for CROSSES. Pillar values are read only
through `Analysis.grade_arrays()`, `Analysis.changes`, `Analysis.grades_at()` and
`Analysis.rating`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from tui.market import indicators as ind
from tui.market.analysis import Analysis
from tui.market.calendar import days_since_results, results_in_days
from tui.market.grades import MCAP_CLASS, SCALES, normalise
from tui.market.pillars import PillarHistory
from tui.market.returns import index_stats, stock_returns
from tui.market.technicals import SCREEN_VALUES, daily_fields
from tui.market.valuation import valuation_fields
from tui.screening.fields import WINDOWS, Kind, Registry, benchmark_key, build_registry

GRADE_KINDS = ("call", "technical", "fin_trend", "quality", "valuation")
"""Ordinal fields read from the replay's grade arrays."""

DAILY_FIELDS = ("rsi", "sma20", "sma50", "sma200", "ema20", "macd", "macd_signal", "adx", "pct_b")
"""Daily-bar indicator fields: their recursive filters run over the whole history, most of
the frame's cost, so a caller naming the fields it needs gets them only when it asks."""

_FRAMES: weakref.WeakKeyDictionary[Analysis, pd.DataFrame] = weakref.WeakKeyDictionary()
_HISTORY: weakref.WeakKeyDictionary[Analysis, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()


def market_registry(analysis: Analysis) -> Registry:
    """The registry of the analysed market (its benchmarks name the excess fields)."""
    return build_registry(tuple(analysis.data.meta.benchmarks))


def ordinal(values: np.ndarray, scale: tuple[str, ...]) -> pd.Categorical:
    """Grade codes (float, NaN = Not rated) as an ordered categorical of display words."""
    codes = np.where(np.isnan(values), -1, values).astype(np.int64)
    out: pd.Categorical = pd.Categorical.from_codes(codes, categories=list(scale), ordered=True)  # type: ignore[call-overload]
    return out


def words_ordinal(words: pd.Series, scale: tuple[str, ...]) -> pd.Categorical:
    """Display words (any spelling) as an ordered categorical; unknown words become missing."""
    lookup = {normalise(w): i for i, w in enumerate(scale)}
    codes = np.array(
        [lookup.get(normalise(w), -1) if isinstance(w, str) else -1 for w in words],
        dtype=np.int64,
    )
    out: pd.Categorical = pd.Categorical.from_codes(codes, categories=list(scale), ordered=True)  # type: ignore[call-overload]
    return out


def screen_frame(analysis: Analysis, fields: Iterable[str] | None = None) -> pd.DataFrame:
    """Every registry field of every stock at the analysis's session (cached per analysis).

    Args:
        analysis: the analysed market.
        fields: the field ids the caller reads; None means every field. Without a DAILY_FIELDS
            field among them the frame may lack those columns (they are added on the first
            call that needs them).

    Returns:
        A frame indexed by symbol (index name "symbol"), one column per field id, NaN/missing
        where a value is undefined. Do not modify it: it is shared by later calls.
    """
    daily = fields is None or not set(DAILY_FIELDS).isdisjoint(fields)
    frame = _FRAMES.get(analysis)
    if frame is None:
        frame = _build(analysis, daily)
    elif daily and DAILY_FIELDS[0] not in frame.columns:
        frame = _ordered(analysis, frame.assign(**_daily_columns(analysis)))
    else:
        return frame
    _FRAMES[analysis] = frame
    return frame


def _daily_columns(analysis: Analysis) -> dict[str, np.ndarray]:
    daily = daily_fields(analysis.panel, analysis.t)
    return {name: daily[name].to_numpy(dtype=np.float64) for name in DAILY_FIELDS}


def _ordered(analysis: Analysis, frame: pd.DataFrame) -> pd.DataFrame:
    order = [f for f in market_registry(analysis).fields if f in frame.columns]
    return frame[order]


def _build(analysis: Analysis, daily: bool = True) -> pd.DataFrame:
    data, panel, t = analysis.data, analysis.panel, analysis.t
    symbols = pd.Index(analysis.symbols, name="symbol")
    stocks = data.stocks.reindex(symbols)
    cols: dict[str, object] = {}
    grades = analysis.grade_arrays()
    h = analysis.row(t)
    cols["call"] = ordinal(np.asarray(grades["call"][h], dtype=np.float64), SCALES["call"])
    for kind in GRADE_KINDS[1:]:
        cols[kind] = ordinal(np.asarray(grades[kind][h], dtype=np.float64), SCALES[kind])
    cols["mcap_class"] = words_ordinal(stocks["mcap_class"], MCAP_CLASS)
    for name in ("name", "sector", "industry"):
        cols[name] = stocks[name].to_numpy(dtype=object) if name in stocks else None
    score = np.asarray(analysis.rating.score[h], dtype=np.float64)
    score = np.where(np.isnan(np.asarray(analysis.rating.call[h], dtype=np.float64)), np.nan, score)
    cols["score"] = score
    pillars = analysis.grades_at(t)
    cols["fin_trend_score"] = pillars["fin_trend_score"].to_numpy(dtype=np.float64, na_value=np.nan)
    cols["score_rank_pct"] = _rank_pct(score, cols["mcap_class"])  # type: ignore[arg-type]
    rets = stock_returns(panel, t, analysis.params)
    val = valuation_fields(data, panel, t, analysis.params)
    cols["market_cap"] = val["market_cap"].to_numpy(dtype=np.float64)
    for name in ("traded_value", "avg_traded_value_20d", "close", "volume", "avg_volume_20d"):
        cols[name] = rets[name].to_numpy(dtype=np.float64)
    if daily:
        cols |= _daily_columns(analysis)
    for name, key in SCREEN_VALUES.items():
        cols[name] = _extra_row(analysis.pillars["technicals"], key, t, len(symbols))
    for name in ("ret_1d", "ret_5d", "ret_1m", "ret_3m", "ret_1y", "ret_ytd", "from_52w_high"):
        cols[name] = rets[name].to_numpy(dtype=np.float64)
    cols |= _excess(analysis, rets)
    for name in ("pe", "pb", "ev_ebitda", "peg", "div_yield", "roe", "roce", "promoter_pledge",
                 "debt_to_equity", "industry_pe"):  # fmt: skip
        cols[name] = val[name].to_numpy(dtype=np.float64)
    as_of = analysis.as_of
    for name, fn in (("results_in_days", results_in_days),
                     ("days_since_results", days_since_results)):  # fmt: skip
        cols[name] = fn(data, as_of).reindex(symbols).to_numpy(dtype=np.float64)
    return _ordered(analysis, pd.DataFrame(cols, index=symbols))


def _extra_row(history: PillarHistory, key: str, t: int, size: int) -> np.ndarray:
    """One session's row of a pillar extra (NaN when the pillar did not keep it)."""
    array = history.extras.get(key)
    i = t - int(getattr(history, "extras_start", 0))
    if array is None or not 0 <= i < array.shape[0]:
        return np.full(size, np.nan)
    return np.asarray(array[i], dtype=np.float64)


def _rank_pct(score: np.ndarray, mcap: pd.Categorical) -> np.ndarray:
    """Percentile of the score within its mcap_class among rated stocks, 100 = best.

    The share of the class's rated stocks scoring at most this score (ties share the higher
    rank), so the class's best is 100 and `score_rank_pct > 99` is its top 1 %.
    """
    s = pd.Series(score)
    groups = pd.Series(np.asarray(mcap.codes))
    ranked = s.groupby(groups).rank(method="max", pct=True) * 100.0
    return ranked.where(s.notna() & (groups >= 0)).to_numpy(dtype=np.float64)


def _excess(analysis: Analysis, rets: pd.DataFrame) -> dict[str, np.ndarray]:
    data = analysis.data
    stats = index_stats(data, analysis.t)
    out: dict[str, np.ndarray] = {}
    names = list(data.meta.benchmarks)
    keyed = [(benchmark_key(b), b) for b in names] + ([("bench", names[0])] if names else [])
    for key, bench in keyed:
        for w in WINDOWS:
            base = stats[f"ret_{w}"].get(bench, np.nan) if bench in stats.index else np.nan
            out[f"excess_{w}_vs_{key}"] = rets[f"ret_{w}"].to_numpy(np.float64) - float(base)
    return out


class AnalysisContext:
    """Change events and daily histories of one analysis, for the evaluator."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis

    def events(self, kind: str, sessions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(change, grade before, grade after) on the last `sessions` sessions, each (k, N).

        `change` is §7's mask (+1 upgrade, −1 downgrade, 2 first rated, −2 lost); the grades
        are codes with NaN for Not rated.
        """
        a = self.analysis
        # Rows of the kept histories: the first kept session has no previous one.
        end = a.row(a.t)
        start = max(1, end - sessions + 1)
        change = np.asarray(a.changes[kind][start : end + 1])
        grades = np.asarray(a.grade_arrays()[kind], dtype=np.float64)
        return change, grades[start - 1 : end], grades[start : end + 1]

    def history(self, field: str, rows: int) -> np.ndarray:
        """A daily-history field on the last `rows` sessions up to the as-of one: (rows, N).

        Rows before the panel's first session are NaN.
        """
        a = self.analysis
        full = _HISTORY.setdefault(a, {})
        if field not in full:
            full[field] = _daily_history(a, field)
        values = full[field][max(0, a.t + 1 - rows) : a.t + 1]
        if len(values) < rows:
            pad = np.full((rows - len(values), values.shape[1]), np.nan)
            values = np.vstack([pad, values])
        return values


_WINDOWED: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sma20": lambda c: ind.sma(c, 20),
    "sma50": lambda c: ind.sma(c, 50),
    "sma200": lambda c: ind.sma(c, 200),
    "pct_b": lambda c: ind.bollinger(c)[3],
}


def _daily_history(a: Analysis, field: str) -> np.ndarray:
    """One daily field on every session up to the as-of one (as `daily_fields` computes it)."""
    _, h, lo, c, _ = (x[: a.t + 1] for x in a.panel.filled)
    if field == "close":
        return np.asarray(c)
    if field == "volume":
        return np.asarray(a.panel.volume[: a.t + 1])
    if field == "rsi":
        return np.asarray(ind.rsi(c))
    if field in ("macd", "macd_signal"):
        m, s, _ = ind.macd(c)
        return np.asarray(m if field == "macd" else s)
    if field == "ema20":
        return np.asarray(ind.ema(c, 20))
    if field == "adx":
        return np.asarray(ind.adx(h, lo, c)[0])
    if field in _WINDOWED:
        return np.asarray(_WINDOWED[field](c))
    raise KeyError(f"'{field}' has no daily history")


def field_kinds(registry: Registry) -> dict[str, Kind]:
    """Field id → kind, for code that formats frame columns."""
    return {f.id: f.kind for f in registry.fields.values()}
