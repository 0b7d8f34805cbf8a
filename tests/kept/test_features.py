"""KEPT inputs from real pose tracks: node features from kinematics, pose-only or frame-embedder f_V."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.backends.embedders import ClipEmbedder
from actiondiff.config import Config, KeptConfig
from actiondiff.errors import InputError
from actiondiff.kept.dataset import load_track
from actiondiff.kept.features import MEASURES, performance_features, stack_features, with_joint_of
from actiondiff.kept.model import SPORTS_KEYPOINTS, KeptModel
from actiondiff.kept.train import features_for, model_spec
from actiondiff.kept.tree import JOINT_SETS
from actiondiff.kinematics import compute_features
from actiondiff.video import probe
from tests.conftest import VideoFactory
from tests.kept.conftest import TINY
from tests.support.tiny_clip import tiny_clip

TRACK = TINY / "tracks" / "squat_a.json.gz"
JOINTS = JOINT_SETS["sports"]


def test_pose_only_features_have_the_documented_shapes_and_values(config: Config) -> None:
    track = load_track(TRACK, config)
    features = performance_features(track, JOINTS, SPORTS_KEYPOINTS, keyframes=16, segments=4)
    assert features.nodes.shape == (16, 4, 8)  # (left, right) x (angle, speed, x, y) per joint
    assert features.visual.shape == (16, 4 * 8 + 12 * 3)
    assert features.keypoints.shape == (4, 12, 3) and features.angles.shape == (4, 4)
    assert np.isfinite(features.visual).all() and np.isfinite(features.keypoints).all()
    knee = compute_features(track).bilateral("knee_angle")
    # the deepest keyframe segment's mean knee angle lies within the measured range
    assert np.nanmin(knee) - 1 <= features.angles[:, 3].min() <= np.nanmax(knee) + 1
    assert features.duration_s == pytest.approx(track.timestamps[-1] - track.timestamps[0])


def test_a_frame_embedder_supplies_the_visual_features(
    tmp_path: Path, make_video: VideoFactory, config: Config
) -> None:
    clip = ClipEmbedder(tiny_clip(tmp_path / "clip"))
    track = load_track(TRACK, config)
    video = make_video("performance.mp4", n_frames=int(track.timestamps[-1] * 10) + 5, fps=10)
    track = track.model_copy(update={"video": probe(video)})
    features = performance_features(track, JOINTS, SPORTS_KEYPOINTS, 8, 2, frame_embedder=clip)
    assert features.visual.shape == (8, 16)
    norms = np.linalg.norm(features.visual, axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-4)
    scoring = KeptConfig(keyframes=8, segments=2, dim=16, token_dim=8, heads=2)
    spec = model_spec(scoring, features.nodes.shape[-1], 16, text_dim=12, visual=clip.name)
    out = KeptModel(spec).perform(stack_features([features, features]))
    assert out.score.shape == (2,) and spec.visual == clip.name


def test_a_frame_embedder_refuses_pose_track_media(tmp_path: Path, config: Config) -> None:
    clip = ClipEmbedder(tiny_clip(tmp_path / "clip"))
    with pytest.raises(InputError, match="needs videos"):
        features_for(TRACK, KeptConfig(), config, clip)


def test_joint_measures_are_the_documented_percentiles_of_the_track(config: Config) -> None:
    track = load_track(TRACK, config)
    features = performance_features(track, JOINTS, SPORTS_KEYPOINTS, keyframes=8, segments=2)
    kin = compute_features(track)
    knee = kin.bilateral("knee_angle")
    low, high = np.nanpercentile(knee, [5, 95])
    expected = [low, high - low, np.nanpercentile(np.abs(kin.bilateral("knee_angle_speed")), 90)]
    assert dict(zip(MEASURES, features.measures[3], strict=True))["low_angle"] == pytest.approx(low)
    np.testing.assert_allclose(features.measures[3, :3], expected)
    assert features.measures[3, 3] == pytest.approx(np.nanmedian(kin["knee_asymmetry"]))


def test_taking_one_joint_from_another_performer_changes_only_that_joints_inputs(config: Config) -> None:
    a, b = (
        performance_features(load_track(TINY / "tracks" / name, config), JOINTS, SPORTS_KEYPOINTS, 8, 2)
        for name in ("squat_a.json.gz", "squat_b.json.gz")
    )
    knees = [p for p, name in enumerate(SPORTS_KEYPOINTS) if name.endswith("_knee")]
    mixed = with_joint_of(a, b, 3, knees)
    np.testing.assert_array_equal(mixed.nodes[:, 3], b.nodes[:, 3])
    np.testing.assert_array_equal(mixed.nodes[:, :3], a.nodes[:, :3])
    np.testing.assert_array_equal(mixed.keypoints[:, knees], b.keypoints[:, knees])
    others = [p for p in range(len(SPORTS_KEYPOINTS)) if p not in knees]
    np.testing.assert_array_equal(mixed.keypoints[:, others], a.keypoints[:, others])
    # pose-only f_V keeps its layout: every node, then every keypoint position of the keyframe
    np.testing.assert_array_equal(mixed.visual[:, :32], mixed.nodes.reshape(8, -1))
    points = mixed.visual[:, 32:].reshape(8, 12, 3)
    np.testing.assert_array_equal(points[:, knees], b.visual[:, 32:].reshape(8, 12, 3)[:, knees])
    np.testing.assert_array_equal(points[:, others], a.visual[:, 32:].reshape(8, 12, 3)[:, others])
    assert np.array_equal(mixed.measures, a.measures), "the quoted measures stay the performer's own"
