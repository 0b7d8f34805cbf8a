"""Time alignment of two performances: DTW on normalised pose features, a frame map and a tempo profile.

Dynamic time warping with symmetric step weights (diagonal steps count twice, so path length does not
bias the cost), a Sakoe–Chiba band around the length-scaled diagonal, an open-begin/open-end
subsequence mode for a video with extra lead-in or tail, and anchors (pairs of rows that must be
matched, e.g. sub-action boundaries) that split the problem into independently aligned blocks.
Each row of the accumulated-cost matrix is computed in one vectorised pass: the horizontal recursion
D[i, j] = min(m[j], D[i, j-1] + c[i, j]) unrolls to a prefix minimum over cumulative costs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from actiondiff.errors import InputError
from actiondiff.kinematics.features import KinematicFeatures
from actiondiff.models import SubActionSpan, TimeAlignment
from actiondiff.threads import TORCH_IMPORT

ALIGN_COLUMNS = ("knee_angle", "hip_angle", "elbow_angle", "shoulder_angle", "trunk_lean",
                 "hip_centre_y", "wrist_height")  # fmt: skip
"""Signals DTW compares: the main joint angles plus the vertical travel of hips and hands."""
MIN_SCALE = {"deg": 10.0, "torso": 0.1}
"""Floor of each column's half-range, so a still joint's jitter is not blown up."""
TEMPO_WINDOW_S = 0.5


def alignment_signals(features: KinematicFeatures) -> np.ndarray:
    """(T, C) matrix of `ALIGN_COLUMNS` and their per-row changes, each column mapped to about [-1, 1]
    by its own 2nd-98th percentile range: a shallower performance still lines up with a deeper one by
    shape, and unlike mean/std scaling the range does not depend on how long each pose is held."""
    rows = []
    for name in ALIGN_COLUMNS:
        values = features[name].astype(np.float64)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            continue
        low, high = np.percentile(finite, [2.0, 98.0])
        scale = max((high - low) / 2, MIN_SCALE.get(features.units[name], 0.1))
        rows.append(np.nan_to_num((values - (low + high) / 2) / scale, nan=0.0))
    if not rows:
        raise InputError("pose track", "no body was detected, so there is nothing to align")
    signals = np.stack(rows, axis=1)
    velocity = np.gradient(signals, axis=0) if len(signals) > 1 else np.zeros_like(signals)
    return np.hstack([signals, 2.0 * velocity])


def distances(rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """Euclidean distance of every row of `rows_a` to every row of `rows_b`."""
    with TORCH_IMPORT:  # scipy: imported where used, so `import actiondiff.kinematics` stays fast
        from scipy.spatial.distance import cdist

        return cdist(rows_a, rows_b)


def dtw_path(
    cost: np.ndarray, *, band: float | None = 0.25, subsequence: bool = False
) -> tuple[list[tuple[int, int]], float]:
    """Optimal monotone path through a local-cost matrix (n, m) and its normalised cost.

    `band`: Sakoe–Chiba half-width as a fraction of max(n, m) around the scaled diagonal (None = no band).
    `subsequence`: rows may match any contiguous part of the columns (free start and end in columns).
    """
    n, m = cost.shape
    if n == 0 or m == 0:
        raise InputError("alignment", "cannot align an empty sequence")
    local = cost.astype(np.float64).copy()
    if band is not None and not subsequence:
        i = np.arange(n)[:, None] * ((m - 1) / max(n - 1, 1))
        width = max(band * max(n, m), max(n, m) / min(n, m) + 1.0)  # never narrower than one step
        local[np.abs(np.arange(m)[None, :] - i) > width] = np.inf
    total = np.full((n, m), np.inf)
    move = np.zeros((n, m), dtype=np.int8)  # 0 diagonal, 1 vertical (from i-1), 2 horizontal (from j-1)
    first = local[0] if subsequence else np.cumsum(local[0])
    total[0] = first
    move[0, 1:] = 0 if subsequence else 2
    for i in range(1, n):
        prev = total[i - 1]
        diagonal = np.concatenate([[np.inf], prev[:-1] + 2.0 * local[i, 1:]])
        vertical = prev + local[i]
        best = np.minimum(diagonal, vertical)
        from_vertical = vertical < diagonal
        with np.errstate(invalid="ignore"):
            running = np.cumsum(np.where(np.isfinite(local[i]), local[i], 0.0))
            through_row = running + np.minimum.accumulate(best - running)
            # A horizontal run must win by more than rounding, else equal sums look like a better path.
            horizontal = np.isfinite(local[i]) & (through_row < best - 1e-9 * (1.0 + np.abs(through_row)))
        total[i] = np.where(np.isfinite(local[i]), np.where(horizontal, through_row, best), np.inf)
        move[i] = np.where(horizontal, 2, np.where(from_vertical, 1, 0))
    end = int(np.argmin(total[-1])) if subsequence else m - 1
    if not np.isfinite(total[-1, end]):
        raise InputError("alignment", "no path fits inside the band; widen it or use the subsequence mode")
    path = [(n - 1, end)]
    i, j = n - 1, end
    while i > 0 or (j > 0 and not subsequence):
        step = move[i, j]
        if step == 0:
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
        path.append((i, j))
    path.reverse()
    return path, float(total[-1, end] / (n + (end - path[0][1] + 1)))


def span_anchors(
    features_a: KinematicFeatures,
    features_b: KinematicFeatures,
    spans_a: Sequence[SubActionSpan],
    spans_b: Sequence[SubActionSpan],
) -> list[tuple[int, int]]:
    """Row pairs (A, B) where a sub-action present in both videos starts; usable as DTW anchors.

    Only the first span of each sub-action counts (annotations may repeat one per repetition).
    """
    starts_b: dict[str, int] = {}
    for span in spans_b:
        starts_b.setdefault(span.sub_action, span.start_frame)
    anchors, seen = [], set()
    for span in spans_a:
        if span.sub_action in starts_b and span.sub_action not in seen:
            seen.add(span.sub_action)
            row_a = int(np.searchsorted(features_a.frames, span.start_frame))
            row_b = int(np.searchsorted(features_b.frames, starts_b[span.sub_action]))
            anchors.append((min(row_a, len(features_a) - 1), min(row_b, len(features_b) - 1)))
    kept: list[tuple[int, int]] = []
    for a, b in sorted(anchors):
        if (a, b) != (0, 0) and (not kept or (a > kept[-1][0] and b > kept[-1][1])):
            kept.append((a, b))
    return kept


Span = tuple[int, int]
"""First and last sample row (inclusive) of a performance's movement."""


