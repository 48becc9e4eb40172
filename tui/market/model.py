"""The market data model: one MarketData value, its as-of cut, and the dense price panel.

Every source (demo, folder, live) produces a `MarketData`. Frames are long and tidy; dates are
`datetime64[ns]` at midnight (naive, meaning the exchange's local date). The analytics first cut
the value to what was known at an as-of session's close (`cut`), then build a `Panel`: dense
(sessions × symbols) float arrays on the market calendar, which every vectorised computation uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

STOCK_COLUMNS = ("symbol", "name", "sector", "industry", "mcap_class")
STOCK_OPTIONAL = ("exchange", "isin", "bse_code", "market_cap_cr", "status")
PRICE_COLUMNS = ("symbol", "date", "open", "high", "low", "close", "volume")
INDEX_COLUMNS = ("index", "date", "open", "high", "low", "close")
RESULT_COLUMNS = (
    "symbol", "period_end", "filed_on", "sales", "other_income", "expenses", "pbdit",
    "interest", "depreciation", "pbt", "tax", "pat", "eps",
)  # fmt: skip
RESULT_OPTIONAL = ("basis",)
ANNUAL_COLUMNS = (
    "symbol", "year_end", "filed_on", "sales", "ebit", "depreciation", "interest", "pbt", "tax",
    "pat", "eps", "equity", "borrowings", "cash", "cfo",
)  # fmt: skip
ANNUAL_OPTIONAL = ("promoter_pledge_pct", "shares_cr", "dps", "roa_pct", "gnpa_pct", "car_pct")
BALANCE_COLUMNS = (
    "symbol",
    "period_end",
    "filed_on",
    "borrowings",
    "equity",
    "receivables",
    "cash",
)
CALENDAR_COLUMNS = ("symbol", "date", "purpose")
CALENDAR_OPTIONAL = ("announced_on",)


@dataclass(frozen=True)
class MarketMeta:
    """market.toml: the market's name, snapshot date, segments and benchmarks."""

    name: str
    as_of: dt.date
    currency: str = "INR"
    timezone: str = "Asia/Kolkata"
    fiscal_year_start_month: int = 4
    benchmarks: tuple[str, ...] = ()
    segments: dict[str, str] = field(default_factory=dict)
    snapshot: dt.date | None = None
    """The date stocks.csv's market_cap_cr is as of: market.toml's as_of, kept by `cut`."""

    @property
    def snapshot_date(self) -> dt.date:
        """The market-cap snapshot date (the original as_of when never cut)."""
        return self.snapshot or self.as_of


def empty_frame(columns: tuple[str, ...], dates: tuple[str, ...] = ()) -> pd.DataFrame:
    """Return an empty frame with the given columns (date columns typed as datetimes)."""
    frame = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    for c in columns:
        if c in dates:
            frame[c] = pd.Series(dtype="datetime64[ns]")
        elif c in ("symbol", "index", "purpose", "basis"):
            frame[c] = pd.Series(dtype="object")
    return frame


