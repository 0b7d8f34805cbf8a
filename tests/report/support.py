"""A real comparison of the bundled squat pair, computed once per test session and shared."""

from __future__ import annotations

import functools
from pathlib import Path

import actiondiff
from actiondiff.config import Config
from actiondiff.models import ComparisonResult

STATEMENTS = ["the squat is deeper", "the stance is wider", "the descent is faster"]


@functools.cache
def squat_comparison(pair: Path, cache_dir: Path) -> ComparisonResult:
    """`actiondiff.compare` on the squat sample with three statements (offline backends)."""
    config = Config(cache_dir=cache_dir)
    return actiondiff.compare(
        pair / "a.mp4", pair / "b.mp4", action="squat", differences=STATEMENTS, config=config
    )
