"""Expand the demo's compact inputs into a data folder, deterministically, on first use.

The package ships the generator's compact inputs (`inputs/`): the universe, one int16 daily
return in basis points per stock and session, start prices, volume levels, index bars, results,
annual fundamentals and the board-meeting calendar. Prices are rebuilt with integer arithmetic
in paise (no floating point, no random generator), so every machine and NumPy version builds the
same bytes; a checksum over the uncompressed CSV text guards that promise.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

HOLIDAYS = (
    # NSE trading holidays (weekdays) in the demo window; sessions are the other weekdays.
    "2022-08-09", "2022-08-15", "2022-08-31", "2022-10-05", "2022-10-24", "2022-10-26",
    "2022-11-08", "2023-01-26", "2023-03-07", "2023-03-30", "2023-04-04", "2023-04-07",
    "2023-04-14", "2023-05-01", "2023-06-29", "2023-08-15", "2023-09-19", "2023-10-02",
    "2023-10-24", "2023-11-14", "2023-11-27", "2023-12-25", "2024-01-22", "2024-01-26",
    "2024-03-08", "2024-03-25", "2024-03-29", "2024-04-11", "2024-04-17", "2024-05-01",
    "2024-05-20", "2024-06-17", "2024-07-17", "2024-08-15", "2024-10-02", "2024-11-01",
    "2024-11-15", "2024-11-20", "2024-12-25", "2025-02-26", "2025-03-14", "2025-03-31",
    "2025-04-10", "2025-04-14", "2025-04-18", "2025-05-01", "2025-08-15", "2025-08-27",
    "2025-10-02", "2025-10-21", "2025-10-22", "2025-11-05", "2025-12-25", "2026-01-26",
)  # fmt: skip
FIRST_DAY = "2022-08-01"
AS_OF = "2026-02-10"
BUILD_VERSION = 1
"""Bump when the expansion changes; it is part of the cache folder's name."""

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def sessions() -> pd.DatetimeIndex:
    """The demo's trading sessions: weekdays from FIRST_DAY to AS_OF minus HOLIDAYS."""
    days = pd.bdate_range(FIRST_DAY, AS_OF)
    return days[~days.isin(pd.DatetimeIndex(HOLIDAYS))]


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on uint64 arrays: a fixed, portable hash."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        return z ^ (z >> np.uint64(31))


