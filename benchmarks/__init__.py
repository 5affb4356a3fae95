"""Benchmarks: `python -m benchmarks.<area>` times a page against a large store (not run by pytest)."""
