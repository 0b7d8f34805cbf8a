"""The view and quality gate on hand-built tracks: which verdicts it withholds, and the words it uses."""

from __future__ import annotations

import numpy as np

from actiondiff.kinematics.quantities import find_quantity
from actiondiff.kinematics.uncertainty import INTERVAL_Z, interval_verdict
from actiondiff.kinematics.views import view_error
from actiondiff.models import Difference, Evidence, PoseTrack
from actiondiff.pipeline.gate import (
    gate_difference,
    quality_check,
    stand_in_wins,
    stood_in,
    view_bounded,
    views_apart,
)
from actiondiff.pose.landmarks import LANDMARK_NAMES, MIRRORED
from tests.kinematics.builders import make_track, one_arm_raised, turned_world
from tests.pose.test_quality import mirrored


def measured(quantity: str, label: str = "A") -> Difference:
    evidence = Evidence(
        source="kinematics", summary="measured", quantity=quantity, label=label, confidence=0.9,
        frames_a=[3, 4, 5], frames_b=[3, 4, 5],
    )  # fmt: skip
    return Difference(key="0", text="a statement", label=label, confidence=0.9, evidence=[evidence])


FEET = [
    LANDMARK_NAMES.index(f"{side}_{part}") for side in ("left", "right") for part in ("heel", "foot_index")
]


def without_feet(track: PoseTrack) -> PoseTrack:
    visibility = np.array(track.visibility)
    visibility[:, FEET] = 0.0
    return track.model_copy(update={"visibility": visibility})


def tracks(degrees_a: float, degrees_b: float) -> tuple[PoseTrack, PoseTrack]:
    return make_track(turned_world(degrees_a)), make_track(turned_world(degrees_b))


def test_a_view_sensitive_verdict_the_views_could_make_is_withheld_saying_what_would_decide_it() -> None:
    pair = tracks(5.0, 65.0)
    check = quality_check(*pair)
    assert check.views_differ and check.view_difference_deg == 60.0 and check.view_uncertainty_deg == 14.0
    assert check.summary.startswith("A from the front, B from the front-right, about 60 deg apart (+-14)")
    gated = gate_difference(measured("trunk_lean"), check, pair)
    assert (gated.label, gated.confidence, gated.withheld) == (None, 0.0, "view")
    assert gated.reason is not None
    assert gated.reason.startswith("B was filmed about 60 deg further to the side than A")
    error = view_error(find_quantity("trunk_lean"), 60.0)
    assert error is not None and f"by up to {error:.3g} deg (view model)" in gated.reason
    assert gated.reason.endswith("film both from the side (or both from one view) to decide it")
    assert gated.evidence[0].value_a == measured("trunk_lean").evidence[0].value_a  # the measurement is kept


def knee_flexion(difference: float, error: float = 3.1) -> Evidence:
    """Measured deepest knee flexion, A - B = `difference` deg with standard error `error` (the real
    cameras cam01-cam02 of the pose2sim demo read it at 3.1)."""
    return Evidence(
        source="kinematics", summary="measured", quantity="depth", value_a=75.0 + difference, value_b=75.0,
        interval_difference=(difference - INTERVAL_Z * error, difference + INTERVAL_Z * error), margin=8.0,
        label=interval_verdict(difference, error, 8.0)[0], confidence=0.95, frames_a=[3], frames_b=[3],
    )  # fmt: skip


def gated_depth(evidence: Evidence, pair: tuple[PoseTrack, PoseTrack]) -> Difference:
    """The difference as `compare` decides it: the measurement bounded for the views, then gated."""
    check = quality_check(*pair)
    bounded = view_bounded(evidence, check)
    verdict = Difference(
        key="0", text="the squat is deeper", label=bounded.label, confidence=bounded.confidence or 0.0,
        evidence=[bounded],
    )  # fmt: skip
    return gate_difference(verdict, check, pair)


def test_a_side_view_against_one_30_deg_off_the_side_decides_a_clear_knee_difference() -> None:
    side_and_off = tracks(90.0, 60.0)
    assert quality_check(*side_and_off).views_differ
    deeper = gated_depth(knee_flexion(25.0), side_and_off)
    error = view_error(find_quantity("depth"), 30.0)
    assert error is not None and error < 25.0 - 8.0 - INTERVAL_Z * 3.1  # the measured view model allows it
    assert (deeper.label, deeper.withheld) == ("A", None) and deeper.confidence > 0.5
    assert deeper.evidence[0].view_error == round(error, 4)
    assert "the difference clears it" in deeper.evidence[0].summary
    close = gated_depth(knee_flexion(12.0), side_and_off)  # what 30 deg alone could make: not decided
    assert (close.label, close.withheld) == (None, "view")


