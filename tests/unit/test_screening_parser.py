"""The screening language's lexer and parser: §9's examples, errors, limits, golden 28, 29, 31."""

from __future__ import annotations

import pytest

from tui.screening import QueryError, parse
from tui.screening import nodes as n
from tui.screening.fields import Field, Kind, custom_registry, registry
from tui.screening.lexer import Tok, tokenize

EXAMPLES = [
    'mcap class = small AND call >= buy AND technical IN (bullish, "mildly bullish")',
    "Market Capitalization BETWEEN 500 AND 5000 AND quality >= good AND valuation >= fair",
    'sector = "Healthcare" AND ret 1m > 10% AND excess 1m vs bench > 5',
    "call UPGRADED WITHIN 5 D AND mcap class = small",
    'technical CHANGED FROM sideways TO "mildly bullish" WITHIN 3 D',
    'fin trend >= "very positive" AND days since results <= 7',
    "close CROSSES ABOVE sma200 WITHIN 5 D AND volume > 2 * [avg volume 20d]",
    "NOT (valuation = risky) AND (rsi < 30 OR pct b < 0) AND call >= hold",
    "results in days BETWEEN 0 AND 7 AND fin trend IS NOT NULL",
    "pe < 0.8 * [industry pe] AND roce > 15",
]

ERRORS = [
    ("call > 5", 1,
     "type error: 'call' is an ordinal (Strong Sell…Strong Buy); cannot compare with a number"),
    ("technical = buy", 13,
     "'buy' is not a value of 'technical'; expected one of Bearish, Mildly Bearish, Sideways, "
     "Mildly Bullish, Bullish"),
    ("market cp > 500", 1, "unknown field 'market cp' — did you mean 'market cap'?"),
    ("ret 1m BETWEEN 10 AND 5", 16, "empty range: 10 > 5"),
    ("pe CROSSES ABOVE 20", 1, "'pe' has no daily history; CROSSES needs one"),
]  # fmt: skip


@pytest.mark.parametrize("text", EXAMPLES)
def test_every_section_9_example_parses_and_its_echo_reparses(text: str) -> None:
    q = parse(text)
    again = parse(q.echo)
    assert again.echo == q.echo
    assert again.root == q.root or str(again.root) == str(q.root)


@pytest.mark.parametrize(("text", "col", "message"), ERRORS)
def test_every_section_9_error_has_its_exact_message_and_column(
    text: str, col: int, message: str
) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert info.value.message == message
    assert info.value.column == col
    assert str(info.value) == f"col {col}: {message}"


def test_unknown_name_spans_all_words_up_to_the_operator() -> None:
    with pytest.raises(QueryError) as info:
        parse("market cp > 500")
    assert (info.value.column, info.value.length) == (1, len("market cp"))


# ------------------------------------------------------------------ golden 28, 29

BOOLS = custom_registry(
    [Field(x, Kind.BOOLEAN) for x in "abc"] + [Field(x, Kind.NUMBER) for x in "xy"]
)


def test_golden_28_and_binds_tighter_than_or() -> None:
    assert parse("a OR b AND c", fields=BOOLS).echo == "a OR (b AND c)"
    assert (
        parse("x BETWEEN 1 AND 2 AND y > 3", fields=BOOLS).echo == "(x BETWEEN 1 AND 2) AND (y > 3)"
    )
    assert parse("(a OR b) AND NOT c", fields=BOOLS).echo == "(a OR b) AND (NOT c)"


def test_golden_29_the_longest_name_wins() -> None:
    fields = custom_registry(
        [Field("market_cap", Kind.MONEY),
         Field("market_cap_class", Kind.ORDINAL, scale=("Small", "Mid", "Large"))]
    )  # fmt: skip
    root = parse("market cap class = small", fields=fields).root
    assert isinstance(root, n.Compare)
    assert isinstance(root.left, n.Ref)
    assert root.left.field.id == "market_cap_class"
    # the real registry: `market cap class` is an alias of mcap_class, `market cap` a field
    real = parse("market cap class = small AND market cap > 500").root
    assert isinstance(real, n.Logic)
    assert [r.field.id for r in n.walk(real) if isinstance(r, n.Ref)] == [
        "mcap_class", "market_cap"]  # fmt: skip


# ------------------------------------------------------------------ resolution and values


def test_names_are_case_space_underscore_and_dash_insensitive() -> None:
    for text in ("RET_1M > 5", "Ret 1m > 5", "[ret-1m] > 5", "`ret 1M` > 5", "ret_1m > 5"):
        root = parse(text).root
        assert isinstance(root, n.Compare)
        assert isinstance(root.left, n.Ref)
        assert root.left.field.id == "ret_1m"


def test_a_number_word_continues_a_name() -> None:
    root = parse("excess 1m vs nifty 50 > 2").root
    assert isinstance(root, n.Compare)
    assert isinstance(root.left, n.Ref)
    assert root.left.field.id == "excess_1m_vs_nifty_50"


def test_aliases_resolve_to_their_field() -> None:
    for alias, fid in [("rating", "call"), ("mojo call", "call"), ("tech", "technical"),
                       ("technical trend", "technical"), ("financial trend", "fin_trend"),
                       ("mojo score", "score"), ("mcap", "market_cap"),
                       ("market capitalization", "market_cap")]:  # fmt: skip
        q = parse(f"{alias} IS NULL")
        assert [f.id for f in q.fields] == [fid]


