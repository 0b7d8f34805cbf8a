"""Hand tracks on real hand footage: the mirror swaps left and right and nothing else, a slowed copy is
decided slower, the wrong-verdict count, and what the hand pass costs per frame beside the body pose.

Usage: python benchmarks/bench_hands.py [CORPUS [CLIP ...]]   (default /work/corpus and every clip; the
sources and how to fetch them: benchmarks/hand_footage.yaml). Clips are built from the sources into
CORPUS/hands-built:
  piano-1, piano-2  real footage of both hands playing the piano from above (640x360, 30 fps), 8 s from
                 4 s and from 24 s into the Scarlatti video
  fingers        real footage of one hand flat on a dark cloth seen from above, its fingers lifting and
                 pressing in turn (368x656, 30 fps), 8 s from 2 s
  gesture, rps   real footage of one hand (5 fps GIFs, each frame held 1/5 s at 30 fps, looped 3 times)
  photo          a real photo of a hand and its mirror image moved and rotated over 6 s (motion by
                 construction, not real: two hands, the image's left one moving 70 px, the right 25 px
                 0.3 s later)
Clips in UNFIT (held-picture GIFs with an overlay) are measured and shown but counted apart; on them
the hands' speeds, paths, tempos and keystrokes are not decided ("fps": too few new pictures a second,
`Quantity.least_picture_rate`), which counts as measurable and not decided.
Each clip is compared with its mirrored copy (every hand quantity must read C: the mirror only swaps
the hands) and with its copy played 2x slower (truth below in SLOWED); per-side columns are checked
to swap: the left hand's median of the clip within a margin of the right hand's of its mirror.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import av
import cv2
import numpy as np

from actiondiff.config import Config
from actiondiff.kinematics import KinematicFeatures, Reading
from actiondiff.kinematics.hand_quantities import HAND_QUANTITIES
from actiondiff.kinematics.measure import measure_readings, too_few_pictures
from actiondiff.kinematics.quantities import find_quantity
from actiondiff.knowledge.profile import resolve_profile
from actiondiff.pipeline.performance import FrameSource, observe
from actiondiff.pose.extract import pose_estimator, pose_sampling
from actiondiff.pose.hands import hand_estimator
from actiondiff.pose.landmarks import FINGERS
from actiondiff.video import probe, sample_frames
from actiondiff.video.edits import Edit, apply_edit
from actiondiff.video.writer import write_video

SOURCE = "ntu-rris+google-mediapipe"
PIANO = "uel+piano-video/scarlatti.mp4"
TAPPING = "MohanadDiab+Musician-Hand-Detection/hands.mp4"
SLOWDOWN = 2.0
SLOWED: dict[str, float] = {
    "hand_tempo": 1 / SLOWDOWN, "finger_tempo": 1 / SLOWDOWN, "hand_peak_speed": 1 / SLOWDOWN,
    "tap_rate": 1 / SLOWDOWN, "task_time": SLOWDOWN,
    "bimanual_lag": SLOWDOWN, "hand_path": 1.0,
    "finger_curl": 1.0, "finger_spread": 1.0, "wrist_rise": 1.0, "wrist_flexion": 1.0,
    **{f"{finger}_flexion": 1.0 for finger in FINGERS},
}  # fmt: skip
"""Truth of a clip (A) against its copy played `SLOWDOWN` times slower (B): B's value is A's times
this. So the verdict must be A (or B) where that scaling of A's own value clears the quantity's
margin, and C where it does not (a hand that hardly moves is not decidedly faster). Thresholded counts
(idle time, movements) are left out: a slower hand falls under a speed threshold more often, which is
no truth by construction."""
UNFIT = {
    "gesture": "5-fps GIF, each picture held 1/5 s, with the demo's landmark overlay drawn on the hand",
    "rps": "5-fps GIF, each picture held 1/5 s, with the demo's landmark overlay drawn on the hand",
}
"""Clips whose truth by construction does not hold, counted apart: between held pictures the hand jumps,
so its speeds, keystrokes and their timing are read off the jumps (a copy played slower jumps as far
in one row), and the hand model reads the overlay's lines with the fingers."""
TEMPO = {"hand_tempo": "A", "finger_tempo": "A", "tap_rate": "A", "hand_peak_speed": "A", "task_time": "B"}
"""The quantities by which the slowed copy is decided slower, and the video that reads more of them."""
SIDE_MARGINS = {"finger_flexion": 10.0, "finger_spread": 15.0, "wrist_rise": 0.12, "hand_speed": 1.0,
                "index_flexion": 12.0, "thumb_flexion": 12.0}  # fmt: skip
"""Per-side columns checked to swap under the mirror, with the margin of their quantity."""


