"""From a verdict's standardized excess to the probability that it is right, as fitted on the
calibration set (`benchmarks/bench_calibration.py --write` writes `calibration.json` next to this file).

A measured verdict's evidence is its standardized excess t: how many standard errors the difference
lies beyond the margin (A / B) or inside it (C). The map is logistic in t, capped at `EXCESS_CAP`,
one for A / B verdicts ("differ") and one for C ("same"). Model answers are calibrated per backend
(`pipeline.model_calibration`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from actiondiff.errors import ActionDiffError
from actiondiff.kinematics.uncertainty import INTERVAL_Z
from actiondiff.models import Evidence, Label

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
EXCESS_CAP = 8.0
"""Standardized excess beyond which a verdict counts as no surer (an exact count has infinite excess)."""
L2_PENALTY = 0.5
"""Ridge on the logistic fit's slope and intercept, so a set with no wrong verdicts gives a finite map."""


class Logistic(BaseModel):
    """p(right) = 1 / (1 + exp(-(intercept + slope * min(t, cap))))."""

    intercept: float
    slope: float
    fitted_on: int = Field(ge=0, description="Verdicts of the calibration set the map was fitted on.")

    def __call__(self, excess: float) -> float:
        t = min(excess, EXCESS_CAP)
        return 1.0 / (1.0 + math.exp(-(self.intercept + self.slope * t)))


class Calibration(BaseModel):
    """Everything `calibration.json` holds."""

    differ: Logistic
    same: Logistic
    set_summary: dict[str, float] = Field(default_factory=dict)

    def confidence(self, label: Label, excess: float) -> float:
        """The calibrated probability that a measured verdict with this standardized excess is right."""
        return round((self.same if label == "C" else self.differ)(excess), 3)


def evidence_excess(evidence: Evidence) -> float | None:
    """The standardized excess of a measured, labelled verdict, read back from its evidence (the
    difference, its 90 % interval, the margin and the view error); None for evidence without them."""
    if evidence.label is None or evidence.interval_difference is None or evidence.margin is None:
        return None
    if evidence.value_a is None or evidence.value_b is None:
        return None
    low, high = evidence.interval_difference
    error = (high - low) / (2 * INTERVAL_Z)
    gap, view = abs(evidence.value_a - evidence.value_b), evidence.view_error or 0.0
    beyond = gap - evidence.margin - view if evidence.label != "C" else evidence.margin - view - gap
    return beyond / error if error > 0 else math.inf


@cache
def load_calibration(path: Path = CALIBRATION_FILE) -> Calibration:
    """The fitted calibration; `ActionDiffError` naming the file when it is missing or malformed."""
    try:
        return Calibration.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ActionDiffError(
            path, "calibration file missing (run benchmarks/bench_calibration.py --write)"
        ) from exc
    except ValidationError as exc:
        raise ActionDiffError(path, f"not a valid calibration file: {exc.errors()[0]['msg']}") from exc


def fit_logistic(excess: Sequence[float], right: Sequence[bool]) -> Logistic:
    """Ridge-penalised logistic regression of right/wrong on the capped standardized excess (Newton)."""
    t = np.minimum(np.asarray(excess, dtype=np.float64), EXCESS_CAP)
    y = np.asarray(right, dtype=np.float64)
    design = np.column_stack([np.ones_like(t), t])
    weights = np.zeros(2)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ weights)))
        gradient = design.T @ (p - y) + L2_PENALTY * weights
        hessian = (design.T * (p * (1 - p))) @ design + L2_PENALTY * np.eye(2)
        update = np.linalg.solve(hessian, gradient)
        weights -= update
        if np.abs(update).max() < 1e-8:
            break
    return Logistic(
        intercept=round(float(weights[0]), 5), slope=round(float(weights[1]), 5), fitted_on=len(t)
    )


def reliability_table(
    confidence: np.ndarray, right: np.ndarray, edges: Sequence[float]
) -> list[tuple[float, float, int]]:
    """Per confidence bin (between consecutive `edges`, the last one closed) that holds any verdict: its
    mean confidence, share right and count."""
    which = np.clip(np.digitize(confidence, edges) - 1, 0, len(edges) - 2)
    return [
        (float(confidence[inside].mean()), float(right[inside].mean()), int(inside.sum()))
        for b in range(len(edges) - 1)
        if (inside := which == b).any()
    ]


def expected_calibration_error(
    confidence: np.ndarray, right: np.ndarray, bins: int = 10
) -> tuple[float, list[tuple[float, float, int]]]:
    """ECE = sum over `bins` equal-width confidence bins of (share of verdicts in the bin) x |mean
    confidence - share right|, and the bins' `reliability_table`."""
    table = reliability_table(confidence, right, np.linspace(0.0, 1.0, bins + 1).tolist())
    return float(sum(n * abs(c - a) for c, a, n in table) / max(len(confidence), 1)), table
