"""Generate actiondiff's bundled sample videos: pairs of synthetic performances of one action.

Each pair has two renderings (a.mp4, b.mp4) of the same synthetic person doing the same exercise
with known, controlled differences, plus pair.yaml (the expected comparison) and truth.json (the
generator's parameters and per-frame ground truth). The body is driven by forward kinematics from
explicit joint-angle curves and rendered with a numpy signed-distance ray marcher (samplegen/).
Every output is deterministic. After rendering, mediapipe's pose model is run on the encoded videos
and the script fails if it finds the body in fewer than 90 % of the frames of any video.

    python data/make_samples.py                 # all pairs into data/samples/
    python data/make_samples.py --pairs squat   # one pair
    python data/make_samples.py --check-only    # rerun the mediapipe check on existing videos
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from multiprocessing.pool import Pool
from pathlib import Path
from typing import Any, Generic, TypeVar

import av
import cv2
import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samplegen.kinematics import (
    LANDMARK_NAMES,
    Body,
    OverheadPress,
    Skeleton,
    SplitSquat,
    Squat,
    Sway,
    Tempo,
    joint_angle,
    skeleton_angles,
    solve,
)
from samplegen.renderer import Camera, Renderer

Motion = Squat | OverheadPress | SplitSquat
FPS = 25
WIDTH, HEIGHT = 640, 480
MIN_DETECTION = 0.90
SWAY_SEEDS = {"a": 11, "b": 23}  # postural sway of each video
BODY = Body()
OUT_DIR = Path(__file__).resolve().parent / "samples"
# Joints whose detection error is reported (mediapipe names).
CHECK_JOINTS = (
    "nose",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)


# ------------------------------------------------------------------------------------------- pairs


M = TypeVar("M", Squat, OverheadPress, SplitSquat)


@dataclass(frozen=True)
class Difference(Generic[M]):
    """A statement about one video relative to the other, labelled from the parameters.

    ``measure`` maps a video's motion to the generator's quantity ``truth_quantity`` (truth.json);
    the statement is true of the video where it is larger (``larger=True``) or smaller, and of
    neither (label C) when they are equal. ``quantity`` and ``direction`` are what pair.yaml names:
    the catalogue quantity (``kinematics.QUANTITIES``) that decides the statement when its key
    differs from ``truth_quantity``, and whether the statement asserts more or less of it.
    """

    text: str
    truth_quantity: str
    measure: Callable[[M], float]
    larger: bool = True
    quantity: str | None = None
    direction: str = "more"

    def statement(self, key: str, a: M, b: M) -> dict[str, str]:
        """The difference as pair.yaml lists it."""
        item = {"key": key, "text": self.text, "label": self.label(a, b)}
        item["quantity"] = self.quantity or self.truth_quantity
        return item | ({"direction": self.direction} if self.direction != "more" else {})

    def label(self, a: M, b: M) -> str:
        qa, qb = self.measure(a), self.measure(b)
        if math.isclose(qa, qb, rel_tol=1e-6, abs_tol=1e-9):
            return "C"
        return "A" if (qa > qb) == self.larger else "B"


@dataclass(frozen=True)
class Pair(Generic[M]):
    """Everything that defines one sample pair."""

    name: str
    description: str
    a: M
    b: M
    camera: Camera
    differences: tuple[Difference[M], ...]
    score: Callable[[M], float]
    commentary: str
    extreme: str  # what the extreme of a repetition is called: "bottom" or "top"
    check_angles: tuple[str, ...]  # angles compared between A and B at the extreme
    dumbbells: bool = False


def _clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


def squat_score(m: Squat) -> float:
    """10-point squat score: depth (4), controlled descent (2), trunk lean penalty (up to 1.5), base 4."""
    depth = _clip01((140.0 - m.bottom_knee_deg) / 60.0)
    control = _clip01((m.tempo.out - 0.4) / 0.8)
    lean = _clip01((m.bottom_lean_deg - 30.0) / 30.0)
    return round(4.0 + 4.0 * depth + 2.0 * control - 1.5 * lean, 1)


def press_score(m: OverheadPress) -> float:
    """10-point press score: lockout (3.5), controlled tempo (1.5), elbow flare penalty (up to 1), base 4."""
    lockout = _clip01((m.top_elbow_deg - 130.0) / 45.0)
    control = _clip01((m.tempo.out + m.tempo.back - 0.8) / 1.2)
    flare = _clip01((elbow_flare_deg(m) - 40.0) / 45.0)
    return round(4.0 + 3.5 * lockout + 1.5 * control - 1.0 * flare, 1)


def lunge_score(m: SplitSquat) -> float:
    """10-point split-squat score: front-knee depth (4), knee kept over the ankle (1.5), base 3.5."""
    depth = _clip01((130.0 - m.bottom_knee_deg) / 40.0)
    shin = 1.0 - _clip01((m.bottom_shin_deg - 10.0) / 20.0)
    return round(3.5 + 4.0 * depth + 1.5 * shin, 1)


def elbow_flare_deg(m: OverheadPress) -> float:
    """Angle between the elbows' pointing direction and straight ahead, in the horizontal plane."""
    out, _, fwd = m.elbow_pole
    return math.degrees(math.atan2(out, fwd))


