"""Command line entry point: the TUI and the headless commands."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run dalal."""
    from tui import __version__

    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:
        print(f"dalal {__version__}")
        return 0
    print("dalal: not implemented yet", file=sys.stderr)
    return 2
