"""Build data/actdr_tiny: a tiny ActDR-style training list for the KEPT scorer, from the sample videos.

Run from the repository root: ``python data/actdr_tiny/make_dataset.py`` (deterministic; seed below).

For every sample pair in data/samples (squat, overhead_press, lunge when present) the real BlazePose
tracks of a.mp4 and b.mp4 are kept unchanged and, in VARIANTS seeded copies each, perturbed by
documented kinematic changes (`perturb`):

- depth:    every landmark's displacement from the starting posture scaled by d in [0.55, 1.15]
            (range of motion: squat depth, press extension);
- symmetry: the right side's displacement scaled by a further (1 - s), s in [0, 0.3];
- lean:     landmarks above the hips rotated forward about the hip centre by up to l in [-5, 25]
            degrees, growing with the movement's progress;
- tempo:    time warped by r in [0.7, 1.5] (r > 1: the same movement done faster);
- jitter:   Gaussian noise, sigma in [0, 0.008] m on world and 0.004 x sigma/0.008 on image landmarks
            (a nuisance; not scored).

The ground-truth score of every track (real or perturbed) is a fixed function of its kinematics as
`actiondiff.kinematics.compute_features` measures them (`score_track`); each q is clipped to [0, 1]:

    score = 10 * (0.45 q_main + 0.20 q_tempo + 0.20 q_trunk + 0.15 q_symmetry)
    squat, lunge:    q_main = (160 - p5 knee angle) / 90                   (deeper is better)
    overhead_press:  q_main = (p95 - p5 elbow angle) / 110                 (fuller extension is better)
    q_tempo    = 1 - (p90 |main joint angular speed| - 60) / 240           (controlled is better)
    q_trunk    = 1 - (p95 trunk lean - 10) / 40                            (upright is better)
    q_symmetry = 1 - median |left - right main joint angle| / 20           (even is better)

where the main joint is the knee (squat, lunge) or the elbow (overhead_press). The commentary of each
track is written from the same measurements (`commentary`).
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from actiondiff.config import Config
from actiondiff.kinematics import compute_features
from actiondiff.models import FrameSample, PoseTrack
from actiondiff.pose import extract_pose

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parent / "samples"
VARIANTS = 10
SEED = 20240607
MAIN_JOINT = {"squat": "knee", "lunge": "knee", "overhead_press": "elbow"}
UPPER_BODY = ("nose", "eye", "ear", "mouth", "shoulder", "elbow", "wrist", "pinky", "index", "thumb")


@dataclass(frozen=True)
class Perturbation:
    depth: float = 1.0
    symmetry: float = 0.0
    lean_deg: float = 0.0
    tempo: float = 1.0
    jitter_m: float = 0.0


def draw(rng: np.random.Generator) -> Perturbation:
    return Perturbation(
        depth=float(rng.uniform(0.55, 1.15)),
        symmetry=float(rng.uniform(0.0, 0.3)),
        lean_deg=float(rng.uniform(-5.0, 25.0)),
        tempo=float(rng.uniform(0.7, 1.5)),
        jitter_m=float(rng.uniform(0.0, 0.008)),
    )


def perturb(track: PoseTrack, change: Perturbation, rng: np.random.Generator) -> PoseTrack:
    """The track with the documented kinematic changes applied to both its image and world landmarks."""
    names = track.landmark_names
    right = np.array([n.startswith("right_") for n in names])
    upper = np.array([n.removeprefix("left_").removeprefix("right_") in UPPER_BODY for n in names])
    spaces = {}
    for key, noise in (("world_xyz", change.jitter_m), ("image_xyz", change.jitter_m * 0.5)):
        xyz = np.asarray(getattr(track, key), dtype=np.float64).copy()
        start = xyz[_first_seen(xyz)]
        scale = np.where(right, change.depth * (1.0 - change.symmetry), change.depth)[None, :, None]
        xyz = start + scale * (xyz - start)
        xyz = _lean(xyz, names, upper, change.lean_deg)
        xyz = _warp(xyz, change.tempo)
        xyz += rng.normal(0.0, noise, xyz.shape) if noise > 0 else 0.0
        spaces[key] = xyz.astype(np.float32)
    n = len(spaces["world_xyz"])
    step = track.frames[1].index - track.frames[0].index if len(track.frames) > 1 else 1
    dt = track.frames[1].timestamp - track.frames[0].timestamp if len(track.frames) > 1 else 0.1
    frames = [FrameSample(index=i * step, timestamp=round(i * dt, 6)) for i in range(n)]
    video = track.video.model_copy(update={"duration_s": n * dt, "n_frames": n * step})
    return track.model_copy(
        update={
            "frames": frames,
            "video": video,
            "visibility": _warp(np.asarray(track.visibility, dtype=np.float64)[..., None], change.tempo)[
                ..., 0
            ],
            **spaces,
        }
    )


def _first_seen(xyz: np.ndarray) -> int:
    seen = np.flatnonzero(~np.isnan(xyz[:, 0, 0]))
    return int(seen[0]) if len(seen) else 0


def _lean(xyz: np.ndarray, names: list[str], upper: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate upper-body landmarks forward (towards the toes) about the hip centre, scaled by progress."""
    index = {n: i for i, n in enumerate(names)}
    hips = (xyz[:, index["left_hip"]] + xyz[:, index["right_hip"]]) / 2
    toes = (xyz[:, index["left_foot_index"]] + xyz[:, index["right_foot_index"]]) / 2
    heels = (xyz[:, index["left_heel"]] + xyz[:, index["right_heel"]]) / 2
    forward = np.nanmean(toes - heels, axis=0)
    forward[1] = 0.0  # horizontal (y is vertical, pointing down, in both MediaPipe spaces)
    forward /= max(float(np.linalg.norm(forward)), 1e-9)
    axis = np.cross(np.array([0.0, -1.0, 0.0]), forward)
    displacement = np.nan_to_num(np.linalg.norm(xyz - xyz[_first_seen(xyz)], axis=-1).mean(axis=1))
    progress = displacement / max(float(displacement.max()), 1e-9)
    out = xyz.copy()
    for t in range(len(xyz)):
        rotation = _rotation(axis, np.radians(degrees) * progress[t])
        out[t, upper] = (xyz[t, upper] - hips[t]) @ rotation.T + hips[t]
    return out


