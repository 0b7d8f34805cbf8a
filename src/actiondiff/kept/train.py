"""Training KEPT on an ActDR-style list: encode performances, pair them, optimise Eq. 9, keep the best.

`train_scorer` splits performances into train/validation (whole performances held out), trains on all
pairs within each sub-activity with Adam, validates every epoch (Spearman rho and relative L2 of the
scores on held-out pairs, via `actiondiff.eval.metrics`), appends each epoch to ``metrics.jsonl``,
writes ``last.pt`` and ``best.pt`` atomically, and stops early when validation stops improving.
"""

from __future__ import annotations

import copy
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from pydantic import BaseModel, Field

from actiondiff.backends.base import FrameTextEmbedder, SentenceEmbedder
from actiondiff.config import Config, KeptConfig
from actiondiff.errors import DatasetError, InputError
from actiondiff.eval.metrics import relative_l2, spearman_rho, text_metrics
from actiondiff.kept.dataset import (
    ActdrItem,
    build_pairs,
    is_pose_track,
    load_track,
    read_list,
    reference_description,
    split_items,
    sub_activity_groups,
)
from actiondiff.kept.describe import pair_facts, template_description
from actiondiff.kept.features import PerformanceFeatures, performance_features, stack_features
from actiondiff.kept.losses import cosine_loss, kl_path_loss, score_loss, semantic_loss, total_loss
from actiondiff.kept.model import (
    SPORTS_KEYPOINTS,
    KeptModel,
    KeptSpec,
    PerformanceBatch,
    PerformanceOutput,
)
from actiondiff.kept.tree import JOINT_SETS
from actiondiff.pose.landmarks import SKELETON_EDGES
from actiondiff.storage import DiskCache, append_jsonl, atomic_write_bytes, atomic_write_text, content_key

CHECKPOINT_FORMAT = "actiondiff-kept-2"
"""Version 2: reasoning paths never repeat a joint (version-1 checkpoints hold 64 paths, not 24)."""
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
    val_rmse: float = Field(description="Root mean square error of held-out scores, score units.")
    best: bool


class TrainingSummary(BaseModel):
    """What `train-scorer` reports at the end (also written as ``summary.json``)."""

    checkpoint: Path
    epochs_run: int
    best_epoch: int
    val_rho: float
    val_rl2: float
    val_rmse: float = Field(
        description="Held-out score RMSE: gaps up to this are described as no clear difference."
    )
    train_pairs: int
    val_pairs: int
    shuffled_labels: bool
    description_metrics: dict[str, float] = Field(
        default_factory=dict,
        description="BLEU-1..4, ROUGE-1/2/L, METEOR, CIDEr of template descriptions of held-out pairs.",
    )


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


def model_spec(
    scoring: KeptConfig, node_dim: int, visual_dim: int, text_dim: int, visual: str = "pose"
) -> KeptSpec:
    """The model shape for a configuration and the feature sizes the data gives."""
    if scoring.joints != "sports":
        raise InputError(
            "kept.joints",
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
        visual=visual,
        keypoints=list(SPORTS_KEYPOINTS),
        skeleton=skeleton,
        text_dim=text_dim,
        dim=scoring.dim,
        token_dim=scoring.token_dim,
        heads=scoring.heads,
        tau=scoring.tau,
    )


def features_for(
    media: Path, scoring: KeptConfig, config: Config, frame_embedder: FrameTextEmbedder | None = None
) -> PerformanceFeatures:
    """KEPT inputs of one video or pose-track file (frame embeddings need a video)."""
    if frame_embedder is not None and is_pose_track(media):
        raise InputError(media, "a frame embedder needs videos, not pose-track files (or use pose-only f_V)")
    return performance_features(
        load_track(media, config),
        JOINT_SETS[scoring.joints],
        SPORTS_KEYPOINTS,
        scoring.keyframes,
        scoring.segments,
        frame_embedder,
    )


def encode_items(
    items: list[ActdrItem],
    config: Config,
    embedder: SentenceEmbedder,
    on_item: Callable[[ActdrItem], None] | None = None,
    frame_embedder: FrameTextEmbedder | None = None,
) -> EncodedItems:
    """Features of every performance and embeddings of every commentary."""
    features = []
    for item in items:
        try:
            features.append(features_for(item.media, config.kept, config, frame_embedder))
        except KeyError as exc:
            raise DatasetError(item.media, f"pose track lacks a landmark KEPT needs: {exc}") from exc
        if on_item is not None:
            on_item(item)
    commentary = embed_texts(embedder, [item.commentary for item in items], config)
    return EncodedItems(
        items=items,
        features=features,
        batch=stack_features(features),
        scores=torch.tensor([item.score for item in items], dtype=torch.float32),
        commentary=torch.from_numpy(np.asarray(commentary, dtype=np.float32)),
    )


