"""Generate the demo's compact inputs: synthetic market data that reproduces 10 Feb 2026.

Run at development time (`python -m tui.demo.generate`); the output under `tui/demo/inputs/` is
committed. The generator is deterministic (one seeded NumPy generator, fixed search order). It
draws a plausible market, then steers the handful of stocks and figures that design.md §3 names,
checking each candidate with the project's own analytics — the figures are never stored, only
the raw prices, results and calendar that make the analytics produce them.
"""

from __future__ import annotations

import argparse
import gzip
import io
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from tui.demo import build, synth
from tui.market.model import MarketData, MarketMeta, Panel
from tui.market.params import DEFAULT

SEED = 20260210
LAST = -1  # the as-of session's row
SMALL_TAIL = [-0.31, -0.52, 0.41, -0.13, 2.52]
MID_TAIL = [-0.20, -0.35, 0.30, 0.05, 1.05]
LARGE_TAIL = [-0.12, -0.20, 0.25, 0.02, 0.55]
SENSEX_TAIL = [0.10, -0.15, 0.35, 0.35, 0.55]
NIFTY_TAIL = [0.05, -0.18, 0.33, 0.30, 0.52]
ADVANCERS = 430
GAINER = ("MANINDS", 1538)
LOSER = ("SGIL", -1431)
FIN_TARGETS = {"KECL": ("Positive", "Very Positive"), "KMCSHIL": ("Very Positive", "Outstanding")}
DUE_FEB_12 = ("NDL", "HAZOOR", "GIPCL", "WELSPUNLIV", "ELPROINTL")
CALL_TARGETS = ("HEG", "ADOR", "KINGFA", "GPPL", "SCI")
TECH_TARGETS = ("AVALON", "DIVGIITTS", "SYRMA", "AETHER", "PRUDENT")
# A search's acceptance test: (grade history, points history) → keep this draw?
_Accept = Callable[[np.ndarray, np.ndarray], bool]
SECTOR_TILT = {"Capital Goods": 2.2, "Chemicals": 2.0, "Power": -2.0, "Construction": -2.0}


