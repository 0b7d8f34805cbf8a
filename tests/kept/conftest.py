"""One small KEPT training run on the bundled tiny dataset (and its shuffled-label control), shared by
the scoring tests; sizes are cut so both runs fit the CI budget on two CPU cores."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.backends.base import SentenceEmbedder
from actiondiff.backends.registry import resolve_sentence_embedder
from actiondiff.config import Config, KeptConfig
from actiondiff.kept.train import TrainingSummary, train_scorer

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "data" / "actdr_tiny"


@pytest.fixture(scope="session")
def small_config(pose_cache: Path) -> Config:
    """Fast model sizes and a schedule that converges on the tiny dataset within seconds per epoch; the
    suite's shared cache (the sample videos `score` reads are posed there by other tests too)."""
    scoring = KeptConfig(keyframes=8, segments=2, dim=16, token_dim=16, heads=2, epochs=14, patience=6)
    return Config(cache_dir=pose_cache, kept=scoring)


@pytest.fixture(scope="session")
def embedder(small_config: Config) -> SentenceEmbedder:
    return resolve_sentence_embedder("offline", small_config)


@pytest.fixture(scope="session")
def trained_runs(
    small_config: Config, embedder: SentenceEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> dict[bool, TrainingSummary]:
    """{False: the real run, True: the shuffled-label control}, same seed and schedule."""
    root = tmp_path_factory.mktemp("kept")
    return {
        shuffled: train_scorer(
            TINY, root / f"shuffled-{shuffled}", small_config, embedder, shuffle_labels=shuffled
        )
        for shuffled in (False, True)
    }