def test_ordinal_values_match_longest_first() -> None:
    root = parse("valuation >= very attractive").root
    assert isinstance(root, n.Compare)
    assert isinstance(root.right, n.Grade)
    assert root.right.word == "Very Attractive"
    root = parse("technical = MILDLY_BULLISH").root
    assert isinstance(root, n.Compare)
    assert isinstance(root.right, n.Grade)
    assert root.right.code == 3


def test_rsi_w_is_written_with_an_underscore_or_brackets() -> None:
    for text in ("rsi_w > 60", "[rsi w] > 60"):
        assert [f.id for f in parse(text).fields] == ["rsi_w"]


def test_units_scale_money_and_decorate_percent_and_multiples() -> None:
    def value(text: str) -> float:
        root = parse(text).root
        assert isinstance(root, n.Compare)
        assert isinstance(root.right, n.Num)
        return root.right.value

    assert value("market cap > 500cr") == 500
    assert value("market cap > 500 crore") == 500
    assert value("traded value > 50 lakh") == pytest.approx(0.5)
    assert value("traded value > 50l") == pytest.approx(0.5)
    assert value("traded value > 500k") == pytest.approx(0.05)
    assert value("ret 1m > 10%") == 10
    assert value("pe < 15x") == 15


@pytest.mark.parametrize(
    ("text", "col", "start"),
    [
        ("close > 5cr", 9, "type error: unit 'cr' does not apply to 'close'"),
        ("pe > 5%", 6, "type error: unit '%' does not apply to 'pe'"),
        ("ret 1m > 2x", 10, "type error: unit 'x' does not apply to 'ret 1m'"),
        ('sector > "Power"', 1, "type error: 'sector' is text; use =, != or IN"),
        ("sector = -5", 10, "type error: 'sector' is text; cannot compare with a number"),
        ("call + 1 > 2", 1, "type error: 'call' is an ordinal (Strong Sell…Strong Buy)"),
        ("score UPGRADED", 1, "'score' has no change events"),
        ("score", 1, "a query must be a condition"),
        ("score > 1 > 2", 1, "'>' needs a value on its left, not a condition"),
        ("score >", 8, "unexpected end of query"),
        ("(score > 1", 11, "unexpected end of query; expected ')'"),
        ("score > 1 score > 2", 11, "unexpected 'score'"),
        ("score = = 1", 9, "unexpected '='"),
        ("score ! 1", 7, "unexpected character '!'"),
        ("sector = 'Power", 10, "unterminated string"),
        ("[ret 1m > 5", 1, "'[' is never closed"),
        ("call UPGRADED WITHIN 51 W", 15, "WITHIN spans at most 250 sessions"),
        ("call UPGRADED WITHIN 0 D", 15, "WITHIN needs at least one session"),
        ("call UPGRADED WITHIN 1.5 D", 22, "WITHIN needs a whole number"),
        ("abs(ret 1d, 2) > 1", 1, "abs() takes one argument"),
        ("max(ret 1d) > 1", 1, "max() takes two or more arguments"),
        ("score > 10000000000000000", 9, "number too large"),
        ("5 CROSSES ABOVE 3", 1, "CROSSES needs a field with daily history"),
        ("AND score > 1", 1, "unexpected 'AND'"),
        ("", 1, "empty query"),
    ],
)
def test_errors_name_their_column(text: str, col: int, start: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert info.value.message.startswith(start), info.value.message
    assert info.value.column == col


def test_within_forms() -> None:
    for text, sessions in [("call UPGRADED WITHIN 5 D", 5), ("call UPGRADED WITHIN 5d", 5),
                           ("call UPGRADED WITHIN 2 WEEKS", 10), ("call UPGRADED WITHIN 2w", 10),
                           ("call UPGRADED WITHIN 3 days", 3), ("call UPGRADED", 1)]:  # fmt: skip
        root = parse(text).root
        assert isinstance(root, n.Event)
        assert root.sessions == sessions


# ------------------------------------------------------------------ limits


def test_limits() -> None:
    with pytest.raises(QueryError, match="query too long"):
        parse("score > 1 AND " * 200)
    with pytest.raises(QueryError, match="too many tokens"):
        parse(" AND ".join(["score > 1"] * 101))
    parse(" AND ".join(["score > 1"] * 100))  # 399 tokens
    with pytest.raises(QueryError, match="nested too deeply"):
        parse("(" * 33 + "score > 1" + ")" * 33)
    parse("(" * 32 + "score > 1" + ")" * 32)
    with pytest.raises(QueryError, match="nested too deeply") as info:
        parse("NOT " * 40 + "score > 1")
    assert info.value.column == 4 * 32 + 1
    with pytest.raises(QueryError, match="too many IN values"):
        parse("score IN (" + ", ".join(str(i) for i in range(101)) + ")")
    parse("score IN (" + ", ".join(str(i) for i in range(100)) + ")")


def test_lexer_numbers_and_words() -> None:
    kinds = [(t.type, t.text, t.unit) for t in tokenize("10% 500cr 3x 1m 20d sma200 0.8 'it''s'")]
    assert kinds[:-1] == [
        (Tok.NUMBER, "10%", "%"), (Tok.NUMBER, "500cr", "cr"), (Tok.NUMBER, "3x", "x"),
        (Tok.WORD, "1m", None), (Tok.WORD, "20d", None), (Tok.WORD, "sma200", None),
        (Tok.NUMBER, "0.8", None), (Tok.STRING, "it's", None),
    ]  # fmt: skip


def test_registry_has_benchmark_fields() -> None:
    reg = registry(("SENSEX", "NIFTY 50"))
    for fid in ("excess_1d_vs_sensex", "excess_5d_vs_nifty_50", "excess_1m_vs_bench"):
        assert fid in reg.fields
