"""Evidence -> verdict: measured and model evidence fused into one label, or the reason there is none.

Anything left undecided carries the reason, never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from actiondiff.kinematics.quantities import find_quantity
from actiondiff.models import Difference, Evidence, Label, ModelCalibration
from actiondiff.pipeline.model_calibration import LABELS, UNCALIBRATED_CAP, combine, temper

NO_VLM = "no vision-language model is configured (use --backend openai:<model> to ask one)"
"""Said with every undecided verdict that a vision model could have looked at."""
NO_VLM_REASON = f"no kinematic quantity measures this statement and {NO_VLM}"


Weighed = list[tuple[Evidence, float, float]]


def counted(evidence: Sequence[Evidence], model: ModelCalibration | None) -> Weighed:
    """The labelled evidence that counts, each with its confidence and weight: measured verdicts as
    they are (calibrated already, weight 1); a fitted model's answers tempered, at its weight beside a
    measured verdict and alone at weight 1; an uncalibrated model's answers only where nothing measured
    decided, capped at `UNCALIBRATED_CAP`. An answer at weight 0 does not count and is left out."""
    labelled = [e for e in evidence if e.label is not None]
    measured = [e for e in labelled if e.source == "kinematics"]
    answers = [e for e in labelled if e.source != "kinematics"]
    weighed: Weighed = [(e, e.confidence if e.confidence is not None else 0.5, 1.0) for e in measured]
    for answer in answers:
        stated = answer.confidence if answer.confidence is not None else 0.5
        if model is not None and model.fitted:
            weighed.append((answer, temper(stated, model.temperature), model.weight if measured else 1.0))
        elif not measured:
            weighed.append((answer, min(stated, UNCALIBRATED_CAP), 1.0))
    return [item for item in weighed if item[2] > 0]


def fuse(evidence: Sequence[Evidence], model: ModelCalibration | None) -> tuple[Label | None, float, str]:
    """Combine the evidence that counts (`counted`) as a product of experts (`combine`).

    Returns the winning label, its normalised probability, and the source of the strongest counted item
    that agrees with it; (None, 0.0, "") when nothing labelled counts.
    """
    return _fused(counted(evidence, model))


def _fused(weighed: Weighed) -> tuple[Label | None, float, str]:
    if not weighed:
        return None, 0.0, ""
    probs = combine([(e.label, p, w) for e, p, w in weighed if e.label is not None])
    winner = LABELS[int(probs.argmax())]
    deciding = max((item for item in weighed if item[0].label == winner), key=lambda item: item[2] * item[1])
    return winner, round(float(probs.max()), 4), deciding[0].source


def decide(
    difference: Difference, evidence: Sequence[Evidence], model: ModelCalibration | None
) -> Difference:
    """The difference with its verdict from the fused evidence, or undecided with the reason (`model`:
    the vision model's calibration, None when no model was asked)."""
    weighed = counted(evidence, model)
    label, confidence, source = _fused(weighed)
    reason = None
    if label is None:
        if not evidence:
            reason = NO_VLM_REASON if model is None else "the vision-language model gave no usable answer"
        else:
            reason = "; ".join([e.summary for e in evidence] + ([] if model is not None else [NO_VLM]))
    elif source:
        reason = f"decided by {source}"
        kept = {id(e) for e, _, _ in weighed}
        if any(e.label is not None and id(e) not in kept for e in evidence):
            why = "its fitted weight is 0" if model is not None and model.fitted else "it is not calibrated"
            reason += f" (the model's answer does not count beside the measurement: {why})"
        elif model is not None and not model.fitted and source != "kinematics":
            reason += f" (not calibrated: confidence at most {UNCALIBRATED_CAP})"
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


def discovered(
    verdicts: Sequence[Difference], limit: int, family: Callable[[str], list[str]]
) -> list[Difference]:
    """Open mode's answer: the candidates decided A or B, one per `family` of measured quantities
    (the one earliest in it), families by their largest measured effect (then confidence), at most
    `limit`; C and undecided candidates are no differences."""
    groups: dict[str, list[tuple[int, Difference]]] = {}
    for d in verdicts:
        if d.label in ("A", "B"):
            quantity = d.measured.quantity if d.measured is not None else None
            members = family(quantity) if quantity else [d.key]
            groups.setdefault(members[0], []).append((members.index(quantity) if quantity else 0, d))
    ranked = sorted(groups.values(), key=lambda g: max((effect(d), d.confidence) for _, d in g), reverse=True)
    return [min(group, key=lambda placed: placed[0])[1] for group in ranked][:limit]