def noise(shape: tuple[int, int], salt: int) -> np.ndarray:
    """Deterministic uint64 noise for every (session, stock) cell."""
    t = np.arange(shape[0], dtype=np.uint64)[:, None]
    i = np.arange(shape[1], dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        key = (t << np.uint64(32)) ^ (i << np.uint64(8)) ^ np.uint64(salt)
    return mix(key)


@dataclass(frozen=True, eq=False)
class Bars:
    """Integer daily bars (paise and shares), shape (sessions, stocks); 0 before listing."""

    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray
    listed: np.ndarray


def expand(
    returns_bp: np.ndarray, start_paise: np.ndarray, first: np.ndarray, base_volume: np.ndarray
) -> Bars:
    """Turn daily returns (basis points) into OHLCV bars with integer arithmetic only.

    Args:
        returns_bp: (T, N) int16; the return of session t over t-1 (ignored at and before
            each stock's first session).
        start_paise: (N,) close on the first session, in paise.
        first: (N,) index of each stock's first session.
        base_volume: (N,) typical daily volume in shares.
    """
    t_count, n = returns_bp.shape
    r = returns_bp.astype(np.int64)
    rows = np.arange(t_count)[:, None]
    listed = rows >= first[None, :]
    close = np.zeros((t_count, n), dtype=np.int64)
    prev = start_paise.astype(np.int64).copy()
    for t in range(t_count):
        moved = (prev * (10_000 + r[t]) + 5_000) // 10_000
        cur = np.where(t > first, np.maximum(moved, 1), start_paise)
        cur = np.where(t >= first, cur, 0)
        close[t] = cur
        prev = np.where(t >= first, cur, prev)
    prev_close = np.vstack([start_paise[None, :], close[:-1]])
    prev_close = np.where(rows > first[None, :], prev_close, close)
    h1, h2, h3, h4 = (noise((t_count, n), salt) for salt in (11, 23, 37, 41))
    gap = (h1 % np.uint64(121)).astype(np.int64) - 60  # ±0.60 % opening gap
    opening = prev_close + (prev_close * gap) // 10_000
    opening = np.maximum(opening, 1)
    top = np.maximum(opening, close)
    bottom = np.minimum(opening, close)
    spread = 20 + (np.abs(r) // 4)
    up = (h2 % np.uint64(1000)).astype(np.int64) * spread // 1000
    dn = (h3 % np.uint64(1000)).astype(np.int64) * spread // 1000
    high = top + (top * up) // 10_000
    low = np.maximum(bottom - (bottom * dn) // 10_000, 1)
    jitter = 50 + (h4 % np.uint64(101)).astype(np.int64)
    volume = base_volume[None, :].astype(np.int64) * jitter * (200 + np.abs(r) // 10) // 20_000
    volume = np.maximum(volume, 1)
    zero = ~listed
    for a in (opening, high, low, close, volume):
        a[zero] = 0
    return Bars(opening, high, low, close, volume, listed)


def prices_frame(bars: Bars, symbols: list[str], dates: pd.DatetimeIndex) -> pd.DataFrame:
    """Long prices.csv rows (symbol, date order) from integer bars; money in rupees."""
    listed = bars.listed.T.ravel()
    sym = np.repeat(np.asarray(symbols, dtype=object), len(dates))[listed]
    day = np.tile(dates.strftime("%Y-%m-%d").to_numpy(dtype=object), len(symbols))[listed]

    def rupees(a: np.ndarray) -> np.ndarray:
        # paise / 100 is the nearest double to the exact rupee value, so "%.2f" prints it back.
        return np.asarray(a.T.ravel()[listed] / 100.0)

    return pd.DataFrame(
        {
            "symbol": sym,
            "date": day,
            "open": rupees(bars.open),
            "high": rupees(bars.high),
            "low": rupees(bars.low),
            "close": rupees(bars.close),
            "volume": bars.volume.T.ravel()[listed],
        }
    )


def inputs_dir() -> Path:
    """The packaged compact inputs."""
    return Path(str(resources.files("tui.demo") / "inputs"))


def load_inputs(folder: Path | None = None) -> dict[str, object]:
    """Read the compact inputs (arrays and frames)."""
    folder = folder or inputs_dir()
    with np.load(folder / "prices.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    universe = pd.read_csv(folder / "universe.csv", dtype=str, keep_default_na=False)
    return {"arrays": arrays, "universe": universe, "folder": folder}


def write_folder(target: Path, folder: Path | None = None) -> str:
    """Build the demo data folder at `target` (atomically) and return its checksum."""
    inputs = load_inputs(folder)
    src = inputs["folder"]
    assert isinstance(src, Path)
    arrays = inputs["arrays"]
    assert isinstance(arrays, dict)
    universe = inputs["universe"]
    assert isinstance(universe, pd.DataFrame)
    bars = expand(
        arrays["returns_bp"], arrays["start_paise"], arrays["first"], arrays["base_volume"]
    )
    prices = prices_frame(bars, list(universe["symbol"]), sessions())
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".demo-", dir=target.parent))
    try:
        text = prices.to_csv(index=False, lineterminator="\n", float_format="%.2f")
        digest.update(text.encode())
        _write_gz(tmp / "prices.csv.gz", text)
        stocks = universe.copy()
        stocks.to_csv(tmp / "stocks.csv", index=False, lineterminator="\n")
        digest.update((tmp / "stocks.csv").read_bytes())
        for name in ("indices.csv.gz", "results.csv.gz", "annual.csv.gz", "calendar.csv.gz"):
            if (src / name).exists():
                shutil.copyfile(src / name, tmp / name)
                digest.update(gzip.decompress((src / name).read_bytes()))
        shutil.copyfile(src / "market.toml", tmp / "market.toml")
        digest.update((src / "market.toml").read_bytes())
        checksum = digest.hexdigest()
        (tmp / "CHECKSUM").write_text(checksum + "\n")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return checksum


def _write_gz(path: Path, text: str) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=6) as gz:
        gz.write(text.encode())
    path.write_bytes(buffer.getvalue())


def expected_checksum(folder: Path | None = None) -> str:
    """The checksum the inputs promise (written by the generator)."""
    return ((folder or inputs_dir()) / "CHECKSUM").read_text().strip()
