"""Each capability's providers in order, cache first (sources.md §1): the first valid answer
wins and the failures of the ones before it are kept only if every provider fails.

`Providers` binds a fetcher, a `Store` and a mode; each method serves one item as a `Served`
JSON payload, so a batch can report it `fresh` or `cached`. The `*_rows` helpers turn served
payloads into the frames `assemble` takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from tui.sources.base import SourceError
from tui.sources.clock import Kind
from tui.sources.errors import BadPayload
from tui.sources.fetcher import Fetcher
from tui.sources.live import bse, nse, yahoo
from tui.sources.live.frames import frame_from_payload, frame_to_payload
from tui.sources.live.modes import Mode
from tui.sources.live.store import FetchBars, Served, Store

if TYPE_CHECKING:
    from tui.sources.live.market import FetchReport

_ROW = ["date", "open", "high", "low", "close", "volume"]
_INDEX_ROW = ["index", "date", "open", "high", "low", "close"]


class NothingArrived(SourceError):
    """A live run got too little to show (no constituents, no index history).

    Attributes:
        report: The run's report, with every failure.
    """

    def __init__(self, report: FetchReport, what: str) -> None:
        reasons = sorted({r for b in report.failed().values() for r in b.values()})
        why = f": {reasons[0].rstrip('.')}" if reasons else ""
        super().__init__(f"{report.mode.upper()}: {what}{why}.")
        self.report = report


def _require_bars(payload: dict[str, list[Any]], source: str, what: str) -> None:
    if not payload.get("date"):
        raise BadPayload(source, what, "no daily bars")


class Providers:
    """The providers of one run.

    Args:
        fetcher: Sends requests.
        store: Cache-first access.
        mode: The live mode.
        today: The IST date (the end of history windows).
    """

    def __init__(self, fetcher: Fetcher, store: Store, mode: Mode, today: dt.date) -> None:
        self.fetcher = fetcher
        self.store = store
        self.mode = mode
        self.today = today

    async def constituents(self, segment: str) -> Served:
        """A segment index's constituents and quotes: `{"quotes": frame, "index": frame}`."""
        index = self.mode.segments[segment]
        if self.mode.quotes == "bse":

            async def from_bse() -> tuple[Any, str]:
                frame, endpoint = await bse.constituents(self.fetcher, index)
                if frame.empty:
                    raise BadPayload("bse", endpoint, f"no constituents of {index}")
                empty = pd.DataFrame(columns=_INDEX_ROW)
                return {
                    "quotes": frame_to_payload(frame),
                    "index": frame_to_payload(empty),
                }, endpoint

            return await self.store.item("bse", Kind.CONSTITUENTS, index, from_bse, check=_quotes)

        async def from_nse() -> tuple[Any, str]:
            board, endpoint = await nse.constituents(self.fetcher, index)
            if board.quotes.empty:
                raise BadPayload("nse", endpoint, f"no constituents of {index}")
            payload = {
                "quotes": frame_to_payload(board.quotes),
                "index": frame_to_payload(board.index),
            }
            return payload, endpoint

        return await self.store.item("nse", Kind.CONSTITUENTS, index, from_nse, check=_quotes)

    async def reference(self, name: str) -> Served:
        """A reference list as a frame payload: an `ind_*list.csv`, `EQUITY_L.csv` or BSE's
        `ListofScripData`."""

        def frame(call: Callable[[], Awaitable[tuple[pd.DataFrame, str]]]) -> Any:
            async def run() -> tuple[Any, str]:
                value, endpoint = await call()
                return frame_to_payload(value), endpoint

            return run

        if name == "ListofScripData":
            fetch = frame(lambda: bse.scrips(self.fetcher))
            return await self.store.item(
                "bse", Kind.UNIVERSE, name, fetch, check=frame_from_payload
            )
        if name == "EQUITY_L.csv":
            fetch = frame(lambda: nse.equity_list(self.fetcher))
            source = "nse_archives"
        else:
            fetch = frame(lambda: nse.index_list(self.fetcher, name))
            source = "niftyindices"
        return await self.store.item(source, Kind.LISTS, name, fetch, check=frame_from_payload)

    async def history(self, symbol: str) -> Served:
        """A stock's daily bars from Yahoo (split-adjusted), as a bars payload."""

        async def fetch(start: dt.date | None) -> tuple[dict[str, list[Any]], str]:
            payload, endpoint = await yahoo.history(self.fetcher, symbol, start)
            if start is None:
                _require_bars(payload, "yahoo", endpoint)
            return payload, endpoint

        return await self.store.bars("yahoo", symbol, fetch)

    def _index_chain(self, index: str) -> list[tuple[str, str, FetchBars]]:
        today = self.today
        chain: dict[str, tuple[str, str, FetchBars]] = {
            "nse": ("nse", index, lambda s: nse.index_history(self.fetcher, index, s, today)),
            "niftyindices": (
                "niftyindices", index, lambda s: nse.nifty_history(self.fetcher, index, s, today)
            ),
            "bse": ("bse", index, lambda s: bse.index_history(self.fetcher, index, s, today)),
        }  # fmt: skip
        symbol = self.mode.index_yahoo.get(index)
        if symbol is not None:
            chain["yahoo"] = ("yahoo", symbol, lambda s: yahoo.history(self.fetcher, symbol, s))
        order = {
            "nse": ("nse", "yahoo", "niftyindices"),
            "bse": ("yahoo", "bse"),
            "yahoo": ("yahoo", "niftyindices", "nse"),
        }[self.mode.name]
        return [chain[name] for name in order if name in chain]

    async def index_history(self, index: str) -> Served:
        """An index's daily levels from the first provider of the mode's chain that answers."""
        first: Exception | None = None
        for source, key, call in self._index_chain(index):

            async def fetch(
                start: dt.date | None, call: FetchBars = call, source: str = source
            ) -> tuple[dict[str, list[Any]], str]:
                payload, endpoint = await call(start)
                if start is None:
                    _require_bars(payload, source, endpoint)
                return payload, endpoint

            try:
                return await self.store.bars(source, key, fetch, Kind.INDEX_HISTORY)
            except Exception as exc:
                first = first or exc
        raise first or SourceError(f"no provider for index {index}")

    async def levels(self) -> Served:
        """NSE allIndices: every index's level today, as index rows."""

        async def fetch() -> tuple[Any, str]:
            board, endpoint = await nse.all_indices(self.fetcher)
            return frame_to_payload(board.indices[_INDEX_ROW]), endpoint

        return await self.store.item(
            "nse", Kind.INDEX_LEVELS, "allIndices", fetch, check=frame_from_payload
        )

    async def results(self, symbol: str) -> Served:
        """NSE quarterly results of one company (₹ crore; the parser divides by 100)."""

        async def fetch() -> tuple[Any, str]:
            frame, endpoint = await nse.results(self.fetcher, symbol)
            return frame_to_payload(frame), endpoint

        return await self.store.item("nse", Kind.RESULTS, symbol, fetch, check=frame_from_payload)

    async def calendar(self) -> Served:
        """Results meetings: `{"provider": "nse"|"bse", "frame": payload}` from the first
        provider of the mode's order that answers."""
        first: Exception | None = None
        for provider in self.mode.calendar:
            call = nse.event_calendar if provider == "nse" else bse.result_calendar
            key = "event-calendar" if provider == "nse" else "Corpforthresults"

            async def fetch(
                call: Callable[[Fetcher], Awaitable[tuple[pd.DataFrame, str]]] = call,
            ) -> tuple[Any, str]:
                frame, endpoint = await call(self.fetcher)
                return frame_to_payload(frame), endpoint

            try:
                served = await self.store.item(
                    provider, Kind.CALENDAR, key, fetch, check=frame_from_payload
                )
            except Exception as exc:
                first = first or exc
                continue
            return replace(served, value={"provider": provider, "frame": served.value})
        raise first or SourceError("no calendar provider")

    async def spark(self, segment: str, symbols: list[str]) -> Served:
        """Yahoo spark quotes of a segment's stocks (yahoo mode)."""

        async def fetch() -> tuple[Any, str]:
            frame, endpoint = await yahoo.spark(self.fetcher, symbols)
            return frame_to_payload(frame), endpoint

        key = self.mode.segments[segment]
        return await self.store.item("yahoo", Kind.QUOTES, key, fetch, check=frame_from_payload)


