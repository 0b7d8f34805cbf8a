"""The joint angles of both performers on one aligned timeline, and the angles measured by hand, as CSV.

One row per sampled frame of A; B's values are read at the moment of B aligned with it (its curve
interpolated there), so each row compares the same moment of the movement. Every column name ends
with its unit (`_s`, `_deg`, `_deg_per_s`, `_torso` for torso lengths) unless it counts frames.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from actiondiff.export.timeline import AlignedTimeline
from actiondiff.models import ComparisonResult, KinematicCurves
from actiondiff.storage import atomic_write_text


def aligned_angles_csv(result: ComparisonResult, offset_s: float | None = None) -> str:
    """Columns: time_a_s, frame_a, time_b_s, frame_b, then `<curve>_a_<unit>` and `<curve>_b_<unit>` per
    curve (e.g. `left_knee_angle_a_deg`; empty where the joint was not seen)."""
    curves_a, curves_b = result.curves_a, result.curves_b
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if curves_a is None or curves_b is None:
        writer.writerow(["time_a_s", "frame_a", "time_b_s", "frame_b"])
        return buffer.getvalue()
    names = [name for name in curves_a.values if name in curves_b.values]
    units = {n: _unit_suffix(curves_a.units.get(n, "")) for n in names}
    writer.writerow(
        ["time_a_s", "frame_a", "time_b_s", "frame_b", *(f"{n}_{s}{units[n]}" for n in names for s in "ab")]
    )
    times_a = np.asarray(curves_a.timestamps, dtype=float)
    times_b = AlignedTimeline.of(result, offset_s).b_time(times_a)
    values_b = {name: _at(curves_b, name, times_b) for name in names}
    for row, (time_a, time_b) in enumerate(zip(times_a, times_b, strict=True)):
        cells: list[str] = []
        for name in names:
            cells += [_cell(curves_a.values[name][row]), _cell(values_b[name][row])]
        frame_b = round(float(time_b) * result.video_b.fps)
        writer.writerow([f"{time_a:.4f}", curves_a.frames[row], f"{time_b:.4f}", frame_b, *cells])
    return buffer.getvalue()


def measured_angles_csv(result: ComparisonResult) -> str:
    """The angles measured by hand (`ComparisonResult.annotations`), one row each: the video, its frame and
    time, the angle, its label, and the three points clicked as fractions of the frame (corner second)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    points = [f"{axis}{i}_frac" for i in (1, 2, 3) for axis in "xy"]
    writer.writerow(["video", "frame", "time_s", "angle_deg", "label", *points])
    for m in result.annotations:
        coordinates = [f"{v:.4f}" for point in m.points for v in point]
        angle = f"{m.degrees:.2f}"
        writer.writerow([m.side.upper(), m.frame, f"{m.time_s:.4f}", angle, m.label, *coordinates])
    return buffer.getvalue()


def write_aligned_angles(result: ComparisonResult, path: str | Path, offset_s: float | None = None) -> Path:
    return atomic_write_text(path, aligned_angles_csv(result, offset_s))


def _at(curves: KinematicCurves, name: str, times: np.ndarray) -> np.ndarray:
    """The curve at `times`, linearly between its samples; NaN next to an unseen sample."""
    values = np.array([math.nan if v is None else v for v in curves.values[name]], dtype=float)
    if not len(values):
        return np.full(len(times), math.nan)
    return np.interp(times, np.asarray(curves.timestamps, dtype=float), values)


def _unit_suffix(unit: str) -> str:
    """`deg` -> `_deg`, `deg/s` -> `_deg_per_s`; nothing for a curve without a unit."""
    return f"_{unit.replace('/', '_per_')}" if unit else ""


def _cell(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.2f}"
