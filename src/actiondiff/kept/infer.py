"""Inference with a trained KEPT checkpoint: two performances in; scores, reasoning paths, description out."""

from __future__ import annotations

from pathlib import Path

import torch
from pydantic import BaseModel, Field

from actiondiff.backends.base import ChatModel
from actiondiff.backends.registry import resolve_frame_embedder
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.kept.describe import KinematicFact, llm_description, pair_facts, template_description, verdict
from actiondiff.kept.features import PerformanceFeatures, stack_features
from actiondiff.kept.model import KeptModel
from actiondiff.kept.train import features_for, load_checkpoint
from actiondiff.kept.tree import path_names


class ReasoningPath(BaseModel):
    """A root-to-leaf path of the keypoint-guided tree and its score Q(l) (Eq. 2)."""

    nodes: list[str]
    q: float


class PerformerResult(BaseModel):
    media: str
    score: float
    paths: list[ReasoningPath] = Field(description="Highest-Q paths first; the first is l* (Eq. 1).")


class ScoreResult(BaseModel):
    """What `actiondiff score` prints: both scores, the top reasoning paths, the facts and the description."""

    a: PerformerResult
    b: PerformerResult
    margin: float = Field(description="The checkpoint's held-out score RMSE: smaller gaps are no difference.")
    verdict: str = Field(description="'A', 'B', or 'no clear difference' (gap within the margin).")
    facts: list[KinematicFact]
    description: str
    writer: str = Field(description="'template' or the chat model that wrote the description.")
    checkpoint: str


@torch.no_grad()
def score_features(
    model: KeptModel,
    a: PerformanceFeatures,
    b: PerformanceFeatures,
    *,
    top_paths: int,
    n_facts: int,
    margin: float,
    action: str = "",
    chat: ChatModel | None = None,
    names: tuple[str, str] = ("A", "B"),
) -> tuple[PerformerResult, PerformerResult, list[KinematicFact], str, str]:
    """Run the pair through the model, read off paths and tokens, and write the description."""
    model.eval()
    batch_a, batch_b = stack_features([a]), stack_features([b])
    out = model(batch_a, batch_b)
    spec = model.spec
    labels = path_names(model.paths, spec.joints)
    performers = []
    for media, result in zip(names, (out.a, out.b), strict=True):
        q = result.q[0]
        top = torch.argsort(q, descending=True)[:top_paths].tolist()
        performers.append(
            PerformerResult(
                media=media,
                score=round(float(model.denormalise_scores(result.score)[0]), 3),
                paths=[ReasoningPath(nodes=list(labels[i]), q=round(float(q[i]), 4)) for i in top],
            )
        )
    facts = pair_facts(model, a, b, out.residual_tokens[0], out.a.q[0], out.b.q[0], n_facts)
    score_a, score_b = performers[0].score, performers[1].score
    if chat is None:
        return (
            performers[0],
            performers[1],
            facts,
            template_description(facts, score_a, score_b, action, margin),
            "template",
        )
    text = llm_description(chat, facts, score_a, score_b, action, margin)
    return performers[0], performers[1], facts, text, chat.name


def score_pair(
    checkpoint: str | Path,
    a: str | Path,
    b: str | Path,
    config: Config,
    *,
    action: str = "",
    chat: ChatModel | None = None,
) -> ScoreResult:
    """Score two videos (or pose-track JSONs) with a `train-scorer` checkpoint."""
    model, extra = load_checkpoint(checkpoint)
    margin = float(extra.get("val_rmse", 0.0))
    scoring = config.kept.model_copy(
        update={"keyframes": model.spec.keyframes, "segments": model.spec.segments}
    )
    frame_embedder = None
    if model.spec.visual != "pose":
        frame_embedder = resolve_frame_embedder(config.backends.frame, config)
        if frame_embedder is None or frame_embedder.name != model.spec.visual:
            raise InputError(
                checkpoint,
                f"trained with frame embedder {model.spec.visual!r}; set backends.frame to it",
            )
    features = [features_for(Path(media), scoring, config, frame_embedder) for media in (a, b)]
    result_a, result_b, facts, text, writer = score_features(
        model,
        features[0],
        features[1],
        top_paths=config.kept.top_paths,
        n_facts=config.kept.facts,
        margin=margin,
        action=action,
        chat=chat,
        names=(str(a), str(b)),
    )
    return ScoreResult(
        a=result_a,
        b=result_b,
        margin=round(margin, 3),
        verdict=verdict(result_a.score, result_b.score, margin) or "no clear difference",
        facts=facts,
        description=text,
        writer=writer,
        checkpoint=str(checkpoint),
    )
