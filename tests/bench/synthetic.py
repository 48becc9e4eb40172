"""Synthetic markets of any size for the benchmarks (in memory, deterministic)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from tui.market.model import MarketData, MarketMeta

SECTORS = ("Capital Goods", "Chemicals", "Power", "Construction", "Healthcare", "Textiles",
           "Financial Services", "Information Technology", "Realty", "Services")  # fmt: skip


def synthetic_market(n: int, sessions: int = 750, seed: int = 7) -> MarketData:
    """n stocks × sessions daily bars, 12 quarters of results, 5 years of annual data."""
    rng = np.random.default_rng(seed)
    end = pd.Timestamp("2026-02-10")
    dates = pd.bdate_range(end=end, periods=sessions)
    symbols = np.array([f"S{i:05d}" for i in range(n)], dtype=object)
    r = rng.normal(0.0004, 0.02, (sessions, n))
    close = 100 * np.exp(np.cumsum(r, axis=0))
    openp = close * (1 + rng.normal(0, 0.004, close.shape))
    high = np.maximum(openp, close) * (1 + rng.uniform(0, 0.01, close.shape))
    low = np.minimum(openp, close) * (1 - rng.uniform(0, 0.01, close.shape))
    volume = rng.integers(10_000, 500_000, close.shape).astype(float)
    prices = pd.DataFrame({
        "symbol": np.repeat(symbols, sessions),
        "date": np.tile(dates.to_numpy(), n),
        "open": openp.T.ravel(), "high": high.T.ravel(), "low": low.T.ravel(),
        "close": close.T.ravel(), "volume": volume.T.ravel(),
    })  # fmt: skip
    classes = np.where(np.arange(n) < 100, "Large", np.where(np.arange(n) < 250, "Mid", "Small"))
    stocks = pd.DataFrame(
        {"name": [f"Company {i}" for i in range(n)],
         "sector": np.array(SECTORS, dtype=object)[rng.integers(0, len(SECTORS), n)],
         "industry": "Industry", "mcap_class": classes,
         "market_cap_cr": rng.uniform(200, 50_000, n), "status": "active"},
        index=pd.Index(symbols, name="symbol"),
    )  # fmt: skip
    indices = pd.concat(
        [pd.DataFrame({"index": name, "date": dates, "open": lvl, "high": lvl * 1.01,
                       "low": lvl * 0.99,
                       "close": lvl * np.exp(np.cumsum(rng.normal(0, 0.01, sessions)))})
         for name, lvl in (("BSE SmallCap", 40_000.0), ("BSE MidCap", 35_000.0),
                           ("BSE 100", 20_000.0), ("SENSEX", 60_000.0))],
        ignore_index=True,
    )  # fmt: skip
    ends = pd.date_range("2023-03-31", "2025-12-31", freq="QE")
    q = len(ends)
    sales = rng.uniform(50, 2000, n)[None, :] * np.cumprod(1 + rng.normal(0.02, 0.05, (q, n)),
                                                            axis=0)  # fmt: skip
    pbdit = sales * rng.uniform(0.05, 0.25, (q, n))
    other = sales * 0.01
    interest = sales * 0.01
    dep = sales * 0.03
    pbt = pbdit - interest - dep
    tax = np.maximum(pbt, 0) * 0.25
    pat = pbt - tax
    delay = pd.to_timedelta(rng.integers(20, 45, q * n), unit="D").to_numpy().reshape(q, n)
    filed = ends.to_numpy()[:, None] + delay
    results = pd.DataFrame({
        "symbol": np.tile(symbols, q), "period_end": np.repeat(ends.to_numpy(), n),
        "filed_on": pd.DatetimeIndex(filed.ravel()), "sales": sales.ravel(),
        "other_income": other.ravel(), "expenses": (sales + other - pbdit).ravel(),
        "pbdit": pbdit.ravel(), "interest": interest.ravel(), "depreciation": dep.ravel(),
        "pbt": pbt.ravel(), "tax": tax.ravel(), "pat": pat.ravel(), "eps": (pat / 10).ravel(),
    })  # fmt: skip
    results = results[results["filed_on"] <= end].reset_index(drop=True)
    years = pd.DatetimeIndex([f"{y}-03-31" for y in range(2021, 2026)])
    k = len(years)
    asales = rng.uniform(200, 8000, n)[None, :] * np.cumprod(np.full((k, n), 1.1), axis=0)
    annual = pd.DataFrame({
        "symbol": np.tile(symbols, k), "year_end": np.repeat(years.to_numpy(), n),
        "filed_on": np.repeat((years + pd.Timedelta(days=58)).to_numpy(), n),
        "sales": asales.ravel(), "ebit": (asales * 0.12).ravel(),
        "depreciation": (asales * 0.03).ravel(), "interest": (asales * 0.01).ravel(),
        "pbt": (asales * 0.11).ravel(), "tax": (asales * 0.028).ravel(),
        "pat": (asales * 0.082).ravel(), "eps": (asales * 0.0082).ravel(),
        "equity": (asales * 0.6).ravel(), "borrowings": (asales * 0.2).ravel(),
        "cash": (asales * 0.05).ravel(), "cfo": (asales * 0.1).ravel(),
    })  # fmt: skip
    calendar = pd.DataFrame({
        "symbol": symbols, "date": end + pd.to_timedelta(rng.integers(-20, 10, n), unit="D"),
        "purpose": "Financial Results",
    })  # fmt: skip
    meta = MarketMeta(
        name="Bench", as_of=dt.date(2026, 2, 10), benchmarks=("SENSEX",),
        segments={"small": "BSE SmallCap", "mid": "BSE MidCap", "large": "BSE 100"},
    )  # fmt: skip
    return MarketData(meta, stocks, prices, indices, results, annual, calendar=calendar)
