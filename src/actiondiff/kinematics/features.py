"""Per-frame kinematic features of one performer: joint angles, angular speeds, positions, distances.

Angles are computed from MediaPipe's metric world landmarks, re-expressed right-handed with y up
and z towards the camera, so they do not depend on the camera's distance. Image positions are
normalised for body size and camera: origin at the median hip centre, unit = median torso length
(hip centre to shoulder centre), y up. These columns are also the KEPT node features (ActDR §3:
angle, angular speed, position per joint).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from actiondiff.kinematics.clean import camera_cuts, clean_track, robust_spread
from actiondiff.models import KinematicCurves, PoseTrack
from actiondiff.pose.landmarks import LANDMARK_NAMES
from actiondiff.storage import atomic_write_bytes

SIDES = ("left", "right")
ANGLES: dict[str, tuple[str, str, str]] = {
    "knee": ("hip", "knee", "ankle"),
    "hip": ("shoulder", "hip", "knee"),
    "elbow": ("shoulder", "elbow", "wrist"),
    "shoulder": ("hip", "shoulder", "elbow"),
    "ankle": ("knee", "ankle", "foot_index"),
}
"""Interior angle at the middle landmark of each triple, per side."""
POSITION_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
NODE_FEATURES = ("angle", "angular_speed", "x", "y")
"""Feature axis of `KinematicFeatures.node_features`: degrees, degrees/s, normalised image x and y."""
MAIN_CURVES = ("left_knee_angle", "right_knee_angle", "left_hip_angle", "right_hip_angle",
               "left_elbow_angle", "right_elbow_angle", "trunk_lean")  # fmt: skip
"""The curves plotted and shipped in `KinematicCurves` by default."""
HAND_CURVES = ("left_finger_flexion", "right_finger_flexion", "left_wrist_rise", "right_wrist_rise",
               "left_hand_speed", "right_hand_speed")  # fmt: skip
"""The hand curves plotted beside them when the hands were tracked."""

_INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}


def body_words(column: str) -> str:
    """A feature column as a coach would name it: `knee_angle` -> "knee bend", `hip_centre_y` -> "hip
    centre height"."""
    words = column.replace("_angle", " bend").replace("_y", " height").replace("_x", " sideways position")
    return words.replace("_", " ")


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Interior angle a-b-c in degrees for arrays of points (..., D); NaN where a segment is degenerate."""
    u, v = a - b, c - b
    norms = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("...d,...d->...", u, v) / norms
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def to_y_up(world_xyz: np.ndarray) -> np.ndarray:
    """MediaPipe world (x right, y down, z away) -> right-handed: x right, y up, z towards the camera."""
    return world_xyz * np.array([1.0, -1.0, -1.0])


def body_axes(world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit horizontal vectors (T, 3) towards the body's left (along the hip line) and its front."""
    hips = world[:, [_INDEX["left_hip"], _INDEX["right_hip"]]]
    left = hips[:, 0] - hips[:, 1]
    left[:, 1] = 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        left /= np.linalg.norm(left, axis=-1, keepdims=True)
    return left, np.cross(left, np.array([0.0, 1.0, 0.0]))


