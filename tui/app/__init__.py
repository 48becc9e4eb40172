"""The Textual app: dashboard panes, screener, stock detail (design.md §5).

The only package that imports Textual. `tui.cli` imports it inside the function that starts
the TUI, so the headless commands never pay for it.
"""

from tui.app.app import DalalApp

__all__ = ["DalalApp"]
