"""Calibration of measured verdicts: accuracy, coverage, expected calibration error, reliability diagram.

The calibration set has its truth by construction:

- synthetic pairs from the bundled sample generator (data/samplegen): per pair a performer (segment
  lengths scaled), a camera placement (yaw, distance, height; B sometimes moved), a pose-noise level
  (white jitter, slow drift, depth noise, dropped frames) and true gaps between A and B on each
  generator parameter (zero, or 1.5 to 4 margins). The generator's skeleton is projected through the
  camera into a pose track with that noise: the pose model is simulated here, so hundreds of pairs take
  minutes, not hours of rendering. A statement's truth is C for a zero gap and the sign of the gap
  when it is at least 1.25 margins; statements in between are left out (no truth);
- real pose: the bundled sample pairs (rendered, posed by MediaPipe; both orders) and the real-footage
  invariance suite (`eval/invariance.py`: edited copies of the pose2sim clips, truth from each case).

Run-time verdicts come from `measure_quantity` (intervals, then the map in `calibration.json`); here the
map is fitted again on the set (logistic per verdict kind on the standardized excess) and scored with
the fitted map in-sample and by 2-fold cross-validation over pairs.

    python benchmarks/bench_calibration.py [--pairs 40] [--clips 2] [--write] [--figure PATH]
    python benchmarks/bench_calibration.py --backend openai:<model> [--base-url URL] [--config FILE]

`--write` stores the fitted map in src/actiondiff/kinematics/calibration.json (read at run time).
`--backend` calibrates a vision model instead: it answers every statement of the parts with videos
through `compare`, its temperature and fusion weight are fitted against the truth
(`pipeline.model_calibration`) and stored per backend under the cache folder, where `compare` finds them.
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from multiprocessing import Pool
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np

from actiondiff.config import Config, default_cache_dir, real_clips_dir
from actiondiff.eval.calibration_set import (
    CalibrationPair,
    invariance_pairs,
    judged,
    sample_pairs,
    scored_answers,
)
from actiondiff.kinematics import Reading, align, compute_features, measure_quantity
from actiondiff.kinematics.calibration import (
    CALIBRATION_FILE,
    Calibration,
    Logistic,
    evidence_excess,
    expected_calibration_error,
    fit_logistic,
    reliability_table,
)
from actiondiff.kinematics.crossing import matched_readings
from actiondiff.kinematics.quantities import find_quantity
from actiondiff.kinematics.uncertainty import jitter_replicas
from actiondiff.knowledge import resolve_profile
from actiondiff.models import Difference, Evidence, FrameSample, Label, PoseTrack, VideoInfo
from actiondiff.pipeline.fusion import fuse
from actiondiff.pipeline.model_calibration import fit_model_calibration, save_model_calibration, temper
from actiondiff.storage import atomic_write_bytes, atomic_write_text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "data"))
from samplegen.kinematics import (  # noqa: E402
    LANDMARK_NAMES,
    Body,
    OverheadPress,
    SplitSquat,
    Squat,
    Sway,
    Tempo,
    solve,
)
from samplegen.renderer import Camera  # noqa: E402

FPS = 25
WIDTH, HEIGHT = 640, 480
GAPS = (0.0, 0.0, 0.0, 1.5, 2.5, 4.0)
"""True gaps between A and B, in steps (about one catalogue margin each): half of them none."""
HARD_GAPS = (0.0, 0.0, 1.3, 1.45, 1.6, 1.8)
"""The hard pairs' gaps: none, or just past the clear gap, where an interval barely clears the margin."""
CLEAR_GAP = 1.25
"""A truth needs no gap or at least this many decision margins; gaps in between are left out."""
BINS = 10


@dataclass(frozen=True)
class Knob:
    """A generator parameter varied per pair: A's value drawn from `base`, B's a gap of steps away."""

    name: str  # attribute of the motion, "tempo.<field>" for its timing
    base: tuple[float, float]
    step: float
    upper: float = math.inf