def align(
    features_a: KinematicFeatures,
    features_b: KinematicFeatures,
    *,
    band: float = 0.25,
    subsequence: bool = False,
    spans_a: Sequence[SubActionSpan] = (),
    spans_b: Sequence[SubActionSpan] = (),
    moving: tuple[Span, Span] | None = None,
) -> TimeAlignment:
    """Align A to B: DTW path over sampled rows, frame/time maps, and A's tempo relative to B.

    With spans of both videos, the starts of shared sub-actions are anchors: the path passes through
    them and each block between anchors is aligned on its own (the band applies per block). When a
    block cannot be aligned (empty on one side, as when a sub-action starts one video's first row but
    not the other's), the alignment is unanchored. `moving` (each video's movement rows, see
    `quantities.movement_span`) aligns only the movements and joins their still lead-ins and tails
    by straight lines, so a long still lead-in in one video does not push the path out of the band.
    `subsequence` lets the shorter performance match any part of the longer one (anchors and
    `moving` are ignored). The path does not depend on which video is A: aligning B to A gives its
    mirror image.
    """
    signals_a, signals_b = alignment_signals(features_a), alignment_signals(features_b)
    if subsequence:
        swap = len(signals_a) > len(signals_b)
        short, long = (signals_b, signals_a) if swap else (signals_a, signals_b)
        path, cost = dtw_path(distances(short, long), subsequence=True)
        if swap:
            path = [(i, j) for j, i in path]
    else:
        anchors = span_anchors(features_a, features_b, spans_a, spans_b) if spans_a and spans_b else []
        if _digest(signals_b) < _digest(signals_a):
            mirrored = (moving[1], moving[0]) if moving else None
            path, cost = _moving_path(signals_b, signals_a, [(b, a) for a, b in anchors], band, mirrored)
            path = [(i, j) for j, i in path]
        else:
            path, cost = _moving_path(signals_a, signals_b, anchors, band, moving)
    return TimeAlignment(
        path=path,
        frames_a=[int(f) for f in features_a.frames],
        frames_b=[int(f) for f in features_b.frames],
        times_a=[float(t) for t in features_a.timestamps],
        times_b=[float(t) for t in features_b.timestamps],
        tempo=tempo_profile(path, features_a.timestamps, features_b.timestamps).tolist(),
        cost=cost,
    )


