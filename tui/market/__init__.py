"""The market domain: data model and every computation of analytics.md, on pandas and NumPy only."""
