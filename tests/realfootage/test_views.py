"""Real footage, four cameras of the same moment: the viewpoint read from pose against the calibration,
and the gate that keeps view-sensitive quantities from being compared across cameras."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.eval.invariance import ACTION, STATEMENTS
from actiondiff.kinematics.quantities import find_quantity
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
def test_another_camera_gives_no_verdict_on_a_view_sensitive_quantity_and_says_why(
    other: int, real_clips: list[Path], offline_config: Config
) -> None:
    result = compare(
        real_clips[0], real_clips[other], action=ACTION, differences=list(STATEMENTS), config=offline_config
    )
    assert result.quality is not None and result.quality.views_differ, result.quality
    for verdict in result.differences:
        quantity = find_quantity(verdict.evidence[0].quantity or "")
        if quantity.view_sensitive:
            assert (verdict.label, verdict.withheld) == (None, "view"), verdict
            assert (
                verdict.reason is not None and f"{quantity.description} depends on the view" in verdict.reason
            )
            assert "deg" in verdict.reason and "filmed" in verdict.reason
        else:  # the same at any view: never A/B; undecided only where its own interval says so
            assert verdict.label in ("C", None) and verdict.withheld is None, verdict
            assert verdict.label == "C" or "interval of the difference" in (verdict.reason or ""), verdict
