"""Joint angles, speeds, positions and distances against hand-built geometry; cleaning and person choice."""

from __future__ import annotations

import numpy as np

from actiondiff.kinematics import (
    NODE_FEATURES,
    clean_track,
    compute_features,
    joint_angle,
)
from actiondiff.pose import LANDMARK_NAMES
from tests.kinematics.builders import make_track, one_arm_raised, standing_world, turned_world

L = LANDMARK_NAMES.index


def bend_left_knee(degrees: np.ndarray) -> np.ndarray:
    """Standing pose per frame with the left shin swung back so the interior knee angle is `degrees`."""
    world = np.repeat(standing_world()[None], len(degrees), axis=0)
    knee = world[:, L("left_knee")]
    flexion = np.radians(180.0 - degrees)
    # Shin of 0.43 m rotated in the sagittal plane (y down, z away): the foot goes back, away from camera.
    world[:, L("left_ankle")] = knee + 0.43 * np.stack(
        [0 * flexion, np.cos(flexion), np.sin(flexion)], axis=1
    )
    return world


def test_joint_angle_matches_geometry() -> None:
    b = np.zeros(3)
    a = np.array([1.0, 0.0, 0.0])
    for degrees in (0.0, 30.0, 90.0, 135.0, 180.0):
        r = np.radians(degrees)
        c = np.array([np.cos(r), np.sin(r), 0.0]) * 2.5
        assert np.isclose(joint_angle(a, b, c), degrees, atol=1e-6)
    assert np.isnan(joint_angle(a, a, b))


def test_knee_angle_and_speed_from_built_landmarks() -> None:
    degrees = np.linspace(175.0, 75.0, 21)
    features = compute_features(make_track(bend_left_knee(degrees)), clean=False)
    assert np.allclose(features["left_knee_angle"], degrees, atol=1e-3)
    assert np.allclose(features["right_knee_angle"], 180.0, atol=1e-3)
    assert np.allclose(features["knee_angle"], (degrees + 180.0) / 2, atol=1e-3)
    assert np.allclose(features["left_knee_angle_speed"], -50.0, atol=1e-2)  # 100 degrees in 2 s
    # Shoulders sit 8 cm wider than hips over a 0.5 m torso, so the hip is not quite straight.
    assert np.allclose(features["left_hip_angle"], 180.0 - np.degrees(np.arctan2(0.08, 0.5)), atol=1e-3)
    assert np.allclose(features["left_shoulder_angle"], np.degrees(np.arctan2(0.08, 0.5)), atol=1e-3)
    assert np.allclose(features["left_elbow_angle"], 180.0, atol=1e-3)
    assert features.units["left_knee_angle"] == "deg"


def test_cleaning_keeps_exact_geometry_of_a_smooth_motion() -> None:
    """Savitzky–Golay of order 2 leaves a quadratic-in-time angle unchanged, so cleaning is exact."""
    t = np.linspace(0.0, 1.0, 31)
    degrees = 175.0 - 100.0 * t**2
    world = bend_left_knee(degrees)
    ankle = world[:, L("left_ankle")]
    ankle[:] = ankle[0] + np.outer(t**2, ankle[-1] - ankle[0])  # the ankle itself moves quadratically
    truth = joint_angle(world[:, L("left_hip")], world[:, L("left_knee")], ankle)
    features = compute_features(make_track(world, fps=30.0))
    assert np.allclose(features["left_knee_angle"], truth, atol=1e-3)


def test_trunk_lean_stance_and_positions() -> None:
    world = standing_world()[None].copy()
    lean = np.radians(30.0)
    for name in ("left_shoulder", "right_shoulder"):
        x = world[0, L(name), 0]
        world[0, L(name)] = (x, -0.5 * np.cos(lean), -0.5 * np.sin(lean))  # towards the camera = forward
    features = compute_features(make_track(world), clean=False)
    assert np.isclose(features["trunk_lean"][0], 30.0, atol=1e-3)
    assert np.isclose(features["trunk_tilt"][0], 0.0, atol=1e-3)
    assert np.isclose(features["stance_width"][0], 0.2, atol=1e-5)
    assert np.isclose(features["stance_width_ratio"][0], 0.2 / 0.36, atol=1e-4)
    assert np.isclose(
        features["stance_width_legs"][0], 0.2 / 0.87, atol=1e-4
    )  # hip-knee 0.44, knee-ankle 0.43
    assert np.isclose(features["hip_above_knee"][0], 0.44, atol=1e-5)
    # Image positions: hip centre at the origin, torso length one unit, y up.
    assert np.isclose(features["hip_centre_x"][0], 0.0, atol=1e-6)
    assert features["left_knee_y"][0] < 0 < features["left_shoulder_y"][0]
    assert features["left_knee_x"][0] > 0  # the person's left is image right


