"""dalal sources package."""
