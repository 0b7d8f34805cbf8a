"""Frame localizer (VidDiff §5, stage 2): assign every sampled frame to one sub-action.

Frame-text similarities (CLIP-like embedder) become per-frame log-probabilities over the
sub-actions; Viterbi decoding (after Kukleva et al., 2019, as in VidDiff) then finds the
labelling with the highest total score under the fixed transcript: labels start at the first
sub-action, end at the last, and only stay or advance by one, so every sub-action is one
contiguous, non-empty span. The "argmax" (no Viterbi) and "random" variants reproduce the
paper's ablation (Table 5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from actiondiff.backends import FrameTextEmbedder
from actiondiff.errors import InputError
from actiondiff.models import FrameSample, SubAction, SubActionSpan

Method = Literal["viterbi", "argmax", "random"]

CLIP_LOGIT_SCALE = 100.0
"""CLIP's learned temperature; cosines times this are its zero-shot logits."""


def viterbi_segment(scores: np.ndarray) -> np.ndarray:
    """Labels (T,) maximising sum_t scores[t, label_t] over monotone transcripts of all K sub-actions.

    Dynamic programme D[t, k] = scores[t, k] + max(D[t-1, k], D[t-1, k-1]), vectorised over k,
    so O(T x K) time; ties prefer staying. Needs T >= K so every sub-action gets a frame.
    """
    scores = np.asarray(scores, dtype=np.float64)
    n_frames, n_steps = scores.shape
    if n_steps == 0 or n_frames < n_steps:
        raise InputError("localizer", f"{n_frames} frames cannot hold {n_steps} sub-actions, one frame each")
    best = np.full(n_steps, -np.inf)
    best[0] = scores[0, 0]
    advanced = np.zeros((n_frames, n_steps), dtype=bool)
    for t in range(1, n_frames):
        came_from_previous = np.concatenate(([-np.inf], best[:-1]))
        advanced[t] = came_from_previous > best
        best = np.maximum(best, came_from_previous) + scores[t]
    labels = np.empty(n_frames, dtype=np.int64)
    step = n_steps - 1
    for t in range(n_frames - 1, -1, -1):
        labels[t] = step
        step -= int(advanced[t, step])
    return labels


def assign_frames(scores: np.ndarray, method: Method, seed: int = 0) -> np.ndarray:
    """Sub-action label per frame: Viterbi, per-frame argmax, or uniformly random (seeded)."""
    if method == "viterbi":
        return viterbi_segment(scores)
    if method == "argmax":
        return np.asarray(np.asarray(scores).argmax(axis=1))
    return np.asarray(np.random.default_rng(seed).integers(0, scores.shape[1], size=scores.shape[0]))


def similarity_scores(
    embedder: FrameTextEmbedder, images: Sequence[np.ndarray], sub_actions: Sequence[SubAction]
) -> np.ndarray:
    """(T, K) log-softmax over sub-actions of CLIP logits; a sub-action's text vector is the mean of
    its retrieval texts' embeddings (its name when it has none)."""
    frames = embedder.embed_images(images)
    texts = [list(s.retrieval_texts) or [s.name] for s in sub_actions]
    flat = embedder.embed_texts([t for group in texts for t in group])
    bounds = np.cumsum([0, *(len(group) for group in texts)])
    prototypes = np.stack([flat[bounds[i] : bounds[i + 1]].mean(axis=0) for i in range(len(texts))])
    prototypes /= np.maximum(np.linalg.norm(prototypes, axis=1, keepdims=True), 1e-12)
    logits = CLIP_LOGIT_SCALE * frames @ prototypes.T
    logits -= logits.max(axis=1, keepdims=True)
    return np.asarray(logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)))


