"""Golden 31 and safety: arbitrary text and token soups raise only QueryError; nothing runs."""

from __future__ import annotations

import ast
import builtins
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui import screening
from tui.screening import QueryError, mask, parse
from tui.screening.fields import Kind, registry
from tui.screening.frame import ordinal

PACKAGE = Path(screening.__file__).parent
VOCAB = [
    "AND", "OR", "NOT", "BETWEEN", "IN", "IS", "NULL", "CROSSES", "ABOVE", "BELOW", "UPGRADED",
    "DOWNGRADED", "CHANGED", "FROM", "TO", "WITHIN", "D", "W", "days", "weeks", "abs", "min",
    "max", ">", ">=", "<", "<=", "=", "!=", "+", "-", "*", "/", "(", ")", ",", "[", "]", "`",
    "'", '"', "!", "call", "technical", "fin", "trend", "mcap", "class", "small", "buy", "hold",
    "mildly", "bullish", "sideways", "score", "rank", "pct", "close", "sma200", "volume", "rsi",
    "pe", "industry", "sector", "\"Power\"", "'it''s'", "[avg volume 20d]", "`pct b`", "ret",
    "1m", "5d", "excess", "vs", "bench", "nifty", "50", "0", "1", "2.5", "10%", "500cr", "3x",
    "5l", "1e400", "99999999999999999999", "cr", "lakh", "%", "x", "results", "days", "since",
    "__import__", "os", "system", "lambda", ":", ";", ".", "__class__", "eval", "exec", "{", "}",
]  # fmt: skip


def full_frame(n: int = 6, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    reg = registry()
    cols: dict[str, object] = {}
    for f in reg.fields.values():
        if f.kind is Kind.ORDINAL:
            codes = rng.integers(-1, len(f.scale), n).astype(float)
            cols[f.id] = ordinal(np.where(codes < 0, np.nan, codes), f.scale)
        elif f.kind is Kind.STRING:
            cols[f.id] = np.array(rng.choice(["Power", "Healthcare", None], n), dtype=object)
        else:
            v = rng.normal(50, 40, n)
            v[rng.random(n) < 0.2] = np.nan
            cols[f.id] = v
    cols.pop("symbol")
    return pd.DataFrame(cols, index=pd.Index([f"S{i}" for i in range(n)], name="symbol"))


class Context:
    def events(self, kind: str, sessions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        g = np.tile(np.arange(sessions + 1, dtype=float)[:, None] % 3, (1, 6))
        return np.sign(np.diff(g, axis=0)).astype(np.int8), g[:-1], g[1:]

    def history(self, field: str, rows: int) -> np.ndarray:
        return np.sin(np.arange(rows * 6, dtype=float).reshape(rows, 6)) * 50 + 50


FRAME = full_frame()


def attempt(text: str) -> None:
    try:
        q = parse(text)
    except QueryError as exc:
        error = exc
    else:
        error = None
    if error is not None:
        assert str(error).startswith(f"col {error.column}: ")
        assert 1 <= error.column <= len(text) + 1
        return
    try:
        m = mask(FRAME, q, Context())
    except QueryError:
        return
    assert str(m.dtype) == "boolean"
    assert len(m) == len(FRAME)
    assert parse(q.echo).echo == q.echo


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_arbitrary_text_raises_only_query_error(text: str) -> None:
    attempt(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCAB), max_size=40), st.sampled_from([" ", "", "  "]))
def test_token_soups_raise_only_query_error(tokens: list[str], sep: str) -> None:
    attempt(sep.join(tokens))


def test_ten_thousand_random_token_strings() -> None:
    rng = random.Random(31)
    for _ in range(10_000):
        attempt(" ".join(rng.choice(VOCAB) for _ in range(rng.randint(0, 30))))


