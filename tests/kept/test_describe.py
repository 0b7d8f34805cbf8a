"""Graph tokens -> kinematic facts -> template sentences, on hand-made tokens and measurements."""

from __future__ import annotations

import numpy as np

from actiondiff.kept.describe import phase_name, template_description, verbalise
from actiondiff.kept.features import PerformanceFeatures
from actiondiff.kept.model import SPORTS_KEYPOINTS

JOINTS = ("elbow", "shoulder", "hip", "knee")


def performance(knee_bottom: float) -> PerformanceFeatures:
    angles = np.full((2, 4), 150.0)
    angles[1, 3] = knee_bottom
    return PerformanceFeatures(
        nodes=np.zeros((4, 4, 8)),
        visual=np.zeros((4, 68)),
        keypoints=np.zeros((2, 12, 3)),
        angles=angles,
        speeds=np.full((2, 4), 60.0),
        duration_s=4.0,
    )


def test_phase_names_say_where_in_the_movement() -> None:
    assert phase_name(0, 4) == "early in the movement (0-25%)"
    assert phase_name(1, 2) == "late in the movement (50-100%)"
    assert phase_name(1, 3).startswith("midway through")


def test_the_strongest_residual_tokens_choose_joint_and_phase_and_the_numbers_say_how_much() -> None:
    tokens = np.zeros((2, len(SPORTS_KEYPOINTS), 4))
    knees = [i for i, name in enumerate(SPORTS_KEYPOINTS) if name.endswith("_knee")]
    tokens[1, knees] = 3.0
    tokens[0, [i for i, name in enumerate(SPORTS_KEYPOINTS) if name.endswith("_hip")]] = 1.0
    facts = verbalise(tokens, SPORTS_KEYPOINTS, JOINTS, performance(80.0), performance(120.0), limit=2)
    assert [f.joint for f in facts] == ["knee", "hip"]
    assert facts[0].segment == 1 and facts[0].angle_a == 80.0 and facts[0].angle_b == 120.0
    text = template_description(facts, 7.5, 5.0, "squat")
    assert text.startswith("Performer A performs the squat better than Performer B (7.5 vs 5.0).")
    assert "Late in the movement (50-100%), Performer A's knee angle is 80 degrees against 120" in text
    assert "difference of 40 degrees" in text


def test_equal_scores_are_said_to_be_equal() -> None:
    assert "about equally well" in template_description([], 6.0, 6.02, "lunge")