def test_the_same_performance_from_cameras_90_deg_apart_is_not_called_different() -> None:
    side_and_front = tracks(90.0, 0.0)
    for difference in (18.0, 25.0, 30.0):  # the real cameras 50 deg apart read the same squat 18 deg apart
        verdict = gated_depth(knee_flexion(difference), side_and_front)
        assert verdict.label is None and verdict.withheld == "view", verdict
        assert verdict.reason is not None and verdict.reason.startswith(
            "A was filmed about 90 deg further to the side than B (A from the right, B from the front)"
        )
        assert verdict.reason.endswith("film both from the side (or both from one view) to decide it")
        assert "neither clears the margin 8 plus that nor lies within the margin less it" in verdict.reason


def test_a_quantity_of_the_frontal_plane_is_settled_from_the_front() -> None:
    pair = tracks(90.0, 0.0)
    reason = gate_difference(measured("stance_width"), quality_check(*pair), pair).reason
    assert reason is not None and reason.endswith(
        "film both from the front (or both from one view) to decide it"
    )


def test_views_on_either_side_of_the_body_are_said_apart() -> None:
    pair = tracks(40.0, -100.0)
    reason = gate_difference(measured("depth", "C"), quality_check(*pair), pair).reason
    assert reason is not None and reason.startswith(
        "A and B were filmed from views about 140 deg apart around the body (A from the front-right, "
        "B from the left)"
    )


def test_a_view_independent_verdict_stands_and_the_same_view_gates_nothing() -> None:
    apart = tracks(0.0, 90.0)
    assert gate_difference(measured("start_delay"), quality_check(*apart), apart).label == "A"
    same = tracks(30.0, 40.0)
    check = quality_check(*same)
    assert not check.views_differ and check.summary.endswith(
        "about 10 deg apart: the same view (within +-14)"
    )
    assert gate_difference(measured("trunk_lean"), check, same).label == "A"


def test_an_unseen_joint_withholds_the_quantities_read_from_it() -> None:
    a, b = tracks(0.0, 0.0)
    visibility = np.array(b.visibility)
    visibility[3:6, LANDMARK_NAMES.index("left_ankle")] = 0.2
    b = b.model_copy(update={"visibility": visibility})
    check = quality_check(a, b)
    gated = gate_difference(measured("depth"), check, (a, b))
    assert (gated.label, gated.withheld) == (None, "visibility")
    assert gated.reason == (
        "the left ankle was not clearly visible in B (visibility 0.20 in frames 3-5, where the deepest knee "
        "flexion (180 - knee angle) in a repetition was read); not compared"
    )
    assert gate_difference(measured("trunk_lean"), check, (a, b)).label == "A"  # no ankle in it


def test_a_quantity_of_the_hands_together_needs_one_wrist_in_view() -> None:
    """A golf grip: the swing's timing is read from both hands together, so the better seen wrist
    marks them (a down-the-line view hides the lead wrist behind the body); both hidden withhold it."""
    a, b = tracks(0.0, 0.0)
    visibility = np.array(b.visibility)
    visibility[3:6, LANDMARK_NAMES.index("left_wrist")] = 0.2
    check = quality_check(a, b)
    one_hidden = (a, b.model_copy(update={"visibility": visibility}))
    assert gate_difference(measured("backswing_duration"), check, one_hidden).label == "A"
    visibility[3:6, LANDMARK_NAMES.index("right_wrist")] = 0.3
    both_hidden = (a, b.model_copy(update={"visibility": visibility}))
    gated = gate_difference(measured("backswing_duration"), check, both_hidden)
    assert (gated.label, gated.withheld) == (None, "visibility") and "right wrist" in (gated.reason or "")


def test_a_mirrored_video_is_the_same_view_and_a_camera_on_the_other_side_is_not() -> None:
    performer = make_track(one_arm_raised(40.0))
    check = quality_check(performer, mirrored(performer))
    assert check.side_agreement == -1.0 and check.mirrored and not check.views_differ
    assert check.view_difference_deg == 0.0 and "B shows A's performance mirrored" in check.summary
    other_side = quality_check(performer, make_track(one_arm_raised(-40.0)))
    assert other_side.side_agreement == 1.0 and not other_side.mirrored
    assert other_side.views_differ and other_side.view_difference_deg == 80.0
    symmetric = quality_check(*tracks(40.0, -40.0))
    assert symmetric.side_agreement is None and symmetric.views_differ  # no asymmetry to tell a mirror by


