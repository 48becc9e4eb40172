"""Synthetic prices, index levels, results, fundamentals and calendar for the demo's universe.

Development-time code: `generate.py` calls it with a seeded NumPy generator and then tunes the
few stocks and figures the market report of 10 Feb 2026 names. Nothing here runs when a user
starts dalal; the package ships the compact result (`inputs/`), which `build.py` expands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tui.demo.build import sessions

INDEX_NAMES = ("BSE SmallCap", "BSE MidCap", "BSE 100", "SENSEX", "NIFTY 50")
"""Segment indices (small, mid, large) and benchmarks of the demo's market.toml."""

VOL = {"Small": (0.018, 0.030), "Mid": (0.015, 0.022), "Large": (0.010, 0.017)}
"""Daily idiosyncratic volatility range per size class."""


@dataclass
class PriceInputs:
    """The compact price inputs: what prices.npz holds."""

    returns_bp: np.ndarray
    start_paise: np.ndarray
    first: np.ndarray
    base_volume: np.ndarray


def synth_prices(universe: pd.DataFrame, rng: np.random.Generator) -> PriceInputs:
    """Daily returns with a market factor, sector factors and idiosyncratic noise."""
    dates = sessions()
    t_count, n = len(dates), len(universe)
    market = rng.normal(0.0006, 0.009, t_count)
    sectors = sorted(universe["sector"].unique())
    sector_idx = universe["sector"].map({s: i for i, s in enumerate(sectors)}).to_numpy()
    sector_f = rng.normal(0.0, 0.006, (t_count, len(sectors)))
    cls = universe["mcap_class"].to_numpy()
    lo = np.array([VOL[c][0] for c in cls])
    hi = np.array([VOL[c][1] for c in cls])
    sigma = rng.uniform(lo, hi)
    beta = rng.uniform(0.6, 1.4, n)
    drift = rng.normal(0.0004, 0.0008, n)
    r = (
        market[:, None] * beta[None, :]
        + sector_f[:, sector_idx]
        + rng.standard_t(5, (t_count, n)) * sigma[None, :] * np.sqrt(3 / 5)
        + drift[None, :]
    )
    r = np.clip(r, -0.19, 0.19)
    returns_bp = np.round(r * 10_000).astype(np.int16)
    mcap = pd.to_numeric(universe["market_cap_cr"]).to_numpy()
    # Start price: lognormal, a little tied to size so large caps are not all penny stocks.
    level = np.exp(rng.normal(np.log(250) + 0.15 * (np.log(mcap) - np.log(2000)), 0.9))
    start_paise = np.clip(np.round(level * 100), 800, 3_000_000).astype(np.int64)
    first = np.zeros(n, dtype=np.int64)
    # Daily traded value ≈ 0.05 %–0.6 % of market cap.
    turnover = np.exp(rng.uniform(np.log(0.0005), np.log(0.006), n))
    traded_cr = mcap * turnover
    base_volume = np.maximum(np.round(traded_cr * 1e7 / (level)), 100).astype(np.int64)
    return PriceInputs(returns_bp, start_paise, first, base_volume)


def quarter_ends(start: str = "2022-09-30", end: str = "2025-12-31") -> pd.DatetimeIndex:
    """Quarter-end dates of the synthetic results."""
    return pd.date_range(start, end, freq="QE")


