"""Tunable constants of the analytics (analytics.md); config.toml [analytics] may override them."""

from __future__ import annotations

from dataclasses import dataclass, field


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
