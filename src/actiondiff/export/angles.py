"""The joint angles of both performers on one aligned timeline, as CSV.

One row per sampled frame of A; B's values are read at the moment of B aligned with it (its curve
interpolated there), so each row compares the same moment of the movement.
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
    """Columns: time_a_s, frame_a, time_b_s, frame_b, then `<curve>_a` and `<curve>_b` per curve (degrees
    for angles; empty where the joint was not seen)."""
    curves_a, curves_b = result.curves_a, result.curves_b
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if curves_a is None or curves_b is None:
        writer.writerow(["time_a_s", "frame_a", "time_b_s", "frame_b"])
        return buffer.getvalue()
    names = [name for name in curves_a.values if name in curves_b.values]
    writer.writerow(
        ["time_a_s", "frame_a", "time_b_s", "frame_b", *(f"{n}_{s}" for n in names for s in "ab")]
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


def write_aligned_angles(result: ComparisonResult, path: str | Path, offset_s: float | None = None) -> Path:
    return atomic_write_text(path, aligned_angles_csv(result, offset_s))


def _at(curves: KinematicCurves, name: str, times: np.ndarray) -> np.ndarray:
    """The curve at `times`, linearly between its samples; NaN next to an unseen sample."""
    values = np.array([math.nan if v is None else v for v in curves.values[name]], dtype=float)
    if not len(values):
        return np.full(len(times), math.nan)
    return np.interp(times, np.asarray(curves.timestamps, dtype=float), values)


def _cell(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:.2f}"