def _quotes(payload: Any) -> None:
    frame_from_payload(payload["quotes"])
    frame_from_payload(payload["index"])


def quote_rows(
    mode: Mode,
    universe: pd.DataFrame,
    constituents: dict[str, Any],
    spark: dict[str, Any],
    fallback_day: dt.date,
) -> pd.DataFrame:
    """Today's quote rows by display symbol (symbol, date, OHLC, volume)."""
    frames = []
    if mode.quotes == "yahoo":
        by = dict(zip(universe["yahoo"], universe["symbol"], strict=True))
        payloads = list(spark.values())
        key = "symbol"
    elif mode.quotes == "bse":
        by = dict(zip(universe["bse_code"], universe["symbol"], strict=True))
        payloads = [p["quotes"] for p in constituents.values()]
        key = "bse_code"
    else:
        by = dict(zip(universe["quote_symbol"], universe["symbol"], strict=True))
        payloads = [p["quotes"] for p in constituents.values()]
        key = "symbol"
    for payload in payloads:
        frame = frame_from_payload(payload)
        if frame.empty or key not in frame:
            continue
        rows = pd.DataFrame({"symbol": frame[key].map(by)})
        date = frame["date"] if "date" in frame else pd.Series(pd.NaT, index=frame.index)
        rows["date"] = (
            pd.to_datetime(date).dt.tz_localize(None)
            if isinstance(date.dtype, pd.DatetimeTZDtype)
            else pd.to_datetime(date)
        )
        rows["date"] = rows["date"].fillna(pd.Timestamp(fallback_day))
        for column in _ROW[1:]:
            values = frame[column] if column in frame else pd.Series(float("nan"), frame.index)
            rows[column] = pd.to_numeric(values, errors="coerce")
        frames.append(rows.dropna(subset=["symbol", "close"]))
    if not frames:
        return pd.DataFrame(columns=["symbol", *_ROW])
    return pd.concat(frames, ignore_index=True).drop_duplicates(["symbol", "date"], keep="last")