def _rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    """Rodrigues' rotation matrix about a unit axis."""
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def _warp(values: np.ndarray, rate: float) -> np.ndarray:
    """Resample (T, ...) values at times i * rate (linear interpolation): rate > 1 plays faster."""
    positions = np.arange(0.0, len(values) - 1 + 1e-9, rate)
    low = np.floor(positions).astype(int)
    high = np.minimum(low + 1, len(values) - 1)
    weight = (positions - low)[:, None, None]
    return (1 - weight) * values[low] + weight * values[high]


def _clip(value: float) -> float:
    return float(min(max(value, 0.0), 1.0))


def measure(track: PoseTrack, action: str) -> dict[str, float]:
    """The kinematic measurements the score and commentary are written from."""
    kin = compute_features(track)
    joint = MAIN_JOINT[action]
    angle = kin.bilateral(f"{joint}_angle")
    speed = np.abs(kin.bilateral(f"{joint}_angle_speed"))
    return {
        "low_angle": float(np.nanpercentile(angle, 5)),
        "range": float(np.nanpercentile(angle, 95) - np.nanpercentile(angle, 5)),
        "peak_speed": float(np.nanpercentile(speed, 90)),
        "lean": float(np.nanpercentile(kin["trunk_lean"], 95)),
        "asymmetry": float(np.nanmedian(kin[f"{joint}_asymmetry"])),
    }


def score_track(m: dict[str, float], action: str) -> tuple[float, dict[str, float]]:
    """The documented ground-truth score (module docstring) and its parts."""
    main = (160 - m["low_angle"]) / 90 if MAIN_JOINT[action] == "knee" else m["range"] / 110
    parts = {
        "main": _clip(main),
        "tempo": _clip(1 - (m["peak_speed"] - 60) / 240),
        "trunk": _clip(1 - (m["lean"] - 10) / 40),
        "symmetry": _clip(1 - m["asymmetry"] / 20),
    }
    weights = {"main": 0.45, "tempo": 0.2, "trunk": 0.2, "symmetry": 0.15}
    score = 10 * sum(weight * parts[name] for name, weight in weights.items())
    return round(score, 3), parts


