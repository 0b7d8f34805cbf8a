"""Turn raw pose tracks into usable signals: find camera cuts, fill short gaps, smooth jitter (each
shot on its own), resample in time.

A `PoseTrack` holds one performer (`actiondiff.pose.people` chooses it when several people show).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from actiondiff.models import FrameSample, HandTrack, PoseTrack

MAX_GAP_S = 0.4
"""Gaps (frames without a body) up to this long are filled by linear interpolation."""
SMOOTH_WINDOW_S = 0.3
"""Savitzky–Golay window length; polynomial order 2 keeps turning points (squat bottoms) sharp."""
MAD_TO_SD = 1.4826
COLLAPSED_SHOULDERS = 0.3
"""A pose whose world shoulder width is under this share of the track's median is a body collapsed onto
one line, not a turn (world landmarks keep a sideways body's width in depth): pose2sim's two-person
cam02 posed a walker turning round at 0.02 m for single frames against his 0.33 m, and every ratio to
the shoulder width jumped fivefold there."""
FROZEN_RELATIVE = 1e-6
"""A residual this small relative to its value is rounding (a repeated frame posed alike), not jitter:
MediaPipe's jitter is around 1e-3 of a value, float32 rounding 1e-7."""


def clean_track(
    track: PoseTrack,
    *,
    max_gap_s: float = MAX_GAP_S,
    window_s: float = SMOOTH_WINDOW_S,
    cuts: Sequence[int] = (),
) -> PoseTrack:
    """A copy of `track` with collapsed poses dropped (`collapsed_rows`), short gaps interpolated and
    jitter smoothed (Savitzky–Golay, order 2).

    Longer gaps stay NaN. Each run of detected frames is smoothed on its own, over time measured in
    samples, so the window adapts to the sampling rate (at least 5 samples, else left unsmoothed;
    `window_s` 0: not smoothed at all). A run also ends at each camera cut (`cuts`, rows where a new
    shot starts): nothing is filled or smoothed across one.
    """
    if len(track.frames) == 0:
        return track
    collapsed = collapsed_rows(track)
    times = track.timestamps
    step = float(times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else 1.0
    max_gap = max(1, round(max_gap_s / step)) if step > 0 else 1
    window = max(5, 2 * (round(window_s / step) // 2) + 1) if step > 0 else 5
    edges = [0, *sorted(c for c in cuts if 0 < c < len(times)), len(times)]
    arrays = {}
    for name in ("image_xyz", "world_xyz", "visibility"):
        values = np.array(getattr(track, name), dtype=np.float64)
        flat = values.reshape(len(times), -1)
        if name != "visibility":
            flat[collapsed] = np.nan  # dropped, then filled from the poses around like a missed frame
        for start, end in pairwise(edges):
            shot = _fill_gaps(flat[start:end], times[start:end], max_gap)
            flat[start:end] = shot if name == "visibility" or window_s <= 0 else _smooth_runs(shot, window)
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


def collapsed_rows(track: PoseTrack) -> np.ndarray:
    """Per row, whether its pose collapsed: world shoulder width under `COLLAPSED_SHOULDERS` of the
    track's median."""
    world = np.asarray(track.world_xyz, dtype=np.float64)
    names = track.landmark_names
    width = np.linalg.norm(
        world[:, names.index("left_shoulder")] - world[:, names.index("right_shoulder")], axis=-1
    )
    seen = width[np.isfinite(width)]
    if not seen.size:
        return np.zeros(len(width), dtype=bool)
    return np.isfinite(width) & (width < COLLAPSED_SHOULDERS * float(np.median(seen)))


CUT_SCALE = 0.15
"""Least jump of the body's size in the picture (log of the torso length in pixels) in one sample that is
a camera cut: a real clip's largest step was 0.05, a cut between two of its cameras 0.22."""
CUT_SHIFT = 0.75
"""Least jump of the hip centre in one sample (torso lengths) that is a camera cut."""
CUT_CONTRAST = 4.0
"""A cut's jump is at least this many times the median step around it (a fast movement moves every step)."""
CUT_CONTEXT = 3
"""Samples on each side a jump is compared with; the levels either side must differ by as much, so one
misdetected frame is not a cut."""
SHOT_S = 1.0
"""A cut has a steady shot on each side: no other jump of half its size within this long. A body that
flickers while it walks into or out of the picture (a dark push-up clip: thirteen such jumps in its
first 2 s and last 3 s, none a cut) is not cut."""


def camera_cuts(track: PoseTrack) -> list[int]:
    """Rows where the video cuts to another camera or framing, from the raw track: the body's size or
    place in the picture jumps at once (`CUT_SCALE`, `CUT_SHIFT`), far more than in the steps around
    it, and stays, with a steady shot on each side (`SHOT_S`). A pose missing over a gap is bridged
    (read between the poses either side)."""
    if not len(track.frames):
        return []
    pixels = np.asarray(track.image_xyz, dtype=np.float64)[:, :, :2] * [track.video.width, track.video.height]
    names = track.landmark_names

    def centre(joint: str) -> np.ndarray:
        return (pixels[:, names.index(f"left_{joint}")] + pixels[:, names.index(f"right_{joint}")]) / 2

    hips = centre("hip")
    torso = np.linalg.norm(centre("shoulder") - hips, axis=1)
    seen = np.flatnonzero(np.isfinite(torso) & (torso > 0))
    if len(seen) < 2 * CUT_CONTEXT + 2:
        return []
    size = np.log(torso[seen])
    place = hips[seen] / np.median(torso[seen])
    times = track.timestamps[seen]
    cuts = []
    for values, least in ((size[:, None], CUT_SCALE), (place, CUT_SHIFT)):
        steps = np.linalg.norm(np.diff(values, axis=0), axis=1)
        jumps = np.flatnonzero(steps >= least / 2)
        for i in np.flatnonzero(steps >= least):
            around = np.r_[steps[max(0, i - CUT_CONTEXT) : i], steps[i + 1 : i + 1 + CUT_CONTEXT]]
            before = np.median(values[max(0, i - CUT_CONTEXT + 1) : i + 1], axis=0)
            after = np.median(values[i + 1 : i + 1 + CUT_CONTEXT], axis=0)
            others = jumps[(jumps != i) & (np.abs(times[jumps] - times[i]) < SHOT_S)]
            if (
                around.size
                and steps[i] >= CUT_CONTRAST * float(np.median(around))
                and np.linalg.norm(after - before) >= least
                and not others.size
                and times[i] - times[0] >= SHOT_S / 2
                and times[-1] - times[i + 1] >= SHOT_S / 2
            ):
                cuts.append(int(seen[i + 1]))
    return sorted(set(cuts))


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
