"""dalal store package."""