def index_rows(mode: Mode, constituents: dict[str, Any], levels: dict[str, Any]) -> pd.DataFrame:
    """Today's index rows: allIndices first, each constituents call's own index row over it."""
    frames = [frame_from_payload(p) for p in levels.values()]
    frames += [frame_from_payload(p["index"]) for p in constituents.values()]
    frames = [f[_INDEX_ROW] for f in frames if not f.empty and set(_INDEX_ROW) <= set(f.columns)]
    if not frames:
        return pd.DataFrame(columns=_INDEX_ROW)
    rows = pd.concat(frames, ignore_index=True)
    return rows[rows["index"].isin(mode.indices)].dropna(subset=["date", "close"])


def calendar_rows(universe: pd.DataFrame, value: Any) -> pd.DataFrame | None:
    """Results meetings by display symbol (symbol, date, purpose, announced_on)."""
    if value is None:
        return None
    frame = frame_from_payload(value["frame"])
    if frame.empty:
        return None
    if value["provider"] == "bse":
        by = dict(zip(universe["bse_code"], universe["symbol"], strict=True))
        symbols = frame["bse_code"].map(by)
    else:
        frame = frame[frame["is_results"].astype(bool)] if "is_results" in frame else frame
        by = dict(zip(universe["quote_symbol"], universe["symbol"], strict=True))
        by |= {s: s for s in universe["symbol"]}
        symbols = frame["symbol"].map(by)
    rows = pd.DataFrame({"symbol": symbols, "date": frame["date"], "purpose": frame["purpose"]})
    if "announced_on" in frame:
        rows["announced_on"] = frame["announced_on"]
    return rows.dropna(subset=["symbol", "date"])
