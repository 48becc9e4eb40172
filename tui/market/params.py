"""Tunable constants of the analytics (analytics.md); config.toml [analytics] may override them."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True)
class Params:
    """Every tunable of analytics.md in one frozen value, with the documented defaults."""

    eligible_recent_sessions: int = 20
    """A stock is eligible only with a bar within this many sessions (§3)."""
    suspect_move_pct: float = 35.0
    """|ret_1d| above this with no known corporate action flags suspect_adjustment (§10)."""
    partial_breadth_pct: float = 95.0
    """Below this share of eligible stocks with today's bar, breadth is partial (§3)."""
    movers_min_traded_value_cr: float = 0.1
    """Movers need C·V/1e7 at least this (₹ crore); 0 disables (§4)."""
    movers_top: int = 5
    """Gainers and losers listed (§4)."""
    sectors_min_members: int = 10
    """Sectors with fewer eligible members are listed unranked (§4)."""
    use_partial_bars: bool = True
    """technicals.use_partial_bars: include the weekly/monthly bar holding as_of (§1)."""
    tech_min_readings: int = 7
    """Technicals is Not rated with fewer readings (§6.1)."""
    tech_hysteresis_margin: float = 0.05
    """T must lie this far inside a new band to leave yesterday's grade (§6.1)."""
    weights: tuple[float, float, float, float] = (0.25, 0.20, 0.25, 0.30)
    """rating.weights for Quality, Valuation, Financial trend, Technicals (§6.5)."""
    call_downgrade_slack: int = 2
    """A call is downgraded only below floor(current) - this (§6.5)."""
    illiquid_traded_value_cr: float = 0.05
    """20-session median traded value under this (₹ 5 lakh) caps the call at Hold (§6.5)."""
    valuation_min_peers: int = 8
    """Valuation peers are the sector when it has this many non-Risky members (§6.4)."""
    financial_sectors: tuple[str, ...] = field(default=("Financial Services",))
    """rating.financial_sectors: banks, NBFCs, insurers (§6.3)."""
    calendar_days: int = 7
    """Upcoming and recently-declared windows in calendar days (§8)."""


DEFAULT = Params()
"""The parameters used when no configuration overrides them."""


def params_from(overrides: dict[str, object], origin: str = "config.toml") -> Params:
    """Params with config.toml's [analytics] overrides applied and type-checked.

    Raises:
        ValueError: one sentence naming the unknown key or the wrong type.
    """
    known = {f.name: f for f in fields(Params)}
    values: dict[str, object] = {}
    for key, value in overrides.items():
        if key not in known:
            raise ValueError(f"{origin}: unknown key 'analytics.{key}'")
        default = getattr(DEFAULT, key)
        if isinstance(default, tuple):
            if not isinstance(value, list | tuple):
                raise ValueError(f"{origin}: key 'analytics.{key}' must be a list")
            value = tuple(value)
            if key == "weights" and (
                len(value) != 4 or not all(isinstance(w, int | float) for w in value)
            ):
                raise ValueError(f"{origin}: key 'analytics.weights' must be 4 numbers")
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{origin}: key 'analytics.{key}' must be true or false")
        elif isinstance(default, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{origin}: key 'analytics.{key}' must be a number")
            if isinstance(default, int) and not isinstance(value, int):
                raise ValueError(f"{origin}: key 'analytics.{key}' must be an integer")
        values[key] = value
    return replace(DEFAULT, **values)  # type: ignore[arg-type]
