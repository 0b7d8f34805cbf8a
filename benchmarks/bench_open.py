"""Open mode's acceptance (issue 16) as tables: real-clip edits, and recall on the bundled pairs.

Usage: python benchmarks/bench_open.py [CLIPS_DIR]
(default: the cached pose2sim single-person clips, see scripts/fetch_real_clips.py).

Real clips: each clip against itself (nothing proposed), its mirrored and half-size copies and the
next camera (no A/B proposal above 0.8), its copy with a held 1-s lead-in (the start delay first, B
later) and its copy slowed x2 (a tempo quantity first, B slower),
under the library's "squat" and the made-up "zorbling" (the generic profile), with --open 5.
Bundled pairs: open mode with N = ceil(1.5 x the true A/B differences), under the pair's own action
and under "zorbling"; a truth is recovered when a proposal measured its quantity (or, by family, one of
its family in `generic.yaml`) and found the same video doing more of it. Edited copies and pose
are cached under the configured cache folder.
"""

from __future__ import annotations

import math
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from actiondiff.config import Config
from actiondiff.eval.calibration_set import sample_pairs
from actiondiff.eval.invariance import OPEN_CASES, OpenOutcome, Proposal, proposal, run_open_case
from actiondiff.knowledge.profile import generic
from actiondiff.models import Label

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.fetch_real_clips import default_cache

REPO = Path(__file__).resolve().parents[1]
MADE_UP = "zorbling"
ACTIONS = ("squat", MADE_UP)
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


@dataclass(frozen=True)
class Truth:
    """A true A/B difference of a bundled pair: its quantity and the video with more of it."""

    quantity: str
    more: Label

    @classmethod
    def of(cls, label: Label, quantity: str, direction: str) -> Truth:
        a_more = (label == "A") == (direction == "more")
        return cls(quantity, "A" if a_more else "B")

    def found(self, proposed: list[Proposal], by_family: bool) -> bool:
        """Whether a proposal measured this quantity (or, `by_family`, one of its family) with the
        same video measuring more of it."""

        def same(key: str | None) -> bool:
            return key == self.quantity or (
                by_family
                and key is not None
                and generic().family(key)[0] == generic().family(self.quantity)[0]
            )

        return any(same(p.quantity) and p.more == self.more for p in proposed)


def bundled_pairs(config: Config) -> None:
    """Print recall on the bundled pairs under their own action and a made-up name."""
    from actiondiff.pipeline.compare import compare

    print("\nbundled pairs, N = ceil(1.5 x true A/B): recovered by quantity / by family; vs itself")
    totals: dict[str, Counter[str]] = {}
    for pair in sample_pairs(REPO / "data" / "samples"):
        if not pair.group.endswith("-ab"):
            continue  # each pair once, A first
        truths = [Truth.of(label, *pair.named[text]) for text, label in pair.truth.items() if label in "AB"]
        n_open = math.ceil(1.5 * len(truths))
        folder = pair.a.parent
        for action in (pair.action, MADE_UP):
            result = compare(pair.a, pair.b, action=action, n_open=n_open, config=config)
            itself = compare(pair.a, pair.a, action=action, n_open=n_open, config=config)
            proposed = [proposal(d) for d in result.differences]
            counts = Counter(
                quantity=sum(t.found(proposed, by_family=False) for t in truths),
                family=sum(t.found(proposed, by_family=True) for t in truths),
                truths=len(truths),
            )
            totals.setdefault("made-up name" if action == MADE_UP else "own action", Counter()).update(counts)
            missed = [t.quantity for t in truths if not t.found(proposed, by_family=True)]
            print(
                f"{folder.name:<16}{action:<16}{counts['quantity']}/{counts['family']} of {len(truths)} "
                f"(N={n_open}), itself: {len(itself.differences)} proposed; missed: {missed}"
            )
    for name, c in totals.items():
        n = c["truths"]
        print(
            f"{name}: by quantity {c['quantity']}/{n} = {c['quantity'] / n:.0%}, by family {c['family']}/{n}"
        )


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache() / "single"
    config = Config()
    failed = real_clips(folder, config)
    bundled_pairs(config)
    print(f"\nreal-clip cells failed: {failed}")


if __name__ == "__main__":
    main()
