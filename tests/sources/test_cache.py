"""The versioned cache: layout, envelopes, atomic writes, misses, freshness and bar tails."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from tui.sources.cache import CACHE_VERSION, FORMAT, Cache
from tui.sources.cached_bars import (
    bars_from_payload,
    bars_to_payload,
    last_bar_date,
    merge_tail,
    tail_start,
)
from tui.sources.clock import IST, Kind, MarketClock

OPEN = dt.datetime(2026, 3, 10, 11, 0, tzinfo=IST)
HOLIDAYS = (dt.date(2026, 3, 3),)


class Now:
    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


@pytest.fixture
def now() -> Now:
    return Now(OPEN)


@pytest.fixture
def cache(now: Now) -> Cache:
    return Cache(MarketClock(now=now, holidays=HOLIDAYS))


def test_layout_and_envelope(cache: Cache, tmp_path: Path) -> None:
    entry = cache.put(
        "nse",
        Kind.QUOTES,
        "NIFTY SMALLCAP 250",
        {"rows": [{"symbol": "M&M", "last": 3010.5}]},
        endpoint="/api/equity-stock-indices",
        as_of=dt.datetime(2026, 3, 10, 10, 59, tzinfo=IST),
    )
    path = (
        tmp_path
        / "cache"
        / f"v{CACHE_VERSION}"
        / "nse"
        / "quotes"
        / "NIFTY%20SMALLCAP%20250.json.gz"
    )
    assert cache.path("nse", Kind.QUOTES, "NIFTY SMALLCAP 250") == path
    assert cache.path("yahoo", "history", "M&M.NS").name == "M%26M.NS.json.gz"
    envelope = json.loads(gzip.decompress(path.read_bytes()))
    assert envelope == {
        "format": FORMAT,
        "kind": "quotes",
        "key": "NIFTY SMALLCAP 250",
        "source": "nse",
        "endpoint": "/api/equity-stock-indices",
        "fetched_at": "2026-03-10T11:00:00+05:30",
        "as_of": "2026-03-10T10:59:00+05:30",
        "payload": {"rows": [{"symbol": "M&M", "last": 3010.5}]},
    }
    hit = cache.get("nse", Kind.QUOTES, "NIFTY SMALLCAP 250")
    assert hit is not None
    assert hit.entry == entry
    assert hit.fresh
    assert hit.expires_at == OPEN + dt.timedelta(seconds=60)
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_stale_while_revalidate(cache: Cache, now: Now) -> None:
    cache.put("nse", Kind.QUOTES, "NIFTY 50", {"a": 1})
    cache.put("yahoo", Kind.QUOTES, "^NSEI", {"a": 2})
    now.moment = OPEN + dt.timedelta(seconds=90)
    stale = cache.get("nse", Kind.QUOTES, "NIFTY 50")
    assert stale is not None
    assert stale.stale
    assert stale.entry.payload == {"a": 1}
    yahoo = cache.get("yahoo", Kind.QUOTES, "^NSEI")
    assert yahoo is not None
    assert yahoo.fresh


def test_closing_data_lives_until_the_next_open(cache: Cache, now: Now) -> None:
    evening = dt.datetime(2026, 3, 10, 20, 0, tzinfo=IST)
    cache.put("bse", Kind.CONSTITUENTS, "BSE 100", {"t": []}, fetched_at=evening)
    now.moment = dt.datetime(2026, 3, 11, 7, 59, tzinfo=IST)
    hit = cache.get("bse", Kind.CONSTITUENTS, "BSE 100")
    assert hit is not None
    assert hit.fresh
    assert hit.expires_at == evening + dt.timedelta(hours=12)
    now.moment = dt.datetime(2026, 3, 11, 8, 0, tzinfo=IST)
    assert cache.get("bse", Kind.CONSTITUENTS, "BSE 100").stale  # type: ignore[union-attr]


def test_history_entry_refreshes_after_the_close(cache: Cache, now: Now) -> None:
    cache.put("yahoo", Kind.HISTORY, "RELIANCE.NS", {"date": []}, as_of=dt.date(2026, 3, 9))
    hit = cache.get("yahoo", Kind.HISTORY, "RELIANCE.NS")
    assert hit is not None
    assert hit.entry.as_of == dt.date(2026, 3, 9)
    assert hit.expires_at == dt.datetime(2026, 3, 10, 16, 0, tzinfo=IST)
    now.moment = dt.datetime(2026, 3, 10, 16, 5, tzinfo=IST)
    assert cache.get("yahoo", Kind.HISTORY, "RELIANCE.NS").stale  # type: ignore[union-attr]


def test_negative_entries(cache: Cache, now: Now) -> None:
    cache.put_not_found("yahoo", Kind.HISTORY, "GONE.NS", endpoint="/v8/finance/chart/GONE.NS")
    hit = cache.get("yahoo", Kind.HISTORY, "GONE.NS")
    assert hit is not None
    assert hit.entry.negative
    assert hit.expires_at == OPEN + dt.timedelta(minutes=10)
    with pytest.raises(ValueError, match="put_not_found"):
        cache.put("yahoo", Kind.HISTORY, "X.NS", None)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not gzip at all",
        gzip.compress(b"{not json"),
        gzip.compress(b"[1, 2]")[:-6],
        gzip.compress(json.dumps({"format": "dalal-cache/0", "payload": 1}).encode()),
        gzip.compress(b'{"format": "' + FORMAT.encode() + b'"}'),
    ],
)
def test_a_damaged_entry_is_a_miss(cache: Cache, damage: bytes) -> None:
    cache.put("nse", Kind.RESULTS, "RELIANCE", {"rows": [1]})
    cache.path("nse", Kind.RESULTS, "RELIANCE").write_bytes(damage)
    assert cache.read("nse", Kind.RESULTS, "RELIANCE") is None
    assert cache.get("nse", Kind.RESULTS, "RELIANCE") is None
    assert cache.get("nse", Kind.RESULTS, "NEVER") is None


def test_an_entry_for_another_key_or_version_is_a_miss(cache: Cache, tmp_path: Path) -> None:
    cache.put("nse", Kind.RESULTS, "TCS", {"rows": [1]})
    source = cache.path("nse", Kind.RESULTS, "TCS")
    envelope = json.loads(gzip.decompress(source.read_bytes()))
    envelope["format"], envelope["key"] = "dalal-cache/0", "HCL"
    cache.path("nse", Kind.RESULTS, "HCL").write_bytes(gzip.compress(json.dumps(envelope).encode()))
    assert cache.get("nse", Kind.RESULTS, "HCL") is None
    envelope["format"] = FORMAT
    cache.path("nse", Kind.RESULTS, "HCL").write_bytes(gzip.compress(json.dumps(envelope).encode()))
    assert cache.get("nse", Kind.RESULTS, "HCL") is not None
    cache.path("nse", Kind.RESULTS, "INFY").write_bytes(source.read_bytes())
    assert cache.get("nse", Kind.RESULTS, "INFY") is None
    old = tmp_path / "cache" / "v0" / "nse" / "results" / "WIPRO.json.gz"
    old.parent.mkdir(parents=True)
    old.write_bytes(source.read_bytes())
    assert cache.get("nse", Kind.RESULTS, "WIPRO") is None


def test_a_failed_write_keeps_the_old_entry(cache: Cache) -> None:
    cache.put("nse", Kind.RESULTS, "TCS", {"pat": 1.0})
    before = cache.path("nse", Kind.RESULTS, "TCS").read_bytes()
    with pytest.raises(ValueError, match="JSON"):
        cache.put("nse", Kind.RESULTS, "TCS", {"pat": math.nan})
    with pytest.raises(TypeError):
        cache.put("nse", Kind.RESULTS, "TCS", {"pat": object()})
    folder = cache.path("nse", Kind.RESULTS, "TCS").parent
    assert cache.path("nse", Kind.RESULTS, "TCS").read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["TCS.json.gz"]
    hit = cache.get("nse", Kind.RESULTS, "TCS")
    assert hit is not None
    assert hit.entry.payload == {"pat": 1.0}


def test_names_are_validated(cache: Cache) -> None:
    with pytest.raises(ValueError, match="source"):
        cache.path("../x", Kind.QUOTES, "A")
    with pytest.raises(ValueError, match="key"):
        cache.path("nse", Kind.QUOTES, "")
    assert cache.path("nse", Kind.QUOTES, "../etc").parent.name == "quotes"


def test_delete_old_versions(cache: Cache, tmp_path: Path) -> None:
    cache.put("nse", Kind.QUOTES, "NIFTY 50", {"a": 1})
    root = tmp_path / "cache"
    for name in ("v0", "v7", "demo"):
        (root / name / "x").mkdir(parents=True)
    removed = cache.delete_old_versions()
    assert sorted(p.name for p in removed) == ["v0", "v7"]
    assert sorted(p.name for p in root.iterdir()) == ["demo", f"v{CACHE_VERSION}"]
    assert cache.get("nse", Kind.QUOTES, "NIFTY 50") is not None


# --- daily bars ----------------------------------------------------------------------------


def bars(rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime([d for d, _ in rows]),
            "open": [c for _, c in rows],
            "high": [c + 1 for _, c in rows],
            "low": [c - 1 for _, c in rows],
            "close": [c for _, c in rows],
            "volume": [1000.0] * len(rows),
        }
    )


def test_bars_payload_round_trip(cache: Cache) -> None:
    frame = bars([("2026-03-09", 100.0), ("2026-03-06", 99.0), ("2026-03-09", 101.0)])
    frame.loc[0, "volume"] = math.nan
    payload = bars_to_payload(frame)
    assert payload["date"] == ["2026-03-06", "2026-03-09"]
    assert payload["close"] == [99.0, 101.0]
    assert payload["volume"] == [1000.0, 1000.0]
    cache.put("yahoo", Kind.HISTORY, "A.NS", payload, as_of=last_bar_date(frame))
    hit = cache.get("yahoo", Kind.HISTORY, "A.NS")
    assert hit is not None
    back = bars_from_payload(hit.entry.payload)
    assert list(back.columns) == ["date", "open", "high", "low", "close", "volume"]
    assert back["date"].tolist() == [pd.Timestamp("2026-03-06"), pd.Timestamp("2026-03-09")]
    assert back["close"].tolist() == [99.0, 101.0]
    with_gap = bars([("2026-03-09", 100.0)])
    with_gap.loc[0, "volume"] = math.nan
    assert bars_to_payload(with_gap)["volume"] == [None]
    with pytest.raises(ValueError, match="lists"):
        bars_from_payload({"date": ["2026-03-06"], "close": [1.0, 2.0]})


def test_tail_merge_replaces_the_tail_and_appends() -> None:
    stored = bars([("2026-03-05", 98.0), ("2026-03-06", 99.0), ("2026-03-09", 100.0)])
    assert tail_start(stored) == dt.date(2026, 3, 6)
    tail = bars([("2026-03-06", 99.2), ("2026-03-09", 100.6), ("2026-03-10", 102.0)])
    merged = merge_tail(stored, tail)
    assert not merged.full_refetch
    assert merged.bars["close"].tolist() == [98.0, 99.2, 100.6, 102.0]
    assert last_bar_date(merged.bars) == dt.date(2026, 3, 10)


def test_a_rebased_tail_asks_for_a_full_refetch() -> None:
    stored = bars([("2026-03-06", 200.0), ("2026-03-09", 202.0)])
    tail = bars([("2026-03-06", 100.0), ("2026-03-09", 101.0), ("2026-03-10", 103.0)])
    merged = merge_tail(stored, tail)
    assert merged.full_refetch
    assert "2026-03-06" in merged.reason
    assert merged.bars["close"].tolist() == [200.0, 202.0]
    just_inside = merge_tail(stored, bars([("2026-03-06", 200.99)]))
    assert not just_inside.full_refetch
    just_outside = merge_tail(stored, bars([("2026-03-06", 201.02)]))
    assert just_outside.full_refetch


def test_a_tail_without_overlap_asks_for_a_full_refetch() -> None:
    stored = bars([("2026-03-05", 98.0)])
    merged = merge_tail(stored, bars([("2026-03-10", 98.0)]))
    assert merged.full_refetch
    assert merge_tail(bars([]), bars([("2026-03-10", 98.0)])).bars["close"].tolist() == [98.0]
    assert tail_start(bars([])) is None
