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
from itertools import groupby, pairwise
from typing import Literal

import numpy as np

from actiondiff.kinematics.features import KinematicFeatures
from actiondiff.models import RepetitionReading, Repetitions, SubActionSpan

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

    def shifted(self, rows: int) -> Repetition:
        """The same repetition `rows` later (found in a slice starting there)."""
        start, hold_start, turn, hold_end, end = (
            row + rows for row in (self.start, self.hold_start, self.turn, self.hold_end, self.end)
        )
        return Repetition(start, hold_start, turn, hold_end, end, self.source)

    def phase_rows(self) -> dict[str, tuple[int, int]]:
        """Inclusive row ranges of the out, extreme and back phases."""
        return {
            "out": (self.start, max(self.start, self.hold_start - 1)),
            "extreme": (self.hold_start, self.hold_end),
            "back": (min(self.hold_end + 1, self.end), self.end),
        }


def segment_repetitions(
    features: KinematicFeatures,
    driver: Driver,
    within: tuple[int, int] | None = None,
    *,
    open_end: bool = False,
) -> list[Repetition]:
    """Repetitions found as prominent excursions of the driving signal away from rest, in the rows
    `within` (first, last) when given; each stretch between camera cuts (`KinematicFeatures.cuts`) on
    its own, so no repetition spans a cut and each view has its own rest level. With `open_end` the
    video's last stretch may end mid-repetition (held at the extreme): its last rows can be a turning
    point."""
    first, last = within or (0, len(features) - 1)
    edges = [first, *(c for c in features.cuts if first < c <= last), last + 1]
    found = []
    for begin, stop in pairwise(edges):
        signal = driver.sign * features[driver.column][begin:stop]
        found += [
            r.shifted(begin)
            for r in _excursions(signal, features.fps, driver, open_end=open_end and stop == last + 1)
        ]
    return found


REP_HEIGHT, REP_PROMINENCE = 0.5, 0.4
"""A repetition's turning point is at least `REP_HEIGHT` of the way from rest to the largest extreme of
the movement and stands `REP_PROMINENCE` above the rest around it: a half-deep repetition counts.
Lower (0.35 both) also found a third-deep one, but on the synthetic calibration set it also found
noise as a second lunge and counted 2 against 1 twice."""


def _excursions(
    values: np.ndarray, fps: float, driver: Driver, *, open_end: bool = False
) -> list[Repetition]:
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
    # an open end is read as if the signal returned to rest after it, so a held last extreme is a peak
    ended = np.r_[progress, 0.0] if open_end else progress
    for turn in peaks(ended, height=REP_HEIGHT, prominence=REP_PROMINENCE, distance=spacing):
        turn = min(turn, len(progress) - 1)
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
    """The first and last rows within `first`..`last` where `values` are beyond `HOLD_LEVEL` of their
    value at `turn`: a held or stuck extreme that wavers below that level for a moment is still one hold
    (a repetition ends only where the signal returns near rest)."""
    window = np.arange(first, last + 1)
    beyond = window[values[first : last + 1] >= values[turn] * HOLD_LEVEL]
    return int(beyond.min(initial=turn)), int(beyond.max(initial=turn))


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


HELD_TAIL_S = 0.5
"""Least still tail after the movement for a video to end held (`ends_away`)."""


def ends_away(features: KinematicFeatures, moving: tuple[int, int]) -> bool:
    """Whether the video ends held away from its starting posture (stuck at the bottom of a failed
    squat, say): the body comes to rest (`movement_span`) at least `HELD_TAIL_S` before the end, beyond
    90 % of its largest displacement from the start; its still tail is then part of the last repetition,
    not rest after it. A clip that stops while the body still moves does not end held (the pose2sim
    clips end on the way down: read as held, they showed a repetition their slowed copies did not)."""
    away, times = _displacement(features), features.timestamps
    if times[-1] - times[moving[1]] < HELD_TAIL_S or not np.isfinite(away).any():
        return False
    settle = max(1, round(SETTLE_S * features.fps)) if features.fps else 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ending = float(np.nanmedian(away[-settle:]))
    return ending >= HOLD_LEVEL * float(np.nanmax(away))


def find_repetitions(
    features: KinematicFeatures, driver: Driver, moving: tuple[int, int] | None
) -> list[Repetition]:
    """The driving signal's repetitions within the movement (its `movement_span`, None when the body
    never moves: a still lead-in or tail does not change what counts as rest; a video that `ends_away`
    keeps its tail, and its last repetition may end there), or failing that the whole movement as one."""
    open_end = moving is not None and ends_away(features, moving)
    within = (moving[0], len(features) - 1) if moving is not None and open_end else moving
    if repetitions := segment_repetitions(features, driver, within, open_end=open_end):
        return repetitions
    found = movement_repetition(features, moving) if moving is not None else None
    return [found] if found is not None else []


