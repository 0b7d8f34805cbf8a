"""Action differencer (VidDiff §5, stage 3): decide A / B / C for each difference, with evidence.

The vision LLM sees the localized frames of A and B and answers a multiple-choice question with
one letter, parsed strictly; its confidence is the probability of that letter among A/B/C from
the token logprobs when the server gives them. Kinematic measurement (`kinematics.measure_readings`)
decides where a measurable quantity matches the statement; `fusion.decide` combines both.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass

import numpy as np

from actiondiff.backends import ChatModel, ChatReply, ImagePart
from actiondiff.errors import BackendError
from actiondiff.models import Evidence, FrameSample, Label

log = logging.getLogger(__name__)

_LETTER = re.compile(r"^\W*\(?([ABC])\)?\W*$")


@dataclass(frozen=True)
class VideoFrames:
    """What the differencer may show of one video: its sampled frames and their pixels by row."""

    label: Label
    frames: list[FrameSample]
    images: dict[int, np.ndarray]


def question(action: str, statement: str, n_a: int, n_b: int) -> str:
    """The multiple-choice prompt: which video does the statement describe more?"""
    return (
        f"Two videos show people performing the action '{action}'. The first {n_a} images are frames "
        f"of video A in time order, the next {n_b} images are frames of video B in time order.\n"
        f"Statement: '{statement}'.\n"
        "Which video does the statement apply to more?\n"
        "A) it applies more to video A\nB) it applies more to video B\n"
        "C) there is no visible difference\n"
        "Answer with exactly one letter: A, B or C."
    )


def parse_letter(text: str) -> Label | None:
    """The answer letter when the text is exactly one of A, B, C (brackets and punctuation allowed)."""
    match = _LETTER.match(text.strip())
    if match is None:
        return None
    letter = match.group(1)
    return "A" if letter == "A" else "B" if letter == "B" else "C"


def letter_confidence(reply: ChatReply, letter: str) -> float | None:
    """P(letter) renormalised over A/B/C at the first answer token, from the server's top logprobs."""
    for token in reply.logprobs or []:
        if token.token.strip().strip("().") == letter:
            options = {**{k.strip().strip("()."): v for k, v in token.top.items()}, letter: token.logprob}
            probabilities = {k: math.exp(v) for k, v in options.items() if k in ("A", "B", "C")}
            return probabilities[letter] / sum(probabilities.values())
    return None


def ask_vlm(
    vlm: ChatModel,
    action: str,
    statement: str,
    shown_a: VideoFrames,
    rows_a: list[int],
    shown_b: VideoFrames,
    rows_b: list[int],
) -> Evidence:
    """One multiple-choice question to the vision LLM, as evidence (label None if unparseable or failed)."""
    images = [
        ImagePart(
            shown.images[r], f"Video {shown.label}, frame {n + 1} (t={shown.frames[r].timestamp:.2f} s)"
        )
        for shown, rows in ((shown_a, rows_a), (shown_b, rows_b))
        for n, r in enumerate(rows)
    ]
    messages = [{"role": "user", "content": question(action, statement, len(rows_a), len(rows_b))}]
    frames_a = [shown_a.frames[r].index for r in rows_a]
    frames_b = [shown_b.frames[r].index for r in rows_b]
    try:
        reply = vlm.complete(
            messages,
            images=images,
            accept=lambda r: parse_letter(r.text) is not None,  # refusals are not cached
            logprobs=True,
            top_logprobs=5,
            max_tokens=5,
        )
    except BackendError as exc:  # one failed question must not cost the other differences
        log.warning("difference %r: %s", statement, exc)
        return Evidence(
            source="vlm", summary=f"{vlm.name} failed: {exc}", frames_a=frames_a, frames_b=frames_b
        )
    letter = parse_letter(reply.text)
    if letter is None:
        return Evidence(
            source="vlm",
            summary=f"{vlm.name} answered {reply.text[:80]!r}, not one of A, B, C: not counted",
            frames_a=frames_a,
            frames_b=frames_b,
        )
    confidence = letter_confidence(reply, letter)
    note = f"p={confidence:.2f} from logprobs" if confidence is not None else "no logprobs: confidence 0.5"
    return Evidence(
        source="vlm",
        summary=f"{vlm.name} answered {letter} ({note})",
        frames_a=frames_a,
        frames_b=frames_b,
        label=letter,
        confidence=confidence if confidence is not None else 0.5,
    )
