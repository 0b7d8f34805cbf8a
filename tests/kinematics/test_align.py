"""DTW against a brute-force reference, and recovery of a known time warp of a real pose track."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from actiondiff.kinematics.align import dtw_path


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
