"""Exports of a comparison for use elsewhere: the aligned side-by-side video and the aligned angle table."""

from actiondiff.export.angles import aligned_angles_csv, write_aligned_angles
from actiondiff.export.timeline import AlignedTimeline, aligned_knots
from actiondiff.export.video import ExportSummary, export_side_by_side

__all__ = [
    "AlignedTimeline",
    "ExportSummary",
    "aligned_angles_csv",
    "aligned_knots",
    "export_side_by_side",
    "write_aligned_angles",
]