def commentary(m: dict[str, float], parts: dict[str, float], action: str) -> str:
    """An expert-style comment written from the measurements, one sentence per scored aspect."""
    joint = MAIN_JOINT[action]
    if joint == "knee":
        main = _pick(
            parts["main"],
            f"Shallow {action}: the knees only bend to {m['low_angle']:.0f} degrees.",
            f"Moderate depth, the knees bend to {m['low_angle']:.0f} degrees.",
            f"Deep {action}: the knees bend to {m['low_angle']:.0f} degrees at the bottom.",
        )
    else:
        main = _pick(
            parts["main"],
            f"Short press: the elbows travel only {m['range']:.0f} degrees and never lock out.",
            f"Partial extension, the elbows travel {m['range']:.0f} degrees.",
            f"Full lockout overhead, the elbows travel {m['range']:.0f} degrees.",
        )
    tempo = _pick(
        parts["tempo"],
        f"Rushed tempo, the {joint} turns at up to {m['peak_speed']:.0f} degrees per second.",
        f"Brisk tempo, the {joint} turns at up to {m['peak_speed']:.0f} degrees per second.",
        f"Slow, controlled tempo, the {joint} turns at up to {m['peak_speed']:.0f} degrees per second.",
    )
    trunk = _pick(
        parts["trunk"],
        f"Excessive forward lean of the trunk, up to {m['lean']:.0f} degrees.",
        f"Moderate forward lean of the trunk, up to {m['lean']:.0f} degrees.",
        f"Upright trunk, leaning at most {m['lean']:.0f} degrees.",
    )
    symmetry = _pick(
        parts["symmetry"],
        f"Clear left-right imbalance, the {joint}s differ by {m['asymmetry']:.0f} degrees.",
        f"Slight left-right imbalance of {m['asymmetry']:.0f} degrees at the {joint}s.",
        "Left and right sides move evenly.",
    )
    return " ".join((main, tempo, trunk, symmetry))


def _pick(q: float, low: str, middle: str, high: str) -> str:
    return high if q >= 0.7 else middle if q >= 0.4 else low


def write_track(path: Path, track: PoseTrack) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(track.model_dump_json().encode("utf-8"), compresslevel=9, mtime=0))


def main() -> int:
    rng = np.random.default_rng(SEED)
    config = Config()
    records = []
    pairs = [p for p in sorted(SAMPLES.iterdir()) if (p / "pair.yaml").exists() and p.name in MAIN_JOINT]
    if not pairs:
        print(f"no sample pairs in {SAMPLES}", file=sys.stderr)
        return 1
    for pair in pairs:
        action = pair.name
        for side in ("a", "b"):
            base = extract_pose(pair / f"{side}.mp4", config)
            for variant in range(VARIANTS + 1):
                change = Perturbation() if variant == 0 else draw(rng)
                track = base if variant == 0 else perturb(base, change, rng)
                track = PoseTrack.model_validate_json(track.model_dump_json())  # score what is stored
                m = measure(track, action)
                score, parts = score_track(m, action)
                name = f"{action}_{side}" + ("" if variant == 0 else f"_v{variant:02d}")
                write_track(HERE / "tracks" / f"{name}.json.gz", track)
                records.append(
                    {
                        "id": name,
                        "media": f"tracks/{name}.json.gz",
                        "score": score,
                        "commentary": commentary(m, parts, action),
                        "sub_activity": action,
                        "source": f"data/samples/{action}/{side}.mp4",
                        "perturbation": asdict(change),
                        "measurements": {k: round(v, 2) for k, v in m.items()},
                    }
                )
    lines = "".join(json.dumps(r) + "\n" for r in records)
    (HERE / "list.jsonl").write_text(lines, encoding="utf-8")
    print(f"{len(records)} performances -> {HERE / 'list.jsonl'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
