"""The aligned timeline every view of a comparison plays on: A's own time, B's time through the alignment.

The web player, the side-by-side export and the aligned angle table all read it from here, so the
moment of B shown beside a moment of A is the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actiondiff.models import ComparisonResult
from actiondiff.report.plots import time_map


def aligned_knots(result: ComparisonResult) -> tuple[np.ndarray, np.ndarray]:
    """Knots of the A-time -> B-time map over the whole of both videos: the alignment's, with B's times
    strictly increasing, and the videos' starts and ends added where its samples stop short of them.

    Where several A samples matched one B sample only the first is kept, so B moves on slowly instead of
    standing still; at either end B moves to its own start or end instead of holding on the last aligned
    sample. Without an alignment both videos run from start to end together.
    """
    duration_a, duration_b = result.video_a.duration_s, result.video_b.duration_s
    if result.alignment is None or not result.alignment.path:
        return np.array([0.0, duration_a]), np.array([0.0, duration_b])
    knots_a, knots_b = time_map(result.alignment, b_to_a=False)
    keep = np.concatenate([[True], np.diff(knots_b) > 0])
    knots_a, knots_b = knots_a[keep], knots_b[keep]
    if knots_a[0] > 0 and knots_b[0] > 0:
        knots_a, knots_b = np.r_[0.0, knots_a], np.r_[0.0, knots_b]
    if knots_a[-1] < duration_a and knots_b[-1] < duration_b:
        knots_a, knots_b = np.r_[knots_a, duration_a], np.r_[knots_b, duration_b]
    return knots_a, knots_b


@dataclass(frozen=True)
class AlignedTimeline:
    """A's time -> B's time, B shifted by the hand-set offset `offset_s` (seconds, + = B later)."""

    knots_a: np.ndarray
    knots_b: np.ndarray
    duration_a: float
    duration_b: float
    offset_s: float = 0.0

    @classmethod
    def of(cls, result: ComparisonResult, offset_s: float | None = None) -> AlignedTimeline:
        """The result's timeline, B shifted by `offset_s` (default: the offset saved with the result)."""
        knots_a, knots_b = aligned_knots(result)
        offset = result.sync_offset_s if offset_s is None else offset_s
        return cls(knots_a, knots_b, result.video_a.duration_s, result.video_b.duration_s, offset)

    def b_time(self, time_a: float | np.ndarray) -> np.ndarray:
        """B's time shown beside A's `time_a`, within B's video."""
        mapped = np.interp(time_a, self.knots_a, self.knots_b) + self.offset_s
        return np.clip(mapped, 0.0, self.duration_b)
