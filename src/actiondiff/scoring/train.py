"""Training KEPT on an ActDR-style list: encode performances, pair them, optimise Eq. 9, keep the best.

`train_scorer` splits performances into train/validation (whole performances held out), trains on all
pairs within each sub-activity with Adam, validates every epoch (Spearman rho and relative L2 of the
scores on held-out pairs, via `actiondiff.eval.metrics`), appends each epoch to ``metrics.jsonl``,
writes ``last.pt`` and ``best.pt`` atomically, and stops early when validation stops improving.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from pydantic import BaseModel

from actiondiff.backends.base import SentenceEmbedder
from actiondiff.config import Config, ScoringConfig
from actiondiff.errors import DatasetError, InputError
from actiondiff.eval.metrics import relative_l2, spearman_rho
from actiondiff.pose.landmarks import SKELETON_EDGES
from actiondiff.scoring.dataset import (
    ActdrItem,
    build_pairs,
    load_track,
    read_list,
    reference_description,
    split_items,
)
from actiondiff.scoring.features import PerformanceFeatures, performance_features
from actiondiff.scoring.losses import cosine_loss, kl_path_loss, score_loss, semantic_loss, total_loss
from actiondiff.scoring.model import SPORTS_KEYPOINTS, KeptModel, KeptSpec, PairOutput, PerformanceBatch
from actiondiff.scoring.tree import JOINT_SETS
from actiondiff.storage import append_jsonl, atomic_write_bytes, atomic_write_text

CHECKPOINT_FORMAT = "actiondiff-kept-1"
INSTRUCT_PROMPT = (
    "Please generate the action difference between Performer A and Performer B given their respective videos."
)
"""The short instruct prompt P of Eq. 7, embedded once as f_P."""


class EpochRecord(BaseModel):
    """One line of ``metrics.jsonl``."""

    epoch: int
    train_loss: float
    train_terms: dict[str, float]
    val_loss: float
    val_score_loss: float
    val_rho: float
    val_rl2: float
    best: bool


class TrainingSummary(BaseModel):
    """What `train-scorer` reports at the end (also written as ``summary.json``)."""

    checkpoint: Path
    epochs_run: int
    best_epoch: int
    val_rho: float
    val_rl2: float
    train_pairs: int
    val_pairs: int
    shuffled_labels: bool


@dataclass
class EncodedItems:
    """Every performance of a dataset as model-ready tensors, in list order."""

    items: list[ActdrItem]
    features: list[PerformanceFeatures]
    batch: PerformanceBatch
    scores: torch.Tensor  # (M,)
    commentary: torch.Tensor  # (M, text_dim)

    def select(self, rows: torch.Tensor) -> PerformanceBatch:
        return PerformanceBatch(self.batch.nodes[rows], self.batch.visual[rows], self.batch.keypoints[rows])


def model_spec(scoring: ScoringConfig, node_dim: int, visual_dim: int, text_dim: int) -> KeptSpec:
    """The model shape for a configuration and the feature sizes the data gives."""
    if scoring.joints != "sports":
        raise InputError(
            "scoring.joints",
            "only the sports joint set has a pose source (BlazePose); surgery needs tool tracks",
        )
    index = {name: i for i, name in enumerate(SPORTS_KEYPOINTS)}
    skeleton = [(index[a], index[b]) for a, b in SKELETON_EDGES if a in index and b in index]
    return KeptSpec(
        joints=list(JOINT_SETS[scoring.joints]),
        depth=scoring.depth,
        keyframes=scoring.keyframes,
        segments=scoring.segments,
        node_dim=node_dim,
        visual_dim=visual_dim,
        keypoints=list(SPORTS_KEYPOINTS),
        skeleton=skeleton,
        text_dim=text_dim,
        dim=scoring.dim,
        token_dim=scoring.token_dim,
        heads=scoring.heads,
        tau=scoring.tau,
    )


def features_for(media: Path, scoring: ScoringConfig, config: Config) -> PerformanceFeatures:
    """KEPT inputs of one video or pose-track file."""
    return performance_features(
        load_track(media, config),
        JOINT_SETS[scoring.joints],
        SPORTS_KEYPOINTS,
        scoring.keyframes,
        scoring.segments,
    )


def stack_features(features: Sequence[PerformanceFeatures]) -> PerformanceBatch:
    return PerformanceBatch(
        nodes=torch.from_numpy(np.stack([f.nodes for f in features])),
        visual=torch.from_numpy(np.stack([f.visual for f in features])),
        keypoints=torch.from_numpy(np.stack([f.keypoints for f in features])),
    )


def encode_items(
    items: list[ActdrItem],
    config: Config,
    embedder: SentenceEmbedder,
    on_item: Callable[[ActdrItem], None] | None = None,
) -> EncodedItems:
    """Features of every performance and embeddings of every commentary."""
    features = []
    for item in items:
        try:
            features.append(features_for(item.media, config.scoring, config))
        except KeyError as exc:
            raise DatasetError(item.media, f"pose track lacks a landmark KEPT needs: {exc}") from exc
        if on_item is not None:
            on_item(item)
    commentary = embedder.embed([item.commentary for item in items])
    return EncodedItems(
        items=items,
        features=features,
        batch=stack_features(features),
        scores=torch.tensor([item.score for item in items], dtype=torch.float32),
        commentary=torch.from_numpy(np.asarray(commentary, dtype=np.float32)),
    )


def pair_losses(
    model: KeptModel, out: PairOutput, scores: torch.Tensor, description: torch.Tensor, scoring: ScoringConfig
) -> dict[str, torch.Tensor]:
    """Each term of Eq. 9 for a batch of pairs; `scores` is (B, 2) in dataset units."""
    target = model.normalise_scores(scores)
    terms = {
        "score": score_loss(torch.stack([out.a.score, out.b.score], dim=1), target),
        "semantic": (
            semantic_loss(_needs(out.a.f_cm), out.a.f_vm) + semantic_loss(_needs(out.b.f_cm), out.b.f_vm)
        )
        / 2,
        "comment": cosine_loss(out.description, description),
        "kl": kl_path_loss(out.a.q, out.b.q),
    }
    alphas = (scoring.alpha_semantic, scoring.alpha_comment, scoring.alpha_kl)
    terms["total"] = total_loss(terms["score"], terms["semantic"], terms["comment"], terms["kl"], alphas)
    return terms


def _needs(f_cm: torch.Tensor | None) -> torch.Tensor:
    if f_cm is None:
        raise ValueError("L_semantic needs commentary embeddings")
    return f_cm


def save_checkpoint(path: Path, model: KeptModel, extra: dict[str, Any]) -> Path:
    """Spec + weights + buffers (normalisation, prompt embedding) + `extra`, written atomically."""
    buffer = io.BytesIO()
    payload = {
        "format": CHECKPOINT_FORMAT,
        "spec": model.spec.model_dump(mode="json"),
        "state": model.state_dict(),
    }
    torch.save({**payload, "extra": json.loads(json.dumps(extra, default=str))}, buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def load_checkpoint(path: str | Path) -> tuple[KeptModel, dict[str, Any]]:
    """A model in eval mode and the checkpoint's extra data; names the file and cause on failure."""
    path = Path(path)
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch.load raises many unrelated types on a foreign file
        raise InputError(path, f"not a readable KEPT checkpoint: {exc!r}") from exc
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise InputError(path, f"not a KEPT checkpoint (expected format {CHECKPOINT_FORMAT!r})")
    model = KeptModel(KeptSpec.model_validate(payload["spec"]))
    model.load_state_dict(payload["state"])
    model.eval()
    return model, dict(payload.get("extra", {}))


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def train_scorer(
    data_dir: str | Path,
    out_dir: str | Path,
    config: Config,
    embedder: SentenceEmbedder,
    *,
    shuffle_labels: bool = False,
    on_item: Callable[[ActdrItem], None] | None = None,
    on_epoch: Callable[[EpochRecord], None] | None = None,
) -> TrainingSummary:
    """Train KEPT on ``data_dir/list.jsonl``; `shuffle_labels` permutes training scores (the control run)."""
    scoring = config.scoring
    seed_everything(scoring.seed, scoring.threads)
    out = Path(out_dir)
    items = read_list(data_dir)
    train_rows, val_rows = split_items(items, scoring.val_fraction, scoring.seed)
    if shuffle_labels:
        permuted = [items[i].score for i in train_rows]
        random.Random(scoring.seed + 1).shuffle(permuted)
        for row, score in zip(train_rows, permuted, strict=True):
            items[row] = items[row].model_copy(update={"score": score})
    train_pairs, val_pairs = build_pairs(items, train_rows), build_pairs(items, val_rows)
    if not train_pairs:
        raise DatasetError(data_dir, "no training pairs: every sub-activity needs two training performances")
    encoded = encode_items(items, config, embedder, on_item)
    descriptions = _description_embeddings(items, train_pairs + val_pairs, embedder)
    feature = encoded.features[0]
    spec = model_spec(scoring, feature.nodes.shape[-1], feature.visual.shape[-1], encoded.commentary.shape[1])
    model = KeptModel(spec)
    rows = torch.tensor(train_rows)
    model.set_normalisation(
        encoded.select(rows), encoded.scores[rows], torch.from_numpy(embedder.embed([INSTRUCT_PROMPT])[0])
    )
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=scoring.learning_rate, weight_decay=scoring.weight_decay
    )
    generator = torch.Generator().manual_seed(scoring.seed)
    (out / "metrics.jsonl").unlink(missing_ok=True)
    extra = {"embedder": embedder.name, "scoring": scoring.model_dump(), "data": str(data_dir)}
    best_loss, best_epoch, best_val = float("inf"), 0, (0.0, 0.0)
    epoch = 0
    for epoch in range(1, scoring.epochs + 1):
        model.train()
        order = torch.randperm(len(train_pairs), generator=generator).tolist()
        totals: dict[str, float] = {}
        for start in range(0, len(order), scoring.batch_size):
            chosen = [train_pairs[i] for i in order[start : start + scoring.batch_size]]
            terms = _run_pairs(model, encoded, chosen, descriptions, scoring)
            optimiser.zero_grad()
            terms["total"].backward()
            optimiser.step()
            for name, value in terms.items():
                totals[name] = totals.get(name, 0.0) + float(value) * len(chosen) / len(train_pairs)
        val_terms, rho, rl2 = evaluate_pairs(model, encoded, val_pairs, descriptions, scoring)
        improved = val_terms["score"] < best_loss - 1e-5
        record = EpochRecord(
            epoch=epoch,
            train_loss=totals["total"],
            train_terms={k: v for k, v in totals.items() if k != "total"},
            val_loss=val_terms["total"],
            val_score_loss=val_terms["score"],
            val_rho=rho,
            val_rl2=rl2,
            best=improved,
        )
        append_jsonl(out / "metrics.jsonl", record.model_dump())
        checkpoint_extra = {**extra, "epoch": epoch, "val_rho": rho, "val_rl2": rl2}
        save_checkpoint(out / "last.pt", model, checkpoint_extra)
        if improved:
            best_loss, best_epoch, best_val = val_terms["score"], epoch, (rho, rl2)
            save_checkpoint(out / "best.pt", model, checkpoint_extra)
        if on_epoch is not None:
            on_epoch(record)
        if epoch - best_epoch >= scoring.patience:
            break
    summary = TrainingSummary(
        checkpoint=out / "best.pt",
        epochs_run=epoch,
        best_epoch=best_epoch,
        val_rho=best_val[0],
        val_rl2=best_val[1],
        train_pairs=len(train_pairs),
        val_pairs=len(val_pairs),
        shuffled_labels=shuffle_labels,
    )
    atomic_write_text(out / "summary.json", summary.model_dump_json(indent=2))
    return summary