def gif_clip(source: Path, target: Path, loops: int = 3) -> Path:
    with av.open(str(source)) as container:
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    height, width = frames[0].shape[:2]
    frames = [cv2.resize(f, (width * 2, height * 2), interpolation=cv2.INTER_CUBIC) for f in frames]
    write_video(target, (f for _ in range(loops) for f in frames for _ in range(6)), fps=30)
    return target


def photo_clip(source: Path, target: Path, seconds: float = 6.0, fps: int = 30) -> Path:
    photo = cv2.cvtColor(cv2.imread(str(source)), cv2.COLOR_BGR2RGB)
    small = cv2.resize(
        photo, None, fx=290 / photo.shape[1], fy=290 / photo.shape[1], interpolation=cv2.INTER_AREA
    )
    hands = [(small, 170, 0.0, 70), (np.ascontiguousarray(small[:, ::-1]), 470, 0.3, 25)]

    def frames() -> Iterator[np.ndarray]:
        for k in range(round(seconds * fps)):
            canvas = np.full((360, 640, 3), 255, np.uint8)
            for image, centre, lag, amplitude in hands:
                phase = 2 * math.pi * (k / fps - lag) / 1.5
                height, width = image.shape[:2]
                turn = cv2.getRotationMatrix2D((width / 2, height / 2), 8 * math.sin(phase), 1.0)
                turn[0, 2] += centre + amplitude * math.sin(phase) - width / 2
                turn[1, 2] += 180 + 12 * math.sin(2 * phase) - height / 2
                canvas = np.minimum(
                    canvas, cv2.warpAffine(image, turn, (640, 360), borderValue=(255, 255, 255))
                )
            yield canvas

    write_video(target, frames(), fps=fps)
    return target


def build(corpus: Path) -> dict[str, Path]:
    source, work = corpus / SOURCE, corpus / "hands-built"
    work.mkdir(parents=True, exist_ok=True)
    clips = {
        "piano-1": lambda t: apply_edit(corpus / PIANO, t, Edit(trim_s=4.0, keep_s=8.0)),
        "piano-2": lambda t: apply_edit(corpus / PIANO, t, Edit(trim_s=24.0, keep_s=8.0)),
        "fingers": lambda t: apply_edit(corpus / TAPPING, t, Edit(trim_s=2.0, keep_s=8.0)),
        "gesture": lambda t: gif_clip(source / "02_gesture.gif", t),
        "rps": lambda t: gif_clip(source / "03_game_rps.gif", t),
        "photo": lambda t: photo_clip(source / "hand.png", t),
    }
    built = {}
    for name, make in clips.items():
        built[name] = work / f"{name}.mp4"
        if not built[name].exists():
            make(built[name])
        for edit, suffix in ((Edit(mirror=True), "mirror"), (Edit(slowdown=SLOWDOWN), "slow")):
            target = work / f"{name}-{suffix}.mp4"
            if not target.exists():
                apply_edit(built[name], target, edit)
    return built


def observed(path: Path, config: Config) -> KinematicFeatures:
    info = probe(path)
    _track, features = observe(path, FrameSource(info, pose_sampling(config, info), hands=True), config)
    return features


def verdicts(a: Reading, b: Reading, truth: dict[str, float]) -> tuple[dict[str, str], dict[str, str]]:
    """Each quantity's label ("-": not decided, "fps": not decided as the videos show too few pictures
    per second, "n/a": not measurable), A/B by polarity +1, and the label its truth asks for (B's value
    = A's x `truth[key]`)."""
    labels, expected = {}, {}
    for key, factor in truth.items():
        quantity = find_quantity(key)
        if too_few_pictures(quantity, a, b) is not None:
            readable = quantity.compute(a) is not None and quantity.compute(b) is not None
            labels[key] = "fps" if readable else "n/a"
            continue
        evidence = measure_readings(key, a, b, linked=(key, 1.0))
        if evidence is None or evidence.value_a is None:
            labels[key] = "n/a"
            continue
        labels[key] = evidence.label or "-"
        value, scaled = evidence.value_a, evidence.value_a * factor
        clear = abs(value - scaled) >= find_quantity(key).decision_margin(value, scaled)
        expected[key] = "C" if not clear else ("A" if scaled < value else "B")
    return labels, expected


def side_medians(features: KinematicFeatures) -> dict[str, float]:
    medians = {}
    for side in ("left", "right"):
        for name in SIDE_MARGINS:
            values = features[f"{side}_{name}"]
            medians[f"{side}_{name}"] = float(np.nanmedian(values)) if np.isfinite(values).any() else math.nan
    return medians


