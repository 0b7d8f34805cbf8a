"""Long clips: a real clip behind a still lead-in, posed at the even frame budget or adaptively.

Usage: python benchmarks/bench_long.py [CLIPS_DIR]
(default: the cached pose2sim single-person clips, see scripts/fetch_real_clips.py).
Two pairs made from cam01 (1.7 s) with `Edit(hold_s=...)`: cam01 and cam02 each behind a 10-s hold
(the same moment from two cameras: every statement C), and cam01 behind 8 s against itself behind
10 s (B starts 2.0 s later: start B, every other statement C). Per pair and sampling (the frame budget
spread evenly, adaptive, every frame at 30 fps): the seconds of a compare with an empty cache, the
pose rows' time step, the verdicts that are wrong / undecided and the measured start of each video
(its truth: the hold plus the clip's own start).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from actiondiff.config import Config, PoseConfig, default_cache_dir
from actiondiff.eval.invariance import ACTION, START, STATEMENTS, Outcome
from actiondiff.models import Difference
from actiondiff.video.edits import Edit, apply_edit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.fetch_real_clips import default_cache

PAIRS = (("other camera", ("cam01", 10.0), ("cam02", 10.0), {}),
         ("2 s later", ("cam01", 8.0), ("cam01", 10.0), {START: "B"}))  # fmt: skip
"""Name, (clip, hold) of A and of B, the labels other than C."""
SAMPLINGS = {
    "even budget": PoseConfig(adaptive=False),
    "adaptive": PoseConfig(),
    "dense 30 fps": PoseConfig(fps=30.0),
}


def held(folder: Path, clip: str, hold_s: float) -> Path:
    """The clip behind a still lead-in of `hold_s` (written once into the user cache)."""
    work = default_cache_dir() / "edited-clips"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"{clip}-hold{hold_s:g}.mp4"
    return path if path.exists() else apply_edit(folder / f"{clip}.mp4", path, Edit(hold_s=hold_s))


def timed_compare(a: Path, b: Path, pose: PoseConfig) -> tuple[float, list[Difference], float]:
    """Seconds of a compare with an empty pose cache, its differences and its pose rows' step."""
    from actiondiff.pipeline.compare import compare
    from actiondiff.pipeline.performance import observe_clip

    with tempfile.TemporaryDirectory() as cache:
        config = Config(cache_dir=Path(cache), pose=pose)
        start = time.perf_counter()
        differences = compare(a, b, action=ACTION, differences=list(STATEMENTS), config=config).differences
        seconds = time.perf_counter() - start
        times = observe_clip(a, config)[0].timestamps  # from the cache just filled
    return seconds, differences, float(times[1] - times[0])


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache() / "single"
    for name, (clip_a, hold_a), (clip_b, hold_b), expected in PAIRS:
        a, b = held(folder, clip_a, hold_a), held(folder, clip_b, hold_b)
        print(f"\n{name} ({clip_a} + {hold_a:g} s hold vs {clip_b} + {hold_b:g} s hold)")
        for sampling, pose in SAMPLINGS.items():
            seconds, differences, step = timed_compare(a, b, pose)
            verdicts = {d.text: (d.label, round(d.confidence, 2)) for d in differences}
            withheld = {d.text: d.withheld for d in differences}
            outcome = Outcome(name, clip_a, verdicts, expected, withheld, other_view=clip_a != clip_b)
            start = next(d for d in differences if d.text == START)
            measured = next((e for e in start.evidence if e.value_a is not None), None)
            starts = f"{measured.value_a:.2f} / {measured.value_b:.2f} s" if measured else "not measured"
            listed = "; ".join(f"{text[:24]} {verdicts[text]}" for text in outcome.wrong)
            print(
                f"  {sampling:<12} {seconds:6.1f} s  step {step:.3f} s  "
                f"wrong/undecided {len(outcome.wrong)}/{len(outcome.undecided)} {listed}  "
                f"start A / B {starts} ({start.label})",
                flush=True,
            )


if __name__ == "__main__":
    main()
