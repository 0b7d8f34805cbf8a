"""The one place where backend specs become implementations; adding a backend touches only this file.

Specs: ``offline`` (no remote model; embedders shipped in packages), ``openai:<model>`` (an
OpenAI-compatible endpoint, `base_url` from the configuration), ``local:/path/to/model``.
Loaded local models are kept per process, since loading costs seconds.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from actiondiff.backends.base import ChatModel, FrameTextEmbedder, SentenceEmbedder
from actiondiff.backends.embedders import ClipEmbedder, SentenceTransformerEmbedder, bundled_minilm_path
from actiondiff.backends.openai_chat import OpenAIChat, UsageMeter
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.storage import DiskCache, content_key

OFFLINE = "offline"
OFFLINE_SENTENCE = "offline:all-MiniLM-L6-v2"


def split_spec(spec: str) -> tuple[str, str]:
    """``"openai:gpt-4o"`` -> ``("openai", "gpt-4o")``; ``"offline"`` -> ``("offline", "")``."""
    kind, _, rest = spec.strip().partition(":")
    if kind not in (OFFLINE, "openai", "local") or (kind != OFFLINE and not rest):
        raise InputError(
            f"backend spec {spec!r}", "expected 'offline', 'openai:<model>' or 'local:/path/to/model'"
        )
    return kind, rest


def resolve_chat(spec: str, config: Config, meter: UsageMeter | None = None) -> ChatModel | None:
    """The chat model a spec names, or None for ``offline`` (the caller then uses its offline path)."""
    kind, rest = split_spec(spec)
    if kind == OFFLINE:
        return None
    if kind == "local":
        raise InputError(f"backend spec {spec!r}", "serve local chat models over HTTP: 'openai:' + base_url")
    cache = DiskCache(config.cache_dir, "chat") if config.use_cache else None
    return OpenAIChat(rest, config.backends, cache=cache, meter=meter)


def _local_sentence_spec(spec: str) -> tuple[str, str]:
    """(kind, rest) of a sentence-embedder spec; sentence embedders run locally, so 'openai:' is refused."""
    kind, rest = split_spec(spec)
    if kind == "openai":
        raise InputError(f"backend spec {spec!r}", "sentence embedders are local: use 'offline' or 'local:'")
    return kind, rest


def resolve_sentence_embedder(spec: str, config: Config) -> SentenceEmbedder:
    """``offline`` -> bundled all-MiniLM-L6-v2; ``local:/dir`` -> that sentence-transformers model."""
    kind, rest = _local_sentence_spec(spec)
    if kind == OFFLINE:
        return _sentence_model(str(bundled_minilm_path()), OFFLINE_SENTENCE)
    return _sentence_model(rest, spec)


class LazySentenceEmbedder:
    """The `SentenceEmbedder` a spec names, loaded on first use, or in a background thread from
    `prefetch` on, so that loading (seconds: torch, transformers) overlaps other work.

    Embeddings are cached on disk by model and text (with `config.use_cache`), so a run whose texts
    were all embedded before never loads the model. The spec is checked at once.
    """

    def __init__(self, spec: str, config: Config) -> None:
        kind, _ = _local_sentence_spec(spec)
        self.name = OFFLINE_SENTENCE if kind == OFFLINE else spec
        self._spec, self._config = spec, config
        self._cache = DiskCache(config.cache_dir, "embeddings") if config.use_cache else None
        self._lock = threading.Lock()
        self._loaded: Future[SentenceEmbedder] | None = None

    def prefetch(self) -> None:
        """Start loading the model in a background thread."""
        self._load(background=True)

    def _load(self, background: bool) -> Future[SentenceEmbedder]:
        with self._lock:
            if self._loaded is None:
                future: Future[SentenceEmbedder] = Future()
                self._loaded = future

                def run() -> None:
                    try:
                        future.set_result(resolve_sentence_embedder(self._spec, self._config))
                    except BaseException as exc:  # handed to whoever embeds
                        future.set_exception(exc)

                if background:
                    # not a daemon: exit waits for the load (seconds) rather than killing it inside torch
                    threading.Thread(target=run, name="sentence-embedder-load").start()
                else:
                    run()
            return self._loaded

    def model(self) -> SentenceEmbedder:
        """The loaded embedder (waits for a background load)."""
        return self._load(background=False).result()

    def _key(self, text: str) -> str:
        return content_key(self.name, text)

    def cached(self, texts: Sequence[str]) -> bool:
        """Whether every one of these texts' embeddings is on disk (embedding them loads nothing)."""
        return self._cache is not None and all(
            (self._cache.directory / self._key(t)).is_file() for t in texts
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._cache is None or not texts:
            return self.model().embed(texts)
        cache = self._cache
        found = {text: vector for text in texts if (vector := cache.get(self._key(text))) is not None}
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            for text, vector in zip(missing, self.model().embed(missing), strict=True):
                stored = np.asarray(vector, dtype=np.float32).tobytes()
                cache.put(self._key(text), stored)
                found[text] = stored
        # vectors as the cache gives them back, so no result depends on whether they were cached
        return np.stack([np.frombuffer(found[text], dtype=np.float32) for text in texts])


def resolve_frame_embedder(spec: str, config: Config) -> FrameTextEmbedder | None:
    """``local:/dir`` -> that CLIP model; ``offline`` -> None (no CLIP-like model ships in a package,
    so the localizer segments sub-actions from pose kinematics instead)."""
    kind, rest = split_spec(spec)
    if kind == OFFLINE:
        return None
    if kind == "openai":
        raise InputError(f"backend spec {spec!r}", "frame embedders run locally: use 'local:/path/to/clip'")
    return _clip_model(str(Path(rest).resolve()))


@functools.cache
def _sentence_model(directory: str, name: str) -> SentenceEmbedder:
    return SentenceTransformerEmbedder(Path(directory), name)


@functools.cache
def _clip_model(directory: str) -> FrameTextEmbedder:
    return ClipEmbedder(Path(directory))