def top_grip_width(m: OverheadPress) -> float:
    """Distance between the wrists (m) at the top of the press."""
    t_top = m.tempo.lead_in + m.tempo.out + 0.5 * m.tempo.hold
    p = solve(BODY, m.pose(BODY, t_top, Sway(0))).points
    return float(np.linalg.norm(p["left_wrist"] - p["right_wrist"]))


PAIRS: dict[str, Pair[Any]] = {
    p.name: p
    for p in (
        Pair[Squat](
            name="squat",
            description="Bodyweight squat: from standing, bend hips and knees to lower the hips, arms "
            "reaching forward, then stand back up; two repetitions.",
            a=Squat(
                Tempo(lead_in=0.5, out=1.1, hold=0.25, back=1.05, pause=0.3, reps=2, tail=0.6),
                bottom_knee_deg=74.0,
                bottom_lean_deg=42.0,
                bottom_shin_deg=12.0,
                stance_width=0.32,
                toe_out_deg=15.0,
            ),
            b=Squat(
                Tempo(lead_in=1.0, out=0.6, hold=0.05, back=0.75, pause=0.3, reps=2, tail=0.6),
                bottom_knee_deg=120.0,
                bottom_lean_deg=22.0,
                bottom_shin_deg=12.0,
                stance_width=0.52,
                toe_out_deg=15.0,
            ),
            camera=Camera(
                WIDTH,
                HEIGHT,
                yaw_deg=30.0,
                distance=4.2,
                elevation=1.3,
                target=(0.0, 0.9, 0.0),
                vfov_deg=29.0,
            ),
            differences=(
                Difference(
                    "the squat is deeper",
                    "squat_depth",
                    lambda m: 180.0 - m.bottom_knee_deg,
                    quantity="depth",
                ),
                Difference(
                    "the descent is faster",
                    "descent_tempo",
                    lambda m: 1.0 / m.tempo.out,
                    quantity="descent_duration",
                    direction="less",
                ),
                Difference("the stance is wider", "stance_width", lambda m: m.stance_width),
                Difference(
                    "the torso leans further forward at the bottom", "trunk_lean", lambda m: m.bottom_lean_deg
                ),
                Difference(
                    "each repetition takes longer",
                    "rep_duration",
                    lambda m: m.tempo.cycle,  # as rep_duration reads it: the pause between repetitions in it
                ),
                Difference("the first repetition starts later", "start_delay", lambda m: m.tempo.lead_in),
                Difference("more repetitions are performed", "rep_count", lambda m: m.tempo.reps),
                Difference("the toes point further outwards", "toe_out", lambda m: m.toe_out_deg),
            ),
            score=squat_score,
            commentary="A sits into a full-depth squat with a slow, controlled descent but lets the chest "
            "drop forward; B stays upright on a wider stance but only reaches a quarter squat and rushes "
            "the descent.",
            extreme="bottom",
            check_angles=("left_knee", "right_knee"),
        ),
        Pair[OverheadPress](
            name="overhead_press",
            description="Standing dumbbell overhead press: from the dumbbells at the shoulders, press "
            "them overhead, then lower them back to the shoulders; two repetitions.",
            a=OverheadPress(
                Tempo(lead_in=0.6, out=0.8, hold=0.35, back=0.9, pause=0.35, reps=2, tail=0.6),
                top_elbow_deg=175.0,
                rack_dir=(0.45, 0.3, 0.85),
                top_dir=(0.12, 1.0, 0.04),
                elbow_pole=(0.3, -0.6, 0.75),
            ),
            b=OverheadPress(
                Tempo(lead_in=0.4, out=0.45, hold=0.1, back=0.55, pause=0.35, reps=2, tail=0.6),
                top_elbow_deg=140.0,
                rack_dir=(0.95, 0.35, 0.25),
                top_dir=(0.45, 1.0, 0.02),
                elbow_pole=(0.95, -0.3, 0.1),
            ),
            camera=Camera(
                WIDTH,
                HEIGHT,
                yaw_deg=25.0,
                distance=4.4,
                elevation=1.35,
                target=(0.0, 1.08, 0.0),
                vfov_deg=30.0,
            ),
            differences=(
                Difference(
                    "the arms lock out fully overhead",
                    "lockout",
                    lambda m: m.top_elbow_deg,
                    quantity="elbow_extension",
                ),
                Difference(
                    "the press is faster",
                    "press_tempo",
                    lambda m: 1.0 / m.tempo.out,
                    quantity="rep_duration",
                    direction="less",
                ),
                Difference(
                    "the grip is narrower", "grip_width", top_grip_width, larger=False, direction="less"
                ),
                Difference("the elbows flare out to the sides", "elbow_flare", elbow_flare_deg),
                Difference("more repetitions are performed", "rep_count", lambda m: m.tempo.reps),
                Difference("the feet are set wider apart", "stance_width", lambda m: m.stance_width),
            ),
            score=press_score,
            commentary="A presses with elbows in front and finishes with the arms locked out straight "
            "overhead; B flares the elbows, rushes the reps and stops each press well short of lockout.",
            extreme="top",
            check_angles=("left_elbow", "right_elbow"),
            dumbbells=True,
        ),
        Pair[SplitSquat](
            name="lunge",
            description="Static lunge (split squat), left foot forward: lower the back knee towards the "
            "floor and stand back up without moving the feet; two repetitions.",
            a=SplitSquat(
                Tempo(lead_in=0.5, out=1.0, hold=0.2, back=1.0, pause=0.3, reps=2, tail=0.5),
                step_length=0.95,
                bottom_knee_deg=90.0,
                bottom_shin_deg=8.0,
            ),
            b=SplitSquat(
                Tempo(lead_in=0.9, out=1.0, hold=0.2, back=1.0, pause=0.3, reps=2, tail=0.5),
                step_length=0.72,
                bottom_knee_deg=115.0,
                bottom_shin_deg=22.0,
            ),
            camera=Camera(
                WIDTH,
                HEIGHT,
                yaw_deg=60.0,
                distance=4.3,
                elevation=1.3,
                target=(0.0, 0.88, 0.0),
                vfov_deg=29.0,
            ),
            differences=(
                Difference(
                    "the front knee bends more", "front_knee_depth", lambda m: 180.0 - m.bottom_knee_deg
                ),
                Difference("the step is longer", "step_length", lambda m: m.step_length),
                Difference(
                    "the front knee travels further forward over the toes",
                    "front_shin_tilt",
                    lambda m: m.bottom_shin_deg,
                ),
                Difference(
                    "each repetition takes longer",
                    "rep_duration",
                    lambda m: m.tempo.cycle,
                ),
                Difference("more repetitions are performed", "rep_count", lambda m: m.tempo.reps),
            ),
            score=lunge_score,
            commentary="A takes a long step and lowers until the front thigh is nearly level, with the knee "
            "stacked over the ankle; B's short step pushes the front knee far past the toes and the "
            "lunge stays shallow.",
            extreme="bottom",
            check_angles=("left_knee",),
        ),
    )
}


