"""Real footage: the hands are tracked beside the body on the same frames of one decoding pass when
the action reads them, cached by content, and not computed at all for a body-only action."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from actiondiff.config import Config
from actiondiff.knowledge.profile import resolve_profile
from actiondiff.pipeline.performance import FrameSource, observe
from actiondiff.pose import pose_sampling
from actiondiff.pose.hands import MediaPipeHandEstimator
from actiondiff.video import Frame, probe, sample_frames

pytestmark = pytest.mark.real


def sparse(config: Config) -> Config:
    """15 samples a second, no flip test, full resolution: the man's hands are 40 pixels across in
    the 1080 x 1920 frames, which the palm detector misses once the frame is scaled to 640, and finds
    in 12 of the 25 samples of camera 4 (at 5 samples a second a hand seen in a few rows is no more
    than a glimpse, left out as a false detection)."""
    quick = config.model_copy(deep=True)
    quick.pose.fps, quick.pose.flip_test, quick.pose.max_side = 15.0, False, 1920
    return quick


def test_hands_ride_along_with_the_body_and_come_back_from_the_cache(
    real_clips: list[Path], offline_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip, config = real_clips[3], sparse(offline_config)
    info = probe(clip)
    track, features = observe(clip, FrameSource(info, pose_sampling(config, info), hands=True), config)
    hands = track.hands
    assert hands is not None and [f.index for f in hands.frames] == [f.index for f in track.frames]
    assert hands.image_xyz.shape == (len(track.frames), 2, 21, 3)
    found = hands.found
    assert found.any(), "no hand found in any frame of the real clip"
    assert np.all((hands.confidence[found] >= 0) & (hands.confidence[found] <= 1))
    assert np.isnan(hands.image_xyz[~found]).all()
    assert hands.sides_from == "body"  # the man's wrists are seen: the body tells left from right
    assert "left_finger_flexion" in features.columns and "tap_rate" not in features.columns

    def no_tracking(*_: object, **__: object) -> None:
        raise AssertionError("the hands were tracked again instead of read from the cache")

    monkeypatch.setattr(MediaPipeHandEstimator, "track", no_tracking)
    again, _ = observe(clip, FrameSource(info, pose_sampling(config, info), hands=True), config)
    assert again.hands is not None
    np.testing.assert_array_equal(again.hands.image_xyz, hands.image_xyz)


def test_a_body_only_action_never_runs_the_hand_model(
    real_clips: list[Path], offline_config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_tracking(*_: object, **__: object) -> None:
        raise AssertionError("the hand model ran for a body-only action")

    monkeypatch.setattr(MediaPipeHandEstimator, "track", no_tracking)
    clip, config = real_clips[1], sparse(offline_config)
    info = probe(clip)
    hands = resolve_profile("squat").hands
    track, features = observe(clip, FrameSource(info, pose_sampling(config, info), hands=hands), config)
    assert track.hands is None and "finger_flexion" not in features.columns


def test_a_clip_and_its_mirror_image_go_through_the_hand_model_as_the_same_pictures(
    real_clips: list[Path], offline_config: Config
) -> None:
    """The canonical orientation: the clip is read one way and its mirror image the other, so the hand
    model sees the same pixels and the two readings are mirror images, sides swapped, to the last digit."""
    clip, config = real_clips[3], sparse(offline_config)
    info = probe(clip)
    sampling = replace(pose_sampling(config, info), fps=8.0)  # 1 s to orient, and a second more
    frames = list(itertools.islice(sample_frames(clip, sampling, info), 10))
    mirrored = [Frame(f.sample, np.ascontiguousarray(f.image[:, ::-1])) for f in frames]
    estimator = MediaPipeHandEstimator()
    one, other = estimator.track(frames), estimator.track(mirrored)
    assert {one.orientation, other.orientation} == {"as filmed", "mirrored"}
    assert one.found.any() and one.pictures_held < 0.1
    np.testing.assert_array_equal(one.found, other.found[:, ::-1])
    back = other.image_xyz[:, ::-1].copy()
    back[..., 0] = 1.0 - back[..., 0]
    np.testing.assert_allclose(one.image_xyz, back, atol=1e-6)


def test_a_clip_that_is_its_own_mirror_image_is_flip_tested(
    real_clips: list[Path], offline_config: Config
) -> None:
    """No orientation to tell (the left half mirrored onto the right): each frame is read both ways."""
    clip = real_clips[3]
    info = probe(clip)
    sampling = replace(pose_sampling(offline_config, info), fps=8.0)
    frames = list(itertools.islice(sample_frames(clip, sampling, info), 10))
    half = frames[0].image.shape[1] // 2
    symmetric = [Frame(f.sample, np.concatenate([f.image[:, :half], f.image[:, :half][:, ::-1]], axis=1))
                 for f in frames]  # fmt: skip
    hands = MediaPipeHandEstimator().track(symmetric)
    assert hands.orientation == "flip-tested" and hands.image_xyz.shape == (10, 2, 21, 3)
