"""Extremes read between samples: a turn faster than the smoothing window keeps its depth at any rate."""

from __future__ import annotations

import numpy as np
import pytest

from actiondiff.kinematics.clean import SMOOTH_WINDOW_S, savgol
from actiondiff.kinematics.quantities import peak_of

BOTTOM = 140.0


def squat_bottom(fps: float, width_s: float, noise: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Knee angle samples of a bottom at `BOTTOM` deg turned within about `width_s`, between two samples
    (at 1.013 s), and the samples smoothed as cleaning smooths them; noise in degrees."""
    times = np.arange(0.0, 2.0, 1.0 / fps)
    angle = 170.0 - (170.0 - BOTTOM) * np.exp(-(((times - 1.013) / width_s) ** 2))
    angle += np.random.default_rng(int(fps)).normal(0.0, noise, len(times))
    window = max(5, 2 * (round(SMOOTH_WINDOW_S * fps) // 2) + 1)
    return times, angle, savgol(angle, window)


@pytest.mark.parametrize("fps", [25.0, 30.0, 60.0])
def test_a_sharp_bottom_reads_its_depth_at_any_frame_rate(fps: float) -> None:
    times, angle, smoothed = squat_bottom(fps, width_s=0.08, noise=1.0)
    assert smoothed.min() > BOTTOM + 4.0  # the 0.3 s smoothing flattens a 0.2 s bottom
    value, row = peak_of(times, -smoothed, -angle, np.arange(len(times)))
    assert -value == pytest.approx(BOTTOM, abs=2.0)
    assert abs(times[row] - 1.013) <= 1.0 / fps


def test_a_broad_turn_keeps_the_smoothed_reading() -> None:
    times, angle, smoothed = squat_bottom(30.0, width_s=0.5, noise=1.0)
    value, row = peak_of(times, -smoothed, -angle, np.arange(len(times)))
    assert (-value, row) == (smoothed.min(), int(np.argmin(smoothed)))
