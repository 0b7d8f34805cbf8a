"""Synthetic sample-video generator for actiondiff (see data/README.md)."""
