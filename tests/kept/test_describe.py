"""Reasoning path + score shares -> kinematic facts -> template sentences, on hand-made measurements,
and the shares of a real (untrained) model on real tracks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from actiondiff.config import Config, KeptConfig
from actiondiff.kept.dataset import load_track
from actiondiff.kept.describe import (
    pair_path,
    phase_name,
    score_shares,
    template_description,
    verbalise,
    verdict,
)
from actiondiff.kept.features import PerformanceFeatures, performance_features, stack_features, with_joint_of
from actiondiff.kept.model import SPORTS_KEYPOINTS, KeptModel
from actiondiff.kept.train import model_spec
from actiondiff.kept.tree import JOINT_SETS, enumerate_paths
from tests.kept.conftest import TINY

JOINTS = ("elbow", "shoulder", "hip", "knee")


def performance(knee_bottom: float) -> PerformanceFeatures:
    angles = np.full((2, 4), 150.0)
    angles[1, 3] = knee_bottom
    measures = np.tile([100.0, 50.0, 90.0, 5.0], (4, 1))
    measures[3, 0] = knee_bottom
    return PerformanceFeatures(
        nodes=np.zeros((4, 4, 8)),
        visual=np.zeros((4, 68)),
        keypoints=np.zeros((2, 12, 3)),
        angles=angles,
        measures=measures,
        duration_s=4.0,
    )


def test_phase_names_say_where_in_the_movement() -> None:
    assert phase_name(0, 4) == "early in the movement (0-25%)"
    assert phase_name(1, 2) == "late in the movement (50-100%)"
    assert phase_name(1, 3).startswith("midway through")


def test_the_facts_are_the_path_joints_that_carry_the_score_with_their_measured_numbers() -> None:
    tokens = np.zeros((2, len(SPORTS_KEYPOINTS), 4))
    tokens[1, [i for i, name in enumerate(SPORTS_KEYPOINTS) if name.endswith("_knee")]] = 3.0
    shares = np.array([0.1, 0.9, 0.2, 1.5])  # elbow, shoulder, hip, knee
    a, b = performance(80.0), performance(120.0)
    facts = verbalise(tokens, SPORTS_KEYPOINTS, JOINTS, a, b, path=[2, 3, 0], shares=shares, limit=3)
    # the shoulder carries more than the hip but is not on the path; the hip is under half the knee's share
    assert [f.joint for f in facts] == ["knee"]
    knee = facts[0]
    assert knee.share == 1.5 and knee.segment == 1 and (knee.angle_a, knee.angle_b) == (80.0, 120.0)
    assert knee.a.low_angle == 80.0 and knee.b.low_angle == 120.0 and knee.a.peak_speed == 90.0
    text = template_description(facts, 7.5, 5.0, "squat", margin=0.4)
    assert text.startswith("Performer A performs the squat better than Performer B (7.5 vs 5.0).")
    assert "At the knees, which carry 1.5 points in favour of Performer A" in text
    assert "for Performer A the knees bend to 80 degrees" in text and "they bend to 120 degrees" in text
    assert "They differ most late in the movement (50-100%) (80 against 120 degrees)." in text
    assert text.endswith("Performer A performs better overall.")
    both = verbalise(tokens, SPORTS_KEYPOINTS, JOINTS, a, b, path=[1, 3, 0], shares=shares, limit=3)
    assert [f.joint for f in both] == ["knee", "shoulder"], "largest share first, from the path only"
    assert len(verbalise(tokens, SPORTS_KEYPOINTS, JOINTS, a, b, [1, 3, 0], shares, limit=1)) == 1


@pytest.mark.parametrize(("score_b", "expected"), [(6.3, None), (5.4, "A"), (7.1, "B")])
def test_a_gap_within_the_models_error_is_no_clear_difference(score_b: float, expected: str | None) -> None:
    assert verdict(6.0, score_b, margin=0.5) == expected
    text = template_description([], 6.0, score_b, "lunge", margin=0.5)
    if expected is None:
        assert text.startswith("There is no clear difference between Performer A and Performer B")
        assert "within the model's error of 0.5 points" in text and "performs better" not in text
    else:
        assert f"Performer {expected} performs better overall." in text


def test_the_pair_path_is_the_one_both_performers_rate_highest() -> None:
    paths = enumerate_paths(4, 3)
    q_a, q_b = torch.zeros(len(paths)), torch.zeros(len(paths))
    q_a[5], q_b[5], q_a[2] = 0.6, 0.6, 0.9  # path 5 leads on the sum, path 2 only for A
    assert pair_path(q_a, q_b, paths) == [node - 1 for node in paths[5].tolist()[1:]]


def test_a_joint_that_alone_differs_carries_the_whole_score_gap(config: Config) -> None:
    track = load_track(TINY / "tracks" / "squat_a.json.gz", config)
    other = load_track(TINY / "tracks" / "squat_b.json.gz", config)
    joints = JOINT_SETS["sports"]
    a = performance_features(track, joints, SPORTS_KEYPOINTS, 8, 2)
    knees = [p for p, name in enumerate(SPORTS_KEYPOINTS) if name.endswith("_knee")]
    b = with_joint_of(a, performance_features(other, joints, SPORTS_KEYPOINTS, 8, 2), 3, knees)
    torch.manual_seed(0)
    spec = model_spec(KeptConfig(keyframes=8, segments=2, dim=16, token_dim=8, heads=2), 8, 68, 12)
    model = KeptModel(spec)
    model.set_normalisation(stack_features([a, b]), torch.tensor([2.0, 9.0]), torch.randn(12))
    model.eval()
    with torch.no_grad():
        scores = model.denormalise_scores(model.perform(stack_features([a, b])).score)
    shares = score_shares(model, a, b)
    assert abs(float(scores[0] - scores[1])) > 1e-4, "the knee inputs must move the untrained score"
    assert shares[3] == pytest.approx(float(scores[0] - scores[1]), abs=1e-5)
    np.testing.assert_allclose(shares[:3], 0.0, atol=1e-5)
