"""DTW against a brute-force reference, and recovery of a known time warp of a real pose track."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from actiondiff.kinematics import align, compute_features, phase_spans
from actiondiff.kinematics.align import dtw_path, matched_rows, span_anchors
from actiondiff.kinematics.clean import resample_track
from actiondiff.kinematics.phases import movement_span
from actiondiff.knowledge import resolve_profile
from actiondiff.models import PoseTrack, SubActionSpan


def reference_dtw(cost: np.ndarray) -> float:
    """Textbook symmetric DTW (diagonal steps weigh 2, the first step from a virtual origin too)."""
    n, m = cost.shape
    total = np.full((n + 1, m + 1), np.inf)
    total[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = cost[i - 1, j - 1]
            total[i, j] = min(total[i - 1, j - 1] + 2 * c, total[i - 1, j] + c, total[i, j - 1] + c)
    return float(total[n, m])


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 9), st.integers(1, 9)), elements=st.floats(0, 10)))
def test_dtw_matches_the_textbook_recursion(cost: np.ndarray) -> None:
    path, total = dtw_path(cost, band=None)
    assert path[0] == (0, 0) and path[-1] == (cost.shape[0] - 1, cost.shape[1] - 1)
    steps = np.diff(np.array(path), axis=0)
    assert ((steps >= 0) & (steps <= 1)).all() and (steps.sum(axis=1) >= 1).all()
    weights = np.where(steps.sum(axis=1) == 2, 2.0, 1.0)
    along = cost[0, 0] + sum(w * cost[i, j] for w, (i, j) in zip(weights, path[1:], strict=True))
    assert np.isclose(total * sum(cost.shape), along)
    assert np.isclose(along + cost[0, 0], reference_dtw(cost))
    banded_path, banded = dtw_path(cost, band=0.1)  # a narrow band still admits a path, at no lower cost
    assert banded_path[-1] == path[-1] and banded >= total - 1e-12


def test_subsequence_finds_the_embedded_part() -> None:
    rng = np.random.default_rng(0)
    long = rng.normal(size=(80, 3))
    short = long[30:50] + rng.normal(scale=0.01, size=(20, 3))
    cost = np.linalg.norm(short[:, None] - long[None], axis=-1)
    path, _ = dtw_path(cost, subsequence=True)
    assert path[0] == (0, 30) and path[-1] == (19, 49)


def test_band_limits_the_path() -> None:
    cost = np.ones((50, 50))
    cost[:, 0] = 0.0  # a free lane far from the diagonal that the band forbids
    path, _ = dtw_path(cost, band=0.1)
    assert max(abs(i - j) for i, j in path) <= 6


def test_dtw_recovers_a_known_warp_of_a_real_pose_track(sample_tracks: tuple[PoseTrack, PoseTrack]) -> None:
    track = sample_tracks[0]
    last = len(track.frames) - 1
    u = np.linspace(0.0, 1.0, round(1.3 * last) + 1)
    true_rows = last * (u + 0.12 * np.sin(2 * np.pi * u) / (2 * np.pi) * 2)  # monotone: slope 1 + 0.24 cos
    original, warped = compute_features(track), compute_features(resample_track(track, true_rows))
    alignment = align(warped, original)
    error = np.abs(matched_rows(alignment.path, len(warped)) - true_rows)
    assert np.median(error) < 1.0, f"median error {np.median(error):.2f} rows"
    assert np.percentile(error, 90) < 3.0
    # Where the warp plays A (the warped copy) faster than the original, tempo says so (>1).
    slope = np.gradient(true_rows)
    tempo = np.array(alignment.tempo)
    assert np.corrcoef(tempo[5:-5], slope[5:-5])[0, 1] > 0.7


def test_anchors_are_passed_through(sample_tracks: tuple[PoseTrack, PoseTrack]) -> None:
    a, b = (compute_features(t) for t in sample_tracks)
    spans_a = phase_spans(
        a, ["setup", "descent", "bottom", "ascent", "finish"], resolve_profile("squat").movement
    )
    spans_b = phase_spans(
        b, ["setup", "descent", "bottom", "ascent", "finish"], resolve_profile("squat").movement
    )
    assert spans_a is not None and spans_b is not None
    alignment = align(a, b, spans_a=spans_a, spans_b=spans_b)
    anchors = span_anchors(a, b, spans_a, spans_b)
    assert anchors and all(anchor in alignment.path for anchor in anchors)
    rows = np.array(alignment.path)
    assert (np.diff(rows, axis=0) >= 0).all() and rows[-1].tolist() == [len(a) - 1, len(b) - 1]


def _starts_at(name: str, frame: int) -> SubActionSpan:
    return SubActionSpan(sub_action=name, start_frame=frame, end_frame=frame, start_s=0.0, end_s=0.0)


def test_repeated_sub_actions_anchor_at_their_first_span(sample_tracks: tuple[PoseTrack, PoseTrack]) -> None:
    a, b = (compute_features(t) for t in sample_tracks)
    spans_a = [_starts_at("down", int(a.frames[10])), _starts_at("down", int(a.frames[30]))]
    spans_b = [_starts_at("down", int(b.frames[10])), _starts_at("down", int(b.frames[30]))]
    assert span_anchors(a, b, spans_a, spans_b) == [(10, 10)]


def test_anchors_that_leave_an_empty_block_fall_back_to_an_unanchored_path(
    sample_tracks: tuple[PoseTrack, PoseTrack],
) -> None:
    """The sub-action starts A's first row but B's sixth: the block before the anchor has no A rows."""
    a, b = (compute_features(t) for t in sample_tracks)
    spans_a, spans_b = [_starts_at("up", int(a.frames[0]))], [_starts_at("up", int(b.frames[5]))]
    assert span_anchors(a, b, spans_a, spans_b) == [(0, 5)]
    assert align(a, b, spans_a=spans_a, spans_b=spans_b).path == align(a, b).path


def test_aligning_b_to_a_gives_the_mirror_image_of_the_path(
    sample_tracks: tuple[PoseTrack, PoseTrack],
) -> None:
    a, b = (compute_features(t) for t in sample_tracks)
    forward, backward = align(a, b), align(b, a)
    assert backward.path == [(j, i) for i, j in forward.path]


def test_a_long_still_lead_in_is_joined_straight_and_the_movements_matched(
    sample_tracks: tuple[PoseTrack, PoseTrack],
) -> None:
    track = sample_tracks[0]
    lead_in = len(track.frames)  # held as long as the whole performance: far outside the band
    held = resample_track(track, np.concatenate([np.zeros(lead_in), np.arange(len(track.frames))]))
    original, delayed = compute_features(track), compute_features(held)
    moving = movement_span(original), movement_span(delayed)
    assert moving[0] is not None and moving[1] is not None
    assert moving[1][0] - moving[0][0] == pytest.approx(lead_in, abs=2)
    alignment = align(original, delayed, moving=(moving[0], moving[1]))
    rows = matched_rows(alignment.path, len(original))
    inside = slice(moving[0][0], moving[0][1] + 1)
    assert np.median(np.abs(rows[inside] - (np.arange(len(original)) + lead_in)[inside])) <= 1.0
    assert (np.diff(np.array(alignment.path), axis=0) >= 0).all()
