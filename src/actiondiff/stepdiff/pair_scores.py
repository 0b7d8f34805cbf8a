"""How a pair is scored for DiffMCQ and DiffRank: the model's P(YES), or the embedding baseline.

P(YES) comes from the first answer token's logprobs when the server returns them (the paper
ranks by "the likelihood of generating YES", §3.4); otherwise a scoring prompt asks for the
answer with a confidence. The embedding baseline (VLEmb, §4) embeds each clip as the mean of
its frame embeddings with a CLIP-like model (`backends.frame`); texts go through that model, else
the sentence model. Offline, where no such model ships, pairs are scored by their measurements.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from actiondiff.backends import (
    ChatModel,
    FrameTextEmbedder,
    ImagePart,
    Message,
    SentenceEmbedder,
    resolve_frame_embedder,
    resolve_sentence_embedder,
)
from actiondiff.backends.base import normalise_rows
from actiondiff.config import Config
from actiondiff.errors import BackendError
from actiondiff.kinematics import KinematicFeatures
from actiondiff.stepdiff.frames import clip_frames
from actiondiff.stepdiff.measured import clip_features
from actiondiff.stepdiff.prompts import SCORING_INSTRUCTION
from actiondiff.stepdiff.records import Scorer

log = logging.getLogger(__name__)


class YesNo(BaseModel):
    """The scoring prompt's answer."""

    answer: Literal["YES", "NO"]
    confidence: float = Field(ge=0.0, le=1.0, description="Probability that YES is right.")


def yes_probability(
    chat: ChatModel, messages: Sequence[Message], images: Sequence[ImagePart]
) -> tuple[float, Scorer]:
    """P(YES | messages, images) and how it was obtained ("logprob" or "prompt").

    The logprob path normalises over the YES and NO spellings among the first token's top
    alternatives; a server that refuses logprobs or lists neither falls back to the prompt.
    """
    try:
        reply = chat.complete(messages, images=images, logprobs=True, top_logprobs=10, max_tokens=1)
    except BackendError as exc:
        log.warning("%s: no logprobs (%s); using a scoring prompt", chat.name, exc)
        reply = None
    if reply is not None and reply.logprobs:
        first = reply.logprobs[0]
        alternatives = {**first.top, first.token: first.logprob}
        mass = {"yes": 0.0, "no": 0.0}
        for token, logprob in alternatives.items():
            word = token.strip().lower()
            if word in mass:
                mass[word] += math.exp(logprob)
        if mass["yes"] + mass["no"] > 0:
            return mass["yes"] / (mass["yes"] + mass["no"]), "logprob"
    verdict = chat.complete_json(
        [*messages, {"role": "user", "content": SCORING_INSTRUCTION}], YesNo, images=images
    )
    return (verdict.confidence if verdict.answer == "YES" else 1.0 - verdict.confidence), "prompt"


class ClipEmbeddings:
    """Clip and text embeddings for the baseline; clips are embedded, and measured, once per path."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.frames: FrameTextEmbedder | None = resolve_frame_embedder(config.backends.frame, config)
        self._sentences: SentenceEmbedder | None = None
        self._clips: dict[Path, np.ndarray] = {}
        self._features: dict[Path, KinematicFeatures] = {}

    @property
    def name(self) -> str:
        return self.frames.name if self.frames is not None else "offline:pose-measurements"

    def clip(self, path: str | Path) -> np.ndarray:
        """A clip's unit vector: the mean embedding of its frames (needs `backends.frame`)."""
        path = Path(path)
        if self.frames is None:
            raise BackendError("backends.frame", "clip embeddings need a frame/text embedder")
        if path not in self._clips:
            images = [f.image for f in clip_frames(path, self.config.stepdiff.frames_per_video)]
            self._clips[path] = normalise_rows(self.frames.embed_images(images).mean(axis=0)[None])[0]
        return self._clips[path]

    def features(self, path: str | Path) -> KinematicFeatures:
        """A clip's kinematic features (pose from the shared cache), computed once per path."""
        path = Path(path)
        if path not in self._features:
            self._features[path] = clip_features(path, self.config)
        return self._features[path]

    def pair(self, reference: str | Path, candidate: str | Path) -> np.ndarray:
        """VLEmb's pair embedding: the average of the two clip embeddings (§4 baselines), unit length."""
        return normalise_rows(((self.clip(reference) + self.clip(candidate)) / 2)[None])[0]

    @property
    def sentences(self) -> SentenceEmbedder:
        """The sentence model (loaded on first use)."""
        if self._sentences is None:
            self._sentences = resolve_sentence_embedder(self.config.backends.sentence, self.config)
        return self._sentences

    def texts(self, texts: Sequence[str]) -> np.ndarray:
        """Texts in the clip space when a frame/text model is set; else in the sentence model's space."""
        if self.frames is not None:
            return self.frames.embed_texts(list(texts))
        return self.sentences.embed(list(texts))
