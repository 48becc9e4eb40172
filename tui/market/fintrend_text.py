"""Wording of the financial-trend checks F1–F15 (analytics.md §6.2): reason and driver lines.

`check_lines` turns one filing event's windows and points into the lines `dalal explain` prints
(`F2 +4: PBT less other income ₹15.0 cr vs prev-4Q avg ₹11.3 cr (+32.7%)`) and the short driver
lines of change events; skipped checks say why they are n/a.
"""

from __future__ import annotations

import numpy as np


def money(x: float) -> str:
    """₹ crore with a sign before the symbol: `₹15.0 cr`, `-₹5.04 cr`, `₹1,234 cr`."""
    a = abs(x)
    body = f"{a:,.0f}" if a >= 1000 else f"{a:.1f}" if a >= 10 else f"{a:.2f}"
    return f"{'-' if x < 0 else ''}₹{body} cr"


def _pts(p: float) -> str:
    return "0" if p == 0 else f"{int(p):+d}"


def _tier_words(cur: float, base: float) -> str:
    if base > 0:
        return f"{100 * (cur / base - 1):+.1f}%"
    if cur > 0:
        return "turned positive"
    if cur > base:
        return "loss narrowed"
    return "unchanged" if cur == base else "loss widened"


def _ext_line(code: str, p: float, label: str, window: np.ndarray, fmt: str, span: str) -> str:
    cur, rest = window[0], window[1:]
    if p > 0:
        where = f"the {span} high (previous high {_fmt(rest.max(), fmt)})"
    elif p < 0:
        where = f"the {span} low (previous low {_fmt(rest.min(), fmt)})"
    else:
        where = f"within the {span} range {_fmt(window.min(), fmt)} to {_fmt(window.max(), fmt)}"
    return f"{code} {_pts(p)}: {label} {_fmt(cur, fmt)}, {where}"


def _fmt(x: float, fmt: str) -> str:
    if fmt == "money":
        return money(x)
    if fmt == "pct":
        return f"{100 * x:.1f}%"
    if fmt == "eps":
        return f"{'-' if x < 0 else ''}₹{abs(x):.2f}"
    return f"{x:.2f}x" if fmt == "x" else f"{x:.2f}"


