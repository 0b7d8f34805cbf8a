"""The 33 BlazePose body landmarks, the 21 landmarks of a hand, and the skeleton edges between them."""

from __future__ import annotations

import re
from itertools import pairwise

LANDMARK_NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip

N_LANDMARKS = len(LANDMARK_NAMES)
_OTHER_SIDE = {"left": "right", "right": "left"}

MIRRORED: tuple[int, ...] = tuple(
    LANDMARK_NAMES.index(re.sub("left|right", lambda side: _OTHER_SIDE[side.group()], name))
    for name in LANDMARK_NAMES
)
"""For each landmark, the index of its mirror twin (left_knee <-> right_knee; the nose is its own)."""

SKELETON_EDGES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"),
    ("left_ankle", "left_heel"), ("left_heel", "left_foot_index"), ("left_ankle", "left_foot_index"),
    ("right_ankle", "right_heel"), ("right_heel", "right_foot_index"), ("right_ankle", "right_foot_index"),
    ("nose", "left_eye"), ("nose", "right_eye"), ("left_eye", "left_ear"), ("right_eye", "right_ear"),
)  # fmt: skip

SKELETON_INDEX_EDGES: tuple[tuple[int, int], ...] = tuple(
    (LANDMARK_NAMES.index(a), LANDMARK_NAMES.index(b)) for a, b in SKELETON_EDGES
)

FINGERS = ("thumb", "index", "middle", "ring", "pinky")
HAND_LANDMARK_NAMES: tuple[str, ...] = (
    "wrist",
    *(
        f"{finger}_{joint}"
        for finger, joints in zip(FINGERS, [("cmc", "mcp", "ip", "tip"), *[("mcp", "pip", "dip", "tip")] * 4],
                                  strict=True)
        for joint in joints
    ),
)  # fmt: skip
"""MediaPipe's 21 hand landmarks: the wrist, then four per finger from the palm out."""
N_HAND_LANDMARKS = len(HAND_LANDMARK_NAMES)
FINGER_CHAINS: dict[str, tuple[int, ...]] = {
    finger: (0, *range(1 + 4 * k, 5 + 4 * k)) for k, finger in enumerate(FINGERS)
}
"""Each finger's landmarks from the wrist to its tip."""
HAND_EDGES: tuple[tuple[int, int], ...] = (
    *(edge for chain in FINGER_CHAINS.values() for edge in pairwise(chain)),
    (5, 9), (9, 13), (13, 17),
)  # fmt: skip
"""The hand skeleton: each finger from the wrist out, and the knuckle line."""