def group_losses(
    model: KeptModel,
    out: PerformanceOutput,
    scores: torch.Tensor,
    pairs: torch.Tensor,
    descriptions: torch.Tensor,
    scoring: KeptConfig,
) -> dict[str, torch.Tensor]:
    """Each term of Eq. 9 for G performances of one sub-activity and the pairs among them.

    out: the G performances' pass (with commentary); scores: (G,) in dataset units; pairs: (Pn, 2) row
    indices into the G performances; descriptions: (Pn, text_dim) reference description embeddings f_C.
    Scores and commentary alignment are per performance, the description and KL terms per pair.
    """
    _, described = model.describe(out.graph[pairs[:, 0]], out.graph[pairs[:, 1]])
    terms = {
        "score": score_loss(out.score, model.normalise_scores(scores)),
        "semantic": semantic_loss(_needs(out.f_cm), out.f_vm),
        "comment": cosine_loss(described, descriptions),
        "kl": kl_path_loss(out.q[pairs[:, 0]], out.q[pairs[:, 1]]),
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
    frame_embedder: FrameTextEmbedder | None = None,
    on_item: Callable[[ActdrItem], None] | None = None,
    on_epoch: Callable[[EpochRecord], None] | None = None,
) -> TrainingSummary:
    """Train KEPT on ``data_dir/list.jsonl``; `shuffle_labels` permutes training scores (the control run).

    Without `frame_embedder` the visual features f_V are pose-only."""
    scoring = config.kept
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
    encoded = encode_items(items, config, embedder, on_item, frame_embedder)
    descriptions = _description_embeddings(items, train_pairs + val_pairs, embedder, config)
    feature = encoded.features[0]
    visual = frame_embedder.name if frame_embedder is not None else "pose"
    spec = model_spec(
        scoring, feature.nodes.shape[-1], feature.visual.shape[-1], encoded.commentary.shape[1], visual
    )
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
    best_loss, best_epoch, best_val = float("inf"), 0, (0.0, 0.0, 0.0)
    best_state = copy.deepcopy(model.state_dict())
    epoch = 0
    for epoch in range(1, scoring.epochs + 1):
        model.train()
        groups = _step_groups(items, train_rows, scoring.batch_size, generator)
        totals: dict[str, float] = {}
        for group in groups:
            terms, _ = _group_terms(model, encoded, group, descriptions, scoring)
            optimiser.zero_grad()
            terms["total"].backward()
            optimiser.step()
            for name, value in terms.items():
                totals[name] = totals.get(name, 0.0) + value.item() / len(groups)
        val_terms, rho, rl2, rmse = evaluate(model, encoded, val_rows, descriptions, scoring)
        improved = val_terms["score"] < best_loss - 1e-5
        record = EpochRecord(
            epoch=epoch,
            train_loss=totals["total"],
            train_terms={k: v for k, v in totals.items() if k != "total"},
            val_loss=val_terms["total"],
            val_score_loss=val_terms["score"],
            val_rho=rho,
            val_rl2=rl2,
            val_rmse=rmse,
            best=improved,
        )
        append_jsonl(out / "metrics.jsonl", record.model_dump())
        checkpoint_extra = {**extra, "epoch": epoch, "val_rho": rho, "val_rl2": rl2, "val_rmse": rmse}
        save_checkpoint(out / "last.pt", model, checkpoint_extra)
        if improved:
            best_loss, best_epoch, best_val = val_terms["score"], epoch, (rho, rl2, rmse)
            best_state = copy.deepcopy(model.state_dict())
            save_checkpoint(out / "best.pt", model, checkpoint_extra)
        if on_epoch is not None:
            on_epoch(record)
        if epoch - best_epoch >= scoring.patience:
            break
    model.load_state_dict(best_state)
    references = [[reference_description(items[a], items[b])] for a, b in val_pairs]
    summary = TrainingSummary(
        checkpoint=out / "best.pt",
        epochs_run=epoch,
        best_epoch=best_epoch,
        val_rho=best_val[0],
        val_rl2=best_val[1],
        val_rmse=best_val[2],
        train_pairs=len(train_pairs),
        val_pairs=len(val_pairs),
        shuffled_labels=shuffle_labels,
        description_metrics=text_metrics(
            describe_pairs(model, encoded, val_pairs, scoring.facts, margin=best_val[2]), references
        ),
    )
    atomic_write_text(out / "summary.json", summary.model_dump_json(indent=2))
    return summary


@torch.no_grad()
def evaluate(
    model: KeptModel,
    encoded: EncodedItems,
    rows: list[int],
    descriptions: dict[tuple[int, int], torch.Tensor],
    scoring: KeptConfig,
) -> tuple[dict[str, float], float, float, float]:
    """Loss terms over held-out performances, and Spearman rho, relative L2 (x100) and RMSE of the
    scores of both members of every held-out pair (as the ActDR paper scores pairs)."""
    model.eval()
    group_terms, out = _group_terms(model, encoded, rows, descriptions, scoring)
    terms = {k: float(v) for k, v in group_terms.items()}
    local = {row: i for i, row in enumerate(rows)}
    predicted_rows = model.denormalise_scores(out.score)
    members = [local[row] for pair in descriptions if pair[0] in local and pair[1] in local for row in pair]
    predicted = predicted_rows[members].tolist()
    truth = encoded.scores[torch.tensor(rows)][members].tolist()
    low, high = model.score_range.tolist()
    rho = spearman_rho(truth, predicted) if len(set(truth)) > 1 else 0.0
    rmse = float(np.sqrt(np.mean((np.asarray(truth) - np.asarray(predicted)) ** 2)))
    return terms, float(np.nan_to_num(rho)), relative_l2(truth, predicted, score_range=high - low), rmse


