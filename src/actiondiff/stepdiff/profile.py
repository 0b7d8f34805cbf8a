"""Offline evidence for the StepDiff tasks: a few pose measurements per clip, compared across a pair.

Without a vision model, the body is what can be judged: each `Measure` reduces one kinematic
column to a number with the frame it comes from, and a pair's gap counts as a difference when it
exceeds the measure's tolerance. Evidence uses VidDiff's A/B convention with A = reference and
B = candidate (label "B" = the candidate has more of the quantity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from actiondiff.config import Config
from actiondiff.kinematics import KinematicFeatures, compute_features
from actiondiff.models import Evidence, Label
from actiondiff.pose import extract_pose

Reducer = Literal["min", "max", "median", "range"]


@dataclass(frozen=True)
class Measure:
    """One comparable quantity: a feature column, how it is reduced, and how to word a gap."""

    name: str
    column: str
    """A feature column; a name without a side means the mean of both sides."""
    reducer: Reducer
    tolerance: float
    more: str
    less: str

    def reduce(self, features: KinematicFeatures) -> tuple[float, list[int]] | None:
        """The clip's value and the video frames it was read at; None when the column is never seen."""
        values = features.columns.get(self.column)
        if values is None:
            values = features.bilateral(self.column)
        finite = np.flatnonzero(np.isfinite(values))
        if finite.size == 0:
            return None
        seen = values[finite]
        frames = features.frames[finite]
        if self.reducer in ("min", "max"):
            at = int(np.argmin(seen) if self.reducer == "min" else np.argmax(seen))
            return float(seen[at]), [int(frames[at])]
        if self.reducer == "range":
            low, high = int(np.argmin(seen)), int(np.argmax(seen))
            return float(seen[high] - seen[low]), sorted({int(frames[low]), int(frames[high])})
        value = float(np.median(seen))
        return value, [int(frames[int(np.argmin(np.abs(seen - value)))])]


MEASURES: tuple[Measure, ...] = (
    Measure("lowest knee angle", "knee_angle", "min", 10.0, "bends the knees less", "bends the knees more"),
    Measure("lowest hip angle", "hip_angle", "min", 10.0, "flexes the hips less", "flexes the hips more"),
    Measure("greatest trunk lean", "trunk_lean", "max", 8.0, "leans the trunk further forward",
            "keeps the trunk more upright"),
    Measure("stance width", "stance_width_ratio", "median", 0.25, "stands with a wider stance",
            "stands with a narrower stance"),
    Measure("elbow range of motion", "elbow_angle", "range", 20.0, "moves the elbows through a larger range",
            "moves the elbows through a smaller range"),
    Measure("highest wrist position", "wrist_height", "max", 0.3, "raises the hands higher",
            "keeps the hands lower"),
)  # fmt: skip
"""Quantities that any whole-body movement has; tolerances are the smallest gap worth reporting."""


@dataclass(frozen=True)
class Gap:
    """A measured reference/candidate comparison and its wording."""

    measure: Measure
    evidence: Evidence
    size: float
    """|candidate - reference| in tolerances."""

    @property
    def candidate_phrase(self) -> str:
        higher = (self.evidence.value_b or 0.0) > (self.evidence.value_a or 0.0)
        return self.measure.more if higher else self.measure.less

    def measured(self) -> str:
        e = self.evidence
        return (
            f"{self.measure.name} {e.value_b:.3g} {e.unit} in the candidate (frame {e.frames_b[0]}) vs "
            f"{e.value_a:.3g} {e.unit} in the reference (frame {e.frames_a[0]})"
        )


def clip_features(path: str | Path, config: Config) -> KinematicFeatures:
    """Kinematic features of a clip (the pose track comes from the shared pose cache)."""
    return compute_features(extract_pose(path, config))


def compare_clips(
    reference: KinematicFeatures, candidate: KinematicFeatures, measures: Sequence[Measure] = MEASURES
) -> list[Gap]:
    """Every measure seen in both clips, largest gap (in tolerances) first."""
    gaps = []
    for measure in measures:
        ref, cand = measure.reduce(reference), measure.reduce(candidate)
        if ref is None or cand is None:
            continue
        size = abs(cand[0] - ref[0]) / measure.tolerance
        label: Label = "C" if size < 1.0 else ("B" if cand[0] > ref[0] else "A")
        evidence = Evidence(
            source="kinematics",
            summary=f"{measure.name}: reference {ref[0]:.3g}, candidate {cand[0]:.3g} "
            f"{_unit(reference, measure.column)}",
            quantity=measure.name,
            value_a=round(ref[0], 4),
            value_b=round(cand[0], 4),
            unit=_unit(reference, measure.column),
            frames_a=ref[1],
            frames_b=cand[1],
            label=label,
            confidence=float(min(1.0, 0.5 + 0.25 * size)),
        )
        gaps.append(Gap(measure, evidence, size))
    return sorted(gaps, key=lambda g: -g.size)


def describe_clip(features: KinematicFeatures, measures: Sequence[Measure] = MEASURES) -> str:
    """A one-line text of a clip's measurements (the offline stand-in for a video caption)."""
    parts = []
    for measure in measures:
        if (value := measure.reduce(features)) is not None:
            parts.append(f"{measure.name} {value[0]:.3g} {_unit(features, measure.column)}")
    return "; ".join(parts) if parts else "no person was seen"


def measure_vector(features: KinematicFeatures, measures: Sequence[Measure] = MEASURES) -> np.ndarray:
    """The clip's measurements in tolerance units (NaN where unseen), for distances between clips."""
    values = [measure.reduce(features) for measure in measures]
    return np.array(
        [np.nan if v is None else v[0] / m.tolerance for v, m in zip(values, measures, strict=True)]
    )


def _unit(features: KinematicFeatures, column: str) -> str:
    return features.units.get(column) or features.units[f"left_{column}"]
