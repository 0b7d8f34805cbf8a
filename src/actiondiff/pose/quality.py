"""Per video: where the camera stands relative to the body, and how well the pose model saw it.

MediaPipe's world landmarks are metric but camera-oriented (x right, y down, z away from the
camera), so the body's left-right axis in them says how the body is turned to the camera. The
azimuth is read from the hips and the shoulders together, as a median over the frames where both
hips are visible. The pose model sometimes swaps left and right for a stretch of frames (from the
side and from behind especially), which turns the axis by 180 deg; so the axis is first found as a
line (angles taken modulo 180) and its direction is the one most frames agree on.

Checked against the camera calibration of the pose2sim demo (four cameras of the same moment): the
azimuth differences from cam01 match the cameras' relative yaw within 14 deg, 21 deg on the worst
of the six pairs (docs/kinematics.md). That error is the azimuth's uncertainty
(`azimuth_uncertainty`), widened where the pose model swapped left and right.

Where the left and right labels themselves are unsure (a side view with the head hidden: nothing
tells the model which way the body faces), the hip line still lies right but its direction may be
turned by 180 deg. The feet say which way the body faces without the labels (heel to toes, both
feet summed, so toe-out cancels): when they point clearly the other way, the labels are taken as
swapped and the direction turned round.

A mirrored video flips the azimuth's sign, as a camera on the body's other side would; what tells the
two apart is the performer's own left-right asymmetry (`side_asymmetry`), which a mirror reverses and
another camera of the same body does not.
"""

from __future__ import annotations

import numpy as np

from actiondiff.models import PoseTrack, VideoQuality
from actiondiff.pose.landmarks import MIRRORED

VISIBLE = 0.5
"""Least landmark visibility that counts as seen (MediaPipe's own convention)."""
_AXIS_PAIRS = (("left_hip", "right_hip"), ("left_shoulder", "right_shoulder"))
_FEET = (("left_heel", "left_foot_index"), ("right_heel", "right_foot_index"))
AZIMUTH_BASE_DEG = 7.0
"""Uncertainty of a video's azimuth with no left-right swaps: the six camera pairs of the pose2sim demo
read their angle apart within 13.2 deg of the calibration (both videos' errors together) where
neither video had swaps."""
SWAP_WIDENING_DEG = 20.0
"""Further uncertainty per share of frames with left and right swapped: cam02 (42 % swapped) is in the
demo's worst pair, 21.4 deg off the calibration."""
FEET_TURNED_DEG = 120.0
"""The feet point the other way from the hip line's direction when more than this apart: the labels
are then taken as swapped. The demo's four cameras read their feet 15 to 50 deg from their hips
(toe-out, and depth read from one view); past 90 either direction is nearer, so a margin is kept."""
_SIDED_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
_UP = np.array([0.0, -1.0, 0.0])
"""World landmarks have y pointing down."""


def wrap_deg(angle: np.ndarray | float) -> np.ndarray:
    """Angles in degrees wrapped into [-180, 180)."""
    return (np.asarray(angle, dtype=np.float64) + 180.0) % 360.0 - 180.0


def _axis_frames(track: PoseTrack) -> tuple[np.ndarray, np.ndarray]:
    """The rows with both hips visible and a left-right axis, and each one's azimuth (deg, see
    `VideoQuality.azimuth_deg`): the mean direction of the hip line and the shoulder line, seen from
    above."""
    world = np.asarray(track.world_xyz, dtype=np.float64)
    hips = [track.landmark(name) for name in _AXIS_PAIRS[0]]
    rows = np.flatnonzero(np.all(np.nan_to_num(track.visibility[:, hips]) >= VISIBLE, axis=1))
    axis = np.zeros((rows.size, 2))
    for left, right in _AXIS_PAIRS:
        line = world[rows, track.landmark(left)] - world[rows, track.landmark(right)]
        flat = line[:, [0, 2]]  # x right, z away from the camera
        with np.errstate(invalid="ignore", divide="ignore"):
            axis += flat / np.linalg.norm(flat, axis=1, keepdims=True)
    azimuths = np.degrees(np.arctan2(axis[:, 1], axis[:, 0]))
    finite = np.isfinite(azimuths)
    return rows[finite], azimuths[finite]


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


def side_asymmetry(track: PoseTrack) -> list[float]:
    """The performer's left-right asymmetry: per sided joint, the median over frames of the left joint's
    position minus its right twin's reflected through the body's midplane, in the body's own frame
    (x along the hips, y up, z forward; leg lengths). A mirrored video reverses its sign exactly
    (`MIRRORED` swaps the twins, the reflection the frame); another camera of the same body keeps it.
    Frames whose left and right read swapped against the majority are swapped back first. Empty when
    the hips are never visible."""
    rows, each = _axis_frames(track)
    return _asymmetry(track, rows, each, robust_azimuth(each)[0])


