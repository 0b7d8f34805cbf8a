"""Real footage: a video over the frame budget is posed densely over its movement, held where still
(a small budget makes the 2.7-s held copy of a clip a long video)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.config import Config
from actiondiff.eval.invariance import case_named, case_videos
from actiondiff.kinematics.phases import movement_onset
from actiondiff.pipeline.performance import FrameSource, observe, observe_clip
from actiondiff.pose import pose_sampling
from actiondiff.pose.extract import DENSE_FPS
from actiondiff.video import probe

pytestmark = pytest.mark.real


def test_a_long_video_is_posed_densely_over_its_movement(
    real_clips: list[Path], offline_config: Config, real_edits: Path
) -> None:
    clip = real_clips[0]
    _, held = case_videos(case_named("held lead-in 1 s"), clip, real_clips, real_edits)
    config = offline_config.model_copy(deep=True)
    config.pose.frame_budget = 40  # 15 fps over the 2.7-s copy
    config.pose.flip_test = False  # half the pose time
    info = probe(held)
    source = FrameSource(info, pose_sampling(config, info), keep_pose_images=True)
    track, held_features = observe(held, source, config)
    steps = np.diff(track.timestamps)
    assert np.allclose(steps, 1 / DENSE_FPS, atol=2e-4), (steps.min(), steps.max())
    still = [s.timestamp for s in track.frames if s.held_from is not None]
    assert min(still) == 0.0 and not [t for t in still if 0.6 < t < 2.6], still  # moving from 1.07 s
    assert len({s.held_from for s in track.frames if s.held_from is not None}) < len(still) / 1.5
    images = source.pose_images({0, 40})  # a held row shows the frame it was posed on
    assert set(images) == {0, 40} and images[0].shape == images[40].shape

    dense = observe_clip(clip, offline_config)[1]  # posed densely by the suite already
    onset, onset_held = movement_onset(dense), movement_onset(held_features)
    assert onset is not None and onset_held is not None
    assert abs(onset_held - onset - 1.0) <= 0.1, (onset, onset_held)  # as posed densely
