"""The real-footage invariance suite as a table: edit x clip -> verdicts that are wrong.

Usage: python benchmarks/bench_invariance.py [CLIPS_DIR]
(default: the cached pose2sim single-person clips, see scripts/fetch_real_clips.py).
Every edit changes nothing about the performance except where a case says so; a non-zero cell
lists the statements that moved, with their label and confidence.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from actiondiff.config import Config
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
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(cache_dir=Path(tmp) / "cache")
        for case in CASES:
            outcomes = [run_case(case, clip, clips, Path(tmp), config) for clip in clips]
            total += sum(len(o.wrong) for o in outcomes)
            details = "; ".join(
                f"{o.clip}: {text[:24]} {o.verdicts[text]}" for o in outcomes for text in o.wrong
            )
            print(f"{case.name:<22}" + "".join(f"{len(o.wrong):>8}" for o in outcomes) + f"   {details}")
    print(f"wrong verdicts in all: {total}")


if __name__ == "__main__":
    main()
