"""Which step a question is about, and that step's frame span in each clip.

A step is a sub-action of the action library's entry for the action, named in the question;
its spans come from the kinematic phases of each clip (`kinematics.phases.phase_spans`).
"""

from __future__ import annotations

from dataclasses import dataclass

from actiondiff.kinematics import KinematicFeatures
from actiondiff.kinematics.phases import phase_spans
from actiondiff.knowledge import ActionProfile
from actiondiff.models import SubActionSpan


@dataclass(frozen=True)
class LocatedStep:
    step: str
    spans: tuple[SubActionSpan | None, SubActionSpan | None]


def localize_step(
    question: str, profile: ActionProfile, features: tuple[KinematicFeatures, KinematicFeatures]
) -> LocatedStep | None:
    """The sub-action of the profile's action named in `question` (longest name wins) and its span in
    the reference and the candidate; None when no step is named or the library does not know the action."""
    entry = profile.entry
    if entry is None:
        return None
    names = [s.name for s in entry.sub_actions]
    named = [n for n in names if n.lower() in question.lower()]
    if not named:
        return None
    step = max(named, key=len)
    spans = []
    for clip in features:
        found = phase_spans(clip, names, profile.movement) or []
        spans.append(next((s for s in found if s.sub_action == step), None))
    return LocatedStep(step=step, spans=(spans[0], spans[1]))
