"""Both performances read in the same moments: each video's repetitions mapped into the other's.

Segmenting repetitions in each video on its own lets the same quantity be read at different moments
(the trunk lean at the bottom of one video, half-way down in the other), and any difference in how
the two were segmented becomes a difference in the verdict. Here A's repetitions are mapped into B
through the time alignment and B's into A, giving two pairs of readings in matched windows; a
quantity is measured on both pairs and averaged, so the verdict compares matched moments and does
not depend on which video is called A.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from actiondiff.kinematics.align import matched_rows
from actiondiff.kinematics.phases import Repetition
from actiondiff.kinematics.quantities import Reading
from actiondiff.models import TimeAlignment

MatchedPair = tuple[Reading, Reading]
"""A reading of A and one of B whose repetition windows cover the same moments of the movement."""


def matched_readings(reading_a: Reading, reading_b: Reading, alignment: TimeAlignment) -> list[MatchedPair]:
    """The pairs (A, B) in A's windows and in B's windows, each mapped into the other video.

    A video without repetitions gives no pair of its own; annotated spans (`spans_first`) are the
    truth and are not mapped, so no pair is made then (measure each reading in its own windows).
    """
    if reading_a.spans_first or reading_b.spans_first:
        return []
    a_to_b, b_to_a = alignment.path, [(b, a) for a, b in alignment.path]
    pairs = []
    if reading_a.repetitions:
        pairs.append((reading_a, replace(reading_b, repetitions=_mapped(reading_a.repetitions, a_to_b))))
    if reading_b.repetitions:
        pairs.append((replace(reading_a, repetitions=_mapped(reading_b.repetitions, b_to_a)), reading_b))
    return pairs


def _mapped(repetitions: Sequence[Repetition], path: Sequence[tuple[int, int]]) -> list[Repetition]:
    """Repetitions moved to the other video's rows along the path (A row -> B rows, A first).

    A start goes to the last row matched to it and an end to the first, so a repetition that starts
    with the video does not take in the other video's still lead-in; rows inside go to the mean.
    """
    rows = np.array(path)
    first = np.full(rows[:, 0].max() + 1, np.iinfo(np.int64).max)
    last = np.full(rows[:, 0].max() + 1, -1)
    np.minimum.at(first, rows[:, 0], rows[:, 1])
    np.maximum.at(last, rows[:, 0], rows[:, 1])
    middle = matched_rows(path, len(first))
    moved = []
    for r in repetitions:
        inner = (round(float(middle[row])) for row in (r.hold_start, r.turn, r.hold_end))
        start, hold_start, turn, hold_end, end = sorted((int(last[r.start]), *inner, int(first[r.end])))
        moved.append(Repetition(start, hold_start, turn, hold_end, end, r.source))
    return moved
