"""Turn raw pose tracks into usable signals: fill short gaps, smooth jitter, resample in time.

A `PoseTrack` holds one performer (`actiondiff.pose.people` chooses it when several people show).
"""

from __future__ import annotations

import numpy as np

from actiondiff.models import FrameSample, HandTrack, PoseTrack

MAX_GAP_S = 0.4
"""Gaps (frames without a body) up to this long are filled by linear interpolation."""
SMOOTH_WINDOW_S = 0.3
"""Savitzky–Golay window length; polynomial order 2 keeps turning points (squat bottoms) sharp."""
MAD_TO_SD = 1.4826
FROZEN_RELATIVE = 1e-6
"""A residual this small relative to its value is rounding (a repeated frame posed alike), not jitter:
MediaPipe's jitter is around 1e-3 of a value, float32 rounding 1e-7."""


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
    hands = {} if track.hands is None else {"hands": _clean_hands(track.hands, times, max_gap, window)}
    return track.model_copy(update={**arrays, **hands})


def _clean_hands(hands: HandTrack, times: np.ndarray, max_gap: int, window: int) -> HandTrack:
    """The hands with short gaps filled and jitter smoothed like the body's, each hand on its own."""
    arrays = {}
    for name in ("image_xyz", "world_xyz"):
        values = np.array(getattr(hands, name), dtype=np.float64)
        for side in range(values.shape[1]):
            flat = _fill_gaps(values[:, side].reshape(len(times), -1), times, max_gap)
            values[:, side] = _smooth_runs(flat, window).reshape(values[:, side].shape)
        arrays[name] = values.astype(np.float32)
    return hands.model_copy(update=arrays)


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


def savgol(values: np.ndarray, window: int) -> np.ndarray:
    """A quadratic Savitzky-Golay smoothing down the rows (an odd `window` of at most the rows): each
    inner row the least-squares parabola's value at its centre, the first and last `window // 2` rows
    that of the parabola fitted to the first or last window (scipy's "interp" mode, without
    importing scipy.signal, half a second of a cold compare)."""
    data = np.asarray(values, dtype=np.float64)
    rows, half = len(data), window // 2
    if window % 2 == 0 or window > rows:
        raise ValueError(f"savgol: window {window} must be odd and at most the {rows} rows")
    flat = data.reshape(rows, -1)
    fit = np.linalg.pinv(np.vander(np.arange(-half, half + 1), 3, increasing=True))  # (3, window)
    out = np.empty_like(flat)
    out[half : rows - half] = np.lib.stride_tricks.sliding_window_view(flat, window, axis=0) @ fit[0]
    before, after = (np.vander(np.arange(*ends), 3, increasing=True) for ends in ((-half, 0), (1, half + 1)))
    out[:half] = before @ (fit @ flat[:window])
    out[rows - half :] = after @ (fit @ flat[rows - window :])
    return out.reshape(data.shape)


def _smooth_runs(values: np.ndarray, window: int) -> np.ndarray:
    out = values.copy()
    for start, end in _runs(~np.isnan(values[:, 0])):
        if end - start >= window:
            out[start:end] = savgol(values[start:end], window)
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open [start, end) intervals where `mask` is True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


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


def robust_spread(off: np.ndarray, values: np.ndarray) -> float:
    """1.4826 x the median absolute deviation of `off` (a residual of `values`) over the rows that
    moved: a frozen stretch (a held frame repeated; only rounding left) shows no jitter and would
    pull the median to zero. 0 when no row moved."""
    moved = np.isfinite(off) & (np.abs(off) > FROZEN_RELATIVE * (1.0 + np.abs(np.nan_to_num(values))))
    if not moved.any():
        return 0.0
    kept = off[moved]
    return float(MAD_TO_SD * np.median(np.abs(kept - np.median(kept))))