def check_lines(
    v: dict[str, np.ndarray],
    points: dict[str, float],
    extra: dict[str, tuple[float, np.ndarray]],
    *,
    half: bool,
    financial: bool,
) -> list[tuple[str, int | None, str, str]]:
    """Word every check: (code, points or None, reason line, driver line).

    Args:
        v: name → the window of one event (q first), as in ResultWindows.values.
        points: F1–F11 points (NaN when n/a).
        extra: F12–F15 → (points, window) when balance/annual data exists.
        half: the stock reports half-yearly (year-ago is two periods back).
        financial: F9 and F10 are skipped.
    """
    out: list[tuple[str, int | None, str, str]] = []
    span, prev = ("5H", "prev-4H avg") if half else ("5Q", "prev-4Q avg")
    ago = 2 if half else 4

    def add(code: str, line: str, short: str | None = None) -> None:
        p = points.get(code, np.nan)
        pts = None if np.isnan(p) else int(p)
        out.append((code, pts, line, short or line))

    def na(code: str, why: str) -> None:
        out.append((code, None, f"{code} n/a: {why}", f"{code} n/a: {why}"))

    def have(a: np.ndarray) -> str:
        return f"needs {len(a)} periods (have {int(np.sum(~np.isnan(a)))})"

    sales, ex_oi, pat = v["sales"], v["pbt"] - v["other_income"], v["pat"]
    if np.isnan(points["F1"]):
        na("F1", "needs net sales of the quarter and a year ago")
    else:
        cur, base, p = sales[0], sales[ago], points["F1"]
        words = _tier_words(cur, base)
        add("F1", f"F1 {_pts(p)}: net sales {money(cur)} vs year-ago {money(base)} ({words})",
            f"F1 {_pts(p)}: net sales YoY {words}")  # fmt: skip
    for code, label, a in (("F2", "PBT less other income", ex_oi), ("F3", "PAT", pat)):
        if np.isnan(points[code]):
            na(code, f"{label} {prev} {have(a)}")
            continue
        avg = float(np.mean(a[1:5]))
        words = _tier_words(a[0], avg)
        add(code, f"{code} {_pts(points[code])}: {label} {money(a[0])} vs {prev} {money(avg)} "
                  f"({words})")  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        margin = v["pbdit"] / sales
        cover = v["pbdit"] / v["interest"]
    exts = (
        ("F4", "net sales", sales, "money"), ("F5", "PBDIT", v["pbdit"], "money"),
        ("F6", "PBDIT margin", margin, "pct"), ("F7", "PBT less other income", ex_oi, "money"),
        ("F8", "EPS", v["eps"], "eps"), ("F9", "PBDIT/interest", cover, "x"),
    )  # fmt: skip
    for code, label, a, fmt in exts:
        if code == "F9" and financial:
            na(code, "skipped for financial sectors")
        elif np.isnan(points[code]):
            if code == "F6" and not np.isnan(sales).any():
                na(code, f"net sales not positive throughout the {span}")
            elif code == "F9" and (v["interest"] == 0).any():
                na(code, f"interest is 0 in the {span}")
            else:
                na(code, f"{label} in the {span} {have(a)}")
        else:
            add(code, _ext_line(code, points[code], label, a, fmt, span))
    interest, i_ago, pbdit = v["interest"][0], v["interest"][ago], v["pbdit"][0]
    if financial:
        na("F10", "skipped for financial sectors")
    elif np.isnan(points["F10"]):
        na("F10", "needs interest and PBDIT of the quarter and a year ago")
    elif points["F10"]:
        share = "PBDIT ≤ 0" if pbdit <= 0 else f"{100 * interest / pbdit:.1f}% of PBDIT"
        add("F10", f"F10 -2: interest {money(interest)} > 1.25 × year-ago {money(i_ago)}, {share}")
    else:
        add("F10", f"F10 0: interest {money(interest)} vs year-ago {money(i_ago)}")
    oi, pbt = v["other_income"][0], v["pbt"][0]
    if np.isnan(points["F11"]):
        na("F11", "needs other income and PBT")
    elif pbt <= 0:
        add("F11", f"F11 0: PBT {money(pbt)} not positive")
    else:
        add("F11", f"F11 {_pts(points['F11'])}: other income {money(oi)} is "
                   f"{100 * oi / pbt:.1f}% of PBT {money(pbt)}")  # fmt: skip
    optional = (
        ("F12", "debt/equity", "x", "lowest", "highest", "the last 5 half-years", "balance.csv"),
        ("F13", "debtors turnover", "x", "highest", "lowest", "the last 5 half-years",
         "balance.csv"),
        ("F14", "cash", "money", "highest", "lowest", "the last 5 half-years", "balance.csv"),
        ("F15", "cash from operations", "money", "highest", "lowest", "the last 3 years",
         "annual.csv"),
    )  # fmt: skip
    for code, label, fmt, good, bad, span_words, source in optional:
        if code not in extra or np.isnan(extra[code][0]):
            window = extra[code][1] if code in extra else np.array([np.nan])
            got = int(np.sum(~np.isnan(window))) if code in extra else 0
            na(code, f"{label} needs {span_words} in {source} (have {got})")
            continue
        p, window = extra[code]
        cur = _fmt(window[0], fmt if fmt != "x" else "plain")
        if p:
            where = f"the {good if p > 0 else bad} of {span_words}"
        else:
            lo, hi = (_fmt(x, fmt if fmt != "x" else "plain") for x in (window.min(), window.max()))
            where = f"within {lo} to {hi} over {span_words}"
        out.append((code, int(p), f"{code} {_pts(p)}: {label} {cur}, {where}",
                    f"{code} {_pts(p)}: {label} {cur}, {where}"))  # fmt: skip
    return out