def test_node_features_shape_and_order() -> None:
    features = compute_features(make_track(bend_left_knee(np.linspace(170.0, 90.0, 9))), clean=False)
    nodes = features.node_features(["elbow", "shoulder", "hip", "knee", "left_knee"])
    assert nodes.shape == (9, 5, len(NODE_FEATURES))
    assert np.allclose(nodes[:, 4, 0], features["left_knee_angle"])
    assert np.allclose(nodes[:, 3, 0], features["knee_angle"])
    assert np.allclose(nodes[:, 4, 1], features["left_knee_angle_speed"])
    curves = features.curves()
    assert curves.values["left_knee_angle"][0] == round(float(features["left_knee_angle"][0]), 3)


def test_short_gaps_are_filled_and_long_gaps_kept() -> None:
    degrees = np.linspace(175.0, 95.0, 41)
    world = bend_left_knee(degrees)
    world[10:12] = np.nan  # 0.2 s: filled
    world[25:35] = np.nan  # 1 s: kept
    cleaned = clean_track(make_track(world))
    assert not np.isnan(cleaned.world_xyz[10:12]).any()
    assert np.isnan(cleaned.world_xyz[25:35]).all()
    features = compute_features(cleaned, clean=False)
    assert np.allclose(features["left_knee_angle"][10:12], degrees[10:12], atol=0.5)


def test_cleaning_drops_a_pose_collapsed_onto_one_line() -> None:
    """A single frame whose shoulders fold onto the body's midline is dropped and filled from its
    neighbours; a hand-spacing ratio to the shoulder width no longer jumps there."""
    world = np.repeat(standing_world()[None], 30, axis=0)
    midline = world[12, [L("left_hip"), L("right_hip")]].mean(axis=0)
    for side, off in (("left", 0.01), ("right", -0.01)):
        world[12, L(f"{side}_shoulder"), 0] = midline[0] + off
    track = make_track(world)
    assert np.allclose(clean_track(track).world_xyz[12], world[11], atol=1e-4)
    assert compute_features(track, clean=False)["hand_distance_ratio"][12] > 5
    ratio = compute_features(track)["hand_distance_ratio"]
    assert np.allclose(ratio, ratio[0], atol=1e-3)


def test_front_leg_of_a_split_stance() -> None:
    """Right foot 0.4 m forward with its shin tilted 20 degrees forward, left foot 0.4 m back."""
    world = standing_world()[None].copy()
    tilt = np.radians(20.0)
    ankle = np.array([-0.1, 0.87, -0.4])  # towards the camera is the body's front
    world[0, L("right_ankle")] = ankle
    world[0, L("right_knee")] = ankle + 0.43 * np.array([0.0, -np.cos(tilt), -np.sin(tilt)])
    world[0, L("left_ankle")] = (0.1, 0.87, 0.4)
    features = compute_features(make_track(world), clean=False)
    assert np.isclose(features["step_length"][0], 0.8, atol=1e-6)
    assert np.isclose(features["step_length_ratio"][0], 0.8 / 0.36, atol=1e-4)
    assert np.isclose(features["front_shin_tilt"][0], 20.0, atol=1e-6)
    front, right, left = (features[f"{side}_knee_angle"][0] for side in ("front", "right", "left"))
    assert front == right != left


def test_heights_against_the_limbs_own_length_do_not_turn_with_the_camera() -> None:
    """The stand-ins' columns: standing straight, the hips are a thigh above the knees and the hands an
    arm below the shoulders (-1 each) from any side; one arm raised overhead averages the sides to 0."""
    for degrees in (0.0, 35.0, 90.0, 150.0, -90.0):
        standing = compute_features(make_track(turned_world(degrees)), clean=False)
        np.testing.assert_allclose(standing["hip_below_knee"], -1.0, atol=1e-6)
        np.testing.assert_allclose(standing["arm_rise"], -1.0, atol=1e-6)
        raised = compute_features(make_track(one_arm_raised(degrees)), clean=False)
        np.testing.assert_allclose(raised["arm_rise"], 0.0, atol=1e-6)
