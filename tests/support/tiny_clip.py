"""A tiny randomly initialised CLIP saved in transformers format, for tests of the local-model path."""

from __future__ import annotations

from pathlib import Path


def tiny_clip(directory: Path) -> Path:
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