@torch.no_grad()
def evaluate_pairs(
    model: KeptModel,
    encoded: EncodedItems,
    pairs: list[tuple[int, int]],
    descriptions: dict[tuple[int, int], torch.Tensor],
    scoring: ScoringConfig,
) -> tuple[dict[str, float], float, float]:
    """Loss terms, Spearman rho and relative L2 (x100) of both performers' scores over `pairs`."""
    model.eval()
    terms = {k: float(v) for k, v in _run_pairs(model, encoded, pairs, descriptions, scoring).items()}
    a = torch.tensor([i for i, _ in pairs])
    b = torch.tensor([j for _, j in pairs])
    predicted = torch.cat(
        [model.denormalise_scores(model.perform(encoded.select(rows)).score) for rows in (a, b)]
    ).tolist()
    truth = torch.cat([encoded.scores[a], encoded.scores[b]]).tolist()
    low, high = model.score_range.tolist()
    rho = spearman_rho(truth, predicted) if len(set(truth)) > 1 else 0.0
    return terms, float(np.nan_to_num(rho)), relative_l2(truth, predicted, score_range=high - low)


def _run_pairs(
    model: KeptModel,
    encoded: EncodedItems,
    pairs: list[tuple[int, int]],
    descriptions: dict[tuple[int, int], torch.Tensor],
    scoring: ScoringConfig,
) -> dict[str, torch.Tensor]:
    a = torch.tensor([i for i, _ in pairs])
    b = torch.tensor([j for _, j in pairs])
    out = model(encoded.select(a), encoded.select(b), encoded.commentary[a], encoded.commentary[b])
    scores = torch.stack([encoded.scores[a], encoded.scores[b]], dim=1)
    target = torch.stack([descriptions[pair] for pair in pairs])
    return pair_losses(model, out, scores, target, scoring)


def _description_embeddings(
    items: list[ActdrItem], pairs: list[tuple[int, int]], embedder: SentenceEmbedder
) -> dict[tuple[int, int], torch.Tensor]:
    """f_C of Eq. 8 for every pair's reference description."""
    vectors = embedder.embed([reference_description(items[i], items[j]) for i, j in pairs])
    return {
        pair: torch.from_numpy(np.asarray(v, dtype=np.float32))
        for pair, v in zip(pairs, vectors, strict=True)
    }
