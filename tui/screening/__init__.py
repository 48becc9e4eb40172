"""dalal screening package."""
