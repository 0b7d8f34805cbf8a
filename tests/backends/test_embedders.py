"""Local embedders: the bundled sentence model, and a CLIP model directory built by the test itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.backends import resolve_frame_embedder, resolve_sentence_embedder, split_spec
from actiondiff.config import Config
from actiondiff.errors import BackendError, InputError


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


def _tiny_clip(directory: Path) -> Path:
    """A randomly initialised two-layer CLIP with a 40-word WordPiece vocabulary, saved like transformers."""
    from transformers import BertTokenizerFast, CLIPConfig, CLIPImageProcessor, CLIPModel

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "squat", "bottom", "stand", "descend", "rise"]
    vocab = directory / "vocab.txt"
    directory.mkdir(parents=True)
    vocab.write_text("\n".join(words + [f"w{i}" for i in range(30)]) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab))
    small = {"hidden_size": 32, "intermediate_size": 64, "num_attention_heads": 2, "num_hidden_layers": 2}
    config = CLIPConfig(
        text_config={**small, "vocab_size": 40, "max_position_embeddings": 32, "eos_token_id": 3},
        vision_config={**small, "image_size": 32, "patch_size": 8},
        projection_dim=16,
    )
    import torch

    torch.manual_seed(0)
    CLIPModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    processor.save_pretrained(directory)
    return directory


def test_local_clip_directory_embeds_frames_and_texts(config: Config, tmp_path: Path) -> None:
    directory = _tiny_clip(tmp_path / "tiny-clip")
    embedder = resolve_frame_embedder(f"local:{directory}", config)
    assert embedder is not None
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 255, (48, 64, 3), dtype=np.uint8) for _ in range(3)]
    image_vectors = embedder.embed_images(images)
    text_vectors = embedder.embed_texts(["squat bottom", "stand", "descend rise"])
    assert image_vectors.shape == (3, 16) and text_vectors.shape == (3, 16)
    assert np.allclose(np.linalg.norm(image_vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(embedder.embed_images(images), image_vectors, atol=1e-6), "embedding is deterministic"
