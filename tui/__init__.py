"""dalal: a terminal stock screener."""

__version__ = "0.1.0"
