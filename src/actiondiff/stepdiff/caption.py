"""DiffCap (StepDiff §3.4, §4.1): one difference caption per category, in the annotations' style.

The model completes the Supp. S4 seed ("The main difference in <g> is that in Video 2, ...");
its answer is then rewritten by the Supp. S4 string matching into the annotated form "what the
candidate does instead of what the reference does" (e.g. "whereas in Video 1, the person" ->
"instead of"). Offline, technique captions come from pose measurements; other categories
need a vision model and are left empty with the reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from actiondiff.backends import ChatModel, resolve_chat
from actiondiff.config import Config
from actiondiff.models import Evidence
from actiondiff.stepdiff.frames import pair_frames
from actiondiff.stepdiff.measured import Gap, clip_features, compare_performances
from actiondiff.stepdiff.prompts import PAIR_SYSTEM, diffcap_question
from actiondiff.stepdiff.records import CATEGORIES, CATEGORY_NAMES, Category, DiffCaption

_REF = r"(?:video\s*1|the\s+first\s+video|the\s+reference(?:\s+video)?|reference\s+video)"
_CAND = r"(?:video\s*2|the\s+second\s+video|the\s+candidate(?:\s+video)?|candidate\s+video)"
_SEED = re.compile(r"^\s*(?:the\s+)?main\s+difference\s+in\s+.*?\s+is\s+that\s*,?\s*", re.IGNORECASE)
_CONTRAST = r",?\s*(?:;|\.|while|whereas|but|and|compared\s+to|unlike)?\s*(?:in|with)\s+"
_SPLIT_CAND_FIRST = re.compile(
    rf"^(?:in\s+{_CAND}\s*,?\s*)?(?P<cand>.+?){_CONTRAST}{_REF}\s*,?\s*(?P<ref>.+)$", re.IGNORECASE
)
_SPLIT_REF_FIRST = re.compile(
    rf"^in\s+{_REF}\s*,?\s*(?P<ref>.+?){_CONTRAST}{_CAND}\s*,?\s*(?P<cand>.+)$", re.IGNORECASE
)
_LEADING_CAND = re.compile(rf"^in\s+{_CAND}\s*,?\s*", re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:the\s+person|the\s+user|the\s+cook|they|he|she)\s+", re.IGNORECASE)
_VOWELS = "aeiou"


def gerund(verb: str) -> str:
    """'uses' -> 'using', 'stirs' -> 'stirring', 'mixes' -> 'mixing', 'carries' -> 'carrying' (for Supp. S4's
    "instead of" rewrite)."""
    word = verb.lower()
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif re.search(r"(?:ss|sh|ch|x|z)es$", word):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    sounds = word.replace("qu", "q")  # the u of "qu" is not a vowel: squat -> squatting
    vowel_groups = re.findall(rf"[{_VOWELS}]+", sounds)
    if len(vowel_groups) == 1 and re.search(rf"[^{_VOWELS}][{_VOWELS}][^{_VOWELS}wxy]$", sounds):
        return word + word[-1] + "ing"
    return word + "ing"


def postprocess_caption(text: str) -> str:
    """Supp. S4's output parsing: one sentence, the candidate's action "instead of" the reference's.

    Handles the seed echoed back, "In Video 2, X, whereas in Video 1, Y" in either order, and
    leftover video names (Video 2 -> the candidate, Video 1 -> the reference).
    """
    text = " ".join(text.strip().strip('"').split())
    text = _SEED.sub("", text)
    cand, ref = text, ""
    match = _SPLIT_REF_FIRST.match(text) or _SPLIT_CAND_FIRST.match(text)
    if match and (ref := _first_sentence(match.group("ref")).strip(" ,;.")):
        cand = match.group("cand")
    cand = _LEADING_CAND.sub("", cand).strip(" ,;.")
    if ref and (subject := _SUBJECT.match(ref)):
        verb, _, rest = ref[subject.end() :].partition(" ")
        cand = f"{cand} instead of {gerund(verb)} {rest}".rstrip()
    elif ref:
        cand = f"{cand}, while in the reference {ref}"
    cand = _first_sentence(cand)
    cand = re.sub(_CAND, "the candidate", cand, flags=re.IGNORECASE)
    cand = re.sub(_REF, "the reference", cand, flags=re.IGNORECASE)
    cand = cand.strip(" ,;.")
    return (cand[:1].upper() + cand[1:] + ".") if cand else ""


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])", text, maxsplit=1)[0]


SAME_WAY = "The person moves the same way in the candidate as in the reference."
"""The offline technique caption when no measured gap reaches the threshold."""


def offline_caption(gaps: list[Gap], threshold: float) -> str:
    """A technique caption from the two largest measured gaps, in the annotations' style."""
    clear = [g for g in gaps if g.size >= threshold][:2]
    if not clear:
        return SAME_WAY
    phrases = " and ".join(g.candidate_phrase for g in clear)
    return f"The person {phrases} in the candidate compared to the reference."


def diffcap(
    reference: str | Path,
    candidate: str | Path,
    categories: tuple[Category, ...] = CATEGORIES,
    *,
    config: Config | None = None,
    chat: ChatModel | None = None,
) -> list[DiffCaption]:
    """A post-processed difference caption per category (VLM), or technique from pose (offline)."""
    config = config or Config()
    chat = chat or resolve_chat(config.backends.vlm, config)
    if chat is None:
        gaps = compare_performances(clip_features(reference, config), clip_features(candidate, config))
        return [_offline(category, gaps, config.stepdiff.min_difference) for category in categories]
    frames = pair_frames(
        reference,
        candidate,
        config.stepdiff.frames_per_video,
        max_side=config.backends.image_max_side,
    )
    frames_ref, frames_cand = frames.indices
    images = frames.images()
    captions = []
    for category in categories:
        messages = [
            {"role": "system", "content": PAIR_SYSTEM},
            {"role": "user", "content": diffcap_question(category)},
        ]
        reply = chat.complete(messages, images=images)
        seen = Evidence(
            source="vlm", summary=f"{reply.model} captioned", frames_a=frames_ref, frames_b=frames_cand
        )
        captions.append(
            DiffCaption(
                category=category,
                caption=postprocess_caption(reply.text) or None,
                raw=reply.text,
                method="vlm",
                evidence=[seen],
            )
        )
    return captions


def _offline(category: Category, gaps: list[Gap], threshold: float) -> DiffCaption:
    if category != "technique":
        reason = f"{CATEGORY_NAMES[category]} cannot be judged from pose; configure a VLM backend"
        return DiffCaption(category=category, caption=None, method="offline", reason=reason)
    caption = offline_caption(gaps, threshold)
    return DiffCaption(
        category=category,
        caption=caption,
        method="offline",
        evidence=[g.evidence for g in gaps if g.size >= threshold],
    )
