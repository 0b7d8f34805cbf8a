"""Intervals, verdicts from intervals, and the calibration map (fast: no video, no pose)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from actiondiff.errors import ActionDiffError
from actiondiff.kinematics import KinematicFeatures
from actiondiff.kinematics.calibration import (
    EXCESS_CAP,
    Calibration,
    evidence_excess,
    fit_logistic,
    load_calibration,
)
from actiondiff.kinematics.uncertainty import INTERVAL_Z, column_noise, interval, interval_verdict
from actiondiff.models import Evidence


@pytest.mark.parametrize(
    ("signed", "error", "label"),
    [
        (10.0, 1.0, "A"),  # interval [8.4, 11.6] clears the margin 5
        (-10.0, 1.0, "B"),
        (0.5, 1.0, "C"),  # [-1.1, 2.1] lies within +-5
        (6.0, 1.0, None),  # [4.4, 7.6] reaches across the margin
        (2.0, 4.0, None),  # too unsure to say "no difference"
    ],
)
def test_the_verdict_follows_the_interval_against_the_margin(
    signed: float, error: float, label: str | None
) -> None:
    assert interval_verdict(signed, error, margin=5.0)[0] == label


def test_the_excess_is_counted_in_standard_errors_and_exact_values_have_no_doubt() -> None:
    assert interval_verdict(10.0, 2.0, margin=5.0) == ("A", pytest.approx(2.5))
    assert interval_verdict(1.0, 1.0, margin=5.0) == ("C", pytest.approx(4.0))
    assert interval_verdict(0.0, 0.0, margin=0.5) == ("C", math.inf)  # two counts that agree
    assert interval(3.0, 1.0) == pytest.approx((3.0 - INTERVAL_Z, 3.0 + INTERVAL_Z))


def test_the_excess_is_read_back_from_the_evidence() -> None:
    evidence = Evidence(source="kinematics", summary="s", value_a=20.0, value_b=10.0, label="A", margin=5.0,
                        interval_difference=interval(10.0, 2.0))  # fmt: skip
    assert evidence_excess(evidence) == pytest.approx(2.5)
    assert evidence_excess(evidence.model_copy(update={"label": None})) is None


def test_column_noise_recovers_the_jitter_of_a_smooth_signal() -> None:
    rng = np.random.default_rng(3)
    times = np.arange(300) / 25.0
    knee = 120 + 40 * np.sin(2 * np.pi * 0.4 * times) + rng.normal(0, 1.5, len(times))
    knee[50:60] = np.nan
    features = KinematicFeatures(times, np.arange(300), {"knee_angle": knee, "unseen": np.full(300, np.nan)},
                                 {"knee_angle": "deg", "unseen": "deg"}, fps=25.0)  # fmt: skip
    noise = column_noise(features)
    assert noise["unseen"] == 0.0
    # the residual against a 0.6 s curve keeps most of white jitter's spread
    assert 1.0 < noise["knee_angle"] < 1.6


def test_a_sharp_turn_is_not_taken_for_jitter_when_cleaning_took_off_less() -> None:
    times = np.arange(100) / 25.0
    press = 150 + 25 * np.abs(((times * 2.5) % 1.0) - 0.5)  # a clean fast triangle: sharp turns, no jitter
    features = KinematicFeatures(times, np.arange(100), {"elbow_angle": press}, {"elbow_angle": "deg"},
                                 fps=25.0, cleaned_off={"elbow_angle": 0.2})  # fmt: skip
    assert column_noise(replace(features, cleaned_off={}))["elbow_angle"] > 0.2
    assert column_noise(features)["elbow_angle"] == 0.2


def test_the_bundled_calibration_loads_and_rises_with_the_excess() -> None:
    calibration = load_calibration()
    for label in ("A", "C"):
        surer = [calibration.confidence(label, t) for t in (0.0, 1.0, 3.0, EXCESS_CAP, math.inf)]
        assert all(0.0 < p <= 1.0 for p in surer) and surer == sorted(surer)
    assert calibration.confidence("A", math.inf) == calibration.confidence("B", EXCESS_CAP)


def test_a_missing_or_broken_calibration_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ActionDiffError, match="calibration file missing"):
        load_calibration(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"differ": {"intercept": 1}}')
    with pytest.raises(ActionDiffError, match=r"broken\.json: not a valid calibration file"):
        load_calibration(broken)


def test_the_logistic_fit_is_finite_without_wrong_verdicts_and_follows_the_data() -> None:
    always_right = fit_logistic([2.0, 3.0, 5.0, 8.0], [True] * 4)
    assert math.isfinite(always_right.slope) and always_right(8.0) > always_right(2.0) > 0.5
    rng = np.random.default_rng(0)
    excess = rng.uniform(0, 6, 2000)
    right = rng.random(2000) < 1 / (1 + np.exp(-(0.5 + 1.0 * excess)))
    fitted = fit_logistic(excess, right)
    assert fitted.intercept == pytest.approx(0.5, abs=0.3) and fitted.slope == pytest.approx(1.0, abs=0.3)
    assert Calibration(differ=fitted, same=fitted).confidence("C", 1.0) == pytest.approx(
        fitted(1.0), abs=1e-3
    )


def test_a_frozen_stretch_does_not_hide_the_jitter_of_the_rest() -> None:
    rng = np.random.default_rng(5)
    times = np.arange(400) / 25.0
    knee = 120 + 40 * np.sin(2 * np.pi * 0.4 * times) + rng.normal(0, 1.5, len(times))
    knee[:300] = knee[300]  # a 12-s held first frame: the pose model reads it alike every time
    features = KinematicFeatures(times, np.arange(400), {"knee_angle": knee}, {"knee_angle": "deg"}, fps=25.0)
    assert 1.0 < column_noise(features)["knee_angle"] < 1.8
