"""Benchmark: KEPT trained on data/actdr_tiny with real and with shuffled training scores.

For each run it prints the held-out score metrics (Spearman rho, relative L2 x100), the description
metrics of the held-out pairs (BLEU-1, ROUGE-L, METEOR, from `eval.metrics.text_metrics`), and the
reasoning paths of the held-out performances: how far Q separates the candidate paths (max - min and
standard deviation over all paths, averaged over performances) and how many chosen paths l* repeat a
joint. Sizes are those of the KEPT tests (`tests/kept/conftest.py`) unless ``--full`` is given.

    python benchmarks/bench_kept.py [--full]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import torch

from actiondiff.backends.registry import resolve_sentence_embedder
from actiondiff.config import Config, KeptConfig
from actiondiff.kept.dataset import read_list, split_items
from actiondiff.kept.features import stack_features
from actiondiff.kept.train import TrainingSummary, features_for, load_checkpoint, train_scorer
from actiondiff.kept.tree import path_names

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "data" / "actdr_tiny"
TEST_SIZES = KeptConfig(keyframes=8, segments=2, dim=16, token_dim=16, heads=2, epochs=14, patience=6)


@torch.no_grad()
def path_statistics(summary: TrainingSummary, config: Config) -> dict[str, float]:
    """Q spread over the candidate paths and the share of chosen paths with a repeated joint."""
    model, _ = load_checkpoint(summary.checkpoint)
    items = read_list(TINY)
    _, val_rows = split_items(items, config.kept.val_fraction, config.kept.seed)
    batch = stack_features([features_for(items[row].media, config.kept, config) for row in val_rows])
    q = model.perform(batch).q  # (V, L)
    names = path_names(model.paths, model.spec.joints)
    chosen = [names[i] for i in q.argmax(dim=1).tolist()]
    return {
        "paths": float(q.shape[1]),
        "q_range": float((q.max(dim=1).values - q.min(dim=1).values).mean()),
        "q_std": float(q.std(dim=1).mean()),
        "repeated": sum(len(set(path)) < len(path) for path in chosen) / len(chosen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="default KEPT sizes instead of the test sizes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        config = Config(cache_dir=Path(work) / "cache", kept=KeptConfig() if args.full else TEST_SIZES)
        embedder = resolve_sentence_embedder("offline", config)
        for shuffled in (False, True):
            run = Path(work) / f"run-{shuffled}"
            summary = train_scorer(TINY, run, config, embedder, shuffle_labels=shuffled)
            text, paths = summary.description_metrics, path_statistics(summary, config)
            print(
                f"{'shuffled' if shuffled else 'real    '} labels: rho {summary.val_rho:.3f}, "
                f"R-l2 x100 {summary.val_rl2:.2f}, RMSE {summary.val_rmse:.2f} | "
                f"BLEU-1 {text['bleu_1']:.3f}, "
                f"ROUGE-L {text['rouge_l']:.3f}, METEOR {text['meteor']:.3f} | "
                f"{paths['paths']:.0f} paths: Q max-min {paths['q_range']:.4f}, Q std {paths['q_std']:.4f}, "
                f"l* with a repeated joint {paths['repeated']:.0%}"
            )


if __name__ == "__main__":
    main()