# --------------------------------------------------------------------------------- frames & truth


def n_frames(m: Motion) -> int:
    return round(m.tempo.duration * FPS)


def skeleton_at(m: Motion, seed: int, frame: int) -> Skeleton:
    """Solved skeleton of motion ``m`` at a frame index."""
    return solve(BODY, m.pose(BODY, frame / FPS, Sway(seed)))


def video_truth(pair: Pair[Any], which: str) -> dict:
    """Parameters, summary quantities, phases and per-frame ground truth of one video."""
    m, seed, cam = getattr(pair, which), SWAY_SEEDS[which], pair.camera
    lm2d, lm3d, progress = [], [], []
    angles: dict[str, list[float]] = {}
    for f in range(n_frames(m)):
        sk = skeleton_at(m, seed, f)
        pts = sk.landmarks()
        lm3d.append(np.round(pts, 4).tolist())
        lm2d.append(np.round(cam.project(pts), 2).tolist())
        progress.append(round(m.tempo.progress(f / FPS), 4))
        for k, v in skeleton_angles(sk).items():
            angles.setdefault(k, []).append(round(v, 2))
    reps = [{"start": r["start"], pair.extreme: r["extreme"], "end": r["end"]} for r in m.tempo.phases(FPS)]
    extreme = skeleton_at(m, seed, reps[0][pair.extreme])
    ex_angles = skeleton_angles(extreme)
    p = extreme.points
    summary = {f"{pair.extreme}_{k}_deg": round(v, 2) for k, v in ex_angles.items()} | {
        "rep_duration_s": round(m.tempo.out + m.tempo.hold + m.tempo.back, 3),
        "ankle_distance_m": round(float(np.linalg.norm(p["left_ankle"] - p["right_ankle"])), 3),
        "wrist_distance_m": round(float(np.linalg.norm(p["left_wrist"] - p["right_wrist"])), 3),
        "hip_below_knee": bool(p["left_hip"][1] < p["left_knee"][1]),
        "hip_height_m": round(float(p["pelvis"][1]), 3),
        "knee_height_m": round(float(p["left_knee"][1]), 3),
    }
    params = {"motion": type(m).__name__, **asdict(m)}
    return {
        "file": f"{which}.mp4",
        "fps": FPS,
        "n_frames": n_frames(m),
        "duration_s": round(n_frames(m) / FPS, 3),
        "sway_seed": seed,
        "params": params,
        "score": pair.score(m),
        f"at_{pair.extreme}": summary,
        "reps": reps,
        "frames": {
            "progress": progress,
            "angles_deg": angles,
            "landmarks_2d_px": lm2d,
            "landmarks_3d_m": lm3d,
        },
    }


