"""Stage 2 of the data flow: body landmarks per sampled frame, and pictures to check them.

The names below load their modules on first use, so that `actiondiff.pose.landmarks` (which the
kinematics need) is imported without the video decoder and OpenCV.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from actiondiff.pose.adaptive import held_track, movement_sampling
    from actiondiff.pose.draw import contact_sheet, draw_skeleton, overlay_frames, write_png
    from actiondiff.pose.estimator import MediaPipePoseEstimator
    from actiondiff.pose.extract import expected_frames, extract_pose, pose_sampling
    from actiondiff.pose.landmarks import LANDMARK_NAMES, SKELETON_EDGES

_HOMES = {
    "LANDMARK_NAMES": "landmarks",
    "SKELETON_EDGES": "landmarks",
    "MediaPipePoseEstimator": "estimator",
    "contact_sheet": "draw",
    "draw_skeleton": "draw",
    "expected_frames": "extract",
    "extract_pose": "extract",
    "held_track": "adaptive",
    "movement_sampling": "adaptive",
    "overlay_frames": "draw",
    "pose_sampling": "extract",
    "write_png": "draw",
}

__all__ = [
    "LANDMARK_NAMES",
    "SKELETON_EDGES",
    "MediaPipePoseEstimator",
    "contact_sheet",
    "draw_skeleton",
    "expected_frames",
    "extract_pose",
    "held_track",
    "movement_sampling",
    "overlay_frames",
    "pose_sampling",
    "write_png",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
