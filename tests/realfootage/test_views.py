"""Real footage, four cameras of the same moment: the viewpoint read from pose against the calibration,
and the gate that keeps what the views could change from being called a difference across cameras."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.eval.invariance import ACTION, STATEMENTS
from actiondiff.kinematics import Reading, compute_features
from actiondiff.kinematics.quantities import QUANTITIES, STAND_INS, find_quantity
from actiondiff.kinematics.views import view_error
from actiondiff.knowledge.profile import resolve_profile
from actiondiff.pose import extract_pose
from actiondiff.pose.quality import video_quality, wrap_deg
from tests.realfootage.calibration import camera_yaws

pytestmark = pytest.mark.real
CALIBRATED_WITHIN_DEG = 15.0


def test_the_viewpoint_read_from_pose_matches_the_camera_calibration(
    real_clips: list[Path], offline_config: Config
) -> None:
    yaws = camera_yaws(real_clips[0].parent / "Calib.qca.txt")
    azimuths = {
        clip.stem: video_quality(extract_pose(clip, offline_config)).azimuth_deg for clip in real_clips
    }
    first, *others = sorted(azimuths)
    for camera in others:
        assert azimuths[camera] is not None and azimuths[first] is not None, azimuths
        read = float(wrap_deg(azimuths[camera] - azimuths[first]))
        calibrated = float(
            wrap_deg(yaws[first] - yaws[camera])
        )  # a camera further round sees the body turned back
        assert abs(float(wrap_deg(read - calibrated))) <= CALIBRATED_WITHIN_DEG, (camera, read, calibrated)


@pytest.mark.parametrize("other", [1, 2, 3], ids=lambda i: f"cam01-vs-cam0{i + 1}")
def test_another_camera_never_calls_the_same_moment_different_and_says_what_would_decide_it(
    other: int, real_clips: list[Path], offline_config: Config
) -> None:
    result = compare(
        real_clips[0], real_clips[other], action=ACTION, differences=list(STATEMENTS), config=offline_config
    )
    assert result.quality is not None and result.quality.views_differ, result.quality
    for verdict in result.differences:
        quantity = find_quantity(verdict.evidence[0].quantity or "")
        assert verdict.label in ("C", None), verdict  # the same moment: never A or B
        if quantity.view_sensitive and verdict.label is None:
            assert verdict.withheld == "view", verdict
            assert verdict.reason is not None and "(view model)" in verdict.reason
            assert verdict.reason.endswith("(or both from one view) to decide it"), verdict.reason
        elif quantity.view_sensitive:  # decided within the margin less what the views could change
            assert (verdict.evidence[0].view_error or 0.0) > 0.0, verdict
        else:  # the same at any view: undecided only where its own interval says so
            assert verdict.withheld is None, verdict
            interval = "interval of the difference" in (verdict.evidence[0].detail or "")
            assert verdict.label == "C" or interval, verdict  # the technical reason: its detail


def test_a_one_off_quantity_has_the_view_error_its_signal_shows_per_repetition_across_the_cameras(
    real_clips: list[Path], offline_config: Config
) -> None:
    yaws = camera_yaws(real_clips[0].parent / "Calib.qca.txt")
    movement = resolve_profile(ACTION).movement
    readings = {
        c.stem: Reading.of(compute_features(extract_pose(c, offline_config)), movement) for c in real_clips
    }
    analogs = [q for q in (*QUANTITIES, *STAND_INS) if q.view_analog is not None]
    assert {"countermovement_depth", "arm_swing", "peak_hand_speed"} <= {q.key for q in analogs}
    for quantity in analogs:
        values = {camera: quantity.view_analog(reading) for camera, reading in readings.items()}  # type: ignore[misc]
        for a, b in itertools.combinations(sorted(values), 2):
            one, other = values[a], values[b]
            assert one is not None and other is not None, (quantity.key, a, b)
            apart = min(abs(float(wrap_deg(yaws[a] - yaws[b]))), 90.0)
            error = view_error(quantity, apart)
            assert error is not None and abs(one.value - other.value) <= error * 1.001, (
                quantity.key,
                a,
                b,
            )  # fit rounded
