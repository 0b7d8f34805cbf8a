"""Descriptions from KEPT's residual keypoint graph (Eq. 7): graph tokens -> kinematic facts -> sentences.

The residual tokens T_dKG say where the two performers' keypoint graphs differ most (which joint, in
which segment of the movement); the facts quote the measured joint angles and speeds there (how much).
With a chat LLM configured the facts are handed to it to write the description; offline, a template
writer turns the same facts into sentences. Both are scored with BLEU/ROUGE/METEOR by `eval.metrics`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from actiondiff.backends.base import ChatModel
from actiondiff.errors import BackendError
from actiondiff.kept.features import PerformanceFeatures


class KinematicFact(BaseModel):
    """One verbalised graph token: which joint, in which phase, how much the performers differ."""

    joint: str
    segment: int = Field(description="Index of the movement segment (0-based).")
    phase: str = Field(description="The segment in words, e.g. 'early in the movement (0-25%)'.")
    angle_a: float = Field(description="Mean joint angle of performer A in the segment, degrees.")
    angle_b: float
    speed_a: float = Field(description="Mean absolute angular speed of performer A in the segment, deg/s.")
    speed_b: float
    weight: float = Field(description="Strength of the residual graph tokens of this joint and segment.")


def phase_name(segment: int, segments: int) -> str:
    """A segment index as words with its share of the movement."""
    low, high = round(100 * segment / segments), round(100 * (segment + 1) / segments)
    centre = (segment + 0.5) / segments
    word = "early in" if centre < 1 / 3 else "midway through" if centre < 2 / 3 else "late in"
    return f"{word} the movement ({low}-{high}%)"


def verbalise(
    residual_tokens: np.ndarray,
    keypoints: Sequence[str],
    joints: Sequence[str],
    a: PerformanceFeatures,
    b: PerformanceFeatures,
    limit: int,
) -> list[KinematicFact]:
    """The `limit` strongest joints of the residual graph, each at its strongest segment, with numbers.

    residual_tokens: (S, P, d') T_dKG of one pair; a joint's strength in a segment is the mean token
    norm over its keypoints (both sides); equal strengths are ordered by the measured angle difference.
    """
    norms = np.linalg.norm(residual_tokens, axis=-1)  # (S, P)
    facts = []
    for j, joint in enumerate(joints):
        columns = [p for p, name in enumerate(keypoints) if name.endswith(f"_{joint}")]
        if not columns:
            continue
        strength = norms[:, columns].mean(axis=1)
        # ties between segments (e.g. tokens of inactive keypoints) go to the larger measured difference
        segment = int(np.lexsort((np.abs(a.angles[:, j] - b.angles[:, j]), strength))[-1])
        facts.append(
            KinematicFact(
                joint=joint,
                segment=segment,
                phase=phase_name(segment, len(strength)),
                angle_a=round(float(a.angles[segment, j]), 1),
                angle_b=round(float(b.angles[segment, j]), 1),
                speed_a=round(float(a.speeds[segment, j]), 1),
                speed_b=round(float(b.speeds[segment, j]), 1),
                weight=round(float(strength[segment]), 4),
            )
        )
    return sorted(facts, key=lambda fact: (-fact.weight, -abs(fact.angle_a - fact.angle_b)))[:limit]


def template_description(facts: Sequence[KinematicFact], score_a: float, score_b: float, action: str) -> str:
    """The offline writer: who scores higher, then one sentence per fact, then what carries the score."""
    subject = action.replace("_", " ") if action else "the movement"
    if abs(score_a - score_b) < 0.05:
        lead = f"Performer A and Performer B perform the {subject} about equally well ({score_a:.1f} each)."
        better, worse = "A", "B"
    else:
        better, worse = ("A", "B") if score_a > score_b else ("B", "A")
        high, low = max(score_a, score_b), min(score_a, score_b)
        lead = (
            f"Performer {better} performs the {subject} better than Performer {worse} "
            f"({high:.1f} vs {low:.1f})."
        )
    sentences = [lead]
    for fact in facts:
        values = {"A": (fact.angle_a, fact.speed_a), "B": (fact.angle_b, fact.speed_b)}
        (angle_1, speed_1), (angle_2, speed_2) = values[better], values[worse]
        tempo = "faster" if speed_1 > speed_2 else "slower"
        sentences.append(
            f"{fact.phase[0].upper()}{fact.phase[1:]}, Performer {better}'s {fact.joint} angle is "
            f"{angle_1:.0f} degrees against {angle_2:.0f} for Performer {worse}, a difference of "
            f"{abs(angle_1 - angle_2):.0f} degrees, and Performer {better} moves the {fact.joint} {tempo} "
            f"({speed_1:.0f} vs {speed_2:.0f} degrees per second)."
        )
    if facts:
        joints = ", ".join(fact.joint for fact in facts)
        sentences.append(f"The clearest differences lie at the {joints}.")
    return " ".join(sentences)


def llm_description(
    chat: ChatModel, facts: Sequence[KinematicFact], score_a: float, score_b: float, action: str
) -> str:
    """Ask the chat LLM to write the description from the scores and facts only (Eq. 7's text decoder)."""
    payload = {
        "action": action or "unspecified",
        "scores": {"A": round(score_a, 2), "B": round(score_b, 2)},
        "facts": [fact.model_dump() for fact in facts],
    }
    messages = [
        {
            "role": "system",
            "content": (
                "You are an expert coach. Write two to four sentences describing the action difference "
                "between Performer A and Performer B: who does what better, naming the joint, the phase of "
                "the movement and the measured amounts. Use only the facts given; angles are in degrees."
            ),
        },
        {"role": "user", "content": json.dumps(payload)},
    ]
    text = chat.complete(messages).text.strip()
    if not text:
        raise BackendError(chat.name, "the chat model returned an empty description")
    return text
