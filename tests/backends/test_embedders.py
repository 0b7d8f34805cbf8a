"""Local embedders: the bundled sentence model, and a CLIP model directory built by the test itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.backends import (
    LazySentenceEmbedder,
    resolve_frame_embedder,
    resolve_sentence_embedder,
    split_spec,
)
from actiondiff.config import Config
from actiondiff.errors import BackendError, InputError
from tests.support.tiny_clip import tiny_clip


def test_offline_sentence_embedder_ranks_paraphrases_first(config: Config) -> None:
    embedder = resolve_sentence_embedder("offline", config)
    vectors = embedder.embed(["the squat is deeper", "the person squats lower", "the piano is played faster"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert embedder.name == "offline:all-MiniLM-L6-v2"


def test_offline_has_no_frame_embedder(config: Config) -> None:
    assert resolve_frame_embedder("offline", config) is None


@pytest.mark.parametrize("spec", ["gpt-4o", "openai:", "clip:/x", ""])
def test_bad_specs_are_input_errors(spec: str) -> None:
    with pytest.raises(InputError, match="expected 'offline'"):
        split_spec(spec)


def test_missing_clip_directory_is_a_backend_error(config: Config, tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="does not exist"):
        resolve_frame_embedder(f"local:{tmp_path / 'nope'}", config)


def test_local_clip_directory_embeds_frames_and_texts(config: Config, tmp_path: Path) -> None:
    directory = tiny_clip(tmp_path / "tiny-clip")
    embedder = resolve_frame_embedder(f"local:{directory}", config)
    assert embedder is not None
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(3)]
    image_vectors = embedder.embed_images(images)
    text_vectors = embedder.embed_texts(["squat bottom", "stand", "descend rise"])
    assert image_vectors.shape == (3, 16) and text_vectors.shape == (3, 16)
    assert np.allclose(np.linalg.norm(image_vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embedder.embed_images(images), image_vectors, atol=1e-6), "embedding is deterministic"


def test_sentence_embeddings_come_back_from_the_disk_cache_without_loading_the_model(config: Config) -> None:
    texts = ["the squat is deeper", "the person squats lower"]
    first = LazySentenceEmbedder("offline", config)
    assert not first.cached(texts)
    vectors = first.embed(texts)
    again = LazySentenceEmbedder("offline", config)
    assert again.cached(texts)
    np.testing.assert_array_equal(again.embed(texts), vectors)
    assert again._loaded is None  # nothing was loaded: every text was on disk