def trunk_angles(world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signed trunk lean (forward +) and side tilt (towards the body's left +) from vertical, degrees.

    `world` is y-up right-handed (see `to_y_up`).
    """
    hips = world[:, [_INDEX["left_hip"], _INDEX["right_hip"]]].mean(axis=1)
    trunk = world[:, [_INDEX["left_shoulder"], _INDEX["right_shoulder"]]].mean(axis=1) - hips
    left, forward = body_axes(world)
    lean = np.degrees(np.arctan2(np.einsum("td,td->t", trunk, forward), trunk[:, 1]))
    tilt = np.degrees(np.arctan2(np.einsum("td,td->t", trunk, left), trunk[:, 1]))
    return lean, tilt


@dataclass
class KinematicFeatures:
    """Named per-sample signals of one video; every column has one value per sampled frame (NaN if unseen)."""

    timestamps: np.ndarray
    frames: np.ndarray
    columns: dict[str, np.ndarray]
    units: dict[str, str]
    fps: float = field(default=0.0)
    cleaned_off: dict[str, float] = field(default_factory=dict)
    """Per column, the robust standard deviation of what cleaning took off (raw minus cleaned): the
    frame-to-frame jitter the pose model left; empty for features computed without cleaning."""
    cuts: tuple[int, ...] = ()
    """Rows where a new camera shot starts (`clean.camera_cuts`); empty for features computed without
    cleaning."""
    picture_rate: float | None = None
    """New pictures the video shows per second (`picture_rate`); None when unknown."""
    unsmoothed: dict[str, np.ndarray] = field(default_factory=dict)
    """The columns cleaned but not smoothed (collapsed poses dropped, gaps filled): where an extreme is
    read (`quantities.peak_of`), as smoothing flattens a turning point sharper than its window; empty
    for features computed without cleaning."""

    def __len__(self) -> int:
        return len(self.timestamps)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def bilateral(self, name: str) -> np.ndarray:
        """Mean of the left and right columns (`bilateral("knee_angle")`), ignoring a missing side."""
        return _bilateral(self.columns, name)

    def node_features(self, joints: Sequence[str]) -> np.ndarray:
        """(T, J, F) array with F = `NODE_FEATURES` for each joint ("knee" = mean of both sides,
        "left_knee" = one side); the inputs of KEPT's keypoint graph (ActDR §3.2)."""
        out = np.full((len(self), len(joints), len(NODE_FEATURES)), np.nan)
        for j, joint in enumerate(joints):
            get = self.columns.__getitem__ if joint.startswith(SIDES) else self.bilateral
            try:
                out[:, j] = np.stack(
                    [get(f"{joint}_{f}") for f in ("angle", "angle_speed", "x", "y")], axis=1
                )
            except KeyError as exc:
                raise KeyError(
                    f"unknown joint {joint!r}; known: {', '.join(ANGLES)} (optionally with a side)"
                ) from exc
        return out

    def curves(self, names: Sequence[str] | None = None) -> KinematicCurves:
        """The named columns as JSON-ready curves (None where unseen), for plots and reports; by default
        `MAIN_CURVES` and, on a track with hands, `HAND_CURVES`."""
        if names is None:
            names = MAIN_CURVES + tuple(name for name in HAND_CURVES if name in self.columns)
        return KinematicCurves(
            timestamps=[round(float(t), 4) for t in self.timestamps],
            frames=[int(f) for f in self.frames],
            units={n: self.units[n] for n in names},
            values={n: [None if np.isnan(v) else round(float(v), 3) for v in self.columns[n]] for n in names},
        )

    def table_bytes(self) -> bytes:
        """The feature table as CSV (timestamp, frame, then every column)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["timestamp", "frame", *self.columns])
        matrix = np.column_stack([self.timestamps, *self.columns.values()])
        for frame, row in zip(self.frames, matrix, strict=True):
            writer.writerow(
                [f"{row[0]:.4f}", int(frame), *("" if np.isnan(v) else f"{v:.5g}" for v in row[1:])]
            )
        return buffer.getvalue().encode("utf-8")

    def write_table(self, path: str | Path) -> Path:
        """Write the feature table: Parquet for a `.parquet` path (needs pyarrow), CSV otherwise."""
        path = Path(path)
        if path.suffix != ".parquet":
            return atomic_write_bytes(path, self.table_bytes())
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({"timestamp": self.timestamps, "frame": self.frames, **self.columns})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        return atomic_write_bytes(path, sink.getvalue().to_pybytes())


def compute_features(track: PoseTrack, *, clean: bool = True) -> KinematicFeatures:
    """Clean the track (unless told not to) and derive every per-frame feature column; a cleaned
    track's features also carry what cleaning took off each column (`cleaned_off`)."""
    if clean:
        raw = compute_features(track, clean=False)
        cuts = tuple(camera_cuts(track))
        cleaned = compute_features(clean_track(track, cuts=cuts), clean=False)
        unsmoothed = compute_features(clean_track(track, cuts=cuts, window_s=0.0), clean=False)
        return replace(
            cleaned,
            cleaned_off=_cleaned_off(raw.columns, cleaned.columns),
            cuts=cuts,
            unsmoothed=unsmoothed.columns,
        )
    times = track.timestamps
    world = to_y_up(np.asarray(track.world_xyz, dtype=np.float64))
    image = np.asarray(track.image_xyz, dtype=np.float64)[:, :, :2]
    aspect = track.video.width / max(track.video.height, 1)
    columns: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}

    def add(name: str, values: np.ndarray, unit: str) -> None:
        columns[name], units[name] = np.asarray(values, dtype=np.float64), unit

    def point(name: str, source: np.ndarray = world) -> np.ndarray:
        return source[:, _INDEX[name]]

    for joint, (a, b, c) in ANGLES.items():
        for side in SIDES:
            add(
                f"{side}_{joint}_angle",
                joint_angle(point(f"{side}_{a}"), point(f"{side}_{b}"), point(f"{side}_{c}")),
                "deg",
            )
    lean, tilt = trunk_angles(world) if len(times) else (np.zeros(0), np.zeros(0))
    add("trunk_lean", lean, "deg")
    add("trunk_tilt", tilt, "deg")
    for name in [n for n in columns if units[n] == "deg"]:
        speed_name = name.replace("_angle", "") + ("_angle_speed" if name.endswith("_angle") else "_speed")
        add(speed_name, _derivative(columns[name], times), "deg/s")

    # Image positions normalised by torso length around the median hip centre, y up.
    pixels = image * [aspect, -1.0]
    hip_c = (point("left_hip", pixels) + point("right_hip", pixels)) / 2
    shoulder_c = (point("left_shoulder", pixels) + point("right_shoulder", pixels)) / 2
    torso = _nanmedian(np.linalg.norm(shoulder_c - hip_c, axis=-1))
    origin = np.array([_nanmedian(hip_c[:, 0]), _nanmedian(hip_c[:, 1])])
    normalised = (pixels - origin) / (torso if torso > 0 else 1.0)
    for side in SIDES:
        for joint in POSITION_JOINTS:
            add(f"{side}_{joint}_x", point(f"{side}_{joint}", normalised)[:, 0], "torso")
            add(f"{side}_{joint}_y", point(f"{side}_{joint}", normalised)[:, 1], "torso")
            for axis, k in zip("xyz", range(3), strict=True):
                add(f"{side}_{joint}_w{axis}", point(f"{side}_{joint}")[:, k], "m")
        hand = normalised[:, [_INDEX[f"{side}_{p}"] for p in ("wrist", "pinky", "index", "thumb")]].mean(
            axis=1
        )
        add(f"{side}_hand_x", hand[:, 0], "torso")
        add(f"{side}_hand_y", hand[:, 1], "torso")
    hip_n = (point("left_hip", normalised) + point("right_hip", normalised)) / 2
    add("hip_centre_x", hip_n[:, 0], "torso")
    add("hip_centre_y", hip_n[:, 1], "torso")
    shoulder_n = (point("left_shoulder", normalised) + point("right_shoulder", normalised)) / 2
    wrist_n = (point("left_wrist", normalised) + point("right_wrist", normalised)) / 2
    head = point("nose", normalised)
    add("head_x", head[:, 0], "torso")
    add("head_y", head[:, 1], "torso")
    add("wrist_centre_x", wrist_n[:, 0], "torso")
    add("wrist_height", wrist_n[:, 1] - shoulder_n[:, 1], "torso")
    # Heights in the image against a limb's own length: a camera turned about the vertical moves them
    # little (a thigh or an arm hanging straight is seen whole from any side of the body), where
    # MediaPipe's guessed depth turns a knee bend seen end-on into a shallower angle (the stand-ins of
    # `quantities.STAND_INS`).
    add("hip_below_knee", _rise_over_limb(pixels, "knee", "hip"), "thigh")
    add("arm_rise", _rise_over_limb(pixels, "wrist", "shoulder"), "arm")

    # Distances in metres and as ratios to shoulder width (body-size free).
    def distance(a: str, b: str) -> np.ndarray:
        return np.linalg.norm(point(a) - point(b), axis=-1)

    shoulder_width = distance("left_shoulder", "right_shoulder")
    for name, (a, b) in {
        "stance_width": ("left_ankle", "right_ankle"),
        "knee_width": ("left_knee", "right_knee"),
        "hand_distance": ("left_wrist", "right_wrist"),
        "elbow_width": ("left_elbow", "right_elbow"),
    }.items():
        add(name, distance(a, b), "m")
        add(f"{name}_ratio", columns[name] / shoulder_width, "x shoulder width")
    add("shoulder_width", shoulder_width, "m")
    # Ankle spacing over the median leg length (hip-knee-ankle, both legs): seen from the side, the
    # shoulders' depth is guessed and their width swings 5-fold within a clip, the legs' length does not.
    legs = sum(
        distance(f"{side}_hip", f"{side}_knee") + distance(f"{side}_knee", f"{side}_ankle") for side in SIDES
    )
    leg_length = _nanmedian(legs / 2)
    add(
        "stance_width_legs",
        columns["stance_width"] / (leg_length if leg_length > 0 else np.nan),
        "x leg length",
    )
    add("knee_over_ankle_width", columns["knee_width"] / columns["stance_width"], "ratio")
    hip_w = (point("left_hip") + point("right_hip")) / 2
    knee_w = (point("left_knee") + point("right_knee")) / 2
    ankle_w = (point("left_ankle") + point("right_ankle")) / 2
    add("hip_above_knee", hip_w[:, 1] - knee_w[:, 1], "m")
    add("hip_above_ankle", hip_w[:, 1] - ankle_w[:, 1], "m")
    heel = (point("left_heel") + point("right_heel")) / 2
    toe = (point("left_foot_index") + point("right_foot_index")) / 2
    add("heel_lift", heel[:, 1] - toe[:, 1], "m")
    add("shin_tilt", _tilt_from_vertical(knee_w - ankle_w), "deg")
    left_axis, forward = body_axes(world)
    for side, outward in (("left", 1.0), ("right", -1.0)):
        foot = point(f"{side}_foot_index") - point(f"{side}_heel")
        across = outward * np.einsum("td,td->t", foot, left_axis)
        add(f"{side}_toe_out", np.degrees(np.arctan2(across, np.einsum("td,td->t", foot, forward))), "deg")
    add("toe_out", _bilateral(columns, "toe_out"), "deg")
    for joint in ANGLES:
        add(
            f"{joint}_asymmetry",
            np.abs(columns[f"left_{joint}_angle"] - columns[f"right_{joint}_angle"]),
            "deg",
        )
    # split stance (lunge, stride): the front leg is the one whose ankle is further along the facing direction
    ahead = np.einsum("td,td->t", point("left_ankle") - point("right_ankle"), forward)
    front_left = ahead >= 0
    add("step_length", np.abs(ahead), "m")
    add("step_length_ratio", columns["step_length"] / shoulder_width, "x shoulder width")
    front_knee = np.where(front_left, columns["left_knee_angle"], columns["right_knee_angle"])
    add("front_knee_angle", front_knee, "deg")
    front_shin = np.where(
        front_left[:, None],
        point("left_knee") - point("left_ankle"),
        point("right_knee") - point("right_ankle"),
    )
    add("front_shin_tilt", _tilt_from_vertical(front_shin), "deg")
    for joint in ANGLES:
        add(f"{joint}_angle", _bilateral(columns, f"{joint}_angle"), "deg")
    if track.hands is not None:
        from actiondiff.kinematics.hands import hand_columns  # reads the joint angles above

        for name, (values, unit) in hand_columns(track).items():
            add(name, values, unit)
    fps = (len(times) - 1) / float(times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
    frames = np.array([f.index for f in track.frames], dtype=np.int64)
    return KinematicFeatures(
        timestamps=times, frames=frames, columns=columns, units=units, fps=fps,
        picture_rate=picture_rate(track, fps),
    )  # fmt: skip


HELD_PICTURES = 0.5
"""Least share of the frames repeating the picture before them (`HandTrack.pictures_held`) for a video
to hold its pictures (a GIF, a slide show); real footage repeats at most a few (2 % on `bench_hands`'
finger-tapping clip), the 5-fps GIF clips 79 %."""


def picture_rate(track: PoseTrack, sampled_fps: float) -> float | None:
    """New pictures per second the video shows: its frame rate, or, where it holds its pictures, the
    sampling rate times the share of samples that bring a new one; None when unknown."""
    native = track.video.fps or None
    held = track.hands.pictures_held if track.hands is not None else 0.0
    if held < HELD_PICTURES or not sampled_fps:
        return native
    shown = sampled_fps * (1.0 - held)
    return min(native, shown) if native else shown


def _cleaned_off(raw: dict[str, np.ndarray], cleaned: dict[str, np.ndarray]) -> dict[str, float]:
    """Per column, the robust spread of raw minus cleaned over the rows that moved."""
    return {name: robust_spread(values - cleaned[name], values) for name, values in raw.items()}


def _rise_over_limb(pixels: np.ndarray, end: str, base: str) -> np.ndarray:
    """Per sample, how far `end` stands above `base` in the image (y up), in lengths of the limb between
    them (its 95th-percentile image length over the video: a straight limb hanging or standing upright
    shows its whole length from any side), both sides averaged."""
    sides = {}
    for side in SIDES:
        limb = pixels[:, _INDEX[f"{side}_{end}"]] - pixels[:, _INDEX[f"{side}_{base}"]]
        lengths = np.linalg.norm(limb, axis=-1)
        length = np.nanpercentile(lengths, 95) if np.isfinite(lengths).any() else np.nan
        sides[f"{side}_rise"] = limb[:, 1] / length if length > 0 else np.full(len(limb), np.nan)
    return _bilateral(sides, "rise")


def _tilt_from_vertical(segment: np.ndarray) -> np.ndarray:
    """Angle (deg) of y-up segment vectors (T, 3) from the vertical."""
    return np.degrees(np.arctan2(np.linalg.norm(segment[:, [0, 2]], axis=-1), segment[:, 1]))


def _bilateral(columns: dict[str, np.ndarray], name: str) -> np.ndarray:
    left, right = columns[f"left_{name}"], columns[f"right_{name}"]
    return np.where(np.isnan(left), right, np.where(np.isnan(right), left, (left + right) / 2))


def _derivative(values: np.ndarray, times: np.ndarray) -> np.ndarray:
    if len(values) < 2:
        return np.full_like(values, np.nan)
    return np.gradient(values, times)


def _nanmedian(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else 0.0
