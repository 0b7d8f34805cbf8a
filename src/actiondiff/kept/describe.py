"""Descriptions from KEPT's chosen reasoning path and the measured differences it points at.

The pair's reasoning path (the path the two performers' Q agree on most, Eq. 1 over Q_A + Q_B) says
which joints to look at; the model's score share of each of those joints (how much of the predicted
gap goes when that joint's inputs are exchanged between the performers) says which of them the
learned score rests on; the facts quote the measured angles, range, speed and left-right imbalance
of those joints, and the residual tokens T_dKG (Eq. 7) say in which segment they differ most. With a
chat LLM configured the facts are handed to it to write the description; offline, a template writer
turns the same facts into sentences. Both are scored with BLEU/ROUGE/METEOR by `eval.metrics`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import torch
from pydantic import BaseModel, Field

from actiondiff.backends.base import ChatModel
from actiondiff.errors import BackendError
from actiondiff.kept.features import MEASURES, PerformanceFeatures, stack_features, with_joint_of
from actiondiff.kept.model import KeptModel

SHARE_FLOOR = 0.5
"""A path joint is described when its score share is at least this fraction of the largest share."""


class JointMeasures(BaseModel):
    """`features.MEASURES` of one joint of one performer (degrees, degrees/s)."""

    low_angle: float
    angle_range: float
    peak_speed: float
    asymmetry: float


class KinematicFact(BaseModel):
    """One joint of the reasoning path: its share of the score gap and what the performers measure."""

    joint: str
    share: float = Field(description="Score points of A's lead over B carried by this joint's inputs.")
    segment: int = Field(description="Index of the movement segment where the residual tokens peak.")
    phase: str = Field(description="The segment in words, e.g. 'early in the movement (0-25%)'.")
    angle_a: float = Field(description="Mean joint angle of performer A in the segment, degrees.")
    angle_b: float
    a: JointMeasures
    b: JointMeasures


def phase_name(segment: int, segments: int) -> str:
    """A segment index as words with its share of the movement."""
    low, high = round(100 * segment / segments), round(100 * (segment + 1) / segments)
    centre = (segment + 0.5) / segments
    word = "early in" if centre < 1 / 3 else "midway through" if centre < 2 / 3 else "late in"
    return f"{word} the movement ({low}-{high}%)"


@torch.no_grad()
def score_shares(model: KeptModel, a: PerformanceFeatures, b: PerformanceFeatures) -> np.ndarray:
    """(J,) score points of A's predicted lead over B that each tree joint carries: half the gap lost
    when A takes B's inputs of that joint plus half the gap lost when B takes A's."""
    spec = model.spec
    variants = [a, b]
    for j, joint in enumerate(spec.joints):
        columns = [p for p, name in enumerate(spec.keypoints) if name.endswith(f"_{joint}")]
        variants += [with_joint_of(a, b, j, columns), with_joint_of(b, a, j, columns)]
    model.eval()
    scores = model.denormalise_scores(model.perform(stack_features(variants)).score).numpy()
    swapped_a, swapped_b = scores[2::2], scores[3::2]
    return ((scores[0] - swapped_a) + (swapped_b - scores[1])) / 2


def pair_path(q_a: torch.Tensor, q_b: torch.Tensor, paths: torch.Tensor) -> list[int]:
    """Joint indices (0-based, root dropped) of the path maximising Q_A + Q_B (Eq. 1 for the pair)."""
    return [node - 1 for node in paths[int((q_a + q_b).argmax())].tolist()[1:]]


def verbalise(
    residual_tokens: np.ndarray,
    keypoints: Sequence[str],
    joints: Sequence[str],
    a: PerformanceFeatures,
    b: PerformanceFeatures,
    path: Sequence[int],
    shares: np.ndarray,
    limit: int,
) -> list[KinematicFact]:
    """Facts on the joints of `path` that carry the score: at most `limit`, largest share first, each
    with at least `SHARE_FLOOR` of the largest share (ties keep path order).

    residual_tokens: (S, P, d') T_dKG of the pair; a joint's segment is the one with the largest mean
    token norm over its keypoints (equal norms go to the larger measured angle difference).
    """
    norms = np.linalg.norm(residual_tokens, axis=-1)  # (S, P)
    ranked = sorted(path, key=lambda j: -abs(float(shares[j])))
    largest = abs(float(shares[ranked[0]])) if ranked else 0.0
    facts = []
    for j in ranked[:limit]:
        if abs(float(shares[j])) < SHARE_FLOOR * largest:
            break
        columns = [p for p, name in enumerate(keypoints) if name.endswith(f"_{joints[j]}")]
        strength = norms[:, columns].mean(axis=1) if columns else np.zeros(len(norms))
        segment = int(np.lexsort((np.abs(a.angles[:, j] - b.angles[:, j]), strength))[-1])
        facts.append(
            KinematicFact(
                joint=joints[j],
                share=round(float(shares[j]), 3),
                segment=segment,
                phase=phase_name(segment, len(strength)),
                angle_a=round(float(a.angles[segment, j]), 1),
                angle_b=round(float(b.angles[segment, j]), 1),
                a=_measures(a, j),
                b=_measures(b, j),
            )
        )
    return facts


def _measures(features: PerformanceFeatures, joint: int) -> JointMeasures:
    values = {name: round(float(v), 1) for name, v in zip(MEASURES, features.measures[joint], strict=True)}
    return JointMeasures.model_validate(values)


def verdict(score_a: float, score_b: float, margin: float) -> str | None:
    """'A' or 'B' when one score leads by more than `margin` (the model's own error), else None."""
    if abs(score_a - score_b) <= margin:
        return None
    return "A" if score_a > score_b else "B"


def template_description(
    facts: Sequence[KinematicFact], score_a: float, score_b: float, action: str, margin: float
) -> str:
    """The offline writer: the verdict (none within `margin`), one sentence per fact, the closing verdict."""
    subject = action.replace("_", " ") if action else "the movement"
    better = verdict(score_a, score_b, margin)
    if better is None:
        lead = (
            f"There is no clear difference between Performer A and Performer B in the {subject}: "
            f"{score_a:.1f} vs {score_b:.1f} lies within the model's error of {margin:.1f} points."
        )
    else:
        worse = "B" if better == "A" else "A"
        high, low = max(score_a, score_b), min(score_a, score_b)
        lead = (
            f"Performer {better} performs the {subject} better than Performer {worse} "
            f"({high:.1f} vs {low:.1f})."
        )
    sentences = [lead]
    for fact in facts:
        joint, a, b = fact.joint, fact.a, fact.b
        favours = "A" if fact.share > 0 else "B"
        sentences.append(
            f"At the {joint}s, which carry {abs(fact.share):.1f} points in favour of Performer {favours}: "
            f"for Performer A the {joint}s bend to {a.low_angle:.0f} degrees and travel "
            f"{a.angle_range:.0f} degrees, for Performer B they bend to {b.low_angle:.0f} degrees and "
            f"travel {b.angle_range:.0f} degrees; the {joint} turns at up to {a.peak_speed:.0f} against "
            f"{b.peak_speed:.0f} degrees per second, with a left-right imbalance of {a.asymmetry:.0f} "
            f"against {b.asymmetry:.0f} degrees at the {joint}s. They differ most {fact.phase} "
            f"({fact.angle_a:.0f} against {fact.angle_b:.0f} degrees)."
        )
    if better is not None:
        sentences.append(f"Performer {better} performs better overall.")
    return " ".join(sentences)


def llm_description(
    chat: ChatModel,
    facts: Sequence[KinematicFact],
    score_a: float,
    score_b: float,
    action: str,
    margin: float,
) -> str:
    """Ask the chat LLM to write the description from the scores and facts only (Eq. 7's text decoder)."""
    payload = {
        "action": action or "unspecified",
        "scores": {"A": round(score_a, 2), "B": round(score_b, 2)},
        "model_error": round(margin, 2),
        "verdict": verdict(score_a, score_b, margin) or "no clear difference",
        "facts": [fact.model_dump() for fact in facts],
    }
    messages = [
        {
            "role": "system",
            "content": (
                "You are an expert coach. Write two to four sentences describing the action difference "
                "between Performer A and Performer B: who does what better, naming the joint, the phase of "
                "the movement and the measured amounts. Use only the facts given; angles are in degrees. "
                "Follow the verdict: when it is 'no clear difference', do not call either performer better."
            ),
        },
        {"role": "user", "content": json.dumps(payload)},
    ]
    text = chat.complete(messages).text.strip()
    if not text:
        raise BackendError(chat.name, "the chat model returned an empty description")
    return text


def pair_facts(
    model: KeptModel,
    a: PerformanceFeatures,
    b: PerformanceFeatures,
    residual_tokens: torch.Tensor,
    q_a: torch.Tensor,
    q_b: torch.Tensor,
    limit: int,
) -> list[KinematicFact]:
    """The facts of one pair from its model outputs: residual tokens (S, P, d') and both Q (L,)."""
    spec = model.spec
    path = pair_path(q_a, q_b, model.paths)
    shares = score_shares(model, a, b)
    return verbalise(residual_tokens.numpy(), spec.keypoints, spec.joints, a, b, path, shares, limit)
