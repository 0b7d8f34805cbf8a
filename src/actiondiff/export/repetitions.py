"""Every repetition of both performers as CSV: the per-repetition table of the page and the report."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from actiondiff.models import ComparisonResult
from actiondiff.storage import atomic_write_text

COLUMNS = (
    "video", "repetition", "start_s", "turn_s", "end_s", "start_frame", "end_frame", "duration_s", "hold_s",
    "depth", "turn_value", "unit", "signal", "partial", "source",
)  # fmt: skip
"""`depth`: how far the driving signal moved from the repetition's start to its turning point;
`turn_value`: the signal there (both in `unit`)."""


def repetitions_csv(result: ComparisonResult) -> str:
    """One row per repetition of A, then of B, in time order (only the header when none was found)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for side, table in (("A", result.repetitions_a), ("B", result.repetitions_b)):
        if table is None:
            continue
        for rep in table.repetitions:
            writer.writerow(
                [
                    side, rep.number, f"{rep.start_s:.4f}", f"{rep.turn_s:.4f}", f"{rep.end_s:.4f}",
                    rep.start_frame, rep.end_frame, f"{rep.duration_s:.4f}", f"{rep.hold_s:.4f}",
                    "" if rep.excursion is None else f"{rep.excursion:.2f}",
                    "" if rep.extreme is None else f"{rep.extreme:.2f}",
                    table.unit, table.signal, int(rep.partial), rep.source,
                ]
            )  # fmt: skip
    return buffer.getvalue()


def write_repetitions(result: ComparisonResult, path: str | Path) -> Path:
    return atomic_write_text(path, repetitions_csv(result))
