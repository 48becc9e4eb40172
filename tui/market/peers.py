"""Peer percentiles for the Valuation pillar (analytics.md §6.4), ranked per session.

A stock's percentile is `100·(rank − 1)/(n − 1)` among its peers with average ranks for ties
(0 = cheapest, n = 1 → 50). Peers are its sector when the sector has at least `min_peers`
non-Risky members that session, else the whole universe.

`PeerGroups.percentiles` ranks a block of sessions at once. Each value becomes an int64 key that
sorts like the float (order-preserving bits, truncated to make room for the column number in the
low bits), so one plain `np.sort` yields each session's universe order and the column behind
every position, with no argsort. A stable radix sort of the sector codes in that order then gives
each stock's rank within its sector. A session where two sorted neighbours share a truncated key
(a tie, or values too close for the truncated key to separate) is ranked again by the exact
reference `exact_percentiles`, so results equal it bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_ORDER = np.int64(0x7FFF_FFFF_FFFF_FFFF)  # flips a negative float's magnitude bits; NaN's key


class PeerGroups:
    """The sector partition of the panel's columns, fixed for the whole history.

    Attributes:
        codes: (N,) sector code of each column (a missing sector is its own group, "").
        groups: column numbers of each sector.
        min_peers: a sector is its members' peer group with at least this many non-Risky ones.
    """

    def __init__(self, sectors: pd.Series, min_peers: int) -> None:
        """Factorise the sectors (in panel column order)."""
        codes, _ = pd.factorize(sectors.fillna(""))
        self.n_groups = int(codes.max(initial=-1)) + 1
        # Small integer codes: NumPy's stable sort of ≤16-bit integers is a radix sort.
        self.codes = codes.astype(np.int16 if self.n_groups < 2**15 else np.int64)
        self.min_peers = min_peers
        self.groups = [np.flatnonzero(self.codes == g) for g in range(self.n_groups)]
        n = len(self.codes)
        self.shift = max(1, (n - 1).bit_length())
        self.columns = np.arange(n, dtype=np.int64)
        # NaN keys sort last and, unlike finite keys, never share their high part.
        self.nan_keys = (((_ORDER >> self.shift) - n + self.columns) << self.shift) | self.columns
        sizes = np.bincount(self.codes, minlength=self.n_groups)
        self.by_code = np.argsort(self.codes, kind="stable")
        self.starts = np.cumsum(sizes) - sizes
        # After a stable sort by sector, position p holds the (p − start of its sector)-th member.
        self.hundred = 100.0 * np.arange(n, dtype=np.float64)
        self.hundred_within = 100.0 * (self.columns - np.repeat(self.starts, sizes))
        self._tile = np.zeros(0)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """(B, G) number of True per session and sector of a (B, N) mask."""
        if not self.n_groups:
            return np.zeros((mask.shape[0], 0), dtype=np.int64)
        # Every code occurs, so no offset repeats (reduceat would not give 0 for an empty group).
        return np.add.reduceat(mask[:, self.by_code], self.starts, axis=1, dtype=np.int64)

    def big(self, ok: np.ndarray) -> np.ndarray:
        """(B, G): the sector has at least `min_peers` non-Risky members that session."""
        return self.counts(ok) >= self.min_peers

    def percentiles(self, values: np.ndarray, big: np.ndarray) -> np.ndarray:
        """Percentile of each value among its peers (NaN values stay NaN).

        Args:
            values: (B, N) multiples, NaN where a stock is not ranked.
            big: (B, G) from `big`: the sector is the peer group.
        """
        missing = np.isnan(values)
        out = self.ranked(values, missing, big)
        np.copyto(out, np.nan, where=missing)
        return out

    def ranked(self, values: np.ndarray, missing: np.ndarray, big: np.ndarray) -> np.ndarray:
        """`percentiles`, except that where `missing` (NaN values) the result is undefined."""
        b, n = values.shape
        if n == 0 or b == 0:
            return np.full((b, n), np.nan)
        bits = (values + 0.0).view(np.int64)  # -0.0 → +0.0, so equal floats get equal keys
        key = bits ^ ((bits >> 63) & _ORDER)
        low = (1 << self.shift) - 1
        key &= ~low
        key |= self.columns
        np.putmask(key, missing, self.nan_keys)
        key.sort(axis=1)
        # Neighbours sharing the high part are equal or too close for the key: exact ranking.
        redo = np.flatnonzero((np.diff(key, axis=1) <= low).any(axis=1))
        cols = key & low
        count = n - missing.sum(axis=1)
        rank: np.ndarray = np.broadcast_to(self.hundred, (b, n))
        denominator = np.broadcast_to((count - 1)[:, None], (b, n))
        if big.any():
            code = self.codes[cols]
            offsets = np.arange(0, b * n, n, dtype=np.int64)[:, None]
            by_sector = np.argsort(code, axis=1, kind="stable")
            by_sector += offsets
            within = np.empty((b, n), dtype=np.float64)
            within.ravel()[by_sector.ravel()] = self._tiled(b)
            slot = (code + np.arange(0, b * self.n_groups, self.n_groups)[:, None]).ravel()
            peers = np.where(big, self.counts(~missing), count[:, None]) - 1
            in_sector = big.ravel()[slot].reshape(b, n)
            rank = np.where(in_sector, within, rank)
            denominator = peers.ravel()[slot].reshape(b, n)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.where(denominator > 0, rank / denominator, 50.0)
        out = np.empty((b, n))
        cols += np.arange(0, b * n, n, dtype=np.int64)[:, None]
        out.ravel()[cols.ravel()] = pct.ravel()
        if len(redo):
            out[redo] = exact_percentiles(values[redo], self.groups, self.expand(big[redo]))
        return out

    def _tiled(self, b: int) -> np.ndarray:
        """`hundred_within` repeated for b sessions, kept for the next block of that size."""
        if self._tile.shape[0] != b * len(self.codes):
            self._tile = np.tile(self.hundred_within, b)
        return self._tile

    def expand(self, big: np.ndarray) -> np.ndarray:
        """(B, G) per-sector flags as (B, N) per-column flags."""
        return big[:, self.codes]


def pct_rank(a: np.ndarray) -> np.ndarray:
    """Row-wise percentile 100·(rank − 1)/(n − 1) with average ranks; NaN stays NaN; n=1 → 50."""
    t, m = a.shape
    if m == 0:
        return a.copy()
    order = np.argsort(a, axis=1)  # NaN sorts last; ties get average ranks whatever the order
    s = np.take_along_axis(a, order, axis=1)
    pos = np.broadcast_to(np.arange(m), (t, m))
    new = np.ones((t, m), dtype=bool)
    new[:, 1:] = s[:, 1:] != s[:, :-1]
    start = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    last = np.ones((t, m), dtype=bool)
    last[:, :-1] = new[:, 1:]
    end = np.minimum.accumulate(np.where(last, pos, m)[:, ::-1], axis=1)[:, ::-1]
    n = (~np.isnan(a)).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n > 1, 100 * ((start + end) / 2) / (n - 1), 50.0)
    out = np.empty_like(a)
    np.put_along_axis(out, order, pct, axis=1)
    return np.where(np.isnan(a), np.nan, out)


def exact_percentiles(values: np.ndarray, groups: list[np.ndarray], big: np.ndarray) -> np.ndarray:
    """The reference ranking: argsort per peer group (sector when `big`, else the universe).

    Args:
        values: (B, N) multiples, NaN where not ranked.
        groups: column numbers of each sector.
        big: (B, N) per column: its sector is its peer group.
    """
    out = np.full(values.shape, np.nan)
    has = ~np.isnan(values)
    rows = np.nonzero((has & ~big).any(axis=1))[0]
    if len(rows):
        out[rows] = pct_rank(values[rows])
    for cols in groups:
        sub = big[:, cols] & has[:, cols]
        rows = np.nonzero(sub.any(axis=1))[0]
        if len(rows):
            ranked = pct_rank(values[np.ix_(rows, cols)])
            out[np.ix_(rows, cols)] = np.where(sub[rows], ranked, out[np.ix_(rows, cols)])
    return out
