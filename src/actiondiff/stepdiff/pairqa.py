"""Pair question answering (StepDiff §3.1): answer a free question about a candidate video
relative to a reference video.

With a vision LLM, frames of both clips (localized to a step when the question names one) go to
the model with the roles stated, together with the pose measurements; offline, the answer is
composed from the measurements alone and says what could not be judged without a vision model.
"""

from __future__ import annotations

import re
from pathlib import Path

from actiondiff.backends import ChatModel, resolve_chat
from actiondiff.config import Config
from actiondiff.kinematics.quantities import match_rules
from actiondiff.knowledge import resolve_profile
from actiondiff.models import Evidence
from actiondiff.stepdiff.frames import pair_frames
from actiondiff.stepdiff.localize import localize_step
from actiondiff.stepdiff.measured import (
    Gap,
    clip_features,
    compare_clips,
    question_quantities,
)
from actiondiff.stepdiff.prompts import PAIR_SYSTEM, pair_question
from actiondiff.stepdiff.records import CATEGORY_NAMES, Category, PairAnswer

OFFLINE_MODEL = "offline:kinematics"
VISUAL_ONLY: tuple[Category, ...] = ("ingredients", "tools", "visual")
"""Categories that pose cannot speak to."""
_CATEGORY_WORDS: dict[Category, str] = {
    "ingredients": r"ingredient|food|recipe|sauce|spice",
    "tools": r"tool|equipment|utensil|implement|instrument|bar|dumbbell|weight|mat",
    "visual": r"colou?r|look|appearance|visual|cloth|shirt|light|background",
    "technique": r"technique|form|posture|how|depth|deep|speed|fast|slow|tempo|angle|stance|lean",
    "actions": r"step|order|sequence|repetition|rep\b|skip|miss",
}


def question_categories(question: str) -> list[Category]:
    """The difference categories a question asks about (technique when none is named)."""
    found = [
        c for c, words in _CATEGORY_WORDS.items() if re.search(rf"\b(?:{words})", question, re.IGNORECASE)
    ]
    return found or ["technique"]


def ask(
    reference: str | Path,
    candidate: str | Path,
    question: str,
    *,
    action: str | None = None,
    config: Config | None = None,
    chat: ChatModel | None = None,
) -> PairAnswer:
    """Answer `question` about the candidate clip relative to the reference clip.

    `chat` defaults to the configured VLM (`config.backends.vlm`); ``offline`` answers
    from pose measurements.
    """
    config = config or Config()
    chat = chat or resolve_chat(config.backends.vlm, config)
    ref_features, cand_features = clip_features(reference, config), clip_features(candidate, config)
    profile = resolve_profile(action or "", config.actions)
    asked = question_quantities(question)
    quantities = list(dict.fromkeys([*asked, *profile.quantities()]))
    gaps = compare_clips(ref_features, cand_features, quantities, profile)
    located = localize_step(question, profile, (ref_features, cand_features))
    step = located.step if located else None
    if chat is None:
        keys = {q.key for q in asked}
        return _offline_answer(question, gaps, keys, config.stepdiff.min_difference, step)
    frames = pair_frames(
        reference,
        candidate,
        config.stepdiff.frames_per_video,
        located.spans if located else (None, None),
        config.backends.image_max_side,
    )
    measured = "; ".join(g.measured() for g in gaps if g.size >= config.stepdiff.min_difference)
    messages = [
        {"role": "system", "content": PAIR_SYSTEM},
        {"role": "user", "content": pair_question(question, action=action, step=step, evidence=measured)},
    ]
    reply = chat.complete(messages, images=frames.images())
    frames_ref, frames_cand = frames.indices
    seen = Evidence(
        source="vlm",
        summary=f"{chat.name} looked at {len(frames_ref)} reference and {len(frames_cand)} candidate frames",
        frames_a=frames_ref,
        frames_b=frames_cand,
    )
    return PairAnswer(
        question=question,
        answer=reply.text.strip(),
        method="vlm",
        model=reply.model,
        evidence=[seen, *(g.evidence for g in gaps)],
        frames_reference=frames_ref,
        frames_candidate=frames_cand,
        step=step,
    )


_YES_NO = re.compile(r"^\s*(does|do|did|is|are|was|were|has|have|can|will)\b", re.IGNORECASE)
_ABOUT_REFERENCE = re.compile(r"\b(reference|first (video|clip)|video a|A)\b")


def yes_or_no(question: str, gaps: list[Gap], threshold: float) -> tuple[str, Gap] | None:
    """The answer to a yes/no question about one measured quantity ("does B bend the knees more?"),
    with the numbers, and the gap it rests on; None when the question is not yes/no or its quantity
    was not measured. The question is about the candidate unless it names the reference (or A)."""
    matched = match_rules(question) if _YES_NO.search(question) else None
    gap = next((g for g in gaps if matched and g.evidence.quantity == matched[0].key), None)
    if matched is None or gap is None:
        return None
    e = gap.evidence
    more_in_candidate = (e.value_b or 0.0) > (e.value_a or 0.0)
    subject_has_more = more_in_candidate != bool(_ABOUT_REFERENCE.search(question))
    if gap.size < threshold:
        return f"No clear difference: {gap.measured()}, within the margin.", gap
    agrees = subject_has_more == (matched[1] > 0)
    verdict = "Yes" if agrees else "No, the opposite"
    return f"{verdict}: the candidate {gap.candidate_phrase} ({gap.measured()}).", gap


def _offline_answer(
    question: str, gaps: list[Gap], asked: set[str], threshold: float, step: str | None
) -> PairAnswer:
    """The measured gaps beyond `threshold` margins, restricted to the quantities the question asks
    about (`asked`) when it names any and they were measured."""
    categories = question_categories(question)
    not_judged = [
        f"{CATEGORY_NAMES[c]}: needs a vision model (configure a VLM backend, e.g. openai:<model>)"
        for c in VISUAL_ONLY
        if c in categories
    ]
    if "actions" in categories:
        not_judged.append("action/steps: the order of steps is not measured from pose")
    if asked and (focused := [g for g in gaps if g.evidence.quantity in asked]):
        gaps = focused
    elif asked:
        not_judged.append(f"{', '.join(sorted(asked))}: not measurable in both clips")
    clear = [g for g in gaps if g.size >= threshold]
    if (reply := yes_or_no(question, gaps, threshold)) is not None:
        answer, asked_gap = reply
        clear = [asked_gap]
    elif clear:
        said = "; ".join(f"{g.candidate_phrase} ({g.measured()})" for g in clear)
        answer = f"Compared with the reference, the candidate {said}."
    elif gaps:
        answer = "No measured difference exceeds its margin; the two performances move alike."
    else:
        answer = "No person was seen in both clips, so nothing could be measured."
        not_judged.append("technique: no pose was detected in both clips")
    if not_judged:
        answer += " Not judged offline: " + "; ".join(not_judged) + "."
    cited = [g.evidence for g in (clear or gaps)]
    return PairAnswer(
        question=question,
        answer=answer,
        method="offline",
        model=OFFLINE_MODEL,
        evidence=cited,
        frames_reference=sorted({f for e in cited for f in e.frames_a}),
        frames_candidate=sorted({f for e in cited for f in e.frames_b}),
        step=step,
        not_judged=not_judged,
    )
