"""Fit the view model (`kinematics/view_error.json`): how far a camera-angle difference moves each
view-sensitive quantity, measured on real footage of one moment filmed by several calibrated cameras.

Usage: python benchmarks/fit_view_error.py [--write] [--refit] [CLIPS_DIR ...]
(default: the cached pose2sim single-person demo, see scripts/fetch_real_clips.py; every folder holds
cam*.mp4 and the cameras' `Calib.qca.txt`).

Every pair of cameras of one folder films the same performance at the same moment, so a difference
between their readings of a quantity is the view's doing or the measurement's own noise; the view
effect is what the noise does not explain (`view_effect`: the noise is already in every verdict's
interval). The true angle between two cameras around the body is the difference of their calibrated
yaws; the read one is the difference of the pose azimuths. Per quantity the view error is a slope in
the quantity's units per degree: the largest view effect per degree apart among the pairs (the true
angle, or the read one where smaller, since the gate sees the read one; pairs past 90 deg count as 90),
so no pair of the footage could have been called different at the angle the gate reads. Each
pair is compared as a user's videos are (`compare`, statements linked to each quantity, matched
windows). With `--write` the slopes, the pairs and the azimuth's errors are stored for run time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import sys
from pathlib import Path

from actiondiff.config import Config
from actiondiff.eval.invariance import ACTION
from actiondiff.kinematics import Reading, compute_features
from actiondiff.kinematics.quantities import QUANTITIES, STAND_INS, Quantity
from actiondiff.kinematics.uncertainty import INTERVAL_Z, SYSTEMATIC_SHARE
from actiondiff.kinematics.views import SATURATION_DEG, VIEW_ERROR_FILE
from actiondiff.knowledge.profile import resolve_profile
from actiondiff.pipeline.compare import compare
from actiondiff.pose import extract_pose
from actiondiff.pose.quality import video_quality, wrap_deg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.fetch_real_clips import default_cache
from tests.realfootage.calibration import camera_yaws

SENSITIVE = [q for q in (*QUANTITIES, *STAND_INS) if q.view_sensitive]
STATEMENTS = {(q.examples[0] or q.description): (q.key, "more") for q in SENSITIVE if q.view_analog is None}
"""One statement per view-sensitive quantity the footage shows, linked to it (its own "more" example; a
stand-in, which has none, its description). A one-off quantity is read as its `view_analog` instead."""


def analog_readings(a: Path, b: Path, config: Config) -> dict[str, dict[str, object]]:
    """Per one-off quantity, the difference A - B of its `view_analog` (its signal read per repetition)
    at the same moment; no interval: the whole difference is counted as the view's (`view_effect`)."""
    movement = resolve_profile(ACTION).movement
    readings = [Reading.of(compute_features(extract_pose(clip, config)), movement) for clip in (a, b)]
    found = {}
    for quantity in SENSITIVE:
        if quantity.view_analog is None:
            continue
        one, other = (quantity.view_analog(reading) for reading in readings)
        if one is not None and other is not None:
            difference = round(one.value - other.value, 4)
            found[quantity.key] = {
                "difference": difference,
                "interval": [difference, difference],
                "margin": quantity.margin,
                "read_as": "per repetition (view_analog)",
            }
    return found


def camera_pairs(folder: Path, config: Config) -> list[dict[str, object]]:
    """Every pair of the folder's cameras: the true and the read angle between them, and per quantity
    the reading difference A - B (with its 90 % interval) of the same moment."""
    clips = sorted(folder.glob("cam*.mp4"))
    yaws = camera_yaws(folder / "Calib.qca.txt")
    azimuths = {c.stem: video_quality(extract_pose(c, config)).azimuth_deg for c in clips}
    pairs = []
    for a, b in itertools.combinations(clips, 2):
        result = compare(a, b, action=ACTION, differences=list(STATEMENTS), named=STATEMENTS, config=config)
        readings = {}
        for difference in result.differences:
            measured = difference.measured
            if measured is None or measured.value_a is None or measured.value_b is None:
                continue
            readings[STATEMENTS[difference.text][0]] = {
                "difference": round(measured.value_a - measured.value_b, 4),
                "interval": measured.interval_difference,
                "margin": measured.margin,
            }
        readings.update(analog_readings(a, b, config))
        read_a, read_b = azimuths[a.stem], azimuths[b.stem]
        read = None if read_a is None or read_b is None else float(wrap_deg(read_a - read_b))
        true = float(
            wrap_deg(yaws[a.stem] - yaws[b.stem])
        )  # a camera further round sees the body turned back
        pairs.append({
            "footage": folder.name, "a": a.stem, "b": b.stem, "true_deg": round(abs(true), 1),
            "read_deg": None if read is None else round(abs(read), 1),
            "reflected_deg": None if read is None else round(abs(float(wrap_deg(-read_b - read_a))), 1),
            "azimuth_error_deg": None if read is None else round(abs(float(wrap_deg(read + true))), 1),
            "readings": readings,
        })  # fmt: skip
        print(f"{folder.name} {a.stem}-{b.stem}: {pairs[-1]['true_deg']} deg true, "
              f"{pairs[-1]['read_deg']} read", flush=True)  # fmt: skip
    return pairs


