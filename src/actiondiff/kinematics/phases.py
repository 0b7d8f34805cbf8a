"""Repetitions and phases of cyclic or phased actions, read from one driving kinematic signal.

Each repetition goes out from a resting position to an extreme and back (squat: stand -> bottom ->
stand; press: rack -> lockout -> rack). `phase_spans` turns the phases of the first repetition into
sub-action spans, so the localizer has spans when no frame/text embedder is available, and a check
on its spans when one is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

import numpy as np
from scipy.signal import find_peaks

from actiondiff.kinematics.features import KinematicFeatures
from actiondiff.models import SubActionSpan

PHASES = ("rest", "out", "extreme", "back", "recovery")
"""Phases of a repetition in time order; `recovery` is the rest after it."""
START_LEVEL = 0.1
"""A repetition starts/ends where the driving signal is within this fraction of its amplitude of rest."""
HOLD_LEVEL = 0.9
"""The extreme phase is where the signal is beyond this fraction of the repetition's amplitude."""


@dataclass(frozen=True)
class Driver:
    """The signal that shows an action's repetitions: a feature column and where its extreme lies."""

    column: str
    sign: float  # +1: the extreme is a maximum of the column, -1: a minimum
    extreme_is_low: bool  # the body is low at the extreme (squat bottom), not high (press lockout)
    min_amplitude: float  # smallest excursion (column units) that counts as a repetition


Phase = Literal["rest", "out", "extreme", "back", "recovery"]


@dataclass(frozen=True)
class Movement:
    """What the kinematics needs to know of an action: the signal its repetitions show in, and the
    phase (if any) each sub-action name stands for. Built by the action profile
    (`knowledge.ActionProfile.movement`), so no kinematic step reads an action's name."""

    driver: Driver
    phase_of: Callable[[str], Phase | None]


@dataclass(frozen=True)
class Repetition:
    """One repetition as sample rows: start, start/end of the hold at the extreme, turning point, end."""

    start: int
    hold_start: int
    turn: int
    hold_end: int
    end: int

    def phase_rows(self) -> dict[str, tuple[int, int]]:
        """Inclusive row ranges of the out, extreme and back phases."""
        return {
            "out": (self.start, max(self.start, self.hold_start - 1)),
            "extreme": (self.hold_start, self.hold_end),
            "back": (min(self.hold_end + 1, self.end), self.end),
        }


def segment_repetitions(features: KinematicFeatures, driver: Driver) -> list[Repetition]:
    """Repetitions found as prominent excursions of the driving signal away from rest."""
    values = driver.sign * features[driver.column]
    finite = values[np.isfinite(values)]
    if finite.size < 5:
        return []
    rest, peak = np.percentile(finite, [5.0, 99.0])
    if peak - rest < driver.min_amplitude:
        return []
    progress = np.interp(np.arange(len(values)), np.flatnonzero(np.isfinite(values)), finite)
    progress = (progress - rest) / (peak - rest)
    spacing = max(1, round(0.4 * features.fps)) if features.fps else 1
    peaks, _ = find_peaks(progress, height=0.5, prominence=0.4, distance=spacing)
    repetitions: list[Repetition] = []
    for turn in peaks.tolist():
        floor = repetitions[-1].end if repetitions else 0
        if turn <= floor:
            continue
        start = turn
        while start > floor and progress[start - 1] > START_LEVEL:
            start -= 1
        end = turn
        while end < len(progress) - 1 and progress[end + 1] > START_LEVEL:
            end += 1
        hold = progress[turn] * HOLD_LEVEL
        hold_start, hold_end = turn, turn
        while hold_start > start and progress[hold_start - 1] >= hold:
            hold_start -= 1
        while hold_end < end and progress[hold_end + 1] >= hold:
            hold_end += 1
        repetitions.append(Repetition(max(start - 1, floor), hold_start, turn, hold_end, end))
    return repetitions


def phase_spans(
    features: KinematicFeatures, sub_actions: Sequence[str], movement: Movement
) -> list[SubActionSpan] | None:
    """Spans of the sub-actions over the first repetition, from their names' phases; None if unknown.

    Phases are the movement's for each name, forced into time order; a phase no sub-action names is
    absorbed by the sub-action before it. Returns None when no repetition is found or no sub-action
    name points at a phase.
    """
    repetitions = segment_repetitions(features, movement.driver)
    if not repetitions or not sub_actions:
        return None
    named = [movement.phase_of(name) for name in sub_actions]
    if all(p is None for p in named):
        return None
    rep = repetitions[0]
    following = repetitions[1].start - 1 if len(repetitions) > 1 else len(features) - 1
    phase_start = dict(
        zip(PHASES, (0, rep.start, rep.hold_start, rep.hold_end + 1, rep.end + 1), strict=True)
    )
    order, last = [], 0
    for phase in named:
        last = max(last, PHASES.index(phase)) if phase is not None else last
        order.append(last)
    groups = [(index, len(list(members))) for index, members in groupby(order)]
    bounds: list[tuple[int, int]] = []
    for g, (index, count) in enumerate(groups):
        first = 0 if g == 0 else phase_start[PHASES[index]]
        stop = phase_start[PHASES[groups[g + 1][0]]] if g + 1 < len(groups) else following + 1
        edges = np.linspace(first, stop, count + 1).round().astype(int)
        bounds.extend(zip(edges[:-1].tolist(), (edges[1:] - 1).tolist(), strict=True))
    if any(end < start for start, end in bounds):
        return None
    frames, times = features.frames, features.timestamps
    return [
        SubActionSpan(
            sub_action=name,
            start_frame=int(frames[s]),
            end_frame=int(frames[e]),
            start_s=float(times[s]),
            end_s=float(times[e]),
        )
        for name, (s, e) in zip(sub_actions, bounds, strict=True)
    ]