@dataclass(frozen=True)
class MarketData:
    """Everything the analytics need, as loaded from one source.

    Attributes:
        meta: market.toml.
        stocks: one row per symbol (index = symbol) with name, sector, industry, mcap_class
            and the optional exchange, isin, bse_code, market_cap_cr, status.
        prices: symbol, date, open, high, low, close, volume; sorted by (symbol, date).
        indices: index, date, open, high, low, close; sorted by (index, date).
        results: quarterly results (₹ crore), possibly empty.
        annual: yearly fundamentals, possibly empty.
        balance: half-yearly balance-sheet items, possibly empty.
        calendar: board meetings, possibly empty.
        source: what served the data (demo, folder, nse, ...).
        stale: True when cached data is shown before a refresh.
    """

    meta: MarketMeta
    stocks: pd.DataFrame
    prices: pd.DataFrame
    indices: pd.DataFrame
    results: pd.DataFrame = field(
        default_factory=lambda: empty_frame(RESULT_COLUMNS, ("period_end", "filed_on"))
    )
    annual: pd.DataFrame = field(
        default_factory=lambda: empty_frame(ANNUAL_COLUMNS, ("year_end", "filed_on"))
    )
    balance: pd.DataFrame = field(
        default_factory=lambda: empty_frame(BALANCE_COLUMNS, ("period_end", "filed_on"))
    )
    calendar: pd.DataFrame = field(default_factory=lambda: empty_frame(CALENDAR_COLUMNS, ("date",)))
    source: str = "folder"
    stale: bool = False
    bars: Panel | None = field(default=None, repr=False, compare=False)
    """Daily bars stored densely instead of `prices` (see `compact`); None when `prices`
    holds them."""

    def __post_init__(self) -> None:
        # Millions of price rows repeat a few thousand symbols: a categorical column holds
        # them in 2 bytes a row instead of a Python string each (≈200 MB at 5,000 stocks).
        frame = self.prices
        symbol = frame["symbol"] if isinstance(frame, pd.DataFrame) and "symbol" in frame else None
        if symbol is not None and not isinstance(symbol.dtype, pd.CategoricalDtype):
            prices = self.prices.assign(symbol=symbol.astype("category"))
            object.__setattr__(self, "prices", prices)

    @cached_property
    def sessions(self) -> pd.DatetimeIndex:
        """The market calendar: the union of the dates in indices.csv, ascending."""
        return pd.DatetimeIndex(np.unique(self.indices["date"].to_numpy()))

    @cached_property
    def panel(self) -> Panel:
        """Dense daily bars on the market calendar for every stock (built once)."""
        return self.bars if self.bars is not None else build_panel(self)

    def compact(self) -> MarketData:
        """The same data with the daily bars held only as a dense panel.

        A long prices frame and a panel of the same bars would both live in memory during
        an analysis; the panel alone is about 40 bytes per stock-session. `price_frame()`
        rebuilds the long frame on demand (e.g. to write a folder).
        """
        if self.bars is not None:
            return self
        panel = self.panel
        return replace(self, prices=empty_frame(PRICE_COLUMNS, ("date",)), bars=panel)

    def price_frame(self) -> pd.DataFrame:
        """The daily bars as the long prices frame (symbol, date, OHLCV), sorted."""
        if self.bars is None:
            return self.prices
        p = self.bars
        has = p.has_bar.T  # symbol-major order
        sym = np.repeat(np.asarray(p.symbols, dtype=object), len(p.dates)).reshape(has.shape)
        day = np.broadcast_to(p.dates.to_numpy(), has.shape)
        frame = pd.DataFrame({"symbol": sym[has], "date": day[has]})
        for c in ("open", "high", "low", "close", "volume"):
            frame[c] = getattr(p, c).T[has]
        return frame

    @cached_property
    def implied_shares(self) -> pd.Series:
        """market_cap_cr / the close on the snapshot date (last close on or before it).

        Market cap on any session is this times that session's close (analytics.md §1). The
        snapshot close is fixed by market.toml's date, so later bars never change it.
        """
        if "market_cap_cr" not in self.stocks.columns:
            return pd.Series(np.nan, index=self.stocks.index, dtype="float64")
        snap = pd.Timestamp(self.meta.snapshot_date)
        if self.bars is not None:
            p = self.bars
            row = int(p.dates.searchsorted(snap, side="right")) - 1
            final = last_valid(p.close[: row + 1]) if row >= 0 else np.nan
            last = pd.Series(final, index=p.symbols)
            close = last.reindex(self.stocks.index).astype("float64")
            return (self.stocks["market_cap_cr"].astype("float64") / close).rename("implied_shares")
        known = self.prices[self.prices["date"] <= snap]
        last = known.groupby("symbol", sort=False, observed=True)["close"].last()
        close = last.reindex(self.stocks.index).astype("float64")
        return (self.stocks["market_cap_cr"].astype("float64") / close).rename("implied_shares")

    def resolve(self, as_of: dt.date | pd.Timestamp | str | None = None) -> pd.Timestamp:
        """Resolve an as-of date to a session: itself, or the session before it.

        Args:
            as_of: the requested date; None means market.toml's as_of.

        Raises:
            ValueError: when no session is on or before the date.
        """
        wanted = pd.Timestamp(self.meta.as_of if as_of is None else as_of).normalize()
        sessions = self.sessions
        pos = int(sessions.searchsorted(wanted, side="right")) - 1
        if pos < 0:
            first = sessions[0].date() if len(sessions) else "none"
            raise ValueError(f"no session on or before {wanted.date()} (first session: {first})")
        return pd.Timestamp(sessions[pos])


def _latest_filed(frame: pd.DataFrame, key: str, as_of: pd.Timestamp) -> pd.DataFrame:
    known = frame[frame["filed_on"] <= as_of]
    if known.empty:
        return known
    # A period filed twice is a restatement: the latest filing known at as_of wins.
    known = known.sort_values(["symbol", key, "filed_on"], kind="mergesort")
    return known.drop_duplicates(["symbol", key], keep="last").reset_index(drop=True)