def _last_day(universe: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The as-of session's returns (bp): 430 small-cap advancers, sector tilts, named movers."""
    n = len(universe)
    small = (universe["mcap_class"] == "Small").to_numpy()
    sector = universe["sector"].to_numpy()
    symbol = universe["symbol"].to_numpy()
    tilt = np.array([SECTOR_TILT.get(s, 0.0) for s in sector])
    score = tilt + rng.normal(0, 1.0, n)
    forced_up = np.isin(symbol, (GAINER[0], *CALL_TARGETS, *TECH_TARGETS))
    forced_dn = np.isin(symbol, (LOSER[0],))
    score[forced_up] = 99
    score[forced_dn] = -99
    score[~small] = -np.inf
    order = np.argsort(-score, kind="stable")
    up = np.zeros(n, dtype=bool)
    up[order[:ADVANCERS]] = True
    mag = np.abs(rng.normal(1.6, 1.5, n)) + 0.35
    mag = np.where(tilt > 0, mag * 1.5, mag)
    mag = np.where(tilt < 0, mag * 1.4 + 0.6, mag)
    mag = np.minimum(mag, 11.5)
    r = np.where(up, mag, -mag)
    r[~small] = rng.normal(0.6, 1.4, (~small).sum())
    bp = np.round(r * 100).astype(np.int64)
    bp[symbol == GAINER[0]] = GAINER[1]
    bp[symbol == LOSER[0]] = LOSER[1]
    return bp


def _fix_exact(prices: synth.PriceInputs, col: int, pct: float) -> None:
    """Nudge a stock's last return (bp) until its paise closes give exactly pct at 2 decimals."""
    bars = build.expand(prices.returns_bp, prices.start_paise, prices.first, prices.base_volume)
    prev = int(bars.close[-2, col])
    for delta in range(0, 40):
        for sign in (1, -1):
            bp = round(pct * 100) + sign * delta
            close = (prev * (10_000 + bp) + 5_000) // 10_000
            if round(100 * (close / prev - 1), 2) == pct:
                prices.returns_bp[-1, col] = bp
                return
    raise RuntimeError(f"cannot hit {pct}% for column {col}")


def _panel_for(prices: synth.PriceInputs, cols: list[int], symbols: list[str]) -> Panel:
    bars = build.expand(
        prices.returns_bp[:, cols], prices.start_paise[cols], prices.first[cols],
        prices.base_volume[cols],
    )  # fmt: skip
    dates = build.sessions()

    def f(a: np.ndarray) -> np.ndarray:
        out = a.astype(float) / 100.0
        out[~bars.listed] = np.nan
        return out

    vol = bars.volume.astype(float)
    vol[~bars.listed] = np.nan
    return Panel(
        dates, pd.Index(symbols), f(bars.open), f(bars.high), f(bars.low), f(bars.close), vol
    )


def _tune_technicals(
    prices: synth.PriceInputs, universe: pd.DataFrame, rng: np.random.Generator
) -> None:
    """Re-draw each technical target's last months until Sideways (02-09) → bullish (02-10)."""
    from tui.market.technicals import technicals_history

    symbols = list(universe["symbol"])
    for sym in TECH_TARGETS:
        col = symbols.index(sym)
        for attempt in range(4000):
            tail = 90
            r = rng.normal(0.0002, 0.012, tail)
            r[-1] = rng.uniform(0.03, 0.085)
            prices.returns_bp[-tail:, col] = np.round(r * 10_000).astype(np.int16)
            panel = _panel_for(prices, [col], [sym])
            grade = technicals_history(panel, DEFAULT).grade[:, 0]
            if grade[-2] == 2 and grade[-1] >= 3 and grade[-3] == 2:
                print(f"  technicals {sym}: attempt {attempt}")
                break
        else:
            raise RuntimeError(f"no technical path found for {sym}")


def generate(out: Path) -> str:
    """Write the compact inputs into `out` (universe.csv must already be there)."""
    rng = np.random.default_rng(SEED)
    universe = pd.read_csv(out / "universe.csv", dtype=str, keep_default_na=False)
    prices = synth.synth_prices(universe, rng)
    prices.returns_bp[-1] = _last_day(universe, rng)
    symbols = list(universe["symbol"])
    _fix_exact(prices, symbols.index(GAINER[0]), GAINER[1] / 100)
    _fix_exact(prices, symbols.index(LOSER[0]), LOSER[1] / 100)
    _tune_technicals(prices, universe, rng)
    indices = _indices(rng)
    bars = build.expand(prices.returns_bp, prices.start_paise, prices.first, prices.base_volume)
    close_now = bars.close[-1].astype(float) / 100
    shares_cr = pd.to_numeric(universe["market_cap_cr"]).to_numpy() / close_now
    results = synth.synth_results(universe, shares_cr, rng)
    q3 = results["period_end"] == pd.Timestamp("2025-12-31")
    filing = _q3_filing_dates(universe, rng)
    results.loc[q3, "filed_on"] = filing[results.loc[q3].index.to_numpy() % len(universe)]
    annual = synth.synth_annual(universe, results, shares_cr, rng)
    calendar = _calendar(results, dict(zip(symbols, universe["name"], strict=True)), rng)
    results = results[results["filed_on"] <= pd.Timestamp(build.AS_OF)].reset_index(drop=True)
    annual = annual[annual["filed_on"] <= pd.Timestamp(build.AS_OF)].reset_index(drop=True)
    _tune_fin_trend(universe, prices, indices, results, annual, calendar, rng)
    _tune_calls(universe, prices, indices, results, annual, calendar, rng)
    return _write(out, prices, indices, results, annual, calendar)


RESULT_COLS = ["symbol", "period_end", "filed_on", "sales", "other_income", "expenses", "pbdit",
               "interest", "depreciation", "pbt", "tax", "pat", "eps"]  # fmt: skip


def _market(
    universe: pd.DataFrame,
    prices: synth.PriceInputs,
    indices: pd.DataFrame,
    results: pd.DataFrame,
    annual: pd.DataFrame,
    calendar: pd.DataFrame,
) -> MarketData:
    """The MarketData the built folder will load as, assembled in memory (values rounded as
    the CSV files store them)."""
    bars = build.expand(prices.returns_bp, prices.start_paise, prices.first, prices.base_volume)
    frame = build.prices_frame(bars, list(universe["symbol"]), build.sessions())
    frame["date"] = pd.to_datetime(frame["date"])
    frame["volume"] = frame["volume"].astype("float64")
    stocks = universe.set_index("symbol")
    stocks["market_cap_cr"] = pd.to_numeric(stocks["market_cap_cr"])
    stocks["status"] = "active"
    res = results[RESULT_COLS].copy()
    num = [c for c in RESULT_COLS[3:]]
    res[num] = res[num].round(4)
    ann = annual.copy()
    anum = [c for c in ann.columns if c not in ("symbol", "year_end", "filed_on")]
    ann[anum] = ann[anum].round(4)
    meta = MarketMeta(
        name="India", as_of=pd.Timestamp(build.AS_OF).date(), benchmarks=("SENSEX", "NIFTY 50"),
        segments={"small": "BSE SmallCap", "mid": "BSE MidCap", "large": "BSE 100"},
    )  # fmt: skip
    return MarketData(
        meta,
        stocks,
        frame,
        indices.copy(),
        res.reset_index(drop=True),
        ann.reset_index(drop=True),
        calendar=calendar.copy(),
        source="demo",
    )


def _stock_market(market: MarketData, symbols: list[str]) -> MarketData:
    """A MarketData of a few stocks (for fast per-stock searches)."""
    keep = market.prices["symbol"].isin(symbols)
    return replace(
        market,
        stocks=market.stocks.loc[symbols],
        prices=market.prices[keep].reset_index(drop=True),
        results=market.results[market.results["symbol"].isin(symbols)].reset_index(drop=True),
        annual=market.annual[market.annual["symbol"].isin(symbols)].reset_index(drop=True),
        calendar=market.calendar[market.calendar["symbol"].isin(symbols)],
    )


def _tune_fin_trend(
    universe: pd.DataFrame,
    prices: synth.PriceInputs,
    indices: pd.DataFrame,
    results: pd.DataFrame,
    annual: pd.DataFrame,
    calendar: pd.DataFrame,
    rng: np.random.Generator,
) -> None:
    """Re-draw quarters until each fin-trend target's grade moves as the report says, and the
    call targets have a steady positive trend."""
    from tui.market.grades import FIN_TREND

    wanted: dict[str, _Accept] = {
        sym: _grade_moves(FIN_TREND.index(b0), FIN_TREND.index(a0))
        for sym, (b0, a0) in FIN_TARGETS.items()
    }
    for sym in CALL_TARGETS:
        wanted[sym] = lambda g, p: bool(10 <= p[-1] <= 17 and 10 <= p[-2] <= 17)
    _search_results(wanted, universe, prices, indices, results, annual, calendar, rng)


def _grade_moves(before: int, after: int) -> _Accept:
    """Accept a fin-trend history whose last two grades are `before` then `after`."""
    return lambda g, p: bool(g[-2] == before and g[-1] == after)


def _search_results(
    wanted: dict[str, _Accept],
    universe: pd.DataFrame,
    prices: synth.PriceInputs,
    indices: pd.DataFrame,
    results: pd.DataFrame,
    annual: pd.DataFrame,
    calendar: pd.DataFrame,
    rng: np.random.Generator,
) -> None:
    from tui.market.fintrend import fin_trend_history
    from tui.market.model import build_panel, cut

    for sym, accept in wanted.items():
        rows = results.index[results["symbol"] == sym]
        base = results.loc[rows].sort_values("period_end")
        for attempt in range(20000):
            q = len(base)
            growth = rng.uniform(0.0, 0.08)
            sales = float(base["sales"].iloc[0]) * np.cumprod(1 + growth + rng.normal(0, 0.05, q))
            sales[-1] *= 1 + rng.uniform(0.0, 0.35)
            margin = rng.uniform(0.10, 0.22) + rng.normal(0, 0.015, q)
            margin[-1] += rng.uniform(0.0, 0.05)
            new = _quarters(base, sales, margin)
            trial = results.copy()
            trial.loc[new.index, new.columns] = new
            market = _stock_market(
                _market(universe, prices, indices, trial, annual, calendar), [sym]
            )
            view = cut(market)
            history = fin_trend_history(view, build_panel(view))
            grade, points = history.grade[:, 0], history.extras["points"][:, 0]
            if accept(grade, points):
                results.loc[new.index, new.columns] = new
                print(f"  fin trend {sym}: attempt {attempt}")
                break
        else:
            raise RuntimeError(f"no results found for {sym}")


def _tune_calls(
    universe: pd.DataFrame,
    prices: synth.PriceInputs,
    indices: pd.DataFrame,
    results: pd.DataFrame,
    annual: pd.DataFrame,
    calendar: pd.DataFrame,
    rng: np.random.Generator,
) -> None:
    """Re-draw each call target's last months until its call moves Hold → Buy on the day.

    The other pillars come from a full analysis; the candidate's technicals are recomputed
    alone (they do not depend on other stocks). Valuation moves a little with the candidate's
    own price, so every round ends with a full analysis and retries the stocks that missed.
    """
    from tui.market.analysis import analyse
    from tui.market.rating import hysteresis_step
    from tui.market.technicals import technicals_history

    symbols = list(universe["symbol"])
    tail = 90
    for round_ in range(8):
        a = analyse(_market(universe, prices, indices, results, annual, calendar))
        todo = [s for s in CALL_TARGETS if not _is_hold_to_buy(a, s)]
        print(f"  calls round {round_}: {len(todo)} to tune {todo}")
        if not todo:
            return
        for sym in todo:
            col = symbols.index(sym)
            j = a.column(sym)
            w_q, w_v, w_f, w_t = a.params.weights
            q = a.pillars["quality"].score[-tail:, j]
            v = a.pillars["valuation"].score[-tail:, j]
            f = a.pillars["fin_trend"].score[-tail:, j]
            start = a.rating.uncapped[-tail - 1, j : j + 1]
            for attempt in range(6000):
                r = rng.normal(0.0003, 0.012, tail)
                r[-1] = rng.uniform(0.03, 0.08)
                prices.returns_bp[-tail:, col] = np.round(r * 10_000).astype(np.int16)
                tech = technicals_history(_panel_for(prices, [col], [sym])).score[-tail:, 0]
                raw = (w_q * q + w_v * v + w_f * f + w_t * tech) / (w_q + w_v + w_f + w_t)
                score = np.floor(raw + 0.5)
                state = start.copy()
                states = []
                for x in score:
                    state = hysteresis_step(state, np.array([x]))
                    states.append(state[0])
                if states[-2] == 2 and score[-1] >= 66 and score[-2] <= 63 and states[-3] == 2:
                    print(f"    {sym}: attempt {attempt}, predicted {score[-3:]}")
                    break
            else:
                raise RuntimeError(f"no path found for {sym}")
    raise RuntimeError("call targets did not settle")


def _is_hold_to_buy(a: object, sym: str) -> bool:
    from tui.market.analysis import Analysis

    assert isinstance(a, Analysis)
    j = a.column(sym)
    return bool(a.rating.call[-2, j] == 2 and a.rating.call[-1, j] == 3)


def _quarters(base: pd.DataFrame, sales: np.ndarray, margin: np.ndarray) -> pd.DataFrame:
    """Quarterly rows with the accounting identities, for given sales and PBDIT margins."""
    out = base.copy()
    shares = (base["pat"] / base["eps"]).replace([np.inf, -np.inf], np.nan).median()
    other = sales * 0.01
    pbdit = sales * margin + other
    dep = sales * 0.03
    interest = np.full(len(sales), float(base["interest"].mean()))
    pbt = pbdit - interest - dep
    tax = np.where(pbt > 0, pbt * 0.25, 0.0)
    pat = pbt - tax
    out["sales"], out["other_income"], out["pbdit"] = sales, other, pbdit
    out["expenses"] = sales + other - pbdit
    out["depreciation"], out["interest"], out["pbt"], out["tax"], out["pat"] = (
        dep,
        interest,
        pbt,
        tax,
        pat,
    )
    out["eps"] = pat / shares
    return out[["sales", "other_income", "expenses", "pbdit", "interest", "depreciation", "pbt",
                "tax", "pat", "eps"]]  # fmt: skip


def _indices(rng: np.random.Generator) -> pd.DataFrame:
    closes = {
        "BSE SmallCap": synth.synth_index(rng, 41_000.0, 0.010, SMALL_TAIL),
        "BSE MidCap": synth.synth_index(rng, 37_000.0, 0.009, MID_TAIL),
        "BSE 100": synth.synth_index(rng, 21_000.0, 0.008, LARGE_TAIL),
        "SENSEX": synth.synth_index(rng, 59_000.0, 0.0075, SENSEX_TAIL),
        "NIFTY 50": synth.synth_index(rng, 17_500.0, 0.0075, NIFTY_TAIL),
    }
    return synth.index_frame(closes, rng)


def _q3_filing_dates(universe: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Filing date of the Dec 2025 quarter: 15 Jan to 14 Feb 2026 (SEBI's 45 days)."""
    n = len(universe)
    days = rng.integers(15, 46, n)
    drawn = pd.Timestamp("2025-12-31") + pd.to_timedelta(days, unit="D")
    symbol = universe["symbol"].to_numpy()
    as_of = pd.Timestamp(build.AS_OF).to_datetime64()
    filed = np.where(np.isin(symbol, tuple(FIN_TARGETS)), as_of, drawn)
    filed = np.where(np.isin(symbol, DUE_FEB_12), pd.Timestamp("2026-02-12").to_datetime64(), filed)
    early = np.isin(symbol, CALL_TARGETS)
    filed = np.where(early, pd.Timestamp("2026-01-22").to_datetime64(), filed)
    return pd.DatetimeIndex(filed).to_numpy()


def _calendar(
    results: pd.DataFrame, names: dict[str, str], rng: np.random.Generator
) -> pd.DataFrame:
    """Board meetings: one per results filing (past and scheduled), some dividend meetings."""
    meet = results[["symbol", "filed_on"]].rename(columns={"filed_on": "date"})
    meet = meet.assign(purpose="Financial Results")
    extra = meet.sample(frac=0.05, random_state=np.random.RandomState(SEED))
    extra = extra.assign(purpose="Financial Results and Dividend")
    meet = pd.concat([meet.drop(extra.index), extra])
    notice_days = rng.integers(5, 15, len(meet))
    meet["announced_on"] = meet["date"] - pd.to_timedelta(notice_days, unit="D")
    return meet.sort_values(["date", "symbol"], kind="mergesort").reset_index(drop=True)


def _fmt(frame: pd.DataFrame, dates: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for c in dates:
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out


def _write_gz(path: Path, frame: pd.DataFrame) -> None:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.4f")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(text.encode())
    path.write_bytes(buffer.getvalue())


MARKET_TOML = """name = "India"
as_of = 2026-02-10
currency = "INR"
timezone = "Asia/Kolkata"
fiscal_year_start_month = 4
benchmarks = ["SENSEX", "NIFTY 50"]

[segments]
small = "BSE SmallCap"
mid = "BSE MidCap"
large = "BSE 100"
"""


def _write(
    out: Path,
    prices: synth.PriceInputs,
    indices: pd.DataFrame,
    results: pd.DataFrame,
    annual: pd.DataFrame,
    calendar: pd.DataFrame,
) -> str:
    np.savez_compressed(
        out / "prices.npz",
        returns_bp=prices.returns_bp,
        start_paise=prices.start_paise,
        first=prices.first,
        base_volume=prices.base_volume,
    )
    _write_gz(out / "indices.csv.gz", _fmt(indices, ("date",)))
    cols = ["symbol", "period_end", "filed_on", "sales", "other_income", "expenses", "pbdit",
            "interest", "depreciation", "pbt", "tax", "pat", "eps"]  # fmt: skip
    _write_gz(out / "results.csv.gz", _fmt(results[cols], ("period_end", "filed_on")))
    _write_gz(out / "annual.csv.gz", _fmt(annual, ("year_end", "filed_on")))
    _write_gz(out / "calendar.csv.gz", _fmt(calendar, ("date", "announced_on")))
    (out / "market.toml").write_text(MARKET_TOML)
    with tempfile.TemporaryDirectory() as tmp:
        checksum = build.write_folder(Path(tmp) / "demo", out)
    (out / "CHECKSUM").write_text(checksum + "\n")
    return checksum


def main() -> None:
    """Command line: regenerate the inputs in place."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=build.inputs_dir())
    args = parser.parse_args()
    print("checksum", generate(args.out))


if __name__ == "__main__":
    main()