def camera_truth(cam: Camera) -> dict:
    right, up, fwd, focal = cam.basis()
    return {
        "width": cam.width,
        "height": cam.height,
        "fx": round(focal, 3),
        "fy": round(focal, 3),
        "cx": cam.width / 2,
        "cy": cam.height / 2,
        "position_m": np.round(cam.position, 4).tolist(),
        "world_to_camera_rotation": np.round(np.stack([right, -up, fwd]), 6).tolist(),
        "yaw_from_front_deg": cam.yaw_deg,
    }


# -------------------------------------------------------------------------------- render & encode

_WORKER: dict[tuple[str, str], Renderer] = {}


def _render_frame(task: tuple[str, str, int]) -> np.ndarray:
    """Worker: render frame ``f`` of video ``which`` of pair ``name`` (renderers cached per process)."""
    name, which, f = task
    pair = PAIRS[name]
    if (name, which) not in _WORKER:
        _WORKER[(name, which)] = Renderer(pair.camera)
    sk = skeleton_at(getattr(pair, which), SWAY_SEEDS[which], f)
    return _WORKER[(name, which)].render(sk, pair.dumbbells)


def encode(path: Path, frames: Iterator[np.ndarray], fps: int) -> None:
    """Write RGB frames to an H.264 mp4 (libx264, yuv420p), bit-exact and single-threaded."""
    with av.open(str(path), "w", options={"fflags": "+bitexact"}) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "20", "preset": "slow", "threads": "1"}
        stream.codec_context.flags |= av.codec.context.Flags.bitexact
        for img in frames:
            out.mux(stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        out.mux(stream.encode())


def render_pair(pair: Pair[Any], pool: Pool, out_dir: Path) -> dict[str, dict]:
    """Render, encode and write truth for both videos of a pair."""
    out_dir.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict] = {}
    for which in ("a", "b"):
        m = getattr(pair, which)
        t0 = time.time()
        tasks = [(pair.name, which, f) for f in range(n_frames(m))]
        encode(out_dir / f"{which}.mp4", pool.imap(_render_frame, tasks, chunksize=2), FPS)
        print(f"  {pair.name}/{which}.mp4: {len(tasks)} frames in {time.time() - t0:.0f} s", flush=True)
        truth[which] = video_truth(pair, which)
    return truth


