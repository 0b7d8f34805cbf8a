"""Per-frame hand features of one performer (finger flexion and spread, wrist height and bend, palm
position and speed) from the hand track a profile that reads hands asks for (`PoseTrack.hands`).

Finger angles come from the hand model's metric 3D landmarks (a bend reads the same at any distance
from the camera). Positions and speeds are image positions in palm lengths (wrist to the middle
knuckle, the median over both hands and the whole video), y up, so a hand filmed close up and one
filmed from afar move by the same measure. Columns are per side (`left_index_flexion`) and for both
hands together (`index_flexion`, the mean of the hands seen).
"""

from __future__ import annotations

import numpy as np

from actiondiff.kinematics.features import SIDES, joint_angle
from actiondiff.models import PoseTrack
from actiondiff.pose.landmarks import FINGER_CHAINS, FINGERS

KNUCKLES = (5, 9, 13, 17)
"""The index, middle, ring and pinky knuckles (MCP joints)."""
PALM = (0, *KNUCKLES)
"""The wrist and the four knuckles: the palm's centre is their mean."""
MIDDLE_KNUCKLE = 9
BILATERAL = ("finger_flexion", *(f"{finger}_flexion" for finger in FINGERS), "finger_spread", "wrist_rise",
             "wrist_flexion", "hand_speed")  # fmt: skip
"""Per-side columns also given for both hands together."""


def finger_flexion(world: np.ndarray, finger: str) -> np.ndarray:
    """How far a finger is bent (T,): the sum over its joints of 180 - the joint's interior angle, deg;
    the thumb's knuckle and end joint, each other finger's knuckle, middle and end joints."""
    chain = FINGER_CHAINS[finger]
    joints = range(2, 4) if finger == "thumb" else range(1, 4)
    bends = [
        180.0 - joint_angle(world[:, chain[k - 1]], world[:, chain[k]], world[:, chain[k + 1]])
        for k in joints
    ]
    return np.sum(bends, axis=0)


def hand_columns(track: PoseTrack) -> dict[str, tuple[np.ndarray, str]]:
    """The hand feature columns of a track with hands, by name: (values, unit)."""
    hands = track.hands
    assert hands is not None
    times = track.timestamps
    world = np.asarray(hands.world_xyz, dtype=np.float64)
    aspect = track.video.width / max(track.video.height, 1)
    image = np.asarray(hands.image_xyz, dtype=np.float64)[..., :2] * [aspect, -1.0]  # (T, 2, 21, 2), y up
    palm_length = _nanmedian(np.linalg.norm(image[:, :, MIDDLE_KNUCKLE] - image[:, :, 0], axis=-1))
    image = image / (palm_length if palm_length > 0 else 1.0)
    palm = image[:, :, PALM].mean(axis=2)
    palm = palm - np.nanmedian(palm.reshape(-1, 2), axis=0) if np.isfinite(palm).any() else palm
    columns: dict[str, tuple[np.ndarray, str]] = {}
    for s, side in enumerate(SIDES):
        bends = {finger: finger_flexion(world[:, s], finger) for finger in FINGERS}
        for finger, bend in bends.items():
            columns[f"{side}_{finger}_flexion"] = (bend, "deg")
        columns[f"{side}_finger_flexion"] = (np.mean([bends[f] for f in FINGERS[1:]], axis=0), "deg")
        index, pinky = world[:, s, 6] - world[:, s, 5], world[:, s, 18] - world[:, s, 17]
        columns[f"{side}_finger_spread"] = (joint_angle(index, np.zeros_like(index), pinky), "deg")
        knuckles_y = image[:, s, list(KNUCKLES), 1].mean(axis=1)
        columns[f"{side}_wrist_rise"] = (image[:, s, 0, 1] - knuckles_y, "palm")
        columns[f"{side}_wrist_flexion"] = (
            _wrist_flexion(track, image[:, s], side, aspect, palm_length),
            "deg",
        )
        columns[f"{side}_palm_x"] = (palm[:, s, 0], "palm")
        columns[f"{side}_palm_y"] = (palm[:, s, 1], "palm")
        speed = np.linalg.norm(_derivative(palm[:, s], times), axis=-1)
        columns[f"{side}_hand_speed"] = (speed, "palm/s")
    for name in BILATERAL:
        left, right = columns[f"left_{name}"][0], columns[f"right_{name}"][0]
        with np.errstate(invalid="ignore"):
            both = np.where(np.isnan(left), right, np.where(np.isnan(right), left, (left + right) / 2))
        columns[name] = (both, columns[f"left_{name}"][1])
    seen = np.isfinite(palm[..., 0]).sum(axis=1)[:, None]
    centre = np.where(seen > 0, np.nansum(palm, axis=1) / np.maximum(seen, 1), np.nan)  # the hands seen
    first = centre[np.isfinite(centre).all(axis=1)][:1]
    travel = np.linalg.norm(centre - first[0], axis=-1) if len(first) else np.full(len(times), np.nan)
    columns["hands_travel"] = (travel, "palm")
    return columns


def _wrist_flexion(track: PoseTrack, hand: np.ndarray, side: str, aspect: float, palm: float) -> np.ndarray:
    """The bend at the wrist between the forearm (the body's elbow to the hand's wrist) and the hand
    (wrist to middle knuckle) in the image, deg (0: straight); NaN where the body's elbow or shoulders
    are not clearly seen, and throughout when the body did not tell the hands' sides (`sides_by_body`):
    then it is no person holding these hands (on a piano filmed from above the body pose drew an arm
    on the knees, and another on the mirror copy)."""
    if track.hands is None or track.hands.sides_from != "body":
        return np.full(len(hand), np.nan)
    elbow = np.asarray(track.image_xyz[:, track.landmark(f"{side}_elbow"), :2], dtype=np.float64)
    elbow = elbow * [aspect, -1.0] / (palm if palm > 0 else 1.0)
    joints = [track.landmark(name) for name in (f"{side}_elbow", "left_shoulder", "right_shoulder")]
    with np.errstate(invalid="ignore"):
        person = (np.asarray(track.visibility)[:, joints] >= 0.5).all(axis=1)
    elbow[~person] = np.nan  # a close-up: the body pose finds an arm at best
    return 180.0 - joint_angle(elbow, hand[:, 0], hand[:, MIDDLE_KNUCKLE])


def _derivative(values: np.ndarray, times: np.ndarray) -> np.ndarray:
    if len(values) < 2:
        return np.full_like(values, np.nan)
    return np.gradient(values, times, axis=0)


def _nanmedian(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else 0.0