def per_frame_ms(path: Path, config: Config, frames_timed: int = 40) -> dict[str, tuple[float, float]]:
    """Body pose and hand pass on the same decoded frames (the first `frames_timed`), graphs started
    first: (wall, CPU) ms per frame, CPU being every thread of this process (the graphs' own threads
    included), which a machine shared with other jobs disturbs less than the wall clock. Each is timed
    twice, alternately, and the faster run kept."""
    info = probe(path)
    frames = list(sample_frames(path, pose_sampling(config, info), info))[:frames_timed]
    body, hands = pose_estimator(config), hand_estimator()
    runs: dict[str, list[tuple[float, float]]] = {"body": [], "hands": []}
    passes = {"body": lambda: body.track(info, iter(frames)), "hands": lambda: hands.track(iter(frames))}
    for _ in range(2):
        for name, run in passes.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            per_frame = (time.perf_counter() - wall, time.process_time() - cpu)
            runs[name].append(tuple(1000 * t / len(frames) for t in per_frame))  # type: ignore[arg-type]
    return {name: min(times) for name, times in runs.items()}


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/corpus")
    if not (corpus / SOURCE).exists():
        sys.exit(f"no {corpus / SOURCE}: fetch the sources of benchmarks/hand_footage.yaml")
    config, profile = Config(), resolve_profile("piano scale")
    keys = [q.key for q in HAND_QUANTITIES]
    totals = {fit: [0, 0, 0] for fit in (True, False)}  # wrong, decided, measurable with a truth
    chosen = sys.argv[2:]
    for name, clip in build(corpus).items():
        if chosen and name not in chosen:
            continue
        cost = per_frame_ms(clip, config)
        if name in UNFIT:
            print(f"{name}: UNFIT for truth by construction: {UNFIT[name]}")
        print(
            f"{name}: body pose {cost['body'][0]:.0f} ms/frame wall, {cost['body'][1]:.0f} CPU; "
            f"hand pass {cost['hands'][0]:.0f} wall, {cost['hands'][1]:.0f} CPU"
        )
        original, mirror, slow = (
            observed(clip.with_name(f"{clip.stem}{s}.mp4"), config) for s in ("", "-mirror", "-slow")
        )
        readings = [Reading.of(f, profile.movement) for f in (original, mirror, slow)]
        found = {s: float(np.isfinite(original[f"{s}_palm_x"]).mean()) for s in ("left", "right")}
        print(f"  hands found: left {found['left']:.0%}, right {found['right']:.0%} of frames")
        before, after = side_medians(original), side_medians(mirror)
        swapped = []
        for column, margin in SIDE_MARGINS.items():
            for side, other in (("left", "right"), ("right", "left")):
                one, two = before[f"{side}_{column}"], after[f"{other}_{column}"]
                if np.isfinite(one) and np.isfinite(two):
                    swapped.append(
                        (abs(one - two) / margin, f"{side}_{column} {one:.2f} -> {other} {two:.2f}")
                    )
        worst = max(swapped, default=(math.nan, "no hand seen on both"))
        print(
            f"  mirror swap: {len(swapped)} per-side medians compared, "
            f"largest gap {worst[0]:.2f} margins ({worst[1]})"
        )
        for edit, reading, truth in (
            ("mirror", readings[1], dict.fromkeys(keys, 1.0)),
            ("slow", readings[2], SLOWED),
        ):
            labels, expected = verdicts(readings[0], reading, truth)
            bad = [
                f"{k}={labels[k]} (truth {t})"
                for k, t in expected.items()
                if labels[k] in "ABC" and labels[k] != t
            ]
            made = [k for k in expected if labels[k] in ("A", "B", "C")]
            tally = totals[name not in UNFIT]
            tally[0] += len(bad)
            tally[1] += len(made)
            tally[2] += sum(labels[k] != "n/a" for k in truth)
            shown = " ".join(f"{k}={v}" for k, v in labels.items() if v != "n/a")
            print(
                f"  {edit}: {len(made)} decided of {sum(labels[k] != 'n/a' for k in truth)} measurable; "
                f"wrong: {bad or 0}\n    {shown}"
            )
            if "fps" in labels.values():
                print(f"    fps: {too_few_pictures(find_quantity('hand_tempo'), readings[0], reading)}")
            if edit == "slow":
                slower = [k for k, more in TEMPO.items() if labels[k] == more]
                print(f"  slowed copy decided slower: {', '.join(slower) if slower else 'no'}")
    for fit, (wrong, decided, scored) in totals.items():
        which = "fit clips" if fit else f"unfit clips ({', '.join(UNFIT)})"
        print(f"{which}: {wrong} wrong of {decided} decided ({scored} measurable with a truth)")


if __name__ == "__main__":
    main()