PARTIAL_SHARE = 0.75
"""A repetition whose excursion is under this share of the deepest one's is partial (a failed or half
repetition)."""


def describe_repetitions(
    features: KinematicFeatures, repetitions: Sequence[Repetition], driver: Driver
) -> Repetitions:
    """Each repetition's times, duration, hold and depth (the driving signal's excursion from the
    repetition's start to its turning point), and the camera cuts of the video: the per-repetition table
    the result, the page and the report show."""
    times, frames, signal = features.timestamps, features.frames, features[driver.column]
    step = 1.0 / features.fps if features.fps else 0.0

    def at(row: int) -> float | None:
        return float(signal[row]) if np.isfinite(signal[row]) else None

    excursions = [
        abs(turn - start) if (turn := at(r.turn)) is not None and (start := at(r.start)) is not None else None
        for r in repetitions
    ]
    deepest = max((e for e in excursions if e is not None), default=0.0)
    readings = [
        RepetitionReading(
            number=number,
            start_s=round(float(times[r.start]), 4),
            turn_s=round(float(times[r.turn]), 4),
            end_s=round(float(times[r.end]), 4),
            start_frame=int(frames[r.start]),
            end_frame=int(frames[r.end]),
            duration_s=round(float(times[r.end] - times[r.start]) + step, 4),
            hold_s=round(float(times[r.hold_end] - times[r.hold_start]) + step, 4),
            extreme=None if (turn := at(r.turn)) is None else round(turn, 3),
            excursion=None if excursion is None else round(excursion, 3),
            partial=excursion is not None and r.source == "driver" and excursion < PARTIAL_SHARE * deepest,
            source=r.source,
        )
        for number, (r, excursion) in enumerate(zip(repetitions, excursions, strict=True), start=1)
    ]
    cuts = [round(float(times[row]), 4) for row in features.cuts]
    return Repetitions(
        signal=driver.column, unit=features.units.get(driver.column, ""), repetitions=readings, cuts_s=cuts
    )


def phase_spans(
    features: KinematicFeatures, sub_actions: Sequence[str], movement: Movement
) -> list[SubActionSpan] | None:
    """Spans of the sub-actions over every repetition, from their names' phases; None if unknown.

    Phases are the movement's for each name, forced into time order; a phase no sub-action names is
    absorbed by the sub-action before it. Each repetition repeats the sub-actions in order, so one name
    has a span per repetition (time-ordered). The rest between two repetitions goes to the recovery of
    the one before and the rest of the next, split in the middle when both are named. Returns None when
    no repetition is found or no sub-action name points at a phase.
    """
    repetitions = find_repetitions(features, movement.driver, movement_span(features))
    if not repetitions or not sub_actions:
        return None
    named = [movement.phase_of(name) for name in sub_actions]
    if all(p is None for p in named):
        return None
    order, last = [], 0
    for phase in named:
        last = max(last, PHASES.index(phase)) if phase is not None else last
        order.append(last)
    groups = [(index, len(list(members))) for index, members in groupby(order)]
    leads = [0, *(_between(before, after, named) for before, after in pairwise(repetitions)), len(features)]
    bounds: list[tuple[str, int, int]] = []
    for rep, lead, following in zip(repetitions, leads, leads[1:], strict=False):
        phase_start = dict(
            zip(PHASES, (lead, rep.start, rep.hold_start, rep.hold_end + 1, rep.end + 1), strict=True)
        )
        names = iter(sub_actions)
        for g, (index, count) in enumerate(groups):
            first = lead if g == 0 else phase_start[PHASES[index]]
            stop = phase_start[PHASES[groups[g + 1][0]]] if g + 1 < len(groups) else following
            edges = np.linspace(first, stop, count + 1).round().astype(int)
            bounds.extend((next(names), s, e) for s, e in zip(edges[:-1], edges[1:] - 1, strict=True))
    bounds = [(name, s, e) for name, s, e in bounds if e >= s]
    if not bounds:
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
        for name, s, e in bounds
    ]


def _between(before: Repetition, after: Repetition, named: Sequence[Phase | None]) -> int:
    """The first row of the next repetition's sub-actions: the rest between two repetitions goes to the
    one whose sub-actions name it (the recovery after, the rest before), halved when both do."""
    if "recovery" in named and "rest" not in named:
        return after.start
    if "rest" in named and "recovery" not in named:
        return before.end + 1
    return (before.end + 1 + after.start + 1) // 2
