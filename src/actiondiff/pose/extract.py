"""Pose for a whole video: sample, run the estimator, cache the track by file content."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from pathlib import Path

from actiondiff.config import Config
from actiondiff.models import FrameSample, PoseTrack, VideoInfo
from actiondiff.pose.estimator import MODEL_NAME, MediaPipePoseEstimator
from actiondiff.storage import DiskCache, content_key
from actiondiff.video import Frame, Sampling, file_digest, probe, sample_frames


def pose_sampling(config: Config) -> Sampling:
    return Sampling(fps=config.pose.fps, max_side=config.pose.max_side)


def extract_pose(
    path: str | Path,
    config: Config | None = None,
    sampling: Sampling | None = None,
    on_frame: Callable[[FrameSample], None] | None = None,
    *,
    info: VideoInfo | None = None,
    frames: Iterable[Frame] | None = None,
) -> PoseTrack:
    """The pose track of a video, from the cache when the same file was sampled the same way.

    `info` saves probing the video again; `frames` (the sampling's frames from a shared decoding pass)
    replace decoding here, and are not touched on a cache hit.
    """
    config = config or Config()
    sampling = sampling or pose_sampling(config)
    info = info or probe(path)
    estimator = MediaPipePoseEstimator(model_complexity=config.pose.model_complexity)
    cache = DiskCache(config.cache_dir, "pose")
    key = pose_cache_key(file_digest(path), config, sampling)
    if config.use_cache and (cached := cache.get(key)) is not None:
        track = PoseTrack.model_validate_json(gzip.decompress(cached))
        return track.model_copy(update={"video": info})
    frames = frames if frames is not None else sample_frames(path, sampling, info)
    track = estimator.track(info, frames, on_frame=on_frame)
    stored = track.model_dump_json()
    if config.use_cache:
        cache.put(key, gzip.compress(stored.encode("utf-8"), compresslevel=5))
    # the track as the cache gives it back (JSON keeps 5 decimals), so that no result depends on
    # whether its pose was just computed or read from the cache (on this or another machine)
    return PoseTrack.model_validate_json(stored)


def pose_cache_key(digest: str, config: Config, sampling: Sampling | None = None) -> str:
    """The pose cache's key of a file with this content (`file_digest`) posed with these settings."""
    sampling = sampling or pose_sampling(config)
    return content_key(digest, sampling.key, MODEL_NAME, str(config.pose.model_complexity))


def expected_frames(path: str | Path, config: Config, sampling: Sampling | None = None) -> int:
    """How many frames `extract_pose` will look at (for progress bars)."""
    return len((sampling or pose_sampling(config)).target_times(probe(path)))