def write_pair_files(pair: Pair[Any], truth: dict[str, dict], out_dir: Path) -> None:
    """pair.yaml (the expected comparison) and truth.json."""
    spec = {
        "action": pair.name,
        "action_description": pair.description,
        "differences": [d.statement(str(i), pair.a, pair.b) for i, d in enumerate(pair.differences)],
        "scores": {"a": pair.score(pair.a), "b": pair.score(pair.b)},
        "commentary": pair.commentary,
    }
    (out_dir / "pair.yaml").write_text(yaml.safe_dump(spec, sort_keys=False, width=100, allow_unicode=True))
    doc = {
        "pair": pair.name,
        "generator": "data/make_samples.py",
        "coordinates": "world metres, y up, floor y=0, the person faces +z with their left side towards +x; "
        "2D pixels have x right, y down, pixel centres at +0.5 (mediapipe normalised coords x width/height)",
        "landmark_names": list(LANDMARK_NAMES),
        "angle_definitions": "interior 3D angles in degrees: knee = hip-knee-ankle, hip = shoulder-hip-knee, "
        "elbow = shoulder-elbow-wrist; trunk_lean = hip centre to shoulder centre from vertical",
        "camera": camera_truth(pair.camera),
        "differences": [
            {
                "key": str(i),
                "quantity": d.truth_quantity,
                "a": round(d.measure(pair.a), 4),
                "b": round(d.measure(pair.b), 4),
                "label": d.label(pair.a, pair.b),
            }
            for i, d in enumerate(pair.differences)
        ],
        "videos": truth,
    }
    (out_dir / "truth.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")


# ------------------------------------------------------------------------------- mediapipe check


def read_frames(path: Path) -> Iterator[np.ndarray]:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            yield frame.to_ndarray(format="rgb24")


def check_video(path: Path, truth: dict, pair: Pair[Any], preview: Path | None) -> dict:
    """Run mediapipe Pose on a video and compare its landmarks with the ground truth.

    With ``preview``, also save each repetition's extreme frame with the true (green) and mediapipe
    (red) skeletons drawn over it.
    """
    import mediapipe  # imported late: slow, and only needed for the check

    idx = {n: i for i, n in enumerate(LANDMARK_NAMES)}
    gt = np.array(truth["frames"]["landmarks_2d_px"])
    detected = np.zeros(len(gt), bool)
    pred = np.full((len(gt), len(LANDMARK_NAMES), 2), np.nan)
    world = np.full((len(gt), len(LANDMARK_NAMES), 3), np.nan)
    extremes = [rep[pair.extreme] for rep in truth["reps"]]
    with mediapipe.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for f, img in enumerate(read_frames(path)):
            res = pose.process(img)
            if res.pose_landmarks is not None:
                detected[f] = True
                h, w = img.shape[:2]
                pred[f] = [(lm.x * w, lm.y * h) for lm in res.pose_landmarks.landmark]
                world[f] = [(lm.x, lm.y, lm.z) for lm in res.pose_world_landmarks.landmark]
            if preview is not None and f in extremes:
                out = draw_skeleton(draw_skeleton(img[:, :, ::-1], gt[f], (0, 200, 0)), pred[f], (0, 0, 255))
                name = f"{pair.name}_{path.stem}_{pair.extreme}{extremes.index(f) + 1}.png"
                cv2.imwrite(str(preview / name), out)
    err = np.linalg.norm(pred - gt, axis=2)
    report: dict = {
        "frames": len(gt),
        "detection_rate": round(float(detected.mean()), 4),
        "median_error_px": {j: round(float(np.nanmedian(err[:, idx[j]])), 1) for j in CHECK_JOINTS}
        if detected.any()
        else {},
    }
    # Joint angles at each repetition's extreme (+-1 frame): mediapipe 2D and 3D, and the projected truth.
    frames = [f for rep in truth["reps"] for f in range(rep[pair.extreme] - 1, rep[pair.extreme] + 2)]
    key = f"{pair.extreme}_angle"
    for label, arr in (("mediapipe_2d", pred), ("mediapipe_3d", world), ("true_2d", gt[..., :2])):
        values = [_angle(arr[f], name) for f in frames if detected[f] for name in pair.check_angles]
        report[f"{key}_{label}_deg"] = round(float(np.mean(values)), 1) if values else None
    true = [
        truth["frames"]["angles_deg"][n][r[pair.extreme]] for r in truth["reps"] for n in pair.check_angles
    ]
    report[f"{key}_true_3d_deg"] = round(float(np.mean(true)), 1)
    return report


