"""Property tests of the localizer's Viterbi decoding and its ablation variants."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from actiondiff.backends import resolve_frame_embedder
from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.models import FrameSample, SubAction, SubActionSpan
from actiondiff.pipeline.localize import (
    assign_frames,
    localization_from_spans,
    localize_with_embedder,
    viterbi_segment,
)
from tests.support.tiny_clip import tiny_clip


@st.composite
def score_matrices(draw: st.DrawFn, max_frames: int = 9, max_steps: int = 4) -> np.ndarray:
    steps = draw(st.integers(1, max_steps))
    frames = draw(st.integers(steps, max_frames))
    values = st.floats(-20, 20, allow_nan=False, allow_infinity=False, width=32)
    return np.asarray(draw(arrays(np.float64, (frames, steps), elements=values)))


def brute_force_best(scores: np.ndarray) -> float:
    """Best total over every split of T frames into K ordered, non-empty, contiguous spans."""
    n_frames, n_steps = scores.shape
    best = -np.inf
    for cuts in itertools.combinations(range(1, n_frames), n_steps - 1):
        bounds = (0, *cuts, n_frames)
        total = sum(scores[bounds[k] : bounds[k + 1], k].sum() for k in range(n_steps))
        best = max(best, total)
    return float(best)


@settings(max_examples=300, deadline=None)
@given(score_matrices())
def test_labels_keep_order_and_every_span_is_contiguous_and_non_empty(scores: np.ndarray) -> None:
    labels = viterbi_segment(scores)
    assert labels[0] == 0 and labels[-1] == scores.shape[1] - 1
    assert set(np.diff(labels)) <= {0, 1}
    assert sorted(set(labels.tolist())) == list(range(scores.shape[1]))


@settings(max_examples=300, deadline=None)
@given(score_matrices())
def test_viterbi_is_optimal_against_brute_force(scores: np.ndarray) -> None:
    labels = viterbi_segment(scores)
    total = scores[np.arange(len(labels)), labels].sum()
    assert total == pytest.approx(brute_force_best(scores), rel=1e-9, abs=1e-9)


def test_clear_signal_is_recovered_exactly() -> None:
    truth = np.repeat([0, 1, 2, 3], [5, 3, 7, 4])
    scores = np.full((len(truth), 4), -5.0)
    scores[np.arange(len(truth)), truth] = 0.0
    scores[6, 0] = 1.0  # one noisy frame that argmax would put out of order
    assert viterbi_segment(scores).tolist() == truth.tolist()
    assert assign_frames(scores, "argmax")[6] == 0


def test_too_few_frames_is_an_input_error() -> None:
    with pytest.raises(InputError, match="2 frames cannot hold 3 sub-actions"):
        viterbi_segment(np.zeros((2, 3)))


def test_random_variant_is_seeded() -> None:
    scores = np.zeros((50, 4))
    assert (
        assign_frames(scores, "random", seed=3).tolist() == assign_frames(scores, "random", seed=3).tolist()
    )
    assert (
        assign_frames(scores, "random", seed=3).tolist() != assign_frames(scores, "random", seed=4).tolist()
    )


def test_spans_give_every_frame_exactly_one_sub_action() -> None:
    frames = [FrameSample(index=i * 3, timestamp=i * 0.1) for i in range(20)]
    spans = [
        SubActionSpan(sub_action="down", start_frame=9, end_frame=24, start_s=0.3, end_s=0.8),
        SubActionSpan(sub_action="up", start_frame=27, end_frame=45, start_s=0.9, end_s=1.5),
    ]
    localization = localization_from_spans(frames, spans, ["down", "up"], "kinematics")
    assert localization.labels.tolist() == [0] * 9 + [1] * 11
    assert [s.sub_action for s in localization.spans] == ["down", "up"]
    assert localization.rows_for(["up"], 3) == [9, 14, 19]


def test_a_brief_span_is_shown_with_its_neighbours() -> None:
    frames = [FrameSample(index=i, timestamp=i * 0.1) for i in range(10)]
    spans = [
        SubActionSpan(sub_action="down", start_frame=0, end_frame=5, start_s=0.0, end_s=0.5),
        SubActionSpan(sub_action="bottom", start_frame=6, end_frame=6, start_s=0.6, end_s=0.6),
        SubActionSpan(sub_action="up", start_frame=7, end_frame=9, start_s=0.7, end_s=0.9),
    ]
    localization = localization_from_spans(frames, spans, ["down", "bottom", "up"], "kinematics")
    assert localization.rows_for(["bottom"], 3) == [5, 6, 7]
    assert localization.rows_for(["up"], 4) == [6, 7, 8, 9], "widened backwards at the clip's end"
    assert localization.rows_for(["bottom"], 20) == list(range(10))


def test_localizer_with_a_local_clip_model_covers_every_frame(tmp_path: Path, config: Config) -> None:
    embedder = resolve_frame_embedder(f"local:{tiny_clip(tmp_path / 'clip')}", config)
    assert embedder is not None
    rng = np.random.default_rng(1)
    images = [rng.integers(0, 255, (40, 40, 3), dtype=np.uint8) for _ in range(12)]
    frames = [FrameSample(index=i, timestamp=i / 5) for i in range(12)]
    plan = [
        SubAction(name="stand", retrieval_texts=["stand"]),
        SubAction(name="squat", retrieval_texts=["squat bottom"]),
    ]
    localization = localize_with_embedder(embedder, frames, images, plan, "viterbi")
    assert [s.sub_action for s in localization.spans] == ["stand", "squat"]
    assert localization.spans[0].start_frame == 0 and localization.spans[-1].end_frame == 11
    assert localization.method.startswith("viterbi:local:")
