"""Pose for a whole video: sample, run the estimator, cache the track by file content."""

from __future__ import annotations

import functools
import gzip
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np

from actiondiff.config import Config
from actiondiff.models import FrameSample, PersonSeen, PoseTrack, VideoInfo
from actiondiff.pose.estimator import MediaPipePoseEstimator
from actiondiff.pose.people import PEOPLE_VERSION, seen
from actiondiff.storage import DiskCache, content_key
from actiondiff.video import Frame, Sampling, file_digest, probe, sample_frames

DENSE_FPS = 30.0
"""Highest rate chosen for pose: timing read to 0.033 s, finer than any quantity's margin needs."""
SPARSE_FPS = 10.0
"""Lowest rate chosen for pose, however long the video: a repetition still has a dozen samples."""


def pose_sampling(config: Config, info: VideoInfo) -> Sampling:
    """The pose samples of a video: `pose.fps` when set, else its frame budget spread over the video
    (every frame of a short clip up to `DENSE_FPS`, never sparser than `SPARSE_FPS`)."""
    fps = config.pose.fps
    if fps is None:
        budget_fps = config.pose.frame_budget / max(info.duration_s, 1e-6)
        fps = min(dense_fps(info), max(SPARSE_FPS, budget_fps))
    return Sampling(fps=fps, max_side=config.pose.max_side)


def dense_fps(info: VideoInfo) -> float:
    """The rate a short clip is posed at: every frame, up to `DENSE_FPS`."""
    return min(info.fps or DENSE_FPS, DENSE_FPS)


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
    info = info or probe(path)
    sampling = sampling or pose_sampling(config, info)
    estimator = pose_estimator(config)
    cache = DiskCache(config.cache_dir, "pose")
    key = pose_cache_key(file_digest(path), config, sampling)
    if config.use_cache and (cached := cache.get(key)) is not None:
        track = PoseTrack.model_validate_json(gzip.decompress(cached))
        return track.model_copy(update={"video": info})
    frames = frames if frames is not None else sample_frames(path, sampling, info)
    track = estimator.track(info, frames, on_frame=on_frame, performer=config.pose.performer)
    stored = track.model_dump_json()
    if config.use_cache:
        cache.put(key, gzip.compress(stored.encode("utf-8"), compresslevel=5))
    # the track as the cache gives it back (JSON keeps 5 decimals), so that no result depends on
    # whether its pose was just computed or read from the cache (on this or another machine)
    return PoseTrack.model_validate_json(stored)


def pose_cache_key(digest: str, config: Config, sampling: Sampling) -> str:
    """The pose cache's key of a file with this content (`file_digest`) posed with these settings."""
    pose = config.pose
    picked = () if pose.performer is None else (f"performer {pose.performer[0]:.4f},{pose.performer[1]:.4f}",)
    return content_key(
        digest, sampling.key, pose_estimator(config).name, str(pose.model_complexity), str(pose.people),
        PEOPLE_VERSION, *picked,
    )  # fmt: skip


MOST_PEOPLE = 4
"""Most people `people_in_picture` looks for (as many as `pose.people` can follow)."""


def people_in_picture(image: np.ndarray, config: Config) -> list[PersonSeen]:
    """The people in one picture (a video's first frame, for the user to pick the athlete from), at the
    size pose sees it (`pose.max_side`), largest x most central first; `score` is height x centrality
    (`detection_rate` 1), the rule a comparison applies over the first second."""
    height, width = image.shape[:2]
    scale = min(1.0, config.pose.max_side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    found = pose_estimator(config).people_in(np.ascontiguousarray(image), MOST_PEOPLE)
    figures = [seen([body], width / height) for body in found]
    return sorted(figures, key=lambda person: -person.score)


def pose_estimator(config: Config) -> MediaPipePoseEstimator:
    """The pose model these settings ask for, one per process (its graphs serve every video)."""
    pose = config.pose
    return _estimator(pose.model_complexity, pose.flip_test, pose.people)


@functools.cache
def _estimator(model_complexity: int, flip_test: bool, people: int) -> MediaPipePoseEstimator:
    return MediaPipePoseEstimator(model_complexity=model_complexity, flip_test=flip_test, people=people)


def expected_frames(path: str | Path, config: Config, sampling: Sampling | None = None) -> int:
    """How many frames `extract_pose` will look at (for progress bars)."""
    info = probe(path)
    return len((sampling or pose_sampling(config, info)).target_times(info))
