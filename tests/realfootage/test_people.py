"""Real footage of two people: the main performer is chosen by the documented rule and kept throughout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff.config import Config
from actiondiff.pose import extract_pose
from actiondiff.pose.people import MAX_JUMP

pytestmark = pytest.mark.real


def test_the_main_performer_is_chosen_and_kept(
    real_two_person_clips: list[Path], offline_config: Config
) -> None:
    """cam01: a man moving on a force-plate walkway (left of centre) and a woman nearer the camera
    (bottom right). The woman's box is taller, but the man is more central and found as often: he
    scores higher, and the track never jumps onto her (the model alone, `people=1`, follows her)."""
    track = extract_pose(real_two_person_clips[0], offline_config)
    choice = track.performer
    assert choice is not None and len(choice.people) == 2, choice
    main, other = choice.people[choice.chosen], choice.people[1 - choice.chosen]
    assert main.score > other.score and main.centrality > other.centrality and main.height < other.height
    assert main.centre_x < 0.45 < 0.6 < other.centre_x, choice
    assert "2 people" in choice.reason and f"score {main.score:.2f}" in choice.reason
    assert track.detection_rate >= 0.9
    hips = track.image_xyz[:, [track.landmark("left_hip"), track.landmark("right_hip")], :2].mean(axis=1)
    found = np.flatnonzero(track.detected)
    torso = np.nanmedian(
        np.linalg.norm(
            track.image_xyz[:, [track.landmark("left_shoulder"), track.landmark("right_shoulder")], :2].mean(
                axis=1
            )
            - hips,
            axis=-1,
        )
    )
    steps = np.linalg.norm(np.diff(hips[found], axis=0), axis=-1) / np.diff(found)
    assert steps.max() < MAX_JUMP * torso, "the hip centre jumps: an identity switch"
    assert np.all(hips[found, 0] < 0.58), "a frame follows the woman on the right"


def test_one_person_is_posed_once(real_clips: list[Path], offline_config: Config) -> None:
    """The single-person clip costs only the probe frames: no second person, no performer choice."""
    assert extract_pose(real_clips[0], offline_config).performer is None


def test_a_picked_point_chooses_the_athlete(
    real_two_person_clips: list[Path], offline_config: Config
) -> None:
    """cam01: the rule measures the man on the walkway; a point on the woman (bottom right) measures her."""
    picked = offline_config.with_performer((0.7, 0.7))
    track = extract_pose(real_two_person_clips[0], picked)
    choice = track.performer
    assert choice is not None and choice.picked == (0.7, 0.7) and "point picked at x=0.70" in choice.reason
    main = choice.people[choice.chosen]
    assert main.box[0] <= 0.7 <= main.box[2] and main.box[1] <= 0.7 <= main.box[3], main
    hips = track.image_xyz[:, [track.landmark("left_hip"), track.landmark("right_hip")], 0].mean(axis=1)
    assert np.nanmin(hips) > 0.55 and track.detection_rate >= 0.9, "a frame follows the man"