MALICIOUS = [
    "__import__('os').system('touch X')",
    "close > __import__('os').system('touch X')",
    "`__import__('os').system('touch X')` > 1",
    "[__import__('os').system('touch X')] > 1",
    "sector = \"__import__('os').system('touch X')\"",
    "sector IN (__import__, os) AND close > 1",
    "eval(\"open('X', 'w')\") > 1",
    'exec(\'open("X","w")\') > 1',
    "close.__class__ > 1",
    "@pd.eval('1') > 1",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_nothing_is_executed(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the screener tried to execute code")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, refuse)
    monkeypatch.setattr(pd, "eval", refuse)
    monkeypatch.setattr(pd.DataFrame, "query", refuse)
    monkeypatch.setattr(pd.DataFrame, "eval", refuse)
    try:
        q = parse(text)
        mask(FRAME, q, Context())
    except QueryError:
        pass
    assert not (tmp_path / "X").exists()
    assert list(tmp_path.iterdir()) == []


def test_string_values_stay_data() -> None:
    q = parse("sector = \"__import__('os').system('touch X')\"")
    assert not mask(FRAME, q).fillna(False).any()


def test_the_package_never_calls_eval_exec_compile_or_query() -> None:
    banned_names = {"eval", "exec", "compile", "__import__"}
    banned_attrs = {"eval", "query"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                assert not (isinstance(fn, ast.Name) and fn.id in banned_names), path
                assert not (isinstance(fn, ast.Attribute) and fn.attr in banned_attrs), path


NUMERIC = ["close", "score", "[avg volume 20d]", "pe", "ret 1m", "rsi", "sma50", "market cap",
           "excess 1d vs bench", "fin trend score", "results in days"]  # fmt: skip
DAILY = ["close", "sma50", "sma200", "rsi", "volume", "macd", "macd signal"]
ORDINALS = {"call": ["buy", "hold", '"strong sell"'], "technical": ["bullish", "mildly bearish"],
            "fin trend": ["flat", "very positive"], "mcap class": ["small", "large"]}  # fmt: skip
NUMBERS = st.sampled_from(["0", "1", "2.5", "10%", "500cr", "3x", "5 lakh", "-4"])


def values() -> st.SearchStrategy[str]:
    base = st.one_of(st.sampled_from(NUMERIC), NUMBERS)
    return st.recursive(
        base,
        lambda inner: st.one_of(
            st.builds(lambda a, op, b: f"{a} {op} {b}", inner, st.sampled_from("+-*/"), inner),
            st.builds(lambda a: f"abs({a})", inner),
            st.builds(lambda a, b: f"max({a}, {b})", inner, inner),
            st.builds(lambda a: f"({a})", inner),
        ),
        max_leaves=4,
    )


def predicates() -> st.SearchStrategy[str]:
    cmp = st.sampled_from([">", ">=", "<", "<=", "=", "!="])
    ordinal_pred = st.sampled_from(sorted(ORDINALS)).flatmap(
        lambda f: st.builds(lambda op, v: f"{f} {op} {v}", cmp, st.sampled_from(ORDINALS[f]))
    )
    return st.one_of(
        st.builds(lambda a, op, b: f"{a} {op} {b}", values(), cmp, values()),
        ordinal_pred,
        st.builds(lambda a, lo, hi: f"{a} BETWEEN {lo} AND {hi}", values(), NUMBERS, NUMBERS),
        st.builds(lambda f: f"{f} IS NOT NULL", st.sampled_from(NUMERIC)),
        st.builds(
            lambda a, d, b, w: f"{a} CROSSES {d} {b}{w}",
            st.sampled_from(DAILY),
            st.sampled_from(["ABOVE", "BELOW"]),
            st.sampled_from([*DAILY, "30"]),
            st.sampled_from(["", " WITHIN 3 D", " WITHIN 2w"]),
        ),
        st.builds(
            lambda f, k, w: f"{f} {k}{w}",
            st.sampled_from(["call", "technical"]),
            st.sampled_from(["UPGRADED", "DOWNGRADED", "CHANGED"]),
            st.sampled_from(["", " WITHIN 5 D", " WITHIN 1 W"]),
        ),
        st.just('sector IN ("Power", healthcare)'),
    )


def queries() -> st.SearchStrategy[str]:
    return st.recursive(
        predicates(),
        lambda inner: st.one_of(
            st.builds(lambda a, b: f"{a} AND {b}", inner, inner),
            st.builds(lambda a, b: f"{a} OR {b}", inner, inner),
            st.builds(lambda a: f"NOT ({a})", inner),
            st.builds(lambda a: f"({a})", inner),
        ),
        max_leaves=6,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries())
def test_generated_queries_evaluate_and_echo_stably(text: str) -> None:
    attempt(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries(), st.integers(0, 10_000), st.sampled_from(VOCAB))
def test_mutated_queries_raise_only_query_error(text: str, where: int, token: str) -> None:
    words = text.split(" ")
    i = where % (len(words) + 1)
    attempt(" ".join([*words[:i], token, *words[i + 1 :]]))
    attempt(" ".join([*words[:i], token, *words[i:]]))
