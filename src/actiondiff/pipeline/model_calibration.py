"""What a model backend's answers are worth: a temperature and a fusion weight per backend, fitted on
the calibration set's answers against their truth and kept in one file per backend under the cache
folder (`<cache_dir>/model-calibration/`).

A backend without a file is not calibrated: `pipeline.fusion` then never lets its answers change a
measured verdict, and an answer that decides alone counts at most `UNCALIBRATED_CAP`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from actiondiff.errors import ActionDiffError
from actiondiff.kinematics.calibration import expected_calibration_error
from actiondiff.models import Evidence, Label, ModelCalibration
from actiondiff.storage import atomic_write_text, content_key

LABELS: tuple[Label, ...] = ("A", "B", "C")
UNCALIBRATED_CAP = 0.5
"""The most an answer of a backend that was never calibrated counts when it decides alone."""
TEMPERATURES = np.exp(np.linspace(math.log(0.25), math.log(8.0), 200))
WEIGHTS = np.linspace(0.0, 1.0, 21)
"""The grids searched for a backend's temperature and its weight next to measured verdicts (at most 1:
the answer as independent evidence; above it, an answer would count for more than it knows)."""
FIT_COMMAND = "benchmarks/bench_calibration.py --backend"


def temper(confidence: float, temperature: float) -> float:
    """A three-way answer's confidence p (the other two labels sharing 1 - p) as p^(1/T), renormalised."""
    p = min(max(confidence, 1e-3), 1 - 1e-3)
    on, off = p ** (1 / temperature), ((1 - p) / 2) ** (1 / temperature)
    return float(on / (on + 2 * off))


def log_distribution(label: Label, confidence: float) -> np.ndarray:
    """Log-probabilities over A/B/C of an answer: `confidence` on its label, the rest split evenly."""
    p = min(max(confidence, 1e-3), 1 - 1e-3)
    probs = np.full(3, (1.0 - p) / 2)
    probs[LABELS.index(label)] = p
    return np.log(probs)


def combine(weighed: Sequence[tuple[Label, float, float]]) -> np.ndarray:
    """The product of experts of (label, confidence, weight) answers: each answer's distribution raised
    to its weight, multiplied, renormalised."""
    log_p = np.sum([weight * log_distribution(label, p) for label, p, weight in weighed], axis=0)
    probs = np.exp(log_p - log_p.max())
    return np.asarray(probs / probs.sum())


def fit_temperature(confidences: Sequence[float], right: Sequence[bool]) -> float:
    """The temperature T minimising the log loss of three-way answers with stated confidence p, tempered
    (`temper`) against whether each was right."""
    y = np.asarray(right, dtype=bool)

    def loss(temperature: float) -> float:
        chosen = np.array([temper(p, temperature) for p in confidences])
        return -float(np.sum(np.where(y, np.log(chosen), np.log((1 - chosen) / 2))))

    return round(float(min(TEMPERATURES, key=loss)), 4)


@dataclass(frozen=True)
class ScoredAnswer:
    """One statement of the calibration set: the model's labelled answer, the measured verdict beside
    it (None: nothing measured decided it), and the truth."""

    answer: Evidence
    measured: Evidence | None
    truth: Label


def fit_weight(answers: Sequence[ScoredAnswer], temperature: float) -> float:
    """The weight of the tempered answer next to a measured verdict with least log loss of the fused
    verdict on the statements that have both (0 when none has: the model then never moves a measured
    verdict)."""
    both = [a for a in answers if a.measured is not None and a.measured.label is not None]

    def loss(weight: float) -> float:
        total = 0.0
        for item in both:
            measured, answer = item.measured, item.answer
            assert measured is not None and measured.label is not None and answer.label is not None
            fused = combine(
                [
                    (measured.label, measured.confidence or 0.5, 1.0),
                    (answer.label, temper(answer.confidence or 0.5, temperature), weight),
                ]
            )
            total -= math.log(fused[LABELS.index(item.truth)])
        return total

    return round(float(min(WEIGHTS, key=loss)), 4) if both else 0.0


def fit_model_calibration(
    answers: Sequence[ScoredAnswer], backend: str, base_url: str | None
) -> ModelCalibration:
    """A backend's temperature (from all its labelled answers) and weight (from those beside a measured
    verdict); `ActionDiffError` when it gave no labelled answer to fit on."""
    labelled = [a for a in answers if a.answer.label is not None]
    if not labelled:
        raise ActionDiffError(backend, "gave no usable answer on the calibration set: nothing to fit")
    stated = [a.answer.confidence or 0.5 for a in labelled]
    right = [a.answer.label == a.truth for a in labelled]
    temperature = fit_temperature(stated, right)
    ece, _ = expected_calibration_error(np.array([temper(p, temperature) for p in stated]), np.array(right))
    weight = fit_weight(labelled, temperature)
    accuracy = float(np.mean(right))
    return ModelCalibration(
        backend=backend,
        base_url=base_url,
        fitted=True,
        temperature=temperature,
        weight=weight,
        answers=len(labelled),
        accuracy=round(accuracy, 4),
        ece=round(ece, 4),
        summary=(
            f"model answers from {backend} are calibrated on {len(labelled)} answers of the calibration "
            f"set ({accuracy:.0%} right): a stated confidence p counts as p^(1/{temperature:.2f}) "
            f"renormalised, and at weight {weight:.2f} beside a measured verdict"
        ),
    )


def uncalibrated(backend: str, base_url: str | None) -> ModelCalibration:
    """A backend with no calibration file: its answers are held back (see the module)."""
    return ModelCalibration(
        backend=backend,
        base_url=base_url,
        summary=(
            f"model answers from {backend} are not calibrated ({FIT_COMMAND} {backend} fits them): they "
            f"never change a measured verdict, and decide an unmeasured statement at confidence at most "
            f"{UNCALIBRATED_CAP}"
        ),
    )


def calibration_file(cache_dir: Path, backend: str, base_url: str | None) -> Path:
    """Where a backend's calibration is kept: one file per backend spec and endpoint."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", backend)
    return cache_dir / "model-calibration" / f"{readable}-{content_key(backend, base_url or '')[:12]}.json"


def load_model_calibration(cache_dir: Path, backend: str, base_url: str | None) -> ModelCalibration:
    """The backend's fitted calibration, or `uncalibrated` when it has none; `ActionDiffError` naming
    the file when it is malformed."""
    path = calibration_file(cache_dir, backend, base_url)
    try:
        return ModelCalibration.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return uncalibrated(backend, base_url)
    except ValidationError as exc:
        raise ActionDiffError(
            path, f"not a valid model calibration file ({exc.errors()[0]['msg']}): delete it or fit again"
        ) from exc


def save_model_calibration(calibration: ModelCalibration, cache_dir: Path) -> Path:
    """Write the calibration where `load_model_calibration` finds it (atomically)."""
    path = calibration_file(cache_dir, calibration.backend, calibration.base_url)
    return atomic_write_text(path, calibration.model_dump_json(indent=1) + "\n")