def synth_results(
    universe: pd.DataFrame, shares_cr: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Quarterly results in ₹ crore with the accounting identities intact.

    pbdit = sales + other_income − expenses; pbt = pbdit − interest − depreciation;
    pat = pbt − tax; eps = pat / shares.
    """
    ends = quarter_ends()
    n = len(universe)
    mcap = pd.to_numeric(universe["market_cap_cr"]).to_numpy()
    annual_sales = mcap / np.exp(rng.normal(np.log(2.0), 0.6, n))
    growth = rng.normal(0.03, 0.03, n)
    margin = rng.uniform(0.08, 0.24, n)
    loss_maker = rng.random(n) < 0.08
    margin[loss_maker] = rng.uniform(-0.06, 0.03, loss_maker.sum())
    debt_ratio = rng.uniform(0.0, 0.9, n)
    rows = []
    sales = annual_sales / 4 * (1 + growth) ** (-len(ends))
    for q, end in enumerate(ends):
        sales = sales * (1 + growth + rng.normal(0, 0.035, n))
        sales = np.maximum(sales, 0.5)
        m = margin + rng.normal(0, 0.012, n)
        pbdit_core = sales * m
        other = sales * rng.uniform(0.005, 0.03, n)
        dep = sales * rng.uniform(0.025, 0.045, n)
        interest = annual_sales * debt_ratio * 0.025 / 4 * rng.uniform(0.9, 1.1, n)
        pbdit = pbdit_core + other
        expenses = sales + other - pbdit
        pbt = pbdit - interest - dep
        tax = np.where(pbt > 0, pbt * rng.uniform(0.22, 0.28, n), 0.0)
        pat = pbt - tax
        eps = pat / shares_cr
        delay = rng.integers(14, 45 if end.month != 3 else 58, n)
        filed = end + pd.to_timedelta(delay, unit="D")
        rows.append(
            pd.DataFrame(
                {
                    "symbol": universe["symbol"].to_numpy(),
                    "period_end": end,
                    "filed_on": filed,
                    "sales": sales,
                    "other_income": other,
                    "expenses": expenses,
                    "pbdit": pbdit,
                    "interest": interest,
                    "depreciation": dep,
                    "pbt": pbt,
                    "tax": tax,
                    "pat": pat,
                    "eps": eps,
                    "q": q,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def synth_annual(
    universe: pd.DataFrame, results: pd.DataFrame, shares_cr: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Yearly fundamentals FY21–FY25 (year ends 31 Mar), consistent with the quarters' scale."""
    n = len(universe)
    first_q = results[results["q"] == 0].set_index("symbol").reindex(universe["symbol"])
    base_sales = first_q["sales"].to_numpy() * 4
    margin = (first_q["pbdit"] / first_q["sales"]).to_numpy()
    growth = rng.normal(0.10, 0.08, n)
    equity0 = base_sales * rng.uniform(0.4, 1.4, n)
    debt0 = equity0 * rng.uniform(0.0, 0.9, n)
    pledge = np.where(rng.random(n) < 0.85, 0.0, rng.uniform(1, 60, n))
    rows = []
    for k, year in enumerate(range(2021, 2026)):
        scale = (1 + growth) ** (k - 2)
        sales = base_sales * scale * rng.uniform(0.95, 1.05, n)
        m = margin + rng.normal(0, 0.015, n)
        pbdit = sales * m
        dep = sales * 0.035
        interest = debt0 * scale * 0.10
        ebit = pbdit - dep
        pbt = ebit - interest
        tax = np.where(pbt > 0, pbt * rng.uniform(0.2, 0.3, n), 0.0)
        pat = pbt - tax
        equity = equity0 * (1 + 0.12) ** k + np.maximum(pat, 0) * 0.5
        borrowings = debt0 * scale * rng.uniform(0.85, 1.15, n)
        cash = sales * rng.uniform(0.02, 0.15, n)
        cfo = pbdit * rng.uniform(0.5, 1.0, n)
        year_end = pd.Timestamp(f"{year}-03-31")
        rows.append(
            pd.DataFrame(
                {
                    "symbol": universe["symbol"].to_numpy(),
                    "year_end": year_end,
                    "filed_on": year_end + pd.Timedelta(days=58),
                    "sales": sales,
                    "ebit": ebit,
                    "depreciation": dep,
                    "interest": interest,
                    "pbt": pbt,
                    "tax": tax,
                    "pat": pat,
                    "eps": pat / shares_cr,
                    "equity": equity,
                    "borrowings": borrowings,
                    "cash": cash,
                    "cfo": cfo,
                    "promoter_pledge_pct": pledge,
                    "shares_cr": shares_cr,
                    "dps": np.where(pat > 0, pat / shares_cr * 0.2, 0.0),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def synth_index(
    rng: np.random.Generator, level: float, sigma: float, tail: list[float]
) -> np.ndarray:
    """Index closes (2 decimals) whose last len(tail) daily returns are exactly `tail` (%)."""
    dates = sessions()
    r = rng.normal(0.0005, sigma, len(dates))
    close = np.empty(len(dates))
    close[0] = level
    for i in range(1, len(dates)):
        close[i] = round(close[i - 1] * (1 + r[i]), 2)
    k = len(tail)
    for j, pct in enumerate(tail):
        i = len(dates) - k + j
        close[i] = round(close[i - 1] * (1 + pct / 100), 2)
    return close


def index_frame(closes: dict[str, np.ndarray], rng: np.random.Generator) -> pd.DataFrame:
    """indices.csv rows with plausible open/high/low around each close."""
    dates = sessions()
    frames = []
    for name, close in closes.items():
        prev = np.concatenate([[close[0]], close[:-1]])
        opening = np.round(prev * (1 + rng.normal(0, 0.002, len(close))), 2)
        high = np.round(np.maximum(opening, close) * (1 + rng.uniform(0, 0.006, len(close))), 2)
        low = np.round(np.minimum(opening, close) * (1 - rng.uniform(0, 0.006, len(close))), 2)
        frames.append(
            pd.DataFrame(
                {
                    "index": name,
                    "date": dates,
                    "open": opening,
                    "high": high,
                    "low": low,
                    "close": close,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
