"""Offline evidence for the StepDiff tasks: the kinematics quantities measured on a clip or a pair.

Without a vision model, the body is what can be judged. The measuring and deciding is the
kinematics stage's (`kinematics.measure_quantity` over `kinematics.QUANTITIES`); this module only
chooses which quantities a clip or question calls for and words the verdicts as the candidate's
behaviour. Roles follow VidDiff's A/B: A = reference, B = candidate, and label "B" = the candidate
has more of the quantity (C: within the quantity's decision margin).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actiondiff.config import Config
from actiondiff.kinematics import (
    KinematicFeatures,
    Quantity,
    Reading,
    compute_features,
    find_quantity,
    match_quantity,
    measure_quantity,
)
from actiondiff.knowledge import ActionProfile
from actiondiff.knowledge.profile import generic
from actiondiff.models import Evidence
from actiondiff.pose import extract_pose

GENERAL = tuple(generic().quantities)
"""Quantities any whole-body movement has: measured when the action is not in the library."""
TEMPO = ("descent_duration", "ascent_duration", "hold_duration", "rep_duration", "peak_speed")
"""Quantities a question about tempo or speed is answered with."""
_TEMPO_WORDS = re.compile(
    r"\b(tempo|speed|fast|slow|quick|pace|timing|rhythm|rushe?|duration)", re.IGNORECASE
)

PHRASES: dict[str, tuple[str, str]] = {
    "knee_valgus": ("lets the knees cave inward more", "keeps the knees further out"),
    "heel_lift": ("lifts the heels more", "keeps the heels flatter"),
    "shin_tilt": ("moves the knees further forward", "keeps the shins more vertical"),
    "front_knee_depth": ("bends the front knee more", "bends the front knee less"),
    "front_shin_tilt": ("moves the front knee further forward", "keeps the front shin more vertical"),
    "step_length": ("takes a longer step", "takes a shorter step"),
    "lean_back": ("leans back more", "leans back less"),
    "trunk_lean": ("leans the trunk further forward", "keeps the trunk more upright"),
    "hip_flexion": ("flexes the hips more", "flexes the hips less"),
    "elbow_flare": ("flares the elbows more", "keeps the elbows more tucked"),
    "elbow_extension": ("straightens the arms more", "keeps the arms more bent"),
    "press_height": ("raises the hands higher", "keeps the hands lower"),
    "shoulder_flexion": ("raises the arms higher", "keeps the arms lower"),
    "grip_width": ("uses a wider grip", "uses a narrower grip"),
    "stance_width": ("stands with a wider stance", "stands with a narrower stance"),
    "depth": ("bends the knees more", "bends the knees less"),
    "knee_range": ("moves the knees through a larger range", "moves the knees through a smaller range"),
    "hip_range": ("moves the hips through a larger range", "moves the hips through a smaller range"),
    "elbow_range": ("moves the elbows through a larger range", "moves the elbows through a smaller range"),
    "knee_asymmetry": ("bends the two knees more unevenly", "bends the two knees more evenly"),
    "lateral_shift": ("shifts the hips sideways more", "keeps the hips more centred"),
    "hand_path_deviation": ("lets the hands drift sideways more", "keeps the hands on a straighter path"),
    "sway": ("sways more", "sways less"),
    "jump_height": ("jumps higher", "jumps lower"),
    "hold_duration": ("pauses longer at the turning point", "pauses less at the turning point"),
    "peak_speed": ("returns from the turning point faster", "returns from the turning point more slowly"),
    "descent_duration": ("descends more slowly", "descends faster"),
    "ascent_duration": ("rises more slowly", "rises faster"),
    "toe_out": ("turns the toes out more", "points the toes straighter ahead"),
    "start_delay": ("starts later", "starts earlier"),
    "rep_count": ("performs more repetitions", "performs fewer repetitions"),
    "rep_duration": ("takes longer per repetition", "completes each repetition faster"),
}
"""How the candidate is described when it has more / less of a quantity, in the annotations' style."""


@dataclass(frozen=True)
class Gap:
    """A reference/candidate comparison of one quantity and its wording."""

    evidence: Evidence
    size: float
    """|candidate - reference| in decision margins (1.0 = at the margin)."""

    @property
    def candidate_phrase(self) -> str:
        """What the candidate does, e.g. "bends the knees less"."""
        more, less = PHRASES[self.evidence.quantity or ""]
        return more if (self.evidence.value_b or 0.0) > (self.evidence.value_a or 0.0) else less

    def measured(self) -> str:
        """The numbers behind the phrase: both values with their unit and the frames they were read at."""
        e = self.evidence
        return (
            f"{find_quantity(e.quantity or '').description}: {e.value_b:.3g} {e.unit} in the candidate "
            f"({_frames(e.frames_b)}) vs {e.value_a:.3g} {e.unit} in the reference ({_frames(e.frames_a)})"
        )


def clip_features(path: str | Path, config: Config) -> KinematicFeatures:
    """Kinematic features of a clip (the pose track comes from the shared pose cache)."""
    return compute_features(extract_pose(path, config))


def question_quantities(question: str) -> list[Quantity]:
    """The quantities a question itself names: one its wording matches, or the tempo quantities when it
    asks about tempo or speed; empty when it names none."""
    if (matched := match_quantity(question)) is not None:
        return [matched[0]]
    return [find_quantity(key) for key in TEMPO] if _TEMPO_WORDS.search(question) else []


def compare_clips(
    reference: KinematicFeatures,
    candidate: KinematicFeatures,
    quantities: Sequence[Quantity],
    profile: ActionProfile,
) -> list[Gap]:
    """Every quantity measurable in both clips, largest gap (in decision margins) first."""
    reading_a, reading_b = Reading.of(reference, profile.movement), Reading.of(candidate, profile.movement)
    gaps = []
    for quantity in quantities:
        evidence = measure_quantity(quantity, reading_a, reading_b)
        if evidence is None or evidence.value_a is None or evidence.value_b is None:
            continue
        margin = quantity.decision_margin(evidence.value_a, evidence.value_b)
        gaps.append(Gap(evidence, abs(evidence.value_b - evidence.value_a) / margin))
    return sorted(gaps, key=lambda g: -g.size)


def describe_clip(features: KinematicFeatures, profile: ActionProfile) -> str:
    """A one-line text of a clip's measurements (the offline stand-in for a video caption)."""
    reading = Reading.of(features, profile.movement)
    parts = [
        f"{quantity.description} {measured.value:.3g} {quantity.unit}"
        for quantity in profile.quantities()
        if (measured := quantity.compute(reading)) is not None
    ]
    return "; ".join(parts) if parts else "no person was seen"


def measure_vector(features: KinematicFeatures, profile: ActionProfile) -> np.ndarray:
    """The clip's profile quantities in margin units (NaN where unmeasurable), for clip distances."""
    reading = Reading.of(features, profile.movement)
    values = []
    for quantity in profile.quantities():
        measured = quantity.compute(reading)
        values.append(np.nan if measured is None else measured.value / quantity.margin)
    return np.array(values)


def _frames(frames: Sequence[int]) -> str:
    return ("frame " if len(frames) == 1 else "frames ") + ", ".join(map(str, frames))
