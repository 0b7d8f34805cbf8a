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
    find_quantity,
    match_quantity,
    measure_quantity,
)
from actiondiff.kinematics.uncertainty import jitter_replicas
from actiondiff.knowledge import ActionProfile
from actiondiff.knowledge.profile import generic
from actiondiff.models import Evidence
from actiondiff.pipeline.performance import observe_clip

GENERAL = tuple(generic().quantities)
"""Quantities any whole-body movement has: measured when the action is not in the library."""
TEMPO = ("descent_duration", "ascent_duration", "hold_duration", "rep_duration", "peak_speed")
"""Quantities a question about tempo or speed is answered with."""
_TEMPO_WORDS = re.compile(
    r"\b(tempo|speed|fast|slow|quick|pace|timing|rhythm|rushe?|duration)", re.IGNORECASE
)


@dataclass(frozen=True)
class Gap:
    """A reference/candidate comparison of one quantity and its wording."""

    evidence: Evidence
    size: float
    """|candidate - reference| in decision margins (1.0 = at the margin)."""

    @property
    def candidate_phrase(self) -> str:
        """What the candidate does, e.g. "bends the knees less"."""
        more, less = find_quantity(self.evidence.quantity or "").phrases
        return more if (self.evidence.value_b or 0.0) > (self.evidence.value_a or 0.0) else less

    def measured(self) -> str:
        """The numbers behind the phrase: both values with their unit and the frames they were read at."""
        e = self.evidence
        return (
            f"{find_quantity(e.quantity or '').description}: {e.value_b:.3g} {e.unit} in the candidate "
            f"({_frames(e.frames_b)}) vs {e.value_a:.3g} {e.unit} in the reference ({_frames(e.frames_a)})"
        )


def clip_features(path: str | Path, config: Config) -> KinematicFeatures:
    """Kinematic features of a clip, observed as `compare` observes a video (pose from the shared cache)."""
    return observe_clip(path, config)[1]


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
    replicas = jitter_replicas(reading_a), jitter_replicas(reading_b)
    gaps = []
    for quantity in quantities:
        evidence = measure_quantity(quantity, reading_a, reading_b, replicas=replicas)
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
