"""dalal app package."""
