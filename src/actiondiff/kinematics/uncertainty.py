"""How sure a measured value is: pose jitter, repetition spread and the resulting intervals.

Three sources add up to one standard error per value:

- pose jitter: each feature column's frame-to-frame noise is estimated robustly from its residual
  against a wider Savitzky-Golay curve (1.4826 x median absolute residual); `jitter_replicas` draws
  replicate performances with that noise added (temporally correlated like the cleaned signal) and
  segments each again, so repetitions, onsets and phase durations are resampled too (a parametric
  bootstrap over frames);
- the spread over repetitions: the standard error of the per-repetition values of a quantity;
- the spread over matched window pairs: A's windows and B's windows (`crossing.matched_readings`)
  give two readings of the same quantity, their disagreement is the alignment's part;
- for a difference, a systematic part of `SYSTEMATIC_SHARE` margins: the pose model's bias differs
  between two videos (view, performer) in a way no resampling of one video shows.

`interval_verdict` turns the difference and its standard error into A / B / C or not decided.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from actiondiff.kinematics.clean import SMOOTH_WINDOW_S, robust_spread, savgol
from actiondiff.kinematics.features import KinematicFeatures
from actiondiff.kinematics.quantities import Reading
from actiondiff.models import Label

REPLICATES = 24
"""Replicate performances drawn per video (the bootstrap's size)."""
RESIDUAL_WINDOW_S = 0.6
"""Savitzky-Golay window (order 2) a column's residual is taken against to estimate its jitter."""
INTERVAL_Z = 1.645
"""Half-width of an interval in standard errors: two-sided 90 %."""
SYSTEMATIC_SHARE = 0.25
"""Standard error, in decision margins, of the bias between two videos that no resampling of either
sees (pose model errors that differ with view and performer); added to every difference."""


@dataclass(frozen=True)
class Spread:
    """A value's standard error and the parts it is made of."""

    jitter: float
    repetitions: float
    windows: float
    systematic: float = 0.0

    @property
    def total(self) -> float:
        return math.sqrt(self.jitter**2 + self.repetitions**2 + self.windows**2 + self.systematic**2)


def column_noise(features: KinematicFeatures) -> dict[str, float]:
    """Per column, the robust standard deviation of its residual against a wider smoothed curve
    (0 for a column with too few values), at most what cleaning took off it (`cleaned_off`, when
    known): the residual also holds the movement's own curvature where it turns sharply."""
    step = 1.0 / features.fps if features.fps else 0.04
    window = max(5, 2 * (round(RESIDUAL_WINDOW_S / step) // 2) + 1)
    names = list(features.columns)
    values = np.column_stack([features.columns[n] for n in names])
    finite = np.isfinite(values)
    usable = finite.sum(axis=0) > window
    rows = np.arange(len(values))
    filled = np.zeros_like(values)
    for column in np.flatnonzero(usable):
        seen = finite[:, column]
        filled[:, column] = np.interp(rows, rows[seen], values[seen, column])
    if not usable.any():
        return dict.fromkeys(names, 0.0)
    residual = np.where(finite, filled - savgol(filled, window), np.nan)
    residual_noise = {
        n: robust_spread(residual[:, i], values[:, i]) if usable[i] else 0.0 for i, n in enumerate(names)
    }
    return {n: min(v, features.cleaned_off.get(n, math.inf)) for n, v in residual_noise.items()}


def _correlated_unit_noise(white: np.ndarray, window: int) -> np.ndarray:
    """Gaussian noise (rows x columns) smoothed like the cleaned signal, rescaled to unit std."""
    if len(white) <= window:
        return white
    smooth = savgol(white, window)
    return smooth / smooth.std(axis=0, keepdims=True)


def _seed(features: KinematicFeatures) -> int:
    """A seed from the video's own content, so its replicas do not depend on which side it is on."""
    digest = hashlib.blake2b(np.nan_to_num(features.timestamps).tobytes(), digest_size=8)
    for values in list(features.columns.values())[:4]:
        digest.update(np.nan_to_num(values).round(6).tobytes())
    return int.from_bytes(digest.digest(), "little")


def jitter_replicas(reading: Reading, count: int = REPLICATES) -> list[Reading]:
    """Replicate readings of one performance: its pose jitter added anew, repetitions found again."""
    features = reading.features
    noise = column_noise(features)
    names = list(features.columns)
    scale = np.array([noise[n] for n in names])
    step = 1.0 / features.fps if features.fps else 0.04
    window = max(5, 2 * (round(SMOOTH_WINDOW_S / step) // 2) + 1)
    seed = _seed(features)
    # one stream per column, so a column's jitter does not change when other columns come or go
    streams = [np.random.default_rng([seed, zlib.crc32(n.encode())]) for n in names]
    # the unsmoothed columns (where a fast turn is fitted) get white jitter of what cleaning took off them
    unsmoothed_streams = [
        np.random.default_rng([seed, zlib.crc32(n.encode()), 1]) for n in features.unsmoothed
    ]
    replicas = []
    for _ in range(count):
        white = np.column_stack([stream.standard_normal(len(features)) for stream in streams])
        drawn = _correlated_unit_noise(white, window) * scale
        columns = {n: features.columns[n] + drawn[:, i] for i, n in enumerate(names)}
        unsmoothed = {
            n: values + stream.standard_normal(len(values)) * features.cleaned_off.get(n, 0.0)
            for (n, values), stream in zip(features.unsmoothed.items(), unsmoothed_streams, strict=True)
        }
        jittered = replace(features, columns=columns, unsmoothed=unsmoothed)
        replicas.append(
            Reading.of(jittered, reading.movement, reading.spans, spans_first=reading.spans_first)
        )
    return replicas


def with_features(reading: Reading, replica: Reading) -> Reading:
    """`reading`'s windows (e.g. mapped from the other video) on the replica's jittered features."""
    return replace(reading, features=replica.features)


def standard_error(values: Sequence[float], groups: int = 1) -> float:
    """Standard error of the mean of `values` taken as `len(values) / groups` independent readings."""
    if len(values) < 2:
        return 0.0
    independent = max(len(values) / max(groups, 1), 1.0)
    return float(np.std(values, ddof=1) / math.sqrt(independent))


def interval(value: float, error: float) -> tuple[float, float]:
    return value - INTERVAL_Z * error, value + INTERVAL_Z * error


def interval_verdict(
    signed: float, error: float, margin: float, view: float = 0.0
) -> tuple[Label | None, float]:
    """A / B where the polarity-signed difference's interval clears the margin, C where it lies inside
    it, None where it straddles a margin; with the standardized excess (how many standard errors the
    interval's edge lies beyond what the verdict needs, inf for an exact value). `view`: how far the two
    videos' views could move the difference (`kinematics.views`), a bias either way: A / B must clear
    margin + view, C must lie within margin - view."""
    low, high = interval(signed, error)
    if low > margin + view or high < -(margin + view):
        excess = abs(signed) - margin - view
        return ("A" if signed > 0 else "B"), _standardized(excess, error)
    if -(margin - view) < low and high < margin - view:
        return "C", _standardized(margin - view - abs(signed), error)
    return None, 0.0


def _standardized(excess: float, error: float) -> float:
    return excess / error if error > 0 else math.inf