def cut(data: MarketData, as_of: dt.date | pd.Timestamp | str | None = None) -> MarketData:
    """Cut a MarketData to what was known at an as-of session's close (analytics.md §1).

    Prices and index bars dated ≤ the session; results, annual and balance rows filed ≤ it
    (the latest filing of a period wins); calendar rows announced ≤ it when `announced_on`
    is present. The returned meta carries the resolved session as `as_of`.
    """
    session = data.resolve(as_of)
    bars = data.bars
    if bars is not None:
        k = int(bars.dates.searchsorted(session, side="right"))
        bars = Panel(bars.dates[:k], bars.symbols, *(getattr(bars, c)[:k] for c in
                     ("open", "high", "low", "close", "volume")))  # fmt: skip
        prices = data.prices
    else:
        prices = data.prices[data.prices["date"] <= session]
    indices = data.indices[data.indices["date"] <= session]
    calendar = data.calendar
    if "announced_on" in calendar.columns:
        announced = calendar["announced_on"]
        calendar = calendar[announced.isna() | (announced <= session)]
    stocks = data.stocks.assign(implied_shares=data.implied_shares)
    return replace(
        data,
        stocks=stocks,
        meta=replace(data.meta, as_of=session.date(), snapshot=data.meta.snapshot_date),
        prices=prices,
        indices=indices,
        results=_latest_filed(data.results, "period_end", session),
        annual=_latest_filed(data.annual, "year_end", session),
        balance=_latest_filed(data.balance, "period_end", session),
        calendar=calendar,
        bars=bars,
    )


