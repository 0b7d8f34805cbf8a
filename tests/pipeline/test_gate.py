"""The view and quality gate on hand-built tracks: which verdicts it withholds, and the words it uses."""

from __future__ import annotations

import numpy as np

from actiondiff.models import Difference, Evidence, PoseTrack
from actiondiff.pipeline.gate import gate_difference, quality_check
from actiondiff.pose.landmarks import LANDMARK_NAMES, MIRRORED
from tests.kinematics.builders import make_track, one_arm_raised, turned_world
from tests.pose.test_quality import mirrored


def measured(quantity: str, label: str = "A") -> Difference:
    evidence = Evidence(
        source="kinematics", summary="measured", quantity=quantity, label=label, confidence=0.9,
        frames_a=[3, 4, 5], frames_b=[3, 4, 5],
    )  # fmt: skip
    return Difference(key="0", text="a statement", label=label, confidence=0.9, evidence=[evidence])


def tracks(degrees_a: float, degrees_b: float) -> tuple[PoseTrack, PoseTrack]:
    return make_track(turned_world(degrees_a)), make_track(turned_world(degrees_b))


def test_a_view_sensitive_verdict_is_withheld_when_the_views_differ() -> None:
    pair = tracks(5.0, 65.0)
    check = quality_check(*pair)
    assert check.views_differ and check.view_difference_deg == 60.0
    assert check.summary.startswith("A from the front, B from the front-right, about 60 deg apart")
    gated = gate_difference(measured("trunk_lean"), check, pair)
    assert (gated.label, gated.confidence, gated.withheld) == (None, 0.0, "view")
    assert gated.reason is not None
    assert gated.reason.startswith("B was filmed about 60 deg further to the side than A")
    assert gated.reason.endswith(
        "forward trunk lean from vertical at the extreme depends on the view and was not compared"
    )
    assert gated.evidence[0].value_a == measured("trunk_lean").evidence[0].value_a  # the measurement is kept


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
    assert not check.views_differ and check.summary.endswith("about 10 deg apart: the same view")
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
        return make_track(world)

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
