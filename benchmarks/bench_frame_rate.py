"""Extremes against the frame rate: a clip against its 25-fps copy and its half-speed copy, per max/min
quantity, the reading difference in margins (it must stay within one: the same performance).

Usage: python benchmarks/bench_frame_rate.py [CLIPS_DIR]
(default: the cached pose2sim single-person clips, 60 fps, see scripts/fetch_real_clips.py).

The copies hold the same performance filmed at another rate (each frame the source's nearest) or
played twice as slowly (every frame shown twice as long), so a deepest knee flexion or a largest trunk
lean read at its extreme must not move with the rate the pose model saw it at. A row lists the
largest |A - B| over the clips in margins and the verdicts that were not C (A/B are wrong). Edited
copies and their pose are cached under the user cache.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from actiondiff.config import Config, default_cache_dir
from actiondiff.eval.invariance import ACTION
from actiondiff.kinematics.quantities import QUANTITIES
from actiondiff.pipeline.compare import compare
from actiondiff.video.edits import Edit, apply_edit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.fetch_real_clips import default_cache

EXTREMES = (
    "front_knee_depth", "knee_valgus", "shin_tilt", "lean_back", "trunk_lean", "hip_flexion", "elbow_flare",
    "elbow_extension", "press_height", "shoulder_flexion", "grip_width", "depth",
)  # fmt: skip
"""The quantities read at a repetition's max or min (`quantities.extreme`)."""
COPIES = {"25 fps": Edit(fps=25.0), "half speed": Edit(slowdown=2.0)}


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache() / "single"
    clips = sorted(folder.glob("cam*.mp4"))
    quantities = [q for q in QUANTITIES if q.key in EXTREMES]
    statements = {q.examples[0]: (q.key, "more") for q in quantities}
    work = default_cache_dir() / "edited-clips"
    work.mkdir(parents=True, exist_ok=True)
    wrong = 0
    for copy, edit in COPIES.items():
        largest: dict[str, float] = {}
        moved: dict[str, list[str]] = {}
        for clip in clips:
            target = work / f"{clip.stem}-{copy.replace(' ', '_')}-b.mp4"
            b = target if target.exists() else apply_edit(clip, target, edit)
            result = compare(
                clip, b, action=ACTION, differences=list(statements), named=statements, config=Config()
            )
            for difference in result.differences:
                key, measured = statements[difference.text][0], difference.measured
                if measured is None or measured.value_a is None or measured.value_b is None:
                    continue
                margin = measured.margin or 1.0
                largest[key] = max(largest.get(key, 0.0), abs(measured.value_a - measured.value_b) / margin)
                if difference.label in ("A", "B"):
                    moved.setdefault(key, []).append(
                        f"{clip.stem} {difference.label} {difference.confidence:.2f}"
                    )
                    wrong += 1
        print(f"{copy}: largest |A - B| in margins, verdicts other than C or undecided")
        for quantity in quantities:
            shown = f"{largest[quantity.key]:.2f}" if quantity.key in largest else "-"
            print(f"  {quantity.key:<20}{shown:>7}  {', '.join(moved.get(quantity.key, []))}", flush=True)
    print(f"A/B verdicts in all (each is wrong): {wrong}")


if __name__ == "__main__":
    main()
