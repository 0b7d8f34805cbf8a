"""Offline evidence for the StepDiff tasks: the kinematics quantities measured on a clip or a pair.

Without a vision model, the body is what can be judged. The measuring and deciding is the
kinematics stage's (`kinematics.measure_quantity` over `kinematics.QUANTITIES`); this module only
chooses which quantities a clip or question calls for and words the verdicts as the candidate's
behaviour. Roles follow VidDiff's A/B: A = reference, B = candidate, and label "B" = the candidate
has more of the quantity (C: within the quantity's decision margin).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actiondiff.backends import SentenceEmbedder
from actiondiff.config import Config
from actiondiff.kinematics import (
    QUANTITIES,
    KinematicFeatures,
    Quantity,
    Reading,
    find_quantity,
    match_quantity,
    measure_quantity,
)
from actiondiff.kinematics.uncertainty import jitter_replicas
from actiondiff.knowledge import ActionProfile, resolve_profile
from actiondiff.knowledge.profile import generic
from actiondiff.models import Evidence
from actiondiff.pipeline.performance import observe_clip

GENERAL = tuple(generic().quantities)
"""Quantities any whole-body movement has: measured when the action is not in the library."""
PERFORMANCE = (*GENERAL, "start_delay")
"""What two performances are compared over as a whole (a caption saying they move the same way, the
offline DiffRank distance): the general quantities and when the movement starts."""
TEMPO = ("descent_duration", "ascent_duration", "hold_duration", "rep_duration", "peak_speed")
"""Quantities a question about tempo or speed is answered with."""
_TEMPO_WORDS = re.compile(
    r"\b(tempo|speed|fast|slow|quick|pace|timing|rhythm|rushe?|duration)", re.IGNORECASE
)
SATURATION = 3.0
"""Decision margins past which a larger gap supports a caption no more (the kinematics verdict's
confidence is full at three margins)."""
_SAME = re.compile(r"\b(?:the same|alike|identical|no (?:clear |visible )?differences?)\b", re.IGNORECASE)
_ROLES = re.compile(
    r"\s*\b(?:in the candidate|in video 2|compared (?:to|with) the reference|than (?:in )?the reference)"
    r"\b.*$",
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"\s*(?:,\s*(?:and\s+|but\s+)?|;|\band\b|\bbut\b|\bwhile\b)\s*", re.IGNORECASE)


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


@dataclass(frozen=True)
class Claim:
    """What a clause of a caption asserts of the candidate: more (+1) or less (-1) of a quantity."""

    quantity: Quantity
    polarity: float


def caption_claims(caption: str, embedder: SentenceEmbedder | None = None) -> list[Claim] | None:
    """The claims of a difference caption, clause by clause (a quantity's own phrase, e.g. "descends
    faster", else `match_quantity` by rule or embedding); [] when it says the two move the same way,
    None when no clause names a measured quantity."""
    if _SAME.search(caption):
        return []
    claims = []
    for clause in _CLAUSES.split(_ROLES.sub("", caption)):
        if (claim := _phrase_claim(clause)) is None and (matched := match_quantity(clause, embedder)):
            claim = Claim(matched[0], matched[1])
        if claim is not None:
            claims.append(claim)
    return claims or None


def _phrase_claim(clause: str) -> Claim | None:
    lowered = clause.lower()
    for quantity in QUANTITIES:
        for phrase, polarity in zip(quantity.phrases, (1.0, -1.0), strict=True):
            if phrase and phrase in lowered:
                return Claim(quantity, polarity)
    return None


def claim_support(
    claims: Sequence[Claim],
    reference: KinematicFeatures,
    candidate: KinematicFeatures,
    profile: ActionProfile,
) -> float:
    """How far a pair's measurements bear out a caption's claims (higher = better), in decision margins.

    Per claim measurable in both clips: its signed gap, polarity x (candidate - reference) / margin,
    saturated softly at SATURATION; averaged (0 when none is measurable). No claims (the caption says
    the two move the same way): minus the largest saturated gap over the profile's quantities.
    """
    if not claims:
        gaps = performance_gaps(reference, candidate)
        return -gaps[0] if gaps else 0.0
    reading_a, reading_b = Reading.of(reference, profile.movement), Reading.of(candidate, profile.movement)
    replicas = jitter_replicas(reading_a), jitter_replicas(reading_b)
    signed = []
    for claim in claims:
        evidence = measure_quantity(claim.quantity, reading_a, reading_b, replicas=replicas)
        if evidence is None or evidence.value_a is None or evidence.value_b is None:
            continue
        margin = claim.quantity.decision_margin(evidence.value_a, evidence.value_b)
        signed.append(_saturated(claim.polarity * (evidence.value_b - evidence.value_a) / margin))
    return float(np.mean(signed)) if signed else 0.0


def compare_performances(reference: KinematicFeatures, candidate: KinematicFeatures) -> list[Gap]:
    """The gaps of the PERFORMANCE quantities measurable in both clips (generic movement), largest first:
    what the offline DiffCap, DiffMCQ and DiffRank compare two whole performances by."""
    generic = resolve_profile("")
    return compare_clips(reference, candidate, [find_quantity(key) for key in PERFORMANCE], generic)


def performance_gaps(reference: KinematicFeatures, candidate: KinematicFeatures) -> list[float]:
    """`compare_performances`' gap sizes in decision margins, saturated softly at SATURATION."""
    return [_saturated(gap.size) for gap in compare_performances(reference, candidate)]


def _saturated(gap: float) -> float:
    return SATURATION * math.tanh(gap / SATURATION)


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


def _frames(frames: Sequence[int]) -> str:
    return ("frame " if len(frames) == 1 else "frames ") + ", ".join(map(str, frames))