def _digest(signals: np.ndarray) -> tuple[int, bytes]:
    """An order of alignment inputs, so that the same two videos are always aligned the same way round."""
    return len(signals), hashlib.blake2b(np.ascontiguousarray(signals).tobytes(), digest_size=16).digest()


def _moving_path(
    signals_a: np.ndarray,
    signals_b: np.ndarray,
    anchors: Sequence[tuple[int, int]],
    band: float,
    moving: tuple[Span, Span] | None,
) -> tuple[list[tuple[int, int]], float]:
    """The anchored path of the moving rows, joined to the first and last rows by straight lines."""
    n_a, n_b = len(signals_a), len(signals_b)
    (a0, a1), (b0, b1) = moving or ((0, n_a - 1), (0, n_b - 1))
    inside = [(a - a0, b - b0) for a, b in anchors if a0 < a <= a1 and b0 < b <= b1]
    cut_a, cut_b = signals_a[a0 : a1 + 1], signals_b[b0 : b1 + 1]
    try:
        path, cost = _anchored_path(cut_a, cut_b, inside, band)
    except InputError:
        if not inside:
            raise
        path, cost = _anchored_path(cut_a, cut_b, [], band)
    moved = [(a + a0, b + b0) for a, b in path]
    return [*_straight((0, 0), (a0, b0))[:-1], *moved, *_straight((a1, b1), (n_a - 1, n_b - 1))[1:]], cost


def _straight(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[int, int]]:
    """A monotone path of unit steps from `start` to `end` (both included) along the straight line."""
    steps = max(end[0] - start[0], end[1] - start[1])
    if steps <= 0:
        return [start]
    return [
        (start[0] + round(t * (end[0] - start[0]) / steps), start[1] + round(t * (end[1] - start[1]) / steps))
        for t in range(steps + 1)
    ]


def _anchored_path(
    signals_a: np.ndarray, signals_b: np.ndarray, anchors: Sequence[tuple[int, int]], band: float
) -> tuple[list[tuple[int, int]], float]:
    """DTW through the anchors, block by block; the cost is the row-weighted mean of the blocks'."""
    path: list[tuple[int, int]] = []
    costs = []
    bounds = [(0, 0), *anchors, (len(signals_a), len(signals_b))]
    for (a0, b0), (a1, b1) in pairwise(bounds):
        block, block_cost = dtw_path(distances(signals_a[a0:a1], signals_b[b0:b1]), band=band)
        path.extend((i + a0, j + b0) for i, j in block)
        costs.append(block_cost * (a1 - a0))
    return path, float(sum(costs) / len(signals_a))


def matched_rows(path: Sequence[tuple[int, int]], n_rows_a: int) -> np.ndarray:
    """For every row of A, the mean B row the path matches it to (a real-valued frame map)."""
    rows = np.array(path, dtype=np.float64)
    sums = np.bincount(rows[:, 0].astype(int), weights=rows[:, 1], minlength=n_rows_a)
    counts = np.bincount(rows[:, 0].astype(int), minlength=n_rows_a)
    with np.errstate(invalid="ignore"):
        mapped = sums / counts
    known = counts > 0
    return np.interp(np.arange(n_rows_a), np.flatnonzero(known), mapped[known])


def tempo_profile(path: Sequence[tuple[int, int]], times_a: np.ndarray, times_b: np.ndarray) -> np.ndarray:
    """Per row of A, dt_B / dt_A along the path, smoothed over `TEMPO_WINDOW_S` (>1: A is faster there)."""
    if len(times_a) < 2 or len(times_b) < 2:
        return np.ones(len(times_a))
    mapped_t = np.interp(matched_rows(path, len(times_a)), np.arange(len(times_b)), times_b)
    step = float(times_a[-1] - times_a[0]) / (len(times_a) - 1)
    window = max(3, round(TEMPO_WINDOW_S / step)) if step > 0 else 3
    with TORCH_IMPORT:  # scipy: imported where used, so `import actiondiff.kinematics` stays fast
        from scipy.ndimage import uniform_filter1d

        smoothed = uniform_filter1d(mapped_t, window, mode="nearest")
    slope = np.gradient(smoothed, times_a)
    return np.round(np.clip(slope, 0.0, 10.0), 4)
