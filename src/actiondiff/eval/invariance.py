"""The invariance suite: a real clip compared with an edited copy whose effect is known by construction.

Each case names an edit of video B (or another camera of the same moment) and the verdict
every statement must get: an edit that changes nothing about the performance must leave all of
them at C; a held lead-in delays the start (mirroring both videos keeps that); a slowed copy is
slower and nothing else; swapping A and B swaps every label at the same confidence. A statement the
quality gate withheld for the view is a changed verdict, except against another camera (where it
must say so: only view-sensitive quantities may move, see `pipeline.gate`); one its own interval
left undecided is an abstention, counted apart (`Outcome.undecided`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.models import Difference, Label
from actiondiff.video.edits import Edit, Paste, apply_edit

START = "the first repetition starts later"
FASTER = "the movement is performed faster"
STATEMENTS = (
    "the trunk leans further forward",
    "the arms are raised higher",
    FASTER,
    START,
    "the squat is deeper",
    "the stance is wider",
)
ACTION = "squat"


SWAPPED: Mapping[Label | None, Label | None] = {"A": "B", "B": "A", "C": "C", None: None}
"""Each label with A and B called the other way round."""


@dataclass(frozen=True)
class Case:
    """Clip A against an edited copy of itself; `expected` overrides C for the statements it names."""

    name: str
    edit: Edit | None
    """None: B is the next camera of the same moment instead of an edited copy."""
    expected: Mapping[str, Label] = field(default_factory=dict)
    edit_a: Edit | None = None
    """A's own edit (None: A is the clip as it is)."""
    swap: bool = False
    """Also compared B against A: every label must swap (C stays C) at an equal confidence."""
    second_person: bool = False
    """B is the clip with a second real person pasted in beside the performer (`second_person`)."""

    @property
    def other_view(self) -> bool:
        return self.edit is None


CASES = (
    Case("re-encode", Edit()),
    Case("mirror", Edit(mirror=True)),
    Case("half size", Edit(scale=0.5)),
    Case("high compression", Edit(crf=40)),
    Case("held lead-in 1 s", Edit(hold_s=1.0), {START: "B"}),
    # The clips move from their first frames: a cut no longer than start_delay's margin (0.2 s) moves
    # the start by at most that, so C; the other statements read the movement, which loses its first 0.2 s.
    Case("trimmed start 0.2 s", Edit(trim_s=0.2)),
    Case("both mirrored", Edit(mirror=True, hold_s=1.0), {START: "B"}, edit_a=Edit(mirror=True)),
    Case("A/B swap", Edit(hold_s=1.0), {START: "B"}, swap=True),
    Case("slowed x2", Edit(slowdown=2.0), {FASTER: "A"}),
    Case("other camera", None),
    Case("second person pasted", Edit(), second_person=True),
)

SECOND_PERSON = {"cam01": (0.55, 1.0), "cam02": (0.0, 0.4), "cam03": (0.0, 0.42), "cam04": (0.62, 1.0)}
"""Per camera of pose2sim's demos, the columns of its two-person clip (`multi/`) where the woman stands:
the same camera filmed the one-person clip (`single/`), so pasted at her own place she stands beside
the man (nearer the camera in cam01, behind him in cam04), covering nobody."""


def second_person(clip: Path) -> Paste:
    """The woman of the two-person clip filmed by `clip`'s camera, to paste into `clip` (a pose2sim
    one-person clip: the case runs on those only)."""
    source = clip.parent.parent / "multi" / clip.name
    if clip.stem not in SECOND_PERSON or not source.is_file():
        raise InputError(clip, f"the second-person case pastes pose2sim's two-person clip {source}: missing")
    return Paste(source, SECOND_PERSON[clip.stem])


@dataclass(frozen=True)
class Outcome:
    """One case on one clip: every statement's verdict against what it must be."""

    case: str
    clip: str
    verdicts: Mapping[str, tuple[Label | None, float]]
    expected: Mapping[str, Label]
    withheld: Mapping[str, str | None] = field(default_factory=dict)
    """Per statement, why the quality gate left it undecided (`Difference.withheld`)."""
    other_view: bool = False
    """B is another camera: an undecided statement is right only when withheld for the view."""
    unswapped: Sequence[str] = ()
    """Statements whose label did not swap, or whose confidence changed, with A and B the other way round."""

    @property
    def wrong(self) -> list[str]:
        """Statements whose verdict is not the expected one (C expected: any A/B verdict is wrong), and
        those that did not swap."""
        return [
            text
            for text, (label, _) in self.verdicts.items()
            if not self._right(text, label) or text in self.unswapped
        ]

    @property
    def undecided(self) -> list[str]:
        """Statements expected at C that their own evidence left undecided (an abstention, not a
        changed verdict: the interval reached across the margin, the pose model read one body turned
        round, or a joint was not seen)."""
        return [
            text
            for text, (label, _) in self.verdicts.items()
            if label is None and text not in self.expected and self.withheld.get(text) != "view"
        ]

    def _right(self, text: str, label: Label | None) -> bool:
        if label is not None or text in self.expected:
            return label == self.expected.get(text, "C")
        return self.other_view or self.withheld.get(text) != "view"


