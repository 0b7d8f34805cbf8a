"""Exports of a comparison for use elsewhere: the aligned side-by-side video, the aligned angle table and
the per-repetition table."""

from actiondiff.export.angles import aligned_angles_csv, write_aligned_angles
from actiondiff.export.repetitions import repetitions_csv, write_repetitions
from actiondiff.export.timeline import AlignedTimeline, aligned_knots
from actiondiff.export.video import ExportSummary, export_side_by_side

__all__ = [
    "AlignedTimeline",
    "ExportSummary",
    "aligned_angles_csv",
    "aligned_knots",
    "export_side_by_side",
    "repetitions_csv",
    "write_aligned_angles",
    "write_repetitions",
]
