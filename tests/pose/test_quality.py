"""The camera viewpoint read from a pose track: azimuth sign, mirror, left/right swaps, unseen hips."""

from __future__ import annotations

import numpy as np
import pytest

from actiondiff.models import PoseTrack
from actiondiff.pose.landmarks import LANDMARK_NAMES, MIRRORED
from actiondiff.pose.quality import AZIMUTH_BASE_DEG, side_asymmetry, video_quality
from tests.kinematics.builders import make_track, one_arm_raised, turned_world


def mirrored(track: PoseTrack) -> PoseTrack:
    """The track of the left-right mirrored video: x reflected, left and right landmarks swapped."""
    world = np.asarray(track.world_xyz)[:, list(MIRRORED)] * [-1.0, 1.0, 1.0]
    return track.model_copy(update={"world_xyz": world.astype(np.float32)})


@pytest.mark.parametrize("degrees", [0.0, 35.0, -60.0, 120.0, -170.0])
def test_the_azimuth_says_how_the_body_is_turned_world(degrees: float) -> None:
    quality = video_quality(make_track(turned_world(degrees)))
    assert quality.azimuth_deg == pytest.approx(degrees, abs=0.5)
    assert (quality.azimuth_frames, quality.left_right_swaps, quality.detection_rate) == (20, 0.0, 1.0)


def test_a_mirrored_track_flips_the_sign_of_the_azimuth() -> None:
    track = make_track(turned_world(35.0))
    assert video_quality(mirrored(track)).azimuth_deg == pytest.approx(-35.0, abs=0.5)


def test_frames_with_left_and_right_swapped_are_outvoted() -> None:
    world = turned_world(40.0)
    world[:8] = world[:8, list(MIRRORED)]  # the model's left/right confusion on 8 of 20 frames
    quality = video_quality(make_track(world))
    assert quality.azimuth_deg == pytest.approx(40.0, abs=0.5)
    assert quality.left_right_swaps == pytest.approx(0.4)


def test_without_visible_hips_the_view_is_unknown() -> None:
    track = make_track(turned_world(20.0))
    visibility = np.array(track.visibility)
    visibility[:, [LANDMARK_NAMES.index("left_hip"), LANDMARK_NAMES.index("right_hip")]] = 0.1
    quality = video_quality(track.model_copy(update={"visibility": visibility}))
    assert (quality.azimuth_deg, quality.azimuth_frames) == (None, 0)
    assert quality.joint_visibility["left_hip"] == pytest.approx(0.1)


def test_a_mirror_reverses_the_performers_asymmetry_and_another_camera_keeps_it() -> None:
    signature = np.array(side_asymmetry(make_track(one_arm_raised(35.0))))
    assert np.linalg.norm(signature) > 0.5
    assert side_asymmetry(mirrored(make_track(one_arm_raised(35.0)))) == pytest.approx(-signature, abs=1e-3)
    assert side_asymmetry(make_track(one_arm_raised(-80.0))) == pytest.approx(signature, abs=1e-3)
    assert np.abs(side_asymmetry(make_track(turned_world(35.0)))).max() < 1e-3


@pytest.mark.parametrize("degrees", [0.0, 90.0, -90.0, 150.0])
def test_the_feet_say_which_way_the_body_faces_whatever_its_labels(degrees: float) -> None:
    world = turned_world(degrees)
    quality = video_quality(make_track(world))
    assert quality.feet_azimuth_deg == pytest.approx(degrees, abs=0.5)
    assert quality.azimuth_uncertainty_deg == AZIMUTH_BASE_DEG and not quality.feet_turned
    relabeled = video_quality(make_track(world[:, list(MIRRORED)]))  # every frame's left and right swapped
    assert relabeled.feet_azimuth_deg == pytest.approx(degrees, abs=0.5)
    assert relabeled.feet_turned and relabeled.azimuth_deg == pytest.approx(degrees, abs=0.5)
