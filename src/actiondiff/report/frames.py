"""Keyframes of a comparison as JPEG: decoded by frame index, skeleton drawn when the pose saw it (and,
where several people show, a box around the one measured)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import numpy as np

from actiondiff.backends.images import encode_jpeg
from actiondiff.models import ComparisonResult, Difference, PoseTrack, VideoInfo
from actiondiff.pose import draw_skeleton
from actiondiff.pose.draw import draw_hands, draw_performer_box
from actiondiff.video import Sampling, sample_frames

Side = Literal["a", "b"]
KEYFRAME_SIDE = 480
"""Longer side (pixels) of a keyframe picture."""
KEYFRAMES_PER_DIFFERENCE = 2


def difference_keyframes(
    difference: Difference, limit: int = KEYFRAMES_PER_DIFFERENCE
) -> tuple[list[int], list[int]]:
    """The first distinct frames of A and of B the difference's evidence points at, at most `limit` each."""
    frames_a: list[int] = []
    frames_b: list[int] = []
    for evidence in difference.evidence:
        frames_a.extend(f for f in evidence.frames_a if f not in frames_a)
        frames_b.extend(f for f in evidence.frames_b if f not in frames_b)
    return frames_a[:limit], frames_b[:limit]


def video_of(result: ComparisonResult, side: Side) -> tuple[Path, VideoInfo, PoseTrack | None]:
    """The video path, its description and its pose track for one side of a result."""
    if side == "a":
        return result.pair.a, result.video_a, result.pose_a
    return result.pair.b, result.video_b, result.pose_b


def read_keyframes(
    path: Path, info: VideoInfo, indices: Iterable[int], pose: PoseTrack | None = None
) -> dict[int, np.ndarray]:
    """RGB images of the given video frame indices, each with the pose skeleton drawn when one was found.

    Each frame is decoded on its own from its presentation time (index / fps), so a few keyframes of a
    long video cost a few seeks rather than a full decode.
    """
    images: dict[int, np.ndarray] = {}
    for index in sorted({i for i in indices if 0 <= i < info.n_frames}):
        start = index / info.fps
        window = Sampling(count=1, start_s=start, end_s=start + 1.0 / info.fps, max_side=KEYFRAME_SIDE)
        frame = next(sample_frames(path, window, info))
        images[index] = _with_skeleton(frame.image, index, pose)
    return images


def keyframe_jpeg(image: np.ndarray) -> bytes:
    return encode_jpeg(image, max_side=KEYFRAME_SIDE, quality=82)


def _with_skeleton(image: np.ndarray, index: int, pose: PoseTrack | None) -> np.ndarray:
    if pose is None or not pose.frames:
        return image
    indices = np.array([f.index for f in pose.frames])
    row = int(np.abs(indices - index).argmin())
    step = max(1, int(np.median(np.diff(indices)))) if len(indices) > 1 else 1
    if abs(int(indices[row]) - index) > step:
        return image
    drawn = draw_hands(draw_skeleton(image, pose.image_xyz[row, :, :2], pose.visibility[row]), pose, row)
    return drawn if pose.performer is None else draw_performer_box(drawn, pose.image_xyz[row, :, :2])
