"""The small protocols every model backend implements, and the values they return.

Stages depend only on these; `registry.py` turns a spec such as ``openai:gpt-4o`` into one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from pydantic import BaseModel

Message = dict[str, Any]
"""A chat message: ``{"role": "system" | "user" | "assistant", "content": str}``."""

SchemaT = TypeVar("SchemaT", bound=BaseModel)


@dataclass(frozen=True)
class ImagePart:
    """An RGB image (H x W x 3 uint8) sent to a vision model, with a caption placed before it."""

    image: np.ndarray
    caption: str = ""


ImageInput = np.ndarray | ImagePart


@dataclass(frozen=True)
class TokenLogprob:
    """One generated token, its log-probability, and the server's top alternatives."""

    token: str
    logprob: float
    top: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Usage:
    """Token and cost accounting of one request (cached replies cost nothing)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cached: bool = False


@dataclass(frozen=True)
class ChatReply:
    """A chat model's answer: its text, per-token logprobs when the server gave them, and usage."""

    text: str
    model: str
    logprobs: list[TokenLogprob] | None = None
    usage: Usage = field(default_factory=Usage)


@runtime_checkable
class SentenceEmbedder(Protocol):
    """Texts -> (N, D) float32 rows, each L2-normalised (so dot product is cosine similarity)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class FrameTextEmbedder(Protocol):
    """A CLIP-like model: images and texts in one space, rows L2-normalised."""

    name: str

    def embed_images(self, images: Sequence[np.ndarray]) -> np.ndarray: ...

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray: ...


@runtime_checkable
class ChatModel(Protocol):
    """A text or vision chat LLM."""

    name: str

    def complete(
        self,
        messages: Sequence[Message],
        *,
        images: Sequence[ImageInput] = (),
        accept: Callable[[ChatReply], bool] | None = None,
        **params: Any,
    ) -> ChatReply:
        """`accept` judges the reply: a rejected one is returned but never cached."""
        ...

    def complete_json(
        self,
        messages: Sequence[Message],
        schema: type[SchemaT],
        *,
        images: Sequence[ImageInput] = (),
        **params: Any,
    ) -> SchemaT: ...


def normalise_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero), as float32."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
