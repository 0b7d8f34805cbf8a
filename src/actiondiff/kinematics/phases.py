"""Repetitions and phases of cyclic or phased actions, read from one driving kinematic signal.

Each repetition goes out from a resting position to an extreme and back (squat: stand -> bottom ->
stand; press: rack -> lockout -> rack). `phase_spans` turns the phases of the first repetition into
sub-action spans, so the localizer has spans when no frame/text embedder is available, and a check
on its spans when one is.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

import numpy as np

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
    source: Literal["driver", "movement"] = "driver"
    """Found in the action's driving signal, or the whole-body movement standing in (see
    `movement_repetition`)."""

    def phase_rows(self) -> dict[str, tuple[int, int]]:
        """Inclusive row ranges of the out, extreme and back phases."""
        return {
            "out": (self.start, max(self.start, self.hold_start - 1)),
            "extreme": (self.hold_start, self.hold_end),
            "back": (min(self.hold_end + 1, self.end), self.end),
        }


def segment_repetitions(
    features: KinematicFeatures, driver: Driver, within: tuple[int, int] | None = None
) -> list[Repetition]:
    """Repetitions found as prominent excursions of the driving signal away from rest, in the rows
    `within` (first, last) when given."""
    first, last = within or (0, len(features) - 1)
    found = _excursions(driver.sign * features[driver.column][first : last + 1], features.fps, driver)
    return [
        Repetition(r.start + first, r.hold_start + first, r.turn + first, r.hold_end + first, r.end + first)
        for r in found
    ]


def _excursions(values: np.ndarray, fps: float, driver: Driver) -> list[Repetition]:
    finite = values[np.isfinite(values)]
    if finite.size < 5:
        return []
    rest, peak = np.percentile(finite, [5.0, 99.0])
    if peak - rest < driver.min_amplitude:
        return []
    progress = np.interp(np.arange(len(values)), np.flatnonzero(np.isfinite(values)), finite)
    progress = (progress - rest) / (peak - rest)
    spacing = max(1, round(0.4 * fps)) if fps else 1
    repetitions: list[Repetition] = []
    for turn in peaks(progress, height=0.5, prominence=0.4, distance=spacing):
        floor = repetitions[-1].end if repetitions else 0
        if turn <= floor:
            continue
        start = turn
        while start > floor and progress[start - 1] > START_LEVEL:
            start -= 1
        end = turn
        while end < len(progress) - 1 and progress[end + 1] > START_LEVEL:
            end += 1
        hold_start, hold_end = _hold(progress, turn, start, end)
        repetitions.append(Repetition(max(start - 1, floor), hold_start, turn, hold_end, end))
    return repetitions


def peaks(values: np.ndarray, *, height: float, prominence: float, distance: int) -> list[int]:
    """The local maxima of `values` (a plateau's middle row) at least `height` high, then, higher ones
    first, none closer than `distance` rows to a kept one, then those standing at least `prominence`
    above the higher of the lowest points between them and a higher value (or the end) on each side:
    scipy.signal.find_peaks's rule, without importing scipy.signal (half a second of a cold compare)."""
    found, row, last = [], 1, len(values) - 1
    while row < last:
        if values[row - 1] < values[row]:
            ahead = row + 1
            while ahead < last and values[ahead] == values[row]:
                ahead += 1
            if values[ahead] < values[row]:
                found.append((row + ahead - 1) // 2)
                row = ahead
        row += 1
    tall = np.array([r for r in found if values[r] >= height], dtype=np.int64)
    keep = np.ones(len(tall), dtype=bool)
    for j in np.argsort(values[tall])[::-1]:
        if keep[j]:
            near = np.abs(tall - tall[j]) < distance
            near[j] = False
            keep &= ~near
    return [int(r) for r in tall[keep] if _prominence(values, int(r)) >= prominence]


def _prominence(values: np.ndarray, row: int) -> float:
    """How far `row` stands above the higher of its two bases (the lowest point on each side before a
    higher value or the end)."""
    bases = []
    for step, stop in ((-1, -1), (1, len(values))):
        lowest, at = values[row], row
        while at != stop and values[at] <= values[row]:
            lowest = min(lowest, values[at])
            at += step
        bases.append(lowest)
    return float(values[row] - max(bases))


def _hold(values: np.ndarray, turn: int, first: int, last: int) -> tuple[int, int]:
    """The rows around `turn`, within `first`..`last`, where `values` stay beyond `HOLD_LEVEL` of its."""
    hold = values[turn] * HOLD_LEVEL
    hold_start, hold_end = turn, turn
    while hold_start > first and values[hold_start - 1] >= hold:
        hold_start -= 1
    while hold_end < last and values[hold_end + 1] >= hold:
        hold_end += 1
    return hold_start, hold_end


STILL_SHARE, MOVING_SHARE = 0.1, 0.25
"""The body has left its starting posture once it is `MOVING_SHARE` of its largest displacement away; the
movement began where the line through the last `STILL_SHARE` and that row meets zero displacement."""
LEAST_DISPLACEMENT = 0.1
"""Least largest displacement (torso lengths) that counts as a movement; pose jitter stays below it."""
SETTLE_S = 0.2
"""The starting (ending) posture is the median over this long at the start (end), so the model's first
frames, before its tracker settles, do not count as movement."""


def _landmark_positions(features: KinematicFeatures) -> np.ndarray:
    """(T, K) normalised image x and y of every landmark column (the hip centre, the origin, left out)."""
    names = [n for n in features.columns if n.endswith(("_x", "_y")) and not n.startswith("hip_centre")]
    if not names:
        return np.zeros((len(features), 0))
    return np.stack([features.columns[n] for n in names], axis=1)


def _displacement(features: KinematicFeatures, *, from_end: bool = False) -> np.ndarray:
    """Per row, the mean landmark distance (torso lengths) from the starting (or ending) posture."""
    positions = _landmark_positions(features)
    settle = max(1, round(SETTLE_S * features.fps)) if features.fps else 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # unseen rows and landmarks stay NaN
        posture = np.nanmedian(positions[-settle:] if from_end else positions[:settle], axis=0)
        return np.nanmean(np.abs(positions - posture), axis=1)


def movement_onset(features: KinematicFeatures, *, from_end: bool = False) -> float | None:
    """The time the body starts to move away from its starting posture (or, `from_end`, how long before
    the end it comes to rest), from the landmarks alone: it does not depend on image size, mirroring,
    tempo or which joints the action drives. None when the body never moves."""
    away = _displacement(features, from_end=from_end)
    times = features.timestamps
    if from_end:
        away, times = away[::-1], times[-1] - times[::-1]
    if (
        len(away) < 3
        or not np.isfinite(away).any()
        or (largest := float(np.nanmax(away))) < LEAST_DISPLACEMENT
    ):
        return None
    left = int(np.flatnonzero(away >= MOVING_SHARE * largest)[0])
    still = np.flatnonzero(away[:left] <= STILL_SHARE * largest)
    if not still.size:
        return float(times[0])
    last = int(still[-1])
    slope = (away[left] - away[last]) / max(float(times[left] - times[last]), 1e-9)
    return max(float(times[0]), float(times[last] - away[last] / slope) if slope > 0 else float(times[last]))


def movement_span(features: KinematicFeatures) -> tuple[int, int] | None:
    """The first and last sample rows of the movement (see `movement_onset`); None if there is none."""
    onset, rest = movement_onset(features), movement_onset(features, from_end=True)
    if onset is None or rest is None:
        return None
    times = features.timestamps
    first = int(np.argmin(np.abs(times - onset)))
    last = int(np.argmin(np.abs(times - (times[-1] - rest))))
    return (first, last) if last > first else None


def movement_repetition(features: KinematicFeatures, moving: tuple[int, int]) -> Repetition | None:
    """The movement (`movement_span` rows) as one repetition: out from the starting posture to the
    posture farthest from it (mean landmark distance), the hold where it stays within `HOLD_LEVEL` of
    that, and back to the end. Stands in when the action's driving signal shows no repetition (a step,
    a throw, an action the library does not know)."""
    start, end = moving
    away = _displacement(features)
    window = away[start : end + 1]
    if not np.isfinite(window).any():
        return None
    turn = start + int(np.nanargmax(window))
    hold_start, hold_end = _hold(away, turn, start, end)
    return Repetition(start, hold_start, turn, hold_end, end, source="movement")


def find_repetitions(
    features: KinematicFeatures, driver: Driver, moving: tuple[int, int] | None
) -> list[Repetition]:
    """The driving signal's repetitions within the movement (its `movement_span`, None when the body
    never moves: a still lead-in or tail does not change what counts as rest), or failing that the
    whole movement as one."""
    if repetitions := segment_repetitions(features, driver, moving):
        return repetitions
    found = movement_repetition(features, moving) if moving is not None else None
    return [found] if found is not None else []


def phase_spans(
    features: KinematicFeatures, sub_actions: Sequence[str], movement: Movement
) -> list[SubActionSpan] | None:
    """Spans of the sub-actions over the first repetition, from their names' phases; None if unknown.

    Phases are the movement's for each name, forced into time order; a phase no sub-action names is
    absorbed by the sub-action before it. Returns None when no repetition is found or no sub-action
    name points at a phase.
    """
    repetitions = find_repetitions(features, movement.driver, movement_span(features))
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
