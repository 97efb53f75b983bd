"""Drift detection: re-initialize calls, compare structures, and report the result."""
