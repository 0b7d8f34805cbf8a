"""The real-footage invariance suite as a table: edit x clip -> verdicts that are wrong / abstentions.

Usage: python benchmarks/bench_invariance.py [CLIPS_DIR]
(default: the cached pose2sim single-person clips, see scripts/fetch_real_clips.py).
Every edit changes nothing about the performance except where a case says so. A cell reads
"wrong/undecided": verdicts that moved (listed with their label and confidence, a gate's "withheld for
the view" included), then statements expected at C that their own interval left undecided. The last
line counts the verdicts decided (A, B or C) among all. Edited copies and their pose are cached under
the user cache, so a second run takes minutes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from actiondiff.config import Config, default_cache_dir
from actiondiff.eval.invariance import CASES, run_case

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.fetch_real_clips import default_cache


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache() / "single"
    clips = sorted(folder.glob("cam*.mp4"))
    if not clips:
        sys.exit(f"no clips in {folder}: run scripts/fetch_real_clips.py")
    print(f"{'edit':<22}" + "".join(f"{c.stem:>8}" for c in clips) + "   wrong verdicts (label, confidence)")
    wrong = undecided = decided = verdicts = 0
    work = default_cache_dir() / "edited-clips"
    work.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        outcomes = [run_case(case, clip, clips, work, Config()) for clip in clips]
        wrong += sum(len(o.wrong) for o in outcomes)
        undecided += sum(len(o.undecided) for o in outcomes)
        decided += sum(label is not None for o in outcomes for label, _ in o.verdicts.values())
        verdicts += sum(len(o.verdicts) for o in outcomes)
        details = "; ".join(f"{o.clip}: {text[:24]} {o.verdicts[text]}" for o in outcomes for text in o.wrong)
        cells = "".join(f"{f'{len(o.wrong)}/{len(o.undecided)}':>8}" for o in outcomes)
        print(f"{case.name:<22}{cells}   {details}", flush=True)
    print(f"wrong verdicts in all: {wrong}; abstentions (undecided by their own interval): {undecided}")
    print(f"decided: {decided} of {verdicts} verdicts ({decided / max(verdicts, 1):.0%})")


if __name__ == "__main__":
    main()