def test_a_body_whose_facing_the_model_is_unsure_of_is_read_both_ways_round() -> None:
    def swapped_in(frames: int) -> PoseTrack:
        world = one_arm_raised(10.0)
        world[:frames] = world[:frames, list(MIRRORED)]  # the model's left/right confusion
        return without_feet(make_track(world))  # nothing else tells which way the body faces

    a, b = swapped_in(8), swapped_in(12)  # in B the confused frames are the majority: it reads from behind
    check = quality_check(a, b)
    assert check.relabeled and not check.mirrored and not check.views_differ, check
    assert check.view_difference_deg == 0.0 and "whether it faced the camera is unsure" in check.summary
    gated = gate_difference(measured("trunk_lean"), check, (a, b))  # forward reads as back when turned round
    assert (gated.label, gated.withheld) == (None, "facing")
    assert gated.reason is not None and gated.reason.startswith(
        "the pose model read A's left and right swapped in 40%"
    )
    assert gate_difference(measured("start_delay"), check, (a, b)).label == "A"


def test_the_feet_turn_round_a_side_view_whose_left_and_right_the_model_swapped() -> None:
    side = turned_world(90.0)  # a body too symmetric to tell a mirror by
    swapped = make_track(side[:, list(MIRRORED)])  # every frame's labels swapped, as with the head hidden
    assert quality_check(without_feet(make_track(side)), without_feet(swapped)).view_difference_deg == 180.0
    check = quality_check(make_track(side), swapped)  # the feet still point where the body faces
    assert check.b.feet_turned and check.view_difference_deg == 0.0 and not check.views_differ, check
    assert "B's feet point the other way from its left and right" in check.summary
    pair = (make_track(side), swapped)
    assert gate_difference(measured("depth"), check, pair).label == "A"  # each knee's own angle
    lean = gate_difference(measured("trunk_lean"), check, pair)  # read along the labels' forward
    assert (lean.label, lean.withheld) == (None, "facing")
    assert lean.reason is not None and lean.reason.endswith(
        "film it with the face or chest in view to decide it"
    )


def test_a_reading_of_both_sides_alike_takes_a_view_and_its_reflection_as_one() -> None:
    pair = tracks(60.0, -60.0)  # front-right against front-left: each the other's reflection
    check = quality_check(*pair)
    assert check.view_difference_deg == 120.0
    assert views_apart(check, find_quantity("depth")) == 120.0
    assert views_apart(check, find_quantity("hip_depth")) == 0.0


def test_a_reading_of_both_sides_alike_needs_each_joint_seen_on_one_side() -> None:
    a, b = tracks(90.0, 90.0)
    visibility = np.array(b.visibility)
    visibility[:, [LANDMARK_NAMES.index("left_knee"), LANDMARK_NAMES.index("left_hip")]] = 0.1  # the far side
    b = b.model_copy(update={"visibility": visibility})
    check = quality_check(a, b)
    assert gate_difference(measured("depth"), check, (a, b)).withheld == "visibility"
    assert gate_difference(measured("hip_depth"), check, (a, b)).label == "A"


def test_a_stand_in_decides_in_place_of_a_withheld_reading_and_says_so() -> None:
    pair = tracks(90.0, 0.0)
    check = quality_check(*pair)
    withheld = gate_difference(measured("depth"), check, pair)
    decided = stood_in(measured("hip_depth"), withheld)
    assert (decided.label, decided.measured and decided.measured.quantity) == ("A", "hip_depth")
    note = "read as the lowest hip height in a repetition, in thigh lengths below the knees"
    assert decided.reason is not None and decided.reason.startswith(note)
    assert withheld.reason is not None and decided.reason.endswith(withheld.reason)
    assert decided.measured is not None and "in place of the deepest knee flexion" in decided.measured.summary


def test_across_views_a_stand_in_that_decides_takes_the_place_of_a_decided_angle_and_says_why() -> None:
    pair = tracks(60.0, 0.0)
    check = quality_check(*pair)
    angle = measured("shoulder_flexion", "B")
    angle.evidence[0] = angle.evidence[0].model_copy(update={"value_a": 112.0, "value_b": 130.0})
    heights, even = measured("arm_height", "A"), measured("arm_height", "C")
    assert check.views_differ
    assert stand_in_wins(angle, heights, views_differ=True)
    assert not stand_in_wins(angle, even, views_differ=True)  # a C of the heights leaves the angle's B
    assert not stand_in_wins(angle, heights, views_differ=False)  # one view: the angle stands
    withheld = gate_difference(measured("depth"), check, pair)
    assert stand_in_wins(withheld, even, views_differ=True)  # in place of a withheld one, any verdict
    decided = stood_in(heights, angle)
    assert decided.label == "A" and decided.reason is not None
    assert "in place of the highest arm elevation" in decided.reason
    assert decided.reason.endswith(
        "reads 112 vs 130 deg from the pose model's guess of depth, and the views differ"
    )
