"""Adaptive pose sampling of a long video: its movement posed densely, its still parts sparsely.

A video over the frame budget is first posed at the budget spread evenly (`pose_sampling`). Where
that track shows the movement, a second pass poses it (padded by `MOVEMENT_PAD_S`) at the rate a short
clip gets; the still parts keep the first pass's poses, each repeated onto the dense time grid up to
the next one (`held_track`). The result stays evenly spaced, as every kinematic window counts rows.
Each held row's pose is a real reading, jitter included, so a noise estimate still sees jitter there.
"""

from __future__ import annotations

import math

import numpy as np

from actiondiff.config import Config
from actiondiff.models import FrameSample, PoseTrack, VideoInfo
from actiondiff.pose.extract import dense_fps
from actiondiff.video import Sampling

HAND_ARRAYS = ("image_xyz", "world_xyz", "confidence")

MOVEMENT_PAD_S = 0.5
"""Seconds posed densely on each side of the movement found in the sparse track (its onset and rest
are read to one sparse step, and the smoothing windows at its edges reach into the still parts)."""
SAME_BODY_SHIFT = 0.05
"""Largest median distance (image fraction) between the two passes' hip centres at the same moments for
them to have followed one body (the second pass chooses the main performer again in its own opening)."""


def movement_sampling(
    config: Config, info: VideoInfo, first: Sampling, movement_s: tuple[float, float]
) -> Sampling | None:
    """The second pass's samples over the movement (first and last second, from the first pass):
    every `dense_fps` step of the padded span, sparser if that exceeds `pose.movement_budget` frames;
    None when adaptive sampling is off or would sample no denser than the first pass."""
    if not config.pose.adaptive or config.pose.fps is not None or first.fps is None:
        return None
    fps = dense_fps(info)
    start = math.floor(max(0.0, movement_s[0] - MOVEMENT_PAD_S) * fps) / fps
    end = min(info.duration_s, movement_s[1] + MOVEMENT_PAD_S)
    fps = min(fps, max(first.fps, config.pose.movement_budget / max(end - start, 1e-6)))
    if fps <= first.fps * 1.01 or end <= start:
        return None
    return Sampling(fps=fps, start_s=start, end_s=end, max_side=first.max_side)


def held_track(moving: PoseTrack, sparse: PoseTrack, sampling: Sampling) -> PoseTrack:
    """The movement's dense track (posed at `sampling`) extended over the whole video on its time grid:
    each row before and after it repeats the nearest pose of the sparse track (`FrameSample.held_from`).
    The sparse track as it is when the dense one followed another body."""
    if not moving.frames or sampling.fps is None or not _same_body(moving, sparse):
        return sparse
    step, video_fps = 1.0 / sampling.fps, moving.video.fps or sampling.fps
    offset = sampling.start_s - math.floor(sampling.start_s / step + 1e-6) * step
    grid = np.arange(offset, moving.video.duration_s - 0.5 / video_fps, step)  # up to the last frame
    first, last = moving.timestamps[[0, -1]]
    before, after = grid[grid < first - step / 2], grid[grid > last + step / 2]
    sparse_times = sparse.timestamps
    nearest = [_nearest(sparse_times, times) for times in (before, after)]

    def held(times: np.ndarray, rows: np.ndarray) -> list[FrameSample]:
        return [
            FrameSample(index=round(t * video_fps), timestamp=round(t, 4), held_from=sparse.frames[r].index)
            for t, r in zip(times.tolist(), rows.tolist(), strict=True)
        ]

    def joined(name: str, part: str | None = None) -> np.ndarray:
        """One array of the tracks (of their `part`, the hands), the held rows' from the sparse track."""
        dense, held_rows = (
            (moving, sparse) if part is None else (getattr(moving, part), getattr(sparse, part))
        )
        values = getattr(held_rows, name)
        return np.concatenate([values[nearest[0]], getattr(dense, name), values[nearest[1]]])

    frames = held(before, nearest[0]) + moving.frames + held(after, nearest[1])
    hands = None
    if moving.hands is not None and sparse.hands is not None:
        hands = moving.hands.model_copy(
            update={"frames": frames} | {name: joined(name, "hands") for name in HAND_ARRAYS}
        )
    return moving.model_copy(
        update={
            "frames": frames,
            "hands": hands,
            "image_xyz": joined("image_xyz"),
            "world_xyz": joined("world_xyz"),
            "visibility": joined("visibility"),
            "performer": sparse.performer,
        }
    )


def _same_body(moving: PoseTrack, sparse: PoseTrack) -> bool:
    """Whether both tracks' hip centres lie within `SAME_BODY_SHIFT` of each other (median over the
    moving track's rows, each against the sparse track's nearest row, where both found a body)."""

    def hips(track: PoseTrack) -> np.ndarray:
        left, right = track.landmark("left_hip"), track.landmark("right_hip")
        return (track.image_xyz[:, left, :2] + track.image_xyz[:, right, :2]) / 2

    same_moments = _nearest(sparse.timestamps, moving.timestamps)
    shift = np.linalg.norm(hips(moving) - hips(sparse)[same_moments], axis=1)
    found = np.isfinite(shift)
    return bool(found.any()) and float(np.median(shift[found])) <= SAME_BODY_SHIFT


def _nearest(times: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Row of the nearest of the evenly spaced `times` to each of `at`."""
    return np.rint(np.interp(at, times, np.arange(len(times)))).astype(int)
