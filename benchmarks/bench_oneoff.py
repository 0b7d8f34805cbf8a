"""One-off actions (issue 32, deliverable 3) on real clips of other people: a golf swing and a jump.

Usage: python benchmarks/bench_oneoff.py [CORPUS_DIR] [--open] [--pairs]
(default /work/corpus: the clips are fetched from public repositories, never committed; their
provenance is in the corpus manifest, data/corpus/manifest.yaml, one line per clip of CLIPS).

Each clip against its copy slowed x2 (B): the tempo statements must be decided B (a hand speed A),
the others must not be decided A or B; against its mirrored copy nothing may be decided A or B. Pairs
of different people (`PAIRS`) carry the differences anyone can see in the frames, which must not be
decided the other way. Printed: per case the verdicts, then right / wrong / decided counts. `--open`
adds open mode (--open 5) under a made-up action name on each slowed copy: a tempo quantity first;
`--pairs` runs only the pairs.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from actiondiff.config import Config
from actiondiff.eval.invariance import TEMPO
from actiondiff.kinematics.quantities import match_rules
from actiondiff.models import Label
from actiondiff.video.edits import Edit, apply_edit

STATEMENTS = {
    "golf swing": (
        "the swing is slower",
        "the backswing takes longer",
        "the downswing takes longer",
        "there is a longer pause at the top of the backswing",
        "the backswing is slower relative to the downswing",
        "the backswing is longer",
        "the hands move faster through impact",
        "the shoulders turn further past the hips at the top",
    ),
    "vertical jump": (
        "the athlete jumps higher",
        "the flight time is longer",
        "the jump takes longer",
        "the countermovement before the jump is deeper",
        "the knees bend more on landing",
        "the arm swing into the jump is bigger",
    ),
}
SLOWER: dict[str, Label] = {"peak_hand_speed": "A"}
"""What a copy slowed x2 (B) changes besides the `TEMPO` quantities (B more of each)."""


@dataclass(frozen=True)
class Clip:
    path: str
    """Under the corpus folder: <owner>+<repository>/<file>."""
    action: str


CLIPS = (
    Clip("wmcnally+golfdb/test_video.mp4", "golf swing"),
    Clip("nechaev-arseniy+golfml/swing.mp4", "golf swing"),
    Clip("Rybeau-University+COSC428Project/reference_video.mp4", "golf swing"),
    Clip("abdulrehmanb42+JumpVisionMk1/demo1.mp4", "vertical jump"),
    Clip("abdulrehmanb42+JumpVisionMk1/demo.mp4", "vertical jump"),
)


@dataclass(frozen=True)
class Pair:
    """Two people doing the action, and what anyone sees differ (statement -> the video doing more)."""

    a: Clip
    b: Clip
    seen: dict[str, Label] = field(default_factory=dict)


SWING_SPEED: dict[str, Label] = {"the swing is slower": "A", "the backswing takes longer": "A",
                                  "the hands move faster through impact": "B"}  # fmt: skip
"""A slow-motion (or slow) swing against a real-time one: takeaway to impact takes over twice as long in
the frames (1.0 to 3.3 s and 2.7 to 4.5 s against 1.8 to 2.6 s), and so does the backswing."""

PAIRS = (
    Pair(CLIPS[1], CLIPS[2], SWING_SPEED),
    Pair(CLIPS[0], CLIPS[2], SWING_SPEED),
    Pair(
        CLIPS[3],
        CLIPS[4],
        {  # a deep countermovement with a full arm swing against a small hop holding a ball, no dip
            "the countermovement before the jump is deeper": "A",
            "the arm swing into the jump is bigger": "A",
            "the athlete jumps higher": "A",
        },
    ),
)


def expected_slowed(text: str) -> Label | None:
    """The slowed copy's truth for a statement: B for tempo, A for hand speed, C otherwise."""
    matched = match_rules(text)
    key = matched[0].key if matched else ""
    return "B" if key in TEMPO else SLOWER.get(key, "C")


def tally(
    case: str, verdicts: dict[str, Label | None], truth: dict[str, Label | None], counts: Counter[str]
) -> None:
    """Print a case's verdicts against its truth and add right / wrong / decided to `counts`."""
    for text, label in verdicts.items():
        expected = truth.get(text)
        wrong = label in ("A", "B") and expected is not None and label != expected
        right = label is not None and label == expected
        counts.update(statements=1, decided=label is not None, right=right, wrong=wrong)
        mark = "WRONG" if wrong else ("ok" if right else "-")
        print(f"  {case:<30} {text:<55} {label or 'undecided':<9} truth {expected or '?':<4} {mark}")


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from actiondiff.pipeline.compare import compare

    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus = Path(arguments[0]) if arguments else Path("/work/corpus")
    config = Config()
    work = config.cache_dir / "edited-clips"
    work.mkdir(parents=True, exist_ok=True)
    counts: dict[str, Counter[str]] = {}

    def edited(clip: Path, name: str, edit: Edit) -> Path:
        target = work / f"{clip.parent.name}-{clip.stem}-{name}.mp4"
        return target if target.exists() else apply_edit(clip, target, edit)

    def verdicts(a: Path, b: Path, action: str) -> dict[str, Label | None]:
        result = compare(a, b, action=action, differences=list(STATEMENTS[action]), config=config)
        return {d.text: d.label for d in result.differences}

    for clip in CLIPS if "--pairs" not in sys.argv else ():
        path = corpus / clip.path
        if not path.exists():
            print(f"missing {path}: fetch it again (data/corpus/manifest.yaml)")
            continue
        print(f"{clip.path} ({clip.action})")
        slowed = edited(path, "slowed2", Edit(slowdown=2.0))
        truth = {text: expected_slowed(text) for text in STATEMENTS[clip.action]}
        tally(
            "slowed x2", verdicts(path, slowed, clip.action), truth, counts.setdefault("slowed x2", Counter())
        )
        mirrored = edited(path, "mirror", Edit(mirror=True))
        tally(
            "mirrored",
            verdicts(path, mirrored, clip.action),
            {t: "C" for t in truth},
            counts.setdefault("mirrored", Counter()),
        )
        if "--open" in sys.argv:
            result = compare(path, slowed, action="zorbling", n_open=5, config=config)
            first = result.differences[0].measured if result.differences else None
            print(
                f"  open mode, made-up name, slowed x2: first {first.quantity if first else None} "
                f"{result.differences[0].label if result.differences else ''}; notices: {result.notices}"
            )
    for pair in PAIRS:
        a, b = corpus / pair.a.path, corpus / pair.b.path
        if a.exists() and b.exists():
            print(f"{pair.a.path} vs {pair.b.path} ({pair.a.action})")
            found = verdicts(a, b, pair.a.action)
            tally(
                "different people", found, dict(pair.seen), counts.setdefault("different people", Counter())
            )
    print("\ncase: statements, decided, right, wrong")
    for case, c in counts.items():
        share = c["decided"] / max(c["statements"], 1)
        print(
            f"{case:<18} {c['statements']:>3} statements, decided {c['decided']} ({share:.0%}), "
            f"right {c['right']}, wrong {c['wrong']}"
        )


if __name__ == "__main__":
    main()
