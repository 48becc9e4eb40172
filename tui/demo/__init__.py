"""dalal demo package."""
