"""Open mode's acceptance (issue 16) as tables: real-clip edits, and recall on the bundled pairs.

Usage: python benchmarks/bench_open.py [CLIPS_DIR]
(default: the cached pose2sim single-person clips, see scripts/fetch_real_clips.py).

Real clips: each clip against itself (nothing proposed), its mirrored and half-size copies and the
next camera (no A/B proposal above 0.8), its copy with a held 1-s lead-in (the start delay first, B
later) and its copy slowed x2 (a tempo quantity first, B slower),
under the library's "squat" and the made-up "zorbling" (the generic profile), with --open 5.
Bundled pairs: open mode with N = ceil(1.5 x the true A/B differences), under the pair's own action
and under "zorbling"; a truth is recovered when a proposal measured its quantity (strict) or one of
its family (`generic.yaml` families) and found the same video doing more of it. Edited copies and pose
are cached under the configured cache folder.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import yaml

from actiondiff.config import Config
from actiondiff.eval.invariance import OPEN_CASES, OpenOutcome, Proposal, proposal, run_open_case
from actiondiff.knowledge.profile import generic
from actiondiff.models import Label

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.fetch_real_clips import default_cache

REPO = Path(__file__).resolve().parents[1]
ACTIONS = ("squat", "zorbling")
N_OPEN = 5


def _cell(outcome: OpenOutcome) -> str:
    listed = ", ".join(
        f"{p.quantity or p.text} {p.label} {p.confidence:.2f} (more: {p.more})" for p in outcome.proposed
    )
    return f"{'pass' if outcome.passed else 'FAIL'} [{listed}]"


def real_clips(folder: Path, config: Config) -> int:
    """Print the real-clip table; the number of failed cells."""
    clips = sorted(folder.glob("cam*.mp4"))
    if not clips:
        sys.exit(f"no clips in {folder}: run scripts/fetch_real_clips.py")
    work = config.cache_dir / "edited-clips"
    work.mkdir(parents=True, exist_ok=True)
    failed = 0
    print(f"open mode, --open {N_OPEN}: case, action, clip -> pass/FAIL [quantity label confidence (more)]")
    for case in OPEN_CASES:
        for action in ACTIONS:
            for clip in clips:
                outcome = run_open_case(case, clip, clips, work, action, N_OPEN, config)
                failed += not outcome.passed
                print(f"{case.name:<18}{action:<10}{clip.stem:<7}{_cell(outcome)}")
    return failed


def _more(label: Label, direction: str) -> Label:
    return label if direction == "more" else ("B" if label == "A" else "A")


def _recovered(truth: dict[str, str], proposed: list[Proposal], strict: bool) -> bool:
    def same(quantity: str | None) -> bool:
        if quantity is None:
            return False
        return quantity == truth["quantity"] or (
            not strict and generic().family(quantity)[0] == generic().family(truth["quantity"])[0]
        )

    more = _more(truth["label"], truth.get("direction", "more"))  # type: ignore[arg-type]
    return any(same(p.quantity) and p.more == more for p in proposed)


def bundled_pairs(config: Config) -> None:
    """Print recall on the bundled pairs under their own action and a made-up name."""
    from actiondiff.pipeline.compare import compare

    print("\nbundled pairs, N = ceil(1.5 x true A/B): recovered strict / by family of the truths; vs itself")
    totals: dict[str, list[int]] = {}
    for folder in sorted((REPO / "data" / "samples").iterdir()):
        if not (folder / "pair.yaml").exists():
            continue
        pair = yaml.safe_load((folder / "pair.yaml").read_text())
        truths = [d for d in pair["differences"] if d["label"] in ("A", "B")]
        n_open = math.ceil(1.5 * len(truths))
        for action in (pair["action"], "zorbling"):
            result = compare(folder / "a.mp4", folder / "b.mp4", action=action, n_open=n_open, config=config)
            proposed = [proposal(d) for d in result.differences]
            strict = sum(_recovered(t, proposed, strict=True) for t in truths)
            family = sum(_recovered(t, proposed, strict=False) for t in truths)
            itself = compare(folder / "a.mp4", folder / "a.mp4", action=action, n_open=n_open, config=config)
            counts = totals.setdefault(action if action == "zorbling" else "own action", [0, 0, 0])
            counts[0], counts[1], counts[2] = counts[0] + strict, counts[1] + family, counts[2] + len(truths)
            missed = [t["quantity"] for t in truths if not _recovered(t, proposed, strict=False)]
            print(
                f"{folder.name:<16}{action:<16}{strict}/{family} of {len(truths)} (N={n_open}), "
                f"itself: {len(itself.differences)} proposed; missed: {missed}"
            )
    for name, (strict, family, n) in totals.items():
        print(f"{name}: strict {strict}/{n} = {strict / n:.0%}, by family {family}/{n} = {family / n:.0%}")


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache() / "single"
    config = Config()
    failed = real_clips(folder, config)
    bundled_pairs(config)
    print(f"\nreal-clip cells failed: {failed}")


if __name__ == "__main__":
    main()