@dataclass(frozen=True, eq=False)
class Panel:
    """Dense daily bars on the market calendar: arrays of shape (sessions, symbols).

    Raw arrays hold NaN where a stock has no bar. The `filled` views carry the last close
    forward after a stock's first bar (O = H = L = C = previous close, V = 0), which is how
    indicators treat a session without a trade; before the first bar they stay NaN.
    """

    dates: pd.DatetimeIndex
    symbols: pd.Index
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """(sessions, symbols)."""
        return self.close.shape

    @cached_property
    def has_bar(self) -> np.ndarray:
        """True where the stock has a bar that session."""
        return np.asarray(~np.isnan(self.close))

    @cached_property
    def first_bar(self) -> np.ndarray:
        """Row of each stock's first bar; len(dates) when it has none."""
        has = self.has_bar
        first = has.argmax(axis=0)
        first[~has.any(axis=0)] = len(self.dates)
        return np.asarray(first)

    @cached_property
    def filled_close(self) -> np.ndarray:
        """Closes carried forward after each stock's first bar (NaN before it)."""
        return ffill(self.close)

    def filled_columns(
        self, cols: slice
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`filled` for a block of columns only (bounded memory for column-blocked work)."""
        raw_close = self.close[:, cols]
        close = ffill(raw_close)
        gap = np.isnan(raw_close) & ~np.isnan(close)
        o, h, lo = (np.where(gap, close, a[:, cols]) for a in (self.open, self.high, self.low))
        v = np.where(gap, 0.0, self.volume[:, cols])
        return o, h, lo, close, v

    @property
    def filled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(open, high, low, close, volume) with gaps after the first bar filled flat.

        Computed on each access (not cached): five more (T, N) arrays would double the
        panel's memory, and only the technicals and a few one-row lookups need them.
        """
        close = self.filled_close
        gap = np.isnan(self.close) & ~np.isnan(close)
        o, h, lo = (np.where(gap, close, a) for a in (self.open, self.high, self.low))
        v = np.where(gap, 0.0, self.volume)
        return o, h, lo, close, v


def ffill(a: np.ndarray) -> np.ndarray:
    """Forward-fill NaN down axis 0 of a 2-D array (a copy)."""
    out: np.ndarray = a.copy()
    nan = np.isnan(a)
    # Most columns have NaN only before their first value (not yet listed), which filling
    # leaves alone: gather along time only the columns with a gap after it.
    seen = np.logical_or.accumulate(~nan, axis=0)
    cols = np.flatnonzero((nan & seen).any(axis=0))
    if len(cols):
        sub = a[:, cols]
        idx = np.where(np.isnan(sub), 0, np.arange(a.shape[0])[:, None])
        np.maximum.accumulate(idx, axis=0, out=idx)
        out[:, cols] = sub[idx, np.arange(len(cols))[None, :]]
    return out


def last_valid(a: np.ndarray) -> np.ndarray:
    """The last non-NaN value of each column of a 2-D array (NaN for an all-NaN column)."""
    valid = ~np.isnan(a)
    if not a.shape[0]:
        return np.full(a.shape[1], np.nan)
    back = valid[::-1].argmax(axis=0)
    out: np.ndarray = a[a.shape[0] - 1 - back, np.arange(a.shape[1])]
    return np.where(valid.any(axis=0), out, np.nan)


PANEL_CHUNK_ROWS = 1 << 20
"""Price rows pivoted at a time by build_panel."""


def build_panel(data: MarketData, symbols: pd.Index | None = None) -> Panel:
    """Pivot `data.prices` onto the market calendar (only dates that are sessions).

    Args:
        data: usually an as-of cut.
        symbols: the column order; default all of `data.stocks` in index order.
    """
    if data.bars is not None:
        bars = data.bars
        if symbols is None or bars.symbols.equals(pd.Index(symbols)):
            return bars
        cols = bars.symbols.get_indexer(pd.Index(symbols))
        if (cols < 0).any():
            raise KeyError("symbols not in the panel")
        return Panel(bars.dates, pd.Index(symbols), *(getattr(bars, c)[:, cols] for c in
                     ("open", "high", "low", "close", "volume")))  # fmt: skip
    dates = data.sessions
    symbols = pd.Index(data.stocks.index if symbols is None else symbols)
    t = len(dates)
    n = len(symbols)
    arrays = {c: np.full((t, n), np.nan) for c in ("open", "high", "low", "close", "volume")}
    prices = data.prices
    columns = {c: prices[c] for c in arrays}
    symbol_col = prices["symbol"] if len(prices) else None
    date_col = prices["date"] if len(prices) else None
    # Chunks bound the index arrays' memory (a few 8-byte arrays per row otherwise).
    for lo in range(0, len(prices), PANEL_CHUNK_ROWS):
        hi = min(lo + PANEL_CHUNK_ROWS, len(prices))
        assert symbol_col is not None
        assert date_col is not None
        rows = _date_rows(dates, date_col.iloc[lo:hi].to_numpy())
        cols = _symbol_cols(symbols, symbol_col.iloc[lo:hi])
        ok = (rows >= 0) & (cols >= 0)
        every = bool(ok.all())
        if not every:
            rows, cols = rows[ok], cols[ok]
        for c, arr in arrays.items():
            values = columns[c].iloc[lo:hi].to_numpy(dtype="float64")
            arr[rows, cols] = values if every else values[ok]
    return Panel(dates=dates, symbols=symbols, **arrays)


def _date_rows(dates: pd.DatetimeIndex, values: np.ndarray) -> np.ndarray:
    """Row of each date in the calendar, -1 when it is not a session (vectorised).

    Dates are midnight timestamps, so a lookup table indexed by day number replaces a search.
    """
    if len(dates) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    keys = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    days = values.astype("datetime64[D]").astype(np.int64)
    first = keys[0]
    table = np.full(int(keys[-1] - first) + 1, -1, dtype=np.int64)
    table[keys - first] = np.arange(len(keys))
    offset = days - first
    inside = (offset >= 0) & (offset < len(table))
    return np.where(inside, table[np.clip(offset, 0, len(table) - 1)], -1)


def _symbol_cols(symbols: pd.Index, values: pd.Series) -> np.ndarray:
    """Column of each row's symbol, -1 when it is not in `symbols`.

    Prices are sorted by symbol, so runs of equal symbols are looked up once each.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = symbols.get_indexer(values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, lookup[codes], -1)
    arr = values.to_numpy()
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.empty(len(arr), dtype=bool)
    change[0] = True
    change[1:] = arr[1:] != arr[:-1]
    starts = np.flatnonzero(change)
    codes = symbols.get_indexer(pd.Index(arr[starts], copy=False))
    lengths = np.diff(np.append(starts, len(arr)))
    return np.repeat(codes, lengths)


def index_closes(data: MarketData) -> pd.DataFrame:
    """Index closes as a (sessions × index name) frame, NaN where an index has no bar."""
    wide = data.indices.pivot(index="date", columns="index", values="close")
    return wide.reindex(data.sessions)
