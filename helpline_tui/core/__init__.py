"""Data, search and import pipeline. Never imports Textual (tests/test_layering.py checks it)."""