@torch.no_grad()
def describe_pairs(
    model: KeptModel, encoded: EncodedItems, pairs: list[tuple[int, int]], facts: int, margin: float
) -> list[str]:
    """Template descriptions of `pairs` (reasoning path -> facts -> sentences), from predicted scores;
    score gaps up to `margin` are described as no clear difference."""
    model.eval()
    rows = sorted({row for pair in pairs for row in pair})
    local = {row: i for i, row in enumerate(rows)}
    out = model.perform(encoded.select(torch.tensor(rows)))
    first = torch.tensor([local[a] for a, _ in pairs])
    second = torch.tensor([local[b] for _, b in pairs])
    residual, _ = model.describe(out.graph[first], out.graph[second])
    scores = model.denormalise_scores(out.score).tolist()
    texts = []
    for k, (a, b) in enumerate(pairs):
        i, j = local[a], local[b]
        found = pair_facts(
            model, encoded.features[a], encoded.features[b], residual[k], out.q[i], out.q[j], facts
        )
        action = encoded.items[a].sub_activity
        texts.append(template_description(found, scores[i], scores[j], action, margin))
    return texts


def _group_terms(
    model: KeptModel,
    encoded: EncodedItems,
    rows: list[int],
    descriptions: dict[tuple[int, int], torch.Tensor],
    scoring: KeptConfig,
) -> tuple[dict[str, torch.Tensor], PerformanceOutput]:
    """Run `rows` (sorted) through the model once; the loss terms over every described pair among them,
    and the model's output (the score does not depend on the commentary)."""
    index = torch.tensor(rows)
    out = model.perform(encoded.select(index), encoded.commentary[index])
    local = {row: i for i, row in enumerate(rows)}
    pairs = [pair for pair in descriptions if pair[0] in local and pair[1] in local]
    pair_index = torch.tensor([(local[a], local[b]) for a, b in pairs], dtype=torch.long).view(-1, 2)
    targets = torch.stack([descriptions[pair] for pair in pairs])
    return group_losses(model, out, encoded.scores[index], pair_index, targets, scoring), out


def _step_groups(
    items: list[ActdrItem], rows: list[int], size: int, generator: torch.Generator
) -> list[list[int]]:
    """One epoch's optimisation steps: shuffled chunks of `size` performances from one sub-activity each
    (a lone leftover joins the previous chunk, so every chunk holds a pair)."""
    keep = set(rows)
    groups: list[list[int]] = []
    for members in ([i for i in group if i in keep] for group in sub_activity_groups(items).values()):
        shuffled = [members[i] for i in torch.randperm(len(members), generator=generator).tolist()]
        chunks = [sorted(shuffled[i : i + size]) for i in range(0, len(shuffled), size)]
        if len(chunks) > 1 and len(chunks[-1]) < 2:
            chunks[-2] = sorted(chunks[-2] + chunks.pop())
        groups += [chunk for chunk in chunks if len(chunk) >= 2]
    return [groups[i] for i in torch.randperm(len(groups), generator=generator).tolist()]


def embed_texts(embedder: SentenceEmbedder, texts: Sequence[str], config: Config) -> np.ndarray:
    """(N, D) sentence embeddings, cached on disk per embedder and text content."""
    cache = DiskCache(config.cache_dir, "kept-text") if config.use_cache else None
    vectors: dict[str, bytes] = {}
    for text in dict.fromkeys(texts):
        if cache and (hit := cache.get(content_key(embedder.name, text))) is not None:
            vectors[text] = hit
    missing = [text for text in dict.fromkeys(texts) if text not in vectors]
    if missing:
        for text, vector in zip(missing, embedder.embed(missing), strict=True):
            vectors[text] = np.asarray(vector, dtype=np.float32).tobytes()
            if cache:
                cache.put(content_key(embedder.name, text), vectors[text])
    return np.stack([np.frombuffer(vectors[text], dtype=np.float32) for text in texts])


def _description_embeddings(
    items: list[ActdrItem], pairs: list[tuple[int, int]], embedder: SentenceEmbedder, config: Config
) -> dict[tuple[int, int], torch.Tensor]:
    """f_C of Eq. 8 for every pair's reference description."""
    vectors = embed_texts(embedder, [reference_description(items[i], items[j]) for i, j in pairs], config)
    return {
        pair: torch.from_numpy(np.asarray(v, dtype=np.float32))
        for pair, v in zip(pairs, vectors, strict=True)
    }
