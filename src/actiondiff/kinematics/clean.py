"""Turn raw pose tracks into usable signals: pick the main performer, fill short gaps, smooth jitter.

MediaPipe's pose solution tracks a single person, so a `PoseTrack` normally holds one performer.
When a caller has several candidate tracks of the same frames (e.g. one per detected person),
`select_main_performer` stitches one track that follows the largest, most central, steadiest body.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actiondiff.errors import InputError
from actiondiff.models import FrameSample, PoseTrack
from actiondiff.threads import TORCH_IMPORT

MAX_GAP_S = 0.4
"""Gaps (frames without a body) up to this long are filled by linear interpolation."""
SMOOTH_WINDOW_S = 0.3
"""Savitzky–Golay window length; polynomial order 2 keeps turning points (squat bottoms) sharp."""
SWITCH_COST = 2.0
"""Cost of switching performer between frames, per torso length the hip centre jumps."""


def clean_track(
    track: PoseTrack, *, max_gap_s: float = MAX_GAP_S, window_s: float = SMOOTH_WINDOW_S
) -> PoseTrack:
    """A copy of `track` with short gaps interpolated and jitter smoothed (Savitzky–Golay, order 2).

    Longer gaps stay NaN. Each run of detected frames is smoothed on its own, over time measured in
    samples, so the window adapts to the sampling rate (at least 5 samples, else left unsmoothed).
    """
    if len(track.frames) == 0:
        return track
    times = track.timestamps
    step = float(times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 1.0
    max_gap = max(1, round(max_gap_s / step)) if step > 0 else 1
    window = max(5, 2 * (round(window_s / step) // 2) + 1) if step > 0 else 5
    arrays = {}
    for name in ("image_xyz", "world_xyz", "visibility"):
        values = np.array(getattr(track, name), dtype=np.float64)
        flat = values.reshape(len(times), -1)
        flat = _fill_gaps(flat, times, max_gap)
        if name != "visibility":
            flat = _smooth_runs(flat, window)
        arrays[name] = flat.reshape(values.shape).astype(np.float32)
    return track.model_copy(update=arrays)


def _fill_gaps(values: np.ndarray, times: np.ndarray, max_gap: int) -> np.ndarray:
    """Interpolate missing rows (NaN in column 0) in time when the gap is at most `max_gap` rows."""
    missing = np.isnan(values[:, 0])
    if not missing.any() or missing.all():
        return values
    out = values.copy()
    present = np.flatnonzero(~missing)
    for start, end in _runs(missing):
        if start == 0 or end == len(missing) or end - start > max_gap:
            continue
        for column in range(values.shape[1]):
            out[start:end, column] = np.interp(times[start:end], times[present], values[present, column])
    return out


def _smooth_runs(values: np.ndarray, window: int) -> np.ndarray:
    with TORCH_IMPORT:  # scipy: imported where used, so `import actiondiff.kinematics` stays fast
        from scipy.signal import savgol_filter

        out = values.copy()
        for start, end in _runs(~np.isnan(values[:, 0])):
            if end - start >= window:
                out[start:end] = savgol_filter(values[start:end], window, polyorder=2, axis=0, mode="interp")
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) intervals where `mask` is True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def select_main_performer(candidates: Sequence[PoseTrack]) -> PoseTrack:
    """One track following the main performer through candidate tracks of the same frames.

    Per frame each candidate is scored by body size (image bounding-box diagonal) and centrality
    (distance of the hip centre from the image centre); a Viterbi pass then picks one candidate per
    frame, paying `SWITCH_COST` per torso length the hip centre jumps, so the choice stays stable.
    """
    if not candidates:
        raise InputError("pose candidates", "no candidate tracks to choose the main performer from")
    first = candidates[0]
    if any(len(c.frames) != len(first.frames) for c in candidates):
        raise InputError(first.video.path, "candidate pose tracks must cover the same sampled frames")
    if len(candidates) == 1:
        return first
    image = np.stack([c.image_xyz for c in candidates]).astype(np.float64)  # (K, T, 33, 3)
    aspect = first.video.width / max(first.video.height, 1)
    xy = image[..., :2] * [aspect, 1.0]
    diagonal = np.linalg.norm(np.nanmax(xy, axis=2) - np.nanmin(xy, axis=2), axis=-1)  # (K, T)
    hips = xy[:, :, [first.landmark("left_hip"), first.landmark("right_hip")]].mean(axis=2)  # (K, T, 2)
    shoulders = xy[:, :, [first.landmark("left_shoulder"), first.landmark("right_shoulder")]].mean(axis=2)
    torso = np.nanmedian(np.linalg.norm(shoulders - hips, axis=-1))
    off_centre = np.linalg.norm(hips - [aspect / 2, 0.5], axis=-1)
    score = np.nan_to_num(diagonal - 0.5 * off_centre, nan=-np.inf)
    choice = _viterbi_choice(score, hips / (torso if np.isfinite(torso) and torso > 0 else 1.0))
    rows = np.arange(len(first.frames))
    picked = {
        name: np.stack([getattr(c, name) for c in candidates])[choice, rows]
        for name in ("image_xyz", "world_xyz", "visibility")
    }
    return first.model_copy(update=picked)


def _viterbi_choice(score: np.ndarray, hips: np.ndarray) -> np.ndarray:
    """Best candidate per frame maximising score minus switching cost (K candidates, T frames)."""
    n_candidates, n_frames = score.shape
    total = score[:, 0].copy()
    back = np.zeros((n_frames, n_candidates), dtype=np.int64)
    for t in range(1, n_frames):
        jump = np.linalg.norm(hips[:, t - 1][:, None] - hips[:, t][None, :], axis=-1)
        transition = total[:, None] - SWITCH_COST * np.nan_to_num(jump, nan=0.0)
        transition[np.arange(n_candidates), np.arange(n_candidates)] = total
        back[t] = np.argmax(transition, axis=0)
        total = transition[back[t], np.arange(n_candidates)] + score[:, t]
    path = np.zeros(n_frames, dtype=np.int64)
    path[-1] = int(np.argmax(total))
    for t in range(n_frames - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def resample_track(track: PoseTrack, rows: np.ndarray) -> PoseTrack:
    """The track read at fractional sample rows (linear interpolation), re-timed at its own sampling
    step: a known time warp of a real performance, for testing and benchmarking alignment."""
    times = track.timestamps
    step = float(times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 0.0
    rows = np.clip(np.asarray(rows, dtype=np.float64), 0, len(times) - 1)
    lower = np.floor(rows).astype(int)
    upper = np.minimum(lower + 1, len(times) - 1)
    weight = (rows - lower)[:, None, None]

    def resample(values: np.ndarray) -> np.ndarray:
        return ((1 - weight) * values[lower] + weight * values[upper]).astype(np.float32)

    return track.model_copy(
        update={
            "frames": [FrameSample(index=k, timestamp=k * step) for k in range(len(rows))],
            "image_xyz": resample(track.image_xyz),
            "world_xyz": resample(track.world_xyz),
            "visibility": resample(track.visibility[..., None])[..., 0],
        }
    )