@dataclass(frozen=True)
class Localization:
    """Sampled frames of one video, the sub-action label of each, and how they were obtained."""

    frames: list[FrameSample]
    labels: np.ndarray
    sub_actions: list[str]
    method: str

    @property
    def spans(self) -> list[SubActionSpan]:
        """One span per run of frames with the same sub-action, in time order: one per sub-action for
        Viterbi, one per sub-action and repetition for kinematic phases."""
        if not len(self.labels):
            return []
        bounds = np.flatnonzero(np.diff(self.labels)) + 1
        starts, ends = np.r_[0, bounds], np.r_[bounds, len(self.labels)] - 1
        return [
            SubActionSpan(
                sub_action=self.sub_actions[int(self.labels[first])],
                start_frame=self.frames[first].index,
                end_frame=self.frames[last].index,
                start_s=self.frames[first].timestamp,
                end_s=self.frames[last].timestamp,
            )
            for first, last in zip(starts.tolist(), ends.tolist(), strict=True)
        ]

    def rows_for(self, sub_actions: Sequence[str], count: int) -> list[int]:
        """`count` evenly spaced rows labelled with any of `sub_actions` (all rows if none match).

        A span shorter than `count` rows is widened by its neighbours, so a brief moment (the
        bottom of a bouncing squat) is still shown with the frames around it.
        """
        wanted = [self.sub_actions.index(s) for s in sub_actions if s in self.sub_actions]
        rows = np.flatnonzero(np.isin(self.labels, wanted)) if wanted else np.arange(len(self.frames))
        if len(rows) == 0:
            rows = np.arange(len(self.frames))
        if len(rows) < count:
            rows = _widened(rows, count, len(self.frames))
        if len(rows) > count:
            rows = rows[np.linspace(0, len(rows) - 1, count).round().astype(int)]
        return [int(r) for r in rows]


def _widened(rows: np.ndarray, count: int, total: int) -> np.ndarray:
    """`rows` plus their nearest neighbours, alternately after and before, up to `count` rows."""
    chosen = set(rows.tolist())
    low, high = min(chosen), max(chosen)
    while len(chosen) < min(count, total):
        if high + 1 < total:
            high += 1
            chosen.add(high)
        if len(chosen) < count and low > 0:
            low -= 1
            chosen.add(low)
    return np.array(sorted(chosen))


def localize_with_embedder(
    embedder: FrameTextEmbedder,
    frames: Sequence[FrameSample],
    images: Sequence[np.ndarray],
    sub_actions: Sequence[SubAction],
    method: Method,
    seed: int = 0,
) -> Localization:
    """The paper's localizer: similarity matrix, then Viterbi (or an ablation variant)."""
    scores = similarity_scores(embedder, images, sub_actions)
    return Localization(
        frames=list(frames),
        labels=assign_frames(scores, method, seed),
        sub_actions=[s.name for s in sub_actions],
        method=f"{method}:{embedder.name}",
    )


def localization_from_spans(
    frames: Sequence[FrameSample], spans: Sequence[SubActionSpan], sub_actions: Sequence[str], method: str
) -> Localization:
    """Labels for sampled frames from given spans (e.g. kinematic phases); frames outside any span
    take the nearest span's sub-action so every frame belongs to exactly one."""
    starts = np.array([s.start_frame for s in spans])
    ends = np.array([s.end_frame for s in spans])
    indices = np.array([f.index for f in frames])
    distance = np.maximum(starts[None, :] - indices[:, None], 0) + np.maximum(
        indices[:, None] - ends[None, :], 0
    )
    nearest = distance.argmin(axis=1)
    labels = np.array([sub_actions.index(spans[j].sub_action) for j in nearest], dtype=np.int64)
    return Localization(frames=list(frames), labels=labels, sub_actions=list(sub_actions), method=method)


def uniform_localization(frames: Sequence[FrameSample], sub_actions: Sequence[str]) -> Localization:
    """Equal consecutive shares of the frames, in order: the last resort when nothing else segments."""
    labels = (np.arange(len(frames)) * len(sub_actions)) // max(1, len(frames))
    return Localization(frames=list(frames), labels=labels, sub_actions=list(sub_actions), method="uniform")