@dataclass(frozen=True)
class Statement:
    """A statement, the catalogue quantity deciding it (and its direction), and its true value."""

    text: str
    quantity: str
    polarity: float
    truth: Callable[[Any, Body], float]


def _shoulders(body: Body) -> float:
    return 2 * body.shoulder_half_width


def _knee_flexion(m: Any, _: Body) -> float:
    return 180.0 - float(m.bottom_knee_deg)


def _stance_legs(m: Any, body: Body) -> float:
    return float(m.stance_width) / (body.thigh + body.shin)


def _rep_time(m: Any, _: Body) -> float:
    """Time per repetition as `rep_duration` reads it: the cycle, the pause between repetitions in it."""
    return float(m.tempo.cycle)


TEMPO_KNOBS = (
    Knob("tempo.out", (0.6, 1.2), 0.15),
    Knob("tempo.back", (0.6, 1.1), 0.15),
    Knob("tempo.lead_in", (0.4, 1.2), 0.25),
    Knob("tempo.reps", (2, 2), 1.0, upper=3),
)
COMMON = (
    Statement("each repetition takes longer", "rep_duration", 1.0, _rep_time),
    Statement("more repetitions are performed", "rep_count", 1.0, lambda m, _: m.tempo.reps),
)
Motion: TypeAlias = Squat | SplitSquat | OverheadPress
ActionSpec: TypeAlias = tuple[Callable[[Tempo], Motion], tuple[Knob, ...], tuple[Statement, ...]]
"""How to make an action's motion from a tempo, the knobs varied, and its statements."""
ACTIONS: dict[str, ActionSpec] = {
    "squat": (
        lambda tempo: Squat(tempo, 100.0, 30.0, 12.0, 0.4, 15.0),
        (
            Knob("bottom_knee_deg", (75.0, 125.0), 8.0),
            Knob("bottom_lean_deg", (15.0, 40.0), 6.0),
            Knob("stance_width", (0.28, 0.5), 0.08),
            Knob("toe_out_deg", (5.0, 20.0), 6.0),
        ),
        (
            Statement("the squat is deeper", "depth", 1.0, _knee_flexion),
            Statement("the descent is faster", "descent_duration", -1.0, lambda m, _: m.tempo.out),
            Statement("the stance is wider", "stance_width", 1.0, _stance_legs),
            Statement("the torso leans further forward", "trunk_lean", 1.0, lambda m, _: m.bottom_lean_deg),
            Statement("the first repetition starts later", "start_delay", 1.0, lambda m, _: m.tempo.lead_in),
            Statement("the toes point further outwards", "toe_out", 1.0, lambda m, _: m.toe_out_deg),
            *COMMON,
        ),
    ),
    "lunge": (
        lambda tempo: SplitSquat(tempo, 0.85, 100.0, 12.0),
        (
            Knob("bottom_knee_deg", (85.0, 120.0), 8.0),
            Knob("step_length", (0.72, 0.98), 0.055),
            Knob("bottom_shin_deg", (5.0, 22.0), 5.0),
        ),
        (
            Statement("the front knee bends more", "front_knee_depth", 1.0, _knee_flexion),
            Statement("the step is longer", "step_length", 1.0, lambda m, b: m.step_length / _shoulders(b)),
            Statement("the front knee travels further forward", "front_shin_tilt", 1.0,
                      lambda m, _: m.bottom_shin_deg),
            *COMMON,
        ),
    ),
    "overhead press": (
        lambda tempo: OverheadPress(tempo, 170.0, (0.45, 0.3, 0.85), (0.12, 1.0, 0.04), (0.3, -0.6, 0.75)),
        (Knob("top_elbow_deg", (140.0, 172.0), 6.0, upper=178.0), Knob("stance_width", (0.26, 0.45), 0.08)),
        (
            Statement("the arms lock out fully overhead", "elbow_extension", 1.0,
                      lambda m, _: m.top_elbow_deg),
            Statement("the feet are set wider apart", "stance_width", 1.0, _stance_legs),
            *COMMON,
        ),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One verdict of the set: where it came from, its evidence, its truth."""

    group: str  # the pair (cross-validation folds split by pair)
    origin: str  # "synthetic", "samples" or "invariance"
    text: str
    truth: Label
    label: Label | None
    excess: float | None
    summary: str


# ------------------------------------------------------------------------------ synthetic pairs


def _set(motion: Any, name: str, value: float) -> Any:
    if name.startswith("tempo."):
        field = name.split(".", 1)[1]
        return replace(
            motion, tempo=replace(motion.tempo, **{field: type(getattr(motion.tempo, field))(value)})
        )
    return replace(motion, **{name: value})


def _get(motion: Any, name: str) -> float:
    return float(getattr(motion.tempo, name[6:]) if name.startswith("tempo.") else getattr(motion, name))


def _performer(rng: np.random.Generator) -> Body:
    scale = rng.uniform(0.9, 1.1)
    lengths = {
        f.name: getattr(Body(), f.name) * scale
        for f in fields(Body)
        if isinstance(getattr(Body(), f.name), float)
    }
    return replace(Body(), **lengths | {"shoulder_half_width": rng.uniform(0.16, 0.2) * scale})


def _pair_motions(action: str, rng: np.random.Generator, gaps: Sequence[float]) -> tuple[Any, Any]:
    make, knobs, _ = ACTIONS[action]
    a = make(Tempo(lead_in=0.5, out=0.9, hold=0.2, back=0.9, pause=0.3, reps=2, tail=0.5))
    b = a
    for knob in knobs + TEMPO_KNOBS:
        value = rng.uniform(*knob.base)
        gap = float(rng.choice(gaps)) * knob.step * rng.choice([-1.0, 1.0])
        if knob.name == "tempo.reps":
            gap = float(rng.random() < 0.25)
        other = value + gap if knob.base[0] <= value + gap <= knob.upper else value - gap
        a, b = _set(a, knob.name, min(value, knob.upper)), _set(b, knob.name, min(other, knob.upper))
    return a, b


def synthetic_track(motion: Any, body: Body, camera: Camera, seed: int, noise: dict[str, float]) -> PoseTrack:
    """The generator's skeleton through `camera` as a pose track with simulated pose noise."""
    rng = np.random.default_rng(seed)
    n = round(motion.tempo.duration * FPS)
    times = np.arange(n) / FPS
    points = np.stack([solve(body, motion.pose(body, t, Sway(seed))).landmarks() for t in times])
    right, up, forward, focal = camera.basis()
    hips = points[:, [LANDMARK_NAMES.index("left_hip"), LANDMARK_NAMES.index("right_hip")]].mean(axis=1)
    relative = points - hips[:, None]
    world = np.stack([relative @ right, -(relative @ up), relative @ forward], axis=-1)
    phases = rng.uniform(0, 2 * np.pi, (2, 1, 33, 3))
    rates = rng.uniform(0.1, 0.6, (2, 1, 33, 3))
    drift = (
        noise["drift"]
        * np.sin(2 * np.pi * rates * times[None, :, None, None] + phases).sum(axis=0)
        / math.sqrt(2)
    )
    depth_heavier = np.array([1.0, 1.0, 2.5])
    world = world + (rng.normal(0.0, noise["white"], world.shape) + drift) * depth_heavier
    pixels = camera.project(points.reshape(-1, 3)).reshape(n, 33, 2)
    pixels += rng.normal(0.0, noise["pixels"], pixels.shape)
    depth = (points - camera.position) @ forward
    hip_depth = (hips - camera.position) @ forward
    image = np.concatenate(
        [
            pixels / [WIDTH, HEIGHT],
            ((depth - hip_depth[:, None]) * focal / hip_depth[:, None] / WIDTH)[..., None],
        ],
        axis=-1,
    )
    dropped = rng.random(n) < noise["dropped"]
    image[dropped], world[dropped] = np.nan, np.nan
    info = VideoInfo(path=Path(f"synthetic-{seed}.mp4"), container="synthetic", codec="none", width=WIDTH,
                     height=HEIGHT, rotation=0, fps=FPS, duration_s=n / FPS, n_frames=n)  # fmt: skip
    return PoseTrack(
        video=info,
        frames=[FrameSample(index=i, timestamp=float(t)) for i, t in enumerate(times)],
        landmark_names=list(LANDMARK_NAMES),
        image_xyz=image,
        world_xyz=world,
        visibility=np.where(dropped[:, None], np.nan, 0.95) * np.ones((n, 33)),
        model="samplegen skeleton + simulated pose noise",
    )


def _label(statement: Statement, truth_a: float, truth_b: float) -> Label | None:
    """C for no gap, the side with more of the statement for a clear gap, None in between."""
    gap = statement.polarity * (truth_a - truth_b)
    if math.isclose(truth_a, truth_b, rel_tol=1e-9, abs_tol=1e-9):
        return "C"
    if abs(gap) < CLEAR_GAP * find_quantity(statement.quantity).decision_margin(truth_a, truth_b):
        return None
    return "A" if gap > 0 else "B"


def synthetic_pair(task: tuple[str, int, float | None]) -> list[Item]:
    """Draw one pair of an action, measure every statement, keep those with a truth. A hard pair
    (`hard` not None) has `HARD_GAPS` and pose noise `hard` times the ordinary pairs'."""
    action, seed, hard = task
    rng = np.random.default_rng(seed)
    try:
        a, b = _pair_motions(action, rng, GAPS if hard is None else HARD_GAPS)
        body = _performer(rng)
        yaw = rng.uniform(0.0, 75.0)
        camera = Camera(WIDTH, HEIGHT, yaw_deg=yaw, distance=rng.uniform(3.6, 5.0),
                        elevation=rng.uniform(1.0, 1.6), target=(0.0, 0.9, 0.0), vfov_deg=32.0)  # fmt: skip
        moved = replace(camera, yaw_deg=yaw + rng.uniform(-20.0, 20.0)) if rng.random() < 0.3 else camera
        scale = 1.0 if hard is None else hard
        noise = {"white": rng.uniform(0.002, 0.012), "drift": rng.uniform(0.0, 0.01),
                 "pixels": rng.uniform(0.5, 2.5), "dropped": rng.uniform(0.0, 0.04)}  # fmt: skip
        noise = {kind: level * scale for kind, level in noise.items()}
        tracks = (
            synthetic_track(a, body, camera, 2 * seed, noise),
            synthetic_track(b, body, moved, 2 * seed + 1, noise),
        )
    except ValueError:  # a leg cannot reach the drawn pose: no pair
        return []
    movement = resolve_profile(action).movement
    features = [compute_features(t) for t in tracks]
    reading_a, reading_b = (Reading.of(f, movement) for f in features)
    moving = (reading_a.moving, reading_b.moving)
    alignment = align(*features, moving=moving if None not in moving else None)  # type: ignore[arg-type]
    matched = matched_readings(reading_a, reading_b, alignment)
    replicas = jitter_replicas(reading_a), jitter_replicas(reading_b)
    items = []
    for statement in ACTIONS[action][2]:
        truth = _label(statement, statement.truth(a, body), statement.truth(b, body))
        if truth is None:
            continue
        evidence = measure_quantity(statement.quantity, reading_a, reading_b, statement.polarity,
                                    how="link", matched=matched, replicas=replicas)  # fmt: skip
        origin = "synthetic" if hard is None else "synthetic/hard"
        items.append(_item(f"{action}-{seed}", origin, statement.text, truth, evidence))
    return items


def _item(group: str, origin: str, text: str, truth: Label, evidence: Evidence | None) -> Item:
    if evidence is None:
        return Item(group, origin, text, truth, None, None, "not measurable")
    return Item(group, origin, text, truth, evidence.label, evidence_excess(evidence), evidence.summary)


# ------------------------------------------------------------------------------------ real pose


def _real_item(group: str, origin: str, difference: Difference, truth: Label) -> Item:
    """The verdict as the user gets it: the measured evidence, or no verdict where the view and quality
    gate withheld it (`Difference.withheld`, with its reason)."""
    if difference.withheld is not None:
        return Item(group, origin, difference.text, truth, None, None, difference.reason or "withheld")
    evidence = next((e for e in difference.evidence if e.source == "kinematics"), None)
    return _item(group, origin, difference.text, truth, evidence)


def real_pairs(args: argparse.Namespace) -> list[CalibrationPair]:
    """The parts with videos: the bundled sample pairs (unless left out), the invariance suite."""
    pairs = [] if args.no_samples else sample_pairs(REPO / "data/samples")
    work = default_cache_dir() / "calibration-edits"
    work.mkdir(parents=True, exist_ok=True)
    return pairs + invariance_pairs(sorted((real_clips_dir() / "single").glob("cam*.mp4")), args.clips, work)


def real_items(pairs: Sequence[CalibrationPair], config: Config) -> list[Item]:
    return [_real_item(p.group, p.origin, d, truth) for p in pairs for d, truth in judged(p, config)]


# ------------------------------------------------------------------------------------- scoring


def fit(items: Sequence[Item]) -> tuple[Logistic, Logistic]:
    """The two logistic maps (A/B verdicts, C verdicts) fitted on the decided items."""
    maps = []
    for kind in (("A", "B"), ("C",)):
        chosen = [i for i in items if i.label in kind and i.excess is not None]
        maps.append(fit_logistic([i.excess for i in chosen], [i.label == i.truth for i in chosen]))  # type: ignore[misc]
    return maps[0], maps[1]


def confidences(items: Sequence[Item], maps: tuple[Logistic, Logistic]) -> np.ndarray:
    return np.array([(maps[1] if i.label == "C" else maps[0])(i.excess or 0.0) for i in items])


def cross_validated(items: Sequence[Item]) -> np.ndarray:
    """Each decided item's confidence from the map fitted on the other half of the pairs."""
    groups = sorted({i.group for i in items})
    fold = {g: n % 2 for n, g in enumerate(np.random.default_rng(0).permutation(groups))}
    out = np.zeros(len(items))
    for k in (0, 1):
        maps = fit([i for i in items if fold[i.group] != k])
        held = [n for n, i in enumerate(items) if fold[i.group] == k]
        out[held] = confidences([items[n] for n in held], maps)
    return out


EXCESS_BINS = (1.645, 2.5, 4.0, 8.0, math.inf)
"""Standardized-excess bins of the diagram's second panel (a verdict needs at least 1.645)."""


DIAGRAM_EDGES = (0.0, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 1.0)
"""Confidence bins of the diagram's first panel: a decided verdict's confidence is rarely below 0.9, so
ten equal bins put nearly all of them in the last one."""


def wilson(right: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson 95 % interval of a share right of `n` verdicts (with none wrong, about 1 - 3.8 / n)."""
    centre = (right + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(right * (1 - right) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, min(1.0, centre + half)


def reliability_diagram(
    decided: Sequence[Item], confidence: np.ndarray, maps: tuple[Logistic, Logistic], path: Path, title: str
) -> None:
    """Left: share right (with its 95 % interval) against confidence in `DIAGRAM_EDGES` bins. Right: share
    right per standardized-excess bin for each verdict kind, with the fitted logistic maps."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.5, 4.2), dpi=110)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    table = reliability_table(confidence, np.array([i.label == i.truth for i in decided]), DIAGRAM_EDGES)
    low = min(0.8, min(c for c, _, _ in table) - 0.02)
    diagonal = 1 - np.geomspace(1 - low, 5e-4, 100)
    left.plot(diagonal, diagonal, color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    bounds = np.array([wilson(a, n) for _, a, n in table]).T
    left.errorbar([c for c, _, _ in table], [a for _, a, _ in table],
                  yerr=np.abs(bounds - [a for _, a, _ in table]), marker="o", color="#1f6feb", capsize=3,
                  label="verdicts (95 % interval of the share)")  # fmt: skip
    for c, a, n in table:
        left.annotate(str(n), (c, a), textcoords="offset points", xytext=(4, -12), fontsize=7)
    left.set_xscale("logit")
    left.set(xlim=(low, 1 - 5e-4), ylim=(low, 1.01), xlabel="confidence (calibrated; logit scale)",
             ylabel="share right", title=title)  # fmt: skip
    left.legend(loc="lower right", fontsize=8)
    curve = np.linspace(0.0, 9.0, 200)
    for kind, fitted, colour in ((("A", "B"), maps[0], "#1f6feb"), (("C",), maps[1], "#d97706")):
        mine = [(min(i.excess, 9.0), i) for i in decided if i.label in kind and i.excess is not None]
        centres, shares = [], []
        for low, high in itertools.pairwise(EXCESS_BINS):
            inside = [i for excess, i in mine if low <= excess < high]
            if inside:
                centres.append(min(9.0, (low + min(high, 9.0)) / 2))
                shares.append(float(np.mean([i.label == i.truth for i in inside])))
                right.annotate(str(len(inside)), (centres[-1], shares[-1]), textcoords="offset points",
                               xytext=(4, -12), fontsize=7, color=colour)  # fmt: skip
        name = "/".join(kind)
        right.plot(centres, shares, marker="o", linestyle="none", color=colour, label=f"{name}: share right")
        right.plot(curve, [fitted(t) for t in curve], color=colour, linewidth=1, label=f"{name}: fitted map")
    right.set(xlim=(0, 9.2), ylim=(0.5, 1.02), xlabel="standardized excess t (8 and above: capped)",
              ylabel="share right / confidence", title="the map from excess to confidence")  # fmt: skip
    right.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    atomic_write_bytes(path, buffer.getvalue())


def report(items: Sequence[Item], maps: tuple[Logistic, Logistic], figure: Path) -> dict[str, float]:
    decided = [i for i in items if i.label is not None]
    right = np.array([i.label == i.truth for i in decided])
    fitted = confidences(decided, maps)
    held_out = cross_validated(decided)
    ece, table = expected_calibration_error(fitted, right, BINS)
    ece_cv, _ = expected_calibration_error(held_out, right, BINS)
    print(f"\n{'origin':<28}{'verdicts':>9}{'decided':>9}{'right':>8}")
    for origin in sorted({i.origin for i in items}):
        mine = [i for i in items if i.origin == origin]
        done = [i for i in mine if i.label is not None]
        print(f"{origin:<28}{len(mine):>9}{len(done):>9}{sum(i.label == i.truth for i in done):>8}")
    summary = {
        "verdicts": len(items),
        "coverage": round(len(decided) / max(len(items), 1), 4),
        "accuracy": round(float(right.mean()), 4),
        "ece": round(ece, 4),
        "ece_cross_validated": round(ece_cv, 4),
        "wrong_above_0.8": int(((fitted > 0.8) & ~right).sum()),
    }
    print("\n" + ", ".join(f"{k} {v}" for k, v in summary.items()))
    print(f"map A/B: p = sigmoid({maps[0].intercept:.3f} + {maps[0].slope:.3f} t); "
          f"map C: p = sigmoid({maps[1].intercept:.3f} + {maps[1].slope:.3f} t)")  # fmt: skip
    print(
        "reliability (mean confidence, share right, verdicts): "
        + "; ".join(f"{c:.3f} {a:.3f} {n}" for c, a, n in table)
    )
    for item, confidence in zip(decided, fitted, strict=True):
        if item.label != item.truth:
            print(f"  wrong ({confidence:.2f}) {item.group} '{item.text}': {item.label}, truth {item.truth}")
            print(f"    {item.summary}")
    undecided = [i for i in items if i.label is None and not i.origin.startswith("synthetic")]
    for item in undecided:
        print(f"  not decided {item.group} '{item.text}' (truth {item.truth}): {item.summary}")
    reliability_diagram(decided, fitted, maps, figure, f"ECE {ece:.3f} on {len(decided)} decided verdicts")
    print(f"reliability diagram -> {figure}")
    return summary


def calibrate_backend(args: argparse.Namespace) -> None:
    """Ask the backend on the parts with videos, fit its temperature and weight, store them per backend."""
    config = Config.load(args.config, {"backends.vlm": args.backend, "backends.base_url": args.base_url})
    verdicts = [verdict for pair in real_pairs(args) for verdict in judged(pair, config)]
    answers = scored_answers(verdicts)
    calibration = fit_model_calibration(answers, args.backend, config.backends.base_url)
    tempered = np.array([temper(a.answer.confidence or 0.5, calibration.temperature) for a in answers])
    right = np.array([a.answer.label == a.truth for a in answers])
    _, table = expected_calibration_error(tempered, right, BINS)
    print(f"{len(verdicts)} statements, {len(answers)} labelled answers from {args.backend}")
    print(calibration.summary + f"; ECE {calibration.ece}")
    print("reliability (mean confidence, share right, answers): "
          + "; ".join(f"{c:.3f} {a:.3f} {n}" for c, a, n in table))  # fmt: skip
    fused = [(fuse(d.evidence, calibration), truth) for d, truth in verdicts if d.withheld is None]
    decided = [(confidence, label == truth) for (label, confidence, _), truth in fused if label is not None]
    confidence, right = np.array([c for c, _ in decided]), np.array([r for _, r in decided])
    ece, _ = expected_calibration_error(confidence, right, BINS)
    print(f"fused with it: {len(decided)} of {len(fused)} decided, {right.mean():.1%} right, ECE {ece:.4f}, "
          f"wrong above 0.8: {int(((confidence > 0.8) & ~right).sum())}")  # fmt: skip
    print(f"calibration -> {save_model_calibration(calibration, config.cache_dir)}")


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=40, help="synthetic pairs per action")
    parser.add_argument("--hard-pairs", type=int, default=0, help="hard synthetic pairs per action")
    parser.add_argument("--hard-noise", type=float, default=1.0, help="their pose noise, x the ordinary")
    parser.add_argument("--clips", type=int, default=2, help="real clips in the invariance part (0: none)")
    parser.add_argument("--no-samples", action="store_true", help="leave out the bundled sample pairs")
    parser.add_argument("--write", action="store_true", help=f"write the fitted map to {CALIBRATION_FILE}")
    parser.add_argument("--figure", type=Path, default=REPO / "docs/calibration-reliability.png")
    parser.add_argument("--backend", help="calibrate this vision model instead (openai:<model>)")
    parser.add_argument("--base-url", help="its OpenAI-compatible endpoint (default: the configuration's)")
    parser.add_argument("--config", type=Path, help="with --backend: the configuration compare runs with")
    args = parser.parse_args()
    if args.backend:
        calibrate_backend(args)
        return
    start = time.perf_counter()
    tasks: list[tuple[str, int, float | None]] = [
        (a, seed, None) for a in ACTIONS for seed in range(args.pairs)
    ]
    tasks += [(a, 10_000 + seed, args.hard_noise) for a in ACTIONS for seed in range(args.hard_pairs)]
    with Pool(min(2, os.cpu_count() or 1)) as pool:
        items = [item for pair in pool.imap_unordered(synthetic_pair, tasks) for item in pair]
    print(f"synthetic: {len(items)} verdicts from {len(tasks)} pairs in {time.perf_counter() - start:.0f} s")
    items += real_items(real_pairs(args), Config())
    print(f"all parts in {time.perf_counter() - start:.0f} s")
    maps = fit(items)
    summary = report(items, maps, args.figure)
    if args.write:
        calibration = Calibration(differ=maps[0], same=maps[1], set_summary=summary)
        atomic_write_text(CALIBRATION_FILE, calibration.model_dump_json(indent=1) + "\n")
        print(f"calibration -> {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
