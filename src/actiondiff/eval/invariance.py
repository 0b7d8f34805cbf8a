"""The invariance suite: a real clip compared with an edited copy whose effect is known by construction.

Each case names an edit of video B (or another camera of the same moment) and the verdict
every statement must get: an edit that changes nothing about the performance must leave all of
them at C; a held lead-in delays the start; a slowed copy is slower and nothing else. A statement
left undecided counts as a miss only where a verdict is expected to change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from actiondiff.config import Config
from actiondiff.models import Label
from actiondiff.video.edits import Edit, apply_edit

STATEMENTS = (
    "the trunk leans further forward",
    "the arms are raised higher",
    "the movement is performed faster",
    "the first repetition starts later",
    "the squat is deeper",
    "the stance is wider",
)
ACTION = "squat"


@dataclass(frozen=True)
class Case:
    """Clip A against an edited copy of itself; `expected` overrides C for the statements it names."""

    name: str
    edit: Edit | None
    """None: B is the next camera of the same moment instead of an edited copy."""
    expected: Mapping[str, Label] = field(default_factory=dict)


CASES = (
    Case("re-encode", Edit()),
    Case("mirror", Edit(mirror=True)),
    Case("half size", Edit(scale=0.5)),
    Case("held lead-in 1 s", Edit(hold_s=1.0), {"the first repetition starts later": "B"}),
    Case("slowed x2", Edit(slowdown=2.0), {"the movement is performed faster": "A"}),
    Case("other camera", None),
)


@dataclass(frozen=True)
class Outcome:
    """One case on one clip: every statement's verdict against what it must be."""

    case: str
    clip: str
    verdicts: Mapping[str, tuple[Label | None, float]]
    expected: Mapping[str, Label]

    @property
    def wrong(self) -> list[str]:
        """Statements whose verdict is not the expected one (C expected: any A/B verdict is wrong)."""
        return [
            text
            for text, (label, _) in self.verdicts.items()
            if label != self.expected.get(text, "C") and (label is not None or text in self.expected)
        ]


def case_video(case: Case, clip: Path, cameras: Sequence[Path], work: Path) -> Path:
    """The case's video B for `clip`: the next camera, or the edited copy (written into `work` once)."""
    if case.edit is None:
        return cameras[(list(cameras).index(clip) + 1) % len(cameras)]
    b = work / f"{clip.stem}-{case.name.replace(' ', '_')}.mp4"
    if not b.exists():
        apply_edit(clip, b, case.edit)
    return b


def run_case(case: Case, clip: Path, cameras: Sequence[Path], work: Path, config: Config) -> Outcome:
    """Compare `clip` with the case's B (written into `work`) and collect the verdicts."""
    from actiondiff.pipeline.compare import compare

    b = case_video(case, clip, cameras, work)
    result = compare(clip, b, action=ACTION, differences=list(STATEMENTS), config=config)
    verdicts = {d.text: (d.label, round(d.confidence or 0.0, 2)) for d in result.differences}
    return Outcome(case.name, clip.stem, verdicts, case.expected)
