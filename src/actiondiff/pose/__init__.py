"""Stage 2 of the data flow: body landmarks per sampled frame, and pictures to check them."""

from actiondiff.pose.draw import contact_sheet, draw_skeleton, overlay_frames, write_png
from actiondiff.pose.estimator import MediaPipePoseEstimator
from actiondiff.pose.extract import expected_frames, extract_pose, pose_sampling
from actiondiff.pose.landmarks import LANDMARK_NAMES, SKELETON_EDGES

__all__ = [
    "LANDMARK_NAMES",
    "SKELETON_EDGES",
    "MediaPipePoseEstimator",
    "contact_sheet",
    "draw_skeleton",
    "expected_frames",
    "extract_pose",
    "overlay_frames",
    "pose_sampling",
    "write_png",
]
