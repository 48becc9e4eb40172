"""Build a small valid data folder in a test's tmp_path, with any file replaced.

    folder = make_folder(tmp_path)                                  # the valid tiny folder
    folder = make_folder(tmp_path, prices=PRICES_CSV.replace(...))  # one file's text replaced
    folder = make_folder(tmp_path, stocks=[{...}, ...])             # or its rows, as dicts
    folder = make_folder(tmp_path, calendar=None)                   # or the file left out

Override keys are file stems: market (market.toml), stocks, prices, indices, results, annual,
balance, calendar. Rows are written in the order given (header = line 1, so ROWS[k][i] is on
line i + 2). Prices are deliberately not in (symbol, date) order.
"""

from __future__ import annotations

from pathlib import Path

MARKET_TOML = """\
name = "Testland"
as_of = 2026-02-10
currency = "INR"
timezone = "Asia/Kolkata"
benchmarks = ["SENSEX"]

[segments]
small = "BSE SmallCap"
mid = "BSE MidCap"
large = "BSE 100"
"""

SESSIONS = ("2026-02-04", "2026-02-05", "2026-02-06", "2026-02-09", "2026-02-10")

STOCKS = [
    {"symbol": "BETA", "name": "Beta Cables Ltd", "sector": "Capital Goods",
     "industry": "Cables", "mcap_class": "Mid", "market_cap_cr": "12000", "status": "active"},
    {"symbol": "ALPHA", "name": "Alpha Power Ltd", "sector": "Power", "industry": "Utilities",
     "mcap_class": "small", "market_cap_cr": "850.5", "status": ""},
    {"symbol": "GAMMA", "name": "Gamma Bank, Ltd", "sector": "Banks", "industry": "Private Banks",
     "mcap_class": "LARGE", "market_cap_cr": "", "status": "Suspended"},
]  # fmt: skip

_CLOSES = {"ALPHA": (100.0, 102.0, 101.0, 104.0, 103.5), "BETA": (50.0, 49.0, 49.5, 51.0, 52.25)}
PRICES = [
    {"symbol": s, "date": d, "open": f"{c - 0.5:g}", "high": f"{c + 1:g}", "low": f"{c - 1:g}",
     "close": f"{c:g}", "volume": str(1000 * (i + 1))}
    for i, d in enumerate(SESSIONS)
    for s, c in ((s, _CLOSES[s][i]) for s in ("BETA", "ALPHA"))
] + [
    {"symbol": "GAMMA", "date": "2026-02-09", "open": "300", "high": "310", "low": "295",
     "close": "305", "volume": "0"},
]  # fmt: skip
"""11 rows: BETA and ALPHA alternate by date (lines 2-11), then GAMMA's one bar (line 12)."""

INDICES = [
    {"index": name, "date": d, "open": f"{base + i:g}", "high": f"{base + i + 5:g}",
     "low": f"{base + i - 5:g}", "close": f"{base + i + 1:g}"}
    for name, base in (("SENSEX", 80000), ("BSE SmallCap", 50000), ("BSE MidCap", 45000),
                       ("BSE 100", 26000))
    for i, d in enumerate(SESSIONS)
]  # fmt: skip

RESULTS = [
    {"symbol": "ALPHA", "period_end": "2025-12-31", "filed_on": "2026-02-05", "sales": "120.5",
     "other_income": "2.1", "expenses": "100.25", "pbdit": "22.35", "interest": "3",
     "depreciation": "4", "pbt": "15.35", "tax": "3.9", "pat": "11.45", "eps": "2.29",
     "basis": "consolidated"},
    {"symbol": "ALPHA", "period_end": "2025-09-30", "filed_on": "2025-11-10", "sales": "110",
     "other_income": "", "expenses": "95", "pbdit": "15", "interest": "3", "depreciation": "4",
     "pbt": "8", "tax": "2", "pat": "6", "eps": "1.2", "basis": "Standalone"},
]  # fmt: skip

ANNUAL = [
    {"symbol": "BETA", "year_end": "2025-03-31", "filed_on": "2025-05-20", "sales": "900",
     "ebit": "120", "depreciation": "20", "interest": "10", "pbt": "110", "tax": "28",
     "pat": "82", "eps": "8.2", "equity": "600", "borrowings": "150", "cash": "40", "cfo": "95",
     "promoter_pledge_pct": "0"},
]  # fmt: skip

BALANCE = [
    {"symbol": "BETA", "period_end": "2025-09-30", "filed_on": "2025-11-12", "borrowings": "140",
     "equity": "640", "receivables": "210", "cash": "55"},
]  # fmt: skip

CALENDAR = [
    {"symbol": "BETA", "date": "2026-02-12", "purpose": "Quarterly results",
     "announced_on": "2026-02-02"},
    {"symbol": "GAMMA", "date": "2026-02-20", "purpose": "Dividend", "announced_on": ""},
]  # fmt: skip

ROWS: dict[str, list[dict[str, str]]] = {
    "stocks": STOCKS,
    "prices": PRICES,
    "indices": INDICES,
    "results": RESULTS,
    "annual": ANNUAL,
    "balance": BALANCE,
    "calendar": CALENDAR,
}
"""The default rows of every CSV file."""


def render(rows: list[dict[str, str]]) -> str:
    """CSV text of rows (header from the first row's keys); values with commas are quoted."""
    header = list(rows[0])
    lines = [",".join(header)]
    for row in rows:
        cells = [str(row.get(h, "")) for h in header]
        lines.append(",".join(f'"{c}"' if "," in c or "\n" in c else c for c in cells))
    return "\n".join(lines) + "\n"


def text(stem: str) -> str:
    """The default text of a file (`market` for market.toml)."""
    return MARKET_TOML if stem == "market" else render(ROWS[stem])


def make_folder(
    tmp_path: Path, *, folder_name: str = "folder", **overrides: str | list[dict[str, str]] | None
) -> Path:
    """Write the tiny valid folder under `tmp_path / folder_name` and return its path.

    Args:
        tmp_path: the test's tmp_path.
        folder_name: the folder's name inside tmp_path.
        **overrides: per file stem, replacement text, replacement rows, or None to omit it.
    """
    unknown = set(overrides) - {"market", *ROWS}
    if unknown:
        raise TypeError(f"unknown file stems: {sorted(unknown)}")
    folder = tmp_path / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    for stem in ("market", *ROWS):
        content = overrides[stem] if stem in overrides else text(stem)
        name = "market.toml" if stem == "market" else f"{stem}.csv"
        if content is None:
            continue
        if isinstance(content, list):
            content = render(content)
        (folder / name).write_text(content, encoding="utf-8")
    return folder