def case_videos(case: Case, clip: Path, cameras: Sequence[Path], work: Path) -> tuple[Path, Path]:
    """The case's videos A and B for `clip`: the clip or its edited copy, and the next camera or an
    edited copy (copies written into `work` once)."""

    def edited(edit: Edit, side: str) -> Path:
        path = work / f"{clip.stem}-{case.name.replace(' ', '_').replace('/', '')}-{side}.mp4"
        return path if path.exists() else apply_edit(clip, path, edit)

    a = clip if case.edit_a is None else edited(case.edit_a, "a")
    next_camera = cameras[(list(cameras).index(clip) + 1) % len(cameras)]
    if case.edit is None:
        return a, next_camera
    pasted = replace(case.edit, paste=second_person(clip)) if case.second_person else case.edit
    return a, edited(pasted, "b")


def run_case(case: Case, clip: Path, cameras: Sequence[Path], work: Path, config: Config) -> Outcome:
    """Compare the case's A and B (edited copies written into `work`) and collect the verdicts."""
    from actiondiff.pipeline.compare import compare

    a, b = case_videos(case, clip, cameras, work)

    def differences(first: Path, second: Path) -> list[Difference]:
        return compare(first, second, action=ACTION, differences=list(STATEMENTS), config=config).differences

    forward = differences(a, b)
    verdicts = {d.text: (d.label, round(d.confidence or 0.0, 2)) for d in forward}
    unswapped: list[str] = []
    if case.swap:
        backward = {d.text: (d.label, round(d.confidence or 0.0, 2)) for d in differences(b, a)}
        unswapped = [
            text
            for text, (label, confidence) in verdicts.items()
            if backward[text] != (SWAPPED[label], confidence)
        ]
    withheld = {d.text: d.withheld for d in forward}
    return Outcome(case.name, clip.stem, verdicts, case.expected, withheld, case.other_view, unswapped)


TEMPO = frozenset(
    {
        "rep_duration",
        "descent_duration",
        "ascent_duration",
        "hold_duration",
        "flight_time",
        "jump_duration",
        "swing_duration",
        "backswing_duration",
        "downswing_duration",
        "top_pause",
    }
)
"""Quantities of the movement's tempo: a copy played slower has more of each."""
CONFIDENT = 0.8
"""Open mode on an edit that changes nothing proposes no A/B difference above this confidence."""


@dataclass(frozen=True)
class OpenCase:
    """An invariance case for open mode (`case` None: the clip against itself): with `first`, one of
    these quantities must be proposed first, B measuring more of it; without, the edit changes
    nothing, so nothing may be proposed above `CONFIDENT` (nothing at all against itself)."""

    name: str
    case: Case | None
    first: frozenset[str] = frozenset()


def case_named(name: str) -> Case:
    """The invariance case called `name`."""
    return next(c for c in CASES if c.name == name)


OPEN_CASES = (
    OpenCase("itself", None),
    *(OpenCase(name, case_named(name)) for name in ("mirror", "half size", "other camera")),
    OpenCase("held lead-in 1 s", case_named("held lead-in 1 s"), frozenset({"start_delay"})),
    OpenCase("slowed x2", case_named("slowed x2"), TEMPO),
)


@dataclass(frozen=True)
class Proposal:
    """One difference open mode proposed: its statement, label and confidence, the quantity measured
    and which video measured more of it (None: not measured)."""

    text: str
    label: Label | None
    confidence: float
    quantity: str | None
    more: Label | None


def proposal(difference: Difference) -> Proposal:
    measured = difference.measured
    more: Label | None = None
    if measured is not None and measured.value_a is not None and measured.value_b is not None:
        more = "A" if measured.value_a > measured.value_b else "B"
    return Proposal(
        difference.text, difference.label, round(difference.confidence, 2),
        measured.quantity if measured else None, more,
    )  # fmt: skip


@dataclass(frozen=True)
class OpenOutcome:
    """Open mode on one case, clip and action name: what it proposed against what it may."""

    case: OpenCase
    clip: str
    action: str
    proposed: Sequence[Proposal]

    @property
    def passed(self) -> bool:
        if self.case.first:
            first = self.proposed[0] if self.proposed else None
            return first is not None and first.quantity in self.case.first and first.more == "B"
        if self.case.case is None:
            return not self.proposed
        return all(p.confidence <= CONFIDENT for p in self.proposed)


def run_open_case(
    case: OpenCase, clip: Path, cameras: Sequence[Path], work: Path, action: str, n_open: int, config: Config
) -> OpenOutcome:
    """Open mode (`n_open`) on the case's A and B (edited copies written into `work`) under `action`."""
    from actiondiff.pipeline.compare import compare

    a, b = (clip, clip) if case.case is None else case_videos(case.case, clip, cameras, work)
    result = compare(a, b, action=action, n_open=n_open, config=config)
    return OpenOutcome(case, clip.stem, action, [proposal(d) for d in result.differences])