def _asymmetry(track: PoseTrack, rows: np.ndarray, each: np.ndarray, majority: float | None) -> list[float]:
    """`side_asymmetry` from the rows with a left-right axis, their azimuths and the majority's."""
    if not rows.size:
        return []
    world = np.asarray(track.world_xyz, dtype=np.float64)[rows]
    swapped = np.abs(wrap_deg(each - (majority or 0.0))) >= 90.0
    world[swapped] = world[swapped][:, list(MIRRORED)]
    left_hip, right_hip = world[:, track.landmark("left_hip")], world[:, track.landmark("right_hip")]
    across = (left_hip - right_hip) * [1.0, 0.0, 1.0]
    across /= np.linalg.norm(across, axis=1, keepdims=True)
    frame = np.stack([across, np.broadcast_to(_UP, across.shape), np.cross(across, _UP)], axis=1)
    body = np.einsum("fij,fnj->fni", frame, world - (left_hip + right_hip)[:, None] / 2)
    leg = float(np.nanmedian(np.linalg.norm(left_hip - world[:, track.landmark("left_ankle")], axis=1)))
    reflected = [-1.0, 1.0, 1.0]  # through the body's midplane
    gaps = [
        body[:, track.landmark(f"left_{joint}")] - body[:, track.landmark(f"right_{joint}")] * reflected
        for joint in _SIDED_JOINTS
    ]
    signature = np.nanmedian(np.stack(gaps, axis=1), axis=0).ravel() / leg
    return [round(float(v), 4) for v in signature]


def feet_azimuth(track: PoseTrack) -> float | None:
    """The azimuth the feet point to (deg, as `VideoQuality.azimuth_deg`): their heel-to-toe directions
    summed over both feet (the labels do not matter), circular mean over the frames where all four
    points are visible; None when they never are."""
    world = np.asarray(track.world_xyz, dtype=np.float64)
    points = [track.landmark(name) for foot in _FEET for name in foot]
    seen = np.all(np.nan_to_num(track.visibility[:, points]) >= VISIBLE, axis=1)
    if not seen.any():
        return None
    pointing = (world[seen][:, points[1]] - world[seen][:, points[0]]) + (
        world[seen][:, points[3]] - world[seen][:, points[2]]
    )
    # facing the camera the toes point at it (-z); the body's left-right axis is the pointing turned by -90
    each = np.arctan2(pointing[:, 0], -pointing[:, 2])
    if not np.isfinite(each).any():
        return None
    return round(float(np.degrees(np.angle(np.nanmean(np.exp(1j * each))))), 1)


def azimuth_uncertainty(azimuths: np.ndarray, azimuth: float, swaps: float) -> float:
    """How far a video's azimuth may be off (deg): `AZIMUTH_BASE_DEG`, the swaps' widening, and the
    median's own standard error over the frames (their spread around the hip line)."""
    off_line = (wrap_deg(azimuths - azimuth) + 90.0) % 180.0 - 90.0
    median_error = 1.4826 * float(np.median(np.abs(off_line))) * 1.2533 / np.sqrt(azimuths.size)
    return round(AZIMUTH_BASE_DEG + SWAP_WIDENING_DEG * swaps + median_error, 1)


def video_quality(track: PoseTrack) -> VideoQuality:
    """The viewpoint, detection rate, joint visibility and frame rate of one video's pose track; the
    viewpoint turned round where the feet point clearly against the left-right labels' majority."""
    rows, azimuths = _axis_frames(track)
    azimuth, swaps = robust_azimuth(azimuths)
    feet = feet_azimuth(track)
    turned = (
        azimuth is not None and feet is not None and abs(float(wrap_deg(feet - azimuth))) > FEET_TURNED_DEG
    )
    if turned and azimuth is not None:
        azimuth = round(float(wrap_deg(azimuth + 180.0)), 1)
    detected = track.detected
    visibility = track.visibility[detected]
    means = visibility.mean(axis=0) if detected.any() else np.zeros(len(track.landmark_names))
    names = track.landmark_names
    return VideoQuality(
        azimuth_deg=azimuth,
        azimuth_uncertainty_deg=None if azimuth is None else azimuth_uncertainty(azimuths, azimuth, swaps),
        feet_azimuth_deg=feet,
        feet_turned=turned,
        azimuth_frames=int(azimuths.size),
        left_right_swaps=swaps,
        detection_rate=round(track.detection_rate, 3),
        joint_visibility={name: round(float(v), 3) for name, v in zip(names, means, strict=True)},
        fps=track.video.fps,
        variable_frame_rate=track.video.variable_frame_rate,
        side_asymmetry=_asymmetry(track, rows, azimuths, azimuth),
    )
