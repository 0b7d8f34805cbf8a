"""The Savitzky-Golay smoothing and the peak rule that stand in for scipy.signal (whose import is half a
second of a cold compare) give scipy's results."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks, savgol_filter

from actiondiff.kinematics.clean import savgol
from actiondiff.kinematics.phases import peaks


@pytest.mark.parametrize(("rows", "window"), [(5, 5), (9, 7), (60, 9), (101, 15)])
def test_savgol_is_scipys_interp_mode(rows: int, window: int) -> None:
    walk = np.random.default_rng(rows).normal(size=(rows, 3)).cumsum(axis=0)
    expected = savgol_filter(walk, window, polyorder=2, axis=0, mode="interp")
    assert np.allclose(savgol(walk, window), expected, atol=1e-10)
    assert np.allclose(savgol(walk[:, 0], window), expected[:, 0], atol=1e-10)


def test_peaks_are_scipys_find_peaks_with_height_prominence_and_distance() -> None:
    rng = np.random.default_rng(1)
    for trial in range(400):
        walk = rng.normal(size=int(rng.integers(3, 150))).cumsum()
        walk = np.round(walk) if trial % 3 == 0 else walk  # plateaus and ties
        progress = (walk - walk.min()) / (np.ptp(walk) or 1.0)
        spacing = int(rng.integers(1, 12))
        expected, _ = find_peaks(progress, height=0.5, prominence=0.4, distance=spacing)
        assert peaks(progress, height=0.5, prominence=0.4, distance=spacing) == expected.tolist()
