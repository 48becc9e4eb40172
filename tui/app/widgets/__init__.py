"""Widgets the views and panes are built from (the screener's table and selectors, ...)."""
