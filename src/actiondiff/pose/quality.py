"""Per video: where the camera stands relative to the body, and how well the pose model saw it.

MediaPipe's world landmarks are metric but camera-oriented (x right, y down, z away from the
camera), so the body's left-right axis in them says how the body is turned to the camera. The
azimuth is read from the hips and the shoulders together, as a median over the frames where both
hips are visible. The pose model sometimes swaps left and right for a stretch of frames (from the
side and from behind especially), which turns the axis by 180 deg; so the axis is first found as a
line (angles taken modulo 180) and its direction is the one most frames agree on.

Checked against the camera calibration of the pose2sim demo (four cameras of the same moment): the
azimuth differences from cam01 match the cameras' relative yaw within 14 deg, 21 deg on the worst
of the six pairs (docs/kinematics.md).
"""

from __future__ import annotations

import numpy as np

from actiondiff.models import PoseTrack, VideoQuality

VISIBLE = 0.5
"""Least landmark visibility that counts as seen (MediaPipe's own convention)."""
_AXIS_PAIRS = (("left_hip", "right_hip"), ("left_shoulder", "right_shoulder"))


def wrap_deg(angle: np.ndarray | float) -> np.ndarray:
    """Angles in degrees wrapped into [-180, 180)."""
    return (np.asarray(angle, dtype=np.float64) + 180.0) % 360.0 - 180.0


def body_azimuths(track: PoseTrack) -> np.ndarray:
    """Per frame with both hips visible, the azimuth (deg, see `VideoQuality.azimuth_deg`) of the
    body's left-right axis: the mean direction of the hip line and the shoulder line, seen from above."""
    world = np.asarray(track.world_xyz, dtype=np.float64)
    hips = [track.landmark(name) for name in _AXIS_PAIRS[0]]
    seen = np.all(np.nan_to_num(track.visibility[:, hips]) >= VISIBLE, axis=1)
    axis = np.zeros((int(seen.sum()), 2))
    for left, right in _AXIS_PAIRS:
        line = world[seen, track.landmark(left)] - world[seen, track.landmark(right)]
        flat = line[:, [0, 2]]  # x right, z away from the camera
        with np.errstate(invalid="ignore", divide="ignore"):
            axis += flat / np.linalg.norm(flat, axis=1, keepdims=True)
    azimuths = np.degrees(np.arctan2(axis[:, 1], axis[:, 0]))
    return azimuths[np.isfinite(azimuths)]


def robust_azimuth(azimuths: np.ndarray) -> tuple[float | None, float]:
    """The median azimuth of the frames, robust to left/right swaps, and the share of swapped frames.

    The axis is the median line (angles modulo 180, around their doubled-angle circular mean); its
    direction is the one most frames point along.
    """
    if not azimuths.size:
        return None, 0.0
    line_mean = np.degrees(np.angle(np.mean(np.exp(2j * np.radians(azimuths))))) / 2
    line = line_mean + float(np.median((azimuths - line_mean + 90.0) % 180.0 - 90.0))
    along = np.abs(wrap_deg(azimuths - line)) < 90.0
    share_along = float(along.mean())
    direction = line if share_along >= 0.5 else line + 180.0
    return round(float(wrap_deg(direction)), 1), round(min(share_along, 1.0 - share_along), 3)


def video_quality(track: PoseTrack) -> VideoQuality:
    """The viewpoint, detection rate, joint visibility and frame rate of one video's pose track."""
    azimuths = body_azimuths(track)
    azimuth, swaps = robust_azimuth(azimuths)
    detected = track.detected
    visibility = track.visibility[detected]
    means = visibility.mean(axis=0) if detected.any() else np.zeros(len(track.landmark_names))
    names = track.landmark_names
    return VideoQuality(
        azimuth_deg=azimuth,
        azimuth_frames=int(azimuths.size),
        left_right_swaps=swaps,
        detection_rate=round(track.detection_rate, 3),
        joint_visibility={name: round(float(v), 3) for name, v in zip(names, means, strict=True)},
        fps=track.video.fps,
        variable_frame_rate=track.video.variable_frame_rate,
    )
