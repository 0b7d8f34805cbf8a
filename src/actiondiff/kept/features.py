"""KEPT inputs of one performance: keyframe node features, visual features, segment keypoints.

Everything comes from `actiondiff.kinematics` (cleaned pose -> angle, angular speed, position per joint),
resampled to N evenly spaced keyframes and cut into S equal segments (section 3.4's video segments).
The per-keyframe visual features f_V of Eq. 2 come from a frame embedder backend when one is configured,
else they are pose-only: all joint nodes and keypoint positions of the keyframe, flattened.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from actiondiff.backends.base import FrameTextEmbedder
from actiondiff.errors import VideoError
from actiondiff.kept.model import PerformanceBatch
from actiondiff.kept.tree import SIDES, side_names
from actiondiff.kinematics import KinematicFeatures, compute_features
from actiondiff.models import PoseTrack
from actiondiff.video import Sampling, read_frames

MEASURES = ("low_angle", "angle_range", "peak_speed", "asymmetry")
"""Whole-movement measures of each tree joint the descriptions quote (`PerformanceFeatures.measures`):
5th-percentile angle, 95th minus 5th percentile angle, 90th-percentile absolute angular speed (both
sides averaged) and median left-right angle difference; degrees and degrees/s."""


@dataclass(frozen=True)
class PerformanceFeatures:
    """Model inputs (raw units) plus the measurements the description facts quote."""

    nodes: np.ndarray  # (N, J, 2F): each tree joint's left and right (angle, speed, x, y)
    visual: np.ndarray  # (N, Dv) f_V: pose-only (nodes, then keypoint positions) or frame embeddings
    keypoints: np.ndarray  # (S, P, 3) mean world position of each keypoint per segment (metres, y up)
    angles: np.ndarray  # (S, J) mean joint angle per segment, degrees (both sides averaged)
    measures: np.ndarray  # (J, len(MEASURES)) whole-movement measures of each tree joint
    duration_s: float
    pose_visual: bool = True  # f_V is the pose-only layout (so a joint's columns can be swapped)


def performance_features(
    track: PoseTrack,
    joints: Sequence[str],
    keypoints: Sequence[str],
    keyframes: int,
    segments: int,
    frame_embedder: FrameTextEmbedder | None = None,
) -> PerformanceFeatures:
    """Compute kinematics of a pose track and sample them at `keyframes` times in `segments` segments.

    With a frame embedder, f_V is the embedding of the video frame at each keyframe time (E_V of Eq. 2);
    the track's video must then be readable.
    """
    kin = compute_features(track)
    nodes = _keyframes(kin.node_features(side_names(joints)), keyframes)  # (N, 2J, F)
    nodes = nodes.reshape(keyframes, len(joints), len(SIDES) * nodes.shape[-1])
    points = _keyframes(_world_points(kin, keypoints), keyframes)  # (N, P, 3)
    if frame_embedder is None:
        visual = np.concatenate([nodes.reshape(keyframes, -1), points.reshape(keyframes, -1)], axis=1)
    else:
        visual = keyframe_embeddings(track, keyframes, frame_embedder)
    per_segment = keyframes // segments
    angle = np.stack([kin.bilateral(f"{j}_angle") for j in joints], axis=1)[:, :, None]
    duration = float(kin.timestamps[-1] - kin.timestamps[0]) if len(kin) > 1 else 0.0
    return PerformanceFeatures(
        nodes=nodes.astype(np.float32),
        visual=visual.astype(np.float32),
        keypoints=points.reshape(segments, per_segment, len(keypoints), 3).mean(axis=1).astype(np.float32),
        angles=_keyframes(angle, keyframes)[:, :, 0].reshape(segments, per_segment, -1).mean(axis=1),
        measures=np.array([_joint_measures(kin, joint) for joint in joints]),
        duration_s=duration,
        pose_visual=frame_embedder is None,
    )


def _joint_measures(kin: KinematicFeatures, joint: str) -> list[float]:
    """`MEASURES` of one joint over the whole track (0 where the joint is never seen)."""
    angle, speed = kin.bilateral(f"{joint}_angle"), np.abs(kin.bilateral(f"{joint}_angle_speed"))
    if np.isnan(angle).all():
        return [0.0] * len(MEASURES)
    low, high = np.nanpercentile(angle, [5, 95])
    asymmetry = kin[f"{joint}_asymmetry"]
    return [
        float(low),
        float(high - low),
        float(np.nanpercentile(speed, 90)) if not np.isnan(speed).all() else 0.0,
        float(np.nanmedian(asymmetry)) if not np.isnan(asymmetry).all() else 0.0,
    ]


def with_joint_of(
    target: PerformanceFeatures, source: PerformanceFeatures, joint: int, keypoint_columns: Sequence[int]
) -> PerformanceFeatures:
    """`target` with one tree joint's model inputs taken from `source`: its node features, its
    keypoints, and (pose-only f_V) the same columns of f_V; a frame embedding is left as it is."""
    nodes, keypoints, visual = target.nodes.copy(), target.keypoints.copy(), target.visual.copy()
    nodes[:, joint] = source.nodes[:, joint]
    columns = list(keypoint_columns)
    keypoints[:, columns] = source.keypoints[:, columns]
    if target.pose_visual and source.pose_visual:
        width = nodes.shape[-1]
        swapped = [joint * width + k for k in range(width)]
        swapped += [nodes.shape[1] * width + 3 * p + k for p in columns for k in range(3)]
        visual[:, swapped] = source.visual[:, swapped]
    return dataclasses.replace(target, nodes=nodes, keypoints=keypoints, visual=visual)


def stack_features(features: Sequence[PerformanceFeatures]) -> PerformanceBatch:
    return PerformanceBatch(
        nodes=torch.from_numpy(np.stack([f.nodes for f in features])),
        visual=torch.from_numpy(np.stack([f.visual for f in features])),
        keypoints=torch.from_numpy(np.stack([f.keypoints for f in features])),
    )


def keyframe_embeddings(track: PoseTrack, keyframes: int, embedder: FrameTextEmbedder) -> np.ndarray:
    """(N, D) frame embeddings of the track's video at its N keyframe times."""
    times = _keyframes(track.timestamps[:, None], keyframes)[:, 0]
    info = track.video
    end = min(float(times[-1]) + 1.0 / max(info.fps, 1e-6), info.duration_s)
    sampling = Sampling(count=keyframes, start_s=float(times[0]), end_s=end)
    frames = read_frames(info.path, sampling)
    if not frames:
        raise VideoError(info.path, "no frames could be read at the keyframe times")
    images = [frame.image for frame in frames]
    images += images[-1:] * (keyframes - len(images))
    return np.asarray(embedder.embed_images(images[:keyframes]), dtype=np.float32)


def _world_points(kin: KinematicFeatures, names: Sequence[str]) -> np.ndarray:
    return np.stack([np.stack([kin[f"{n}_w{axis}"] for axis in "xyz"], axis=-1) for n in names], axis=1)


def _keyframes(values: np.ndarray, count: int) -> np.ndarray:
    """Linear resampling of (T, ...) values to `count` evenly spaced rows; gaps are interpolated over,
    and a signal never seen becomes 0 (the model's input normalisation then treats it as average)."""
    rows = values.reshape(len(values), -1)
    if len(rows) == 0:
        return np.zeros((count, *values.shape[1:]))
    target = np.linspace(0.0, len(rows) - 1, count)
    out = np.zeros((count, rows.shape[1]))
    for column in range(rows.shape[1]):
        seen = ~np.isnan(rows[:, column])
        if seen.any():
            out[:, column] = np.interp(target, np.flatnonzero(seen), rows[seen, column])
    return out.reshape(count, *values.shape[1:])
