"""Evidence -> verdict: measured and model evidence fused into one label, or the reason there is none.

Anything left undecided carries the reason, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from actiondiff.kinematics.calibration import load_calibration
from actiondiff.kinematics.quantities import find_quantity
from actiondiff.models import Difference, Evidence, Label

UNKNOWN_SOURCE_TEMPERATURE = 2.0
"""A source the calibration file does not name counts at half weight."""
NO_VLM = "no vision-language model is configured (use --backend openai:<model> to ask one)"
"""Said with every undecided verdict that a vision model could have looked at."""
NO_VLM_REASON = f"no kinematic quantity measures this statement and {NO_VLM}"


def source_weight(source: str) -> float:
    """How much a source's confidence counts in `fuse`: 1 / its temperature in the calibration file
    (measured verdicts are calibrated already, temperature 1)."""
    known = load_calibration().sources.get(source)
    return 1.0 / (known.temperature if known is not None else UNKNOWN_SOURCE_TEMPERATURE)


def fuse(evidence: Sequence[Evidence]) -> tuple[Label | None, float, str]:
    """Combine labelled evidence: each item is a distribution (its confidence on its label, the rest
    split evenly), tempered by its source's temperature (raised to `source_weight`) and multiplied (a
    product of experts).

    Returns the winning label, its normalised probability, and the source of the strongest item that
    agrees with it; (None, 0.0, "") when nothing is labelled.
    """
    labelled = [e for e in evidence if e.label is not None]
    if not labelled:
        return None, 0.0, ""
    labels: tuple[Label, ...] = ("A", "B", "C")
    log_p = np.zeros(3)
    for item in labelled:
        confidence = min(max(item.confidence if item.confidence is not None else 0.5, 1e-3), 1 - 1e-3)
        probs = np.full(3, (1.0 - confidence) / 2)
        probs[labels.index(item.label)] = confidence
        log_p += source_weight(item.source) * np.log(probs)
    probs = np.exp(log_p - log_p.max())
    probs /= probs.sum()
    winner = labels[int(np.argmax(probs))]
    deciding = max(
        (e for e in labelled if e.label == winner),
        key=lambda e: source_weight(e.source) * (e.confidence or 0.5),
    )
    return winner, round(float(probs.max()), 4), deciding.source


def decide(
    difference: Difference,
    evidence: Sequence[Evidence],
    vlm_configured: bool,
) -> Difference:
    """The difference with its verdict from the fused evidence, or undecided with the reason."""
    label, confidence, source = fuse(evidence) if evidence else (None, 0.0, "")
    reason = None
    if label is None:
        if not evidence:
            reason = (
                NO_VLM_REASON if not vlm_configured else "the vision-language model gave no usable answer"
            )
        else:
            reason = "; ".join([e.summary for e in evidence] + ([] if vlm_configured else [NO_VLM]))
    elif source:
        reason = f"decided by {source}"
    return difference.model_copy(
        update={"label": label, "confidence": confidence, "evidence": list(evidence), "reason": reason}
    )


def effect(difference: Difference) -> float:
    """How far the measured values are apart in units of the quantity's decision margin (0 unmeasured)."""
    for item in difference.evidence:
        a, b = item.value_a, item.value_b
        if item.source == "kinematics" and item.quantity and a is not None and b is not None:
            return abs(a - b) / find_quantity(item.quantity).decision_margin(a, b)
    return 0.0


def measured_quantity(difference: Difference) -> str | None:
    """The quantity the kinematic evidence of a difference was read as, if any."""
    return next((e.quantity for e in difference.evidence if e.source == "kinematics" and e.quantity), None)


def discovered(
    verdicts: Sequence[Difference], limit: int, family: Callable[[str], list[str]]
) -> list[Difference]:
    """Open mode's answer: the candidates decided A or B, one per `family` of measured quantities
    (the one earliest in it), families by their largest measured effect (then confidence), at most
    `limit`; C and undecided candidates are no differences."""
    groups: dict[str, list[tuple[int, Difference]]] = {}
    for d in verdicts:
        if d.label in ("A", "B"):
            quantity = measured_quantity(d)
            members = family(quantity) if quantity else [d.key]
            groups.setdefault(members[0], []).append((members.index(quantity) if quantity else 0, d))
    ranked = sorted(groups.values(), key=lambda g: max((effect(d), d.confidence) for _, d in g), reverse=True)
    return [min(group, key=lambda placed: placed[0])[1] for group in ranked][:limit]
