"""The view and quality gate on hand-built tracks: which verdicts it withholds, and the words it uses."""

from __future__ import annotations

import numpy as np

from actiondiff.models import Difference, Evidence, PoseTrack
from actiondiff.pipeline.gate import gate_difference, quality_check
from actiondiff.pose.landmarks import LANDMARK_NAMES
from tests.kinematics.builders import make_track, turned_world


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