def view_effect(reading: dict[str, object]) -> float:
    """The part of two cameras' reading difference their measurement's own noise does not explain:
    |difference| less the 90 % half-width of its random part (the interval without the systematic
    share, which allows for view and performer biases and so is left to the view)."""
    low, high = reading["interval"]  # type: ignore[misc]
    error = (high - low) / (2 * INTERVAL_Z)
    systematic = SYSTEMATIC_SHARE * float(reading["margin"])  # type: ignore[arg-type]
    random = math.sqrt(max(error**2 - systematic**2, 0.0))
    return max(abs(float(reading["difference"])) - INTERVAL_Z * random, 0.0)  # type: ignore[arg-type]


def _degrees(pair: dict[str, object], quantity: Quantity) -> float:
    """The pair's degrees apart for the fit: the true angle, the read one where smaller (for a quantity
    read from both sides alike, B's view reflected where nearer: `gate.views_apart`), at most
    `SATURATION_DEG`."""
    read = float(pair["read_deg"] or 180.0)  # type: ignore[arg-type]
    if quantity.sides_alike:
        read = min(read, float(pair.get("reflected_deg") or 180.0))  # type: ignore[arg-type]
    return min(float(pair["true_deg"]), read, SATURATION_DEG)  # type: ignore[arg-type]


def slopes(pairs: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    """Per quantity: the largest |reading difference| per degree apart over the pairs, and its pair. The
    degrees are the true angle, or the one read from pose where that is smaller: the gate sees the
    read one, so a pair read closer than it is must not get a smaller view error than it showed."""
    fitted = {}
    for quantity in SENSITIVE:
        seen = [
            (view_effect(p["readings"][quantity.key]) / _degrees(p, quantity), p)  # type: ignore[index]
            for p in pairs
            if quantity.key in p["readings"] and _degrees(p, quantity)  # type: ignore[operator]
        ]
        if not seen:
            continue
        slope, worst = max(seen, key=lambda s: s[0])
        fitted[quantity.key] = {
            "per_deg": round(slope, 5),
            "pairs": len(seen),
            "largest": f"{worst['footage']} {worst['a']}-{worst['b']} ({worst['true_deg']} deg apart)",
        }
        if quantity.view_analog is not None:
            fitted[quantity.key]["read_as"] = "its signal per repetition (view_analog)"
    return fitted


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--write", action="store_true", help=f"store the fit in {VIEW_ERROR_FILE}")
    parser.add_argument("--refit", action="store_true", help="fit again on the pairs stored there")
    args = parser.parse_args()
    if args.refit:
        pairs = json.loads(VIEW_ERROR_FILE.read_text(encoding="utf-8"))["pairs"]
    else:
        folders = args.folders or [default_cache() / "single"]
        pairs = [pair for folder in folders for pair in camera_pairs(folder, Config())]
    fitted = slopes(pairs)
    print(f"{'quantity':<22}{'unit':>18}{'per deg':>10}{'at 30 deg':>11}{'margins':>9}  largest pair")
    for quantity in SENSITIVE:
        if (fit := fitted.get(quantity.key)) is None:
            print(f"{quantity.key:<22}{quantity.unit:>18}   not measured on this footage")
            continue
        at_30 = float(fit["per_deg"]) * 30.0  # type: ignore[arg-type]
        print(f"{quantity.key:<22}{quantity.unit:>18}{fit['per_deg']:>10.4f}{at_30:>11.3g}"
              f"{at_30 / quantity.margin:>9.2f}  {fit['largest']}")  # fmt: skip
    errors = [float(p["azimuth_error_deg"]) for p in pairs if p["azimuth_error_deg"] is not None]  # type: ignore[arg-type]
    print(f"azimuth difference against the calibration: errors {errors} deg")
    if args.write:
        stored = {
            "about": "View model fitted by benchmarks/fit_view_error.py: per view-sensitive quantity, the "
            "largest view effect (reading difference beyond its random noise) between two cameras of the "
            "same moment per degree apart (true, or read where smaller, at most 90), in quantity units "
            "per degree.",
            "footage": sorted({str(p["footage"]) for p in pairs}),
            "quantities": fitted,
            "azimuth_errors_deg": errors,
            "pairs": pairs,
        }
        VIEW_ERROR_FILE.write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
        print(f"written: {VIEW_ERROR_FILE}")


if __name__ == "__main__":
    main()