def _angle(landmarks: np.ndarray, name: str) -> float:
    """Interior angle of a knee or elbow (e.g. ``left_knee``) from one frame's landmarks."""
    side, joint = name.split("_")
    first, last = {"knee": ("hip", "ankle"), "elbow": ("shoulder", "wrist")}[joint]
    idx = LANDMARK_NAMES.index
    return joint_angle(
        landmarks[idx(f"{side}_{first}")], landmarks[idx(name)], landmarks[idx(f"{side}_{last}")]
    )


def draw_skeleton(img: np.ndarray, uv: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """Draw 33 landmarks (pixel coordinates, NaN = missing) and their BlazePose connections on a BGR image."""
    from mediapipe.python.solutions.pose import POSE_CONNECTIONS

    out = np.ascontiguousarray(img)
    if np.isnan(uv).any():
        return out
    pts = [(round(float(x) - 0.5), round(float(y) - 0.5)) for x, y in uv]
    for i, j in POSE_CONNECTIONS:
        cv2.line(out, pts[i], pts[j], colour, 1, cv2.LINE_AA)
    for p in pts:
        cv2.circle(out, p, 2, colour, -1, cv2.LINE_AA)
    return out


def check_pair(pair: Pair[Any], out_dir: Path, preview: Path | None) -> tuple[dict[str, dict], list[str]]:
    """Check both videos; returns the reports and failures (low detection, A/B angle order wrong)."""
    truth = json.loads((out_dir / "truth.json").read_text())["videos"]
    reports = {w: check_video(out_dir / f"{w}.mp4", truth[w], pair, preview) for w in ("a", "b")}
    failures = [
        f"{pair.name}/{w}: detection {r['detection_rate']:.1%} < {MIN_DETECTION:.0%}"
        for w, r in reports.items()
        if r["detection_rate"] < MIN_DETECTION
    ]
    key = f"{pair.extreme}_angle"
    ta, tb = reports["a"][f"{key}_true_3d_deg"], reports["b"][f"{key}_true_3d_deg"]
    for space in ("2d", "3d"):
        ma, mb = reports["a"][f"{key}_mediapipe_{space}_deg"], reports["b"][f"{key}_mediapipe_{space}_deg"]
        if ma is None or mb is None or (ma < mb) != (ta < tb):
            failures.append(
                f"{pair.name}: mediapipe {space} {key} A={ma} B={mb} disagrees with truth A={ta} B={tb}"
            )
    for w, r in reports.items():
        print(
            f"  {pair.name}/{w}: detected {r['detection_rate']:.1%} of {r['frames']} frames; {key} (deg) "
            f"true 3D {r[f'{key}_true_3d_deg']}, true 2D {r[f'{key}_true_2d_deg']}, "
            f"mediapipe 2D {r[f'{key}_mediapipe_2d_deg']}, mediapipe 3D {r[f'{key}_mediapipe_3d_deg']}"
        )
        print("    median error px: " + ", ".join(f"{j} {e}" for j, e in r["median_error_px"].items()))
    return reports, failures


# ---------------------------------------------------------------------------------------------- cli


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pairs", nargs="+", choices=sorted(PAIRS), default=list(PAIRS))
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--jobs", type=int, default=mp.cpu_count())
    ap.add_argument("--check-only", action="store_true", help="only run the mediapipe check")
    ap.add_argument("--preview", type=Path, help="save overlay PNGs of each repetition's extreme here")
    args = ap.parse_args()
    if args.preview:
        args.preview.mkdir(parents=True, exist_ok=True)

    t_start = time.time()
    reports: dict[str, dict] = {}
    failures: list[str] = []
    for name in args.pairs:
        pair, out_dir = PAIRS[name], args.out / name
        if not args.check_only:
            print(f"rendering {name} ...", flush=True)
            with mp.get_context("fork").Pool(args.jobs) as pool:
                truth = render_pair(pair, pool, out_dir)
            write_pair_files(pair, truth, out_dir)
        print(f"checking {name} with mediapipe ...", flush=True)
        reports[name], failed = check_pair(pair, out_dir, args.preview)
        failures += failed
    report_path = args.out / "detection_report.json"
    previous = json.loads(report_path.read_text()) if report_path.exists() else {}
    report_path.write_text(json.dumps(previous | reports, indent=1) + "\n")
    print(f"done in {time.time() - t_start:.0f} s; report in {report_path}")
    if failures:
        raise SystemExit("mediapipe check FAILED:\n  " + "\n  ".join(failures))


if __name__ == "__main__":
    main()
