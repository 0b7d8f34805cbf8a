"""The library of measurable quantities: what a difference statement can be checked against in numbers.

Each `Quantity` names the statement patterns it answers (and their opposites), the phase of a
repetition it is read in, how it is computed from the feature columns, its unit and the decision
margin below which two performances count as equal. Values are averaged over repetitions.

`view_sensitive` marks what reads differently from another camera, as measured on the pose2sim demo
(one person, four cameras of the same moment, 42 to 174 deg apart around the body, all six pairs
compared): every joint angle, lean, width, position and speed moved by up to 1-12 margins between
some two cameras, because MediaPipe estimates the 3D world landmarks from one view (a knee bend seen
end-on reads shallower, a forward lean seen from behind reads as leaning back); so did the descent and
ascent durations, whose phase boundaries each video reads from its own driving angle. The movement
onset, the repetition count, the hold at the extreme and the tempo (read in windows matched through
the time alignment) stayed within 0.7 margins: only these four are view-independent. A few angles
and widths stayed within one margin on this clip (hip flexion, knee asymmetry, stance width) but are
read from the same monocular depth, so they stay marked (the table: docs/kinematics.md).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TypeVar

import numpy as np

from actiondiff.kinematics.events import (
    Events,
    JumpEvents,
    SwingEvents,
    hand_paths,
    image_leg_length,
    image_legs,
    read_events,
)
from actiondiff.kinematics.features import SIDES, KinematicFeatures
from actiondiff.kinematics.phases import (
    Driver,
    Movement,
    Repetition,
    driver_onset,
    find_repetitions,
    movement_onset,
    movement_span,
)
from actiondiff.kinematics.phrasing import read_phrasing
from actiondiff.models import SubActionSpan


@dataclass(frozen=True)
class Measurement:
    """A measured value, the sample rows it was read from, and its value in each window read."""

    value: float
    rows: list[int]
    per_window: tuple[float, ...] = ()


@dataclass
class Reading:
    """One performance prepared for measuring: features, its repetitions, and the localizer's spans."""

    features: KinematicFeatures
    movement: Movement
    repetitions: list[Repetition]
    spans: Sequence[SubActionSpan] = ()
    spans_first: bool = False
    """Annotated spans (the oracle localizer): a phase's named spans win over the repetitions found."""
    moving: tuple[int, int] | None = None
    """First and last row of the movement (`phases.movement_span`): the `whole` phase."""

    @classmethod
    def of(
        cls,
        features: KinematicFeatures,
        movement: Movement,
        spans: Sequence[SubActionSpan] = (),
        *,
        spans_first: bool = False,
    ) -> Reading:
        moving = movement_span(features)
        repetitions = find_repetitions(features, movement.driver, moving)
        return cls(features, movement, repetitions, spans, spans_first, moving)

    @property
    def driver(self) -> Driver:
        return self.movement.driver

    @cached_property
    def events(self) -> Events:
        """The movement's one-off events (`events.read_events`): a jump or a swing, read on demand."""
        return read_events(self.features, self.moving)

    def windows(self, phase: str) -> list[np.ndarray]:
        """Row windows (one per repetition) of a phase: out, extreme, back, down, up, top, bottom, rep,
        rest, whole (the movement, so a still lead-in or tail does not count), jump or swing (the
        one-off event's span, none when the movement shows no such event). `top`/`bottom` are the
        extreme or the rest, whichever is high/low for the action (a push-up's top is its rest, a
        press's top its extreme).

        Annotated spans (`spans_first`) whose names point at the phase come first. Without
        repetitions, the localizer's spans whose names point at the phase are used; failing that,
        the whole video (so extremes are still measurable, durations are not).
        """
        every = np.arange(len(self.features))
        if phase in EVENT_PHASES:
            found = self.events.jump if phase == "jump" else self.events.swing
            return [np.arange(found.onset, found.end + 1)] if found is not None else []
        if phase == "whole":
            return [every if self.moving is None else np.arange(self.moving[0], self.moving[1] + 1)]
        if phase in ("down", "up"):
            phase = "out" if (phase == "down") == self.driver.extreme_is_low else "back"
        if phase in ("top", "bottom"):
            phase = "extreme" if (phase == "bottom") == self.driver.extreme_is_low else "rest"
        if self.spans_first and (named := self._span_windows(phase)):
            return named
        if self.repetitions:
            if phase == "rep":
                return [np.arange(r.start, r.end + 1) for r in self.repetitions]
            if phase == "rest":
                inside = np.zeros(len(every), dtype=bool)
                for r in self.repetitions:
                    inside[r.start : r.end + 1] = True
                return [every[~inside]] if (~inside).any() else [every]
            return [np.arange(lo, hi + 1) for lo, hi in (r.phase_rows()[phase] for r in self.repetitions)]
        return self._span_windows(phase) or ([every] if phase not in ("out", "back") else [])

    def _span_windows(self, phase: str) -> list[np.ndarray]:
        """Row windows of the spans whose sub-action names point at `phase` (one per span)."""
        frames = self.features.frames
        matched = [
            np.flatnonzero((frames >= s.start_frame) & (frames <= s.end_frame))
            for s in self.spans
            if self.movement.phase_of(s.sub_action) == phase
        ]
        return [w for w in matched if w.size]

    def duration(self, rows: np.ndarray) -> float:
        step = 1.0 / self.features.fps if self.features.fps else 0.0
        times = self.features.timestamps
        return float(times[rows[-1]] - times[rows[0]] + step)


Compute = Callable[[Reading], Measurement | None]

EVENT_PHASES = ("jump", "swing")
"""Phases of one-off actions (`events`): quantities read between the events of a jump or a swing."""


@dataclass(frozen=True)
class Quantity:
    """A measurable quantity and how statements about it are recognised and decided."""

    key: str
    description: str
    unit: str
    phase: str
    margin: float
    compute: Compute
    more: str  # regex: the statement asserts more of this quantity
    less: str = ""  # regex: the statement asserts less of it (checked first)
    examples: tuple[str, str] = ("", "")  # a "more" and a "less" statement, for embedding match
    relative_margin: float = 0.0  # margin also at least this fraction of the mean of both values
    one_limb: bool = False  # reads one named limb (the front leg), so one-limb statements may match it
    phrases: tuple[str, str] = (
        "",
        "",
    )  # what a performer with more / less of it does ("bends the knees more")
    crossed: bool = True  # read in windows matched between the videos (not counts, onsets or phase
    # durations: time-warping smears a phase's boundaries exactly where the two tempos differ)
    joints: tuple[str, ...] = ()  # landmarks it is read from, both sides ("knee": left and right knee)
    view_sensitive: bool = True  # reads differently from another viewpoint (see the module doc)
    one_side_enough: bool = False  # read from the better seen side (a grip's hands, a throw's faster
    # hand) or from both alike, so the visibility gate checks that side of each joint
    sides_alike: bool = False  # reads both sides alike (their mean): a mirror leaves it, so a view and
    # its reflection about the body's midline read alike (`gate.views_apart`)
    stand_in: str = ""  # a `STAND_INS` key: the same claim read from image heights, where views differ
    view_analog: Compute | None = None  # a one-off quantity's signal, in its units, read per repetition:
    # how the view fit (`fit_view_error.py`) measures it on multi-camera footage, which shows no one-off
    least_picture_rate: float = 0.0  # new pictures per second a video must show for it to be read
    # (speeds, tempos, keystroke timing: between pictures further apart a motion is a jump)

    def decision_margin(self, value_a: float, value_b: float) -> float:
        return max(self.margin, self.relative_margin * (abs(value_a) + abs(value_b)) / 2)


def _per_window(phase: str, reduce: Callable[[Reading, np.ndarray], tuple[float, int] | None]) -> Compute:
    """Apply `reduce` to each window of the phase; average the values, keep the rows they came from."""

    def compute(reading: Reading) -> Measurement | None:
        results = [r for w in reading.windows(phase) if w.size and (r := reduce(reading, w)) is not None]
        if not results:
            return None
        values = tuple(v for v, _ in results)
        return Measurement(float(np.mean(values)), [row for _, row in results], values)

    return compute


Signal = Callable[[KinematicFeatures], np.ndarray]
"""A per-sample signal derived from several feature columns (e.g. the rear knee's height)."""


def extreme(
    column: str | Signal, phase: str, use: str, transform: Callable[[float], float] = float
) -> Compute:
    """The max or min of a column (or derived signal) in each window (e.g. the deepest knee angle at
    the bottom), a column's read between its samples (`peak_of`)."""
    sign = 1.0 if use == "max" else -1.0

    def reduce(reading: Reading, rows: np.ndarray) -> tuple[float, int] | None:
        features = reading.features
        signal = features[column] if isinstance(column, str) else column(features)
        if np.isnan(signal[rows]).all():
            return None
        unsmoothed = features.unsmoothed.get(column) if isinstance(column, str) else None
        samples = None if unsmoothed is None or len(unsmoothed) != len(signal) else sign * unsmoothed
        peak, at = peak_of(features.timestamps, sign * signal, samples, rows)
        return transform(sign * peak), at

    return _per_window(phase, reduce)


PEAK_BAND = 0.1
"""Share of a signal's range below a window's smoothed maximum whose samples make up the turn around it
(`peak_of`): its top, whatever the frame rate and however fast the turn was made."""
PEAK_SAMPLES = 2
"""Samples on each side of the smoothed maximum a turn is fitted over at least."""
FLATTENED_Z = 2.0
"""Standard errors by which the fitted top must lie beyond the smoothed maximum for the fit to be read:
on smoothly turning motions (the synthetic calibration pairs) the smoothed maximum, less noisy, stays."""


def peak_of(
    times: np.ndarray, smoothed: np.ndarray, samples: np.ndarray | None, rows: np.ndarray
) -> tuple[float, int]:
    """The maximum of a curve in a window of `rows` and the row nearest it.

    The smoothed curve's maximum, unless smoothing flattened the turn there: the least-squares parabola
    through the unsmoothed `samples` of the turn (the rows around the smoothed maximum within
    `PEAK_BAND` of the signal's range below it, at least `PEAK_SAMPLES` on each side, past the window's
    ends where the turn goes on) turns inside them, within a sample of the window, and its vertex lies
    more than `FLATTENED_Z` of its standard errors beyond the smoothed maximum; then the vertex.

    Smoothing over a fixed 0.3 s flattens a turn made faster than that: pose2sim cam03's squat bottom
    (0.2 s below 150 deg) read 36 and 34 deg of knee flexion at 30 and 25 samples a second, 43 on its
    half-speed copy (60 samples per second of the performance); its fitted vertex reads 42, 41 and 45.
    The parabola's support is the turn's own width, so it does not depend on the frame rate or the
    playback speed, and its vertex falls between samples where the turn does."""
    window = smoothed[rows]
    top = int(rows[np.nanargmax(window)])
    peak = float(smoothed[top])
    if samples is None:
        return peak, top
    floor = peak - PEAK_BAND * float(np.nanmax(smoothed) - np.nanmin(smoothed))
    first, last = top, top
    while first > 0 and (smoothed[first - 1] >= floor or first > top - PEAK_SAMPLES):
        first -= 1
    while last < len(smoothed) - 1 and (smoothed[last + 1] >= floor or last < top + PEAK_SAMPLES):
        last += 1
    run = np.arange(first, last + 1)
    run = run[np.isfinite(samples[run])]
    if len(run) < 2 * PEAK_SAMPLES + 1:
        return peak, top
    offsets = times[run] - times[top]
    design = np.vander(offsets, 3)
    coefficients, *_ = np.linalg.lstsq(design, samples[run], rcond=None)
    curvature, slope, level = (float(c) for c in coefficients)
    step = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    reach = (
        max(offsets[0], times[rows[0]] - times[top] - step),
        min(offsets[-1], times[rows[-1]] - times[top] + step),
    )
    if curvature >= 0 or not reach[0] <= (vertex := -slope / (2 * curvature)) <= reach[1]:
        return peak, top
    fitted = level - slope * slope / (4 * curvature)
    residual = samples[run] - design @ coefficients
    at_vertex = np.array([vertex * vertex, vertex, 1.0])
    variance = float(residual @ residual) / max(len(run) - 3, 1)
    error = math.sqrt(variance * float(at_vertex @ np.linalg.pinv(design.T @ design) @ at_vertex))
    if fitted - peak <= FLATTENED_Z * error:
        return peak, top
    return fitted, int(run[np.argmin(np.abs(offsets - vertex))])


def spread(column: str, phase: str, kind: str) -> Compute:
    """Per window: range (max - min), std, mean, median, or the largest deviation from the window's first
    value; not measurable where the track has no such column."""

    def reduce(reading: Reading, rows: np.ndarray) -> tuple[float, int] | None:
        if column not in reading.features.columns:
            return None  # a column this track does not have (the hands' on a body-only track)
        values = reading.features[column][rows]
        finite = values[np.isfinite(values)]
        if finite.size < 2:
            return None
        middle = int(rows[len(rows) // 2])
        if kind == "range":
            return float(finite.max() - finite.min()), int(rows[np.nanargmin(values)])
        if kind == "std":
            return float(finite.std()), middle
        if kind == "mean":
            return float(finite.mean()), middle
        if kind == "median":
            return float(np.median(finite)), middle
        deviation = np.abs(values - finite[0])
        return float(np.nanmax(deviation)), int(rows[np.nanargmax(deviation)])

    return _per_window(phase, reduce)


def rise(column: str, use: str = "max") -> Compute:
    """Per repetition: the column's peak minus its resting level (`use` "min": the resting level minus
    its trough, a drop), the level being the mean of its median over each stretch outside the
    repetitions (before, between, after them): how long a video rests at one end (a held lead-in) does
    not weigh that stretch over the others."""

    def compute(reading: Reading) -> Measurement | None:
        values = reading.features[column]
        rest = np.concatenate(reading.windows("rest"))
        stretches = np.split(rest, np.flatnonzero(np.diff(rest) > 1) + 1)
        levels = [float(np.nanmedian(values[s])) for s in stretches if np.isfinite(values[s]).any()]
        peak = extreme(column, "rep", use)(reading)
        if peak is None or not levels:
            return None
        return Measurement((peak.value - float(np.mean(levels))) * (1 if use == "max" else -1), peak.rows)

    return compute


def per_leg_length(compute: Compute) -> Compute:
    """An image distance read by `compute`, in the leg's standing image length."""

    def scaled(reading: Reading) -> Measurement | None:
        found, legs = compute(reading), image_leg_length(reading.features)
        if found is None or not legs > 0:
            return None
        return Measurement(found.value / legs, found.rows, tuple(v / legs for v in found.per_window))

    return scaled


def duration(phase: str) -> Compute:
    """Mean length in seconds of a phase over the repetitions (needs repetitions or named spans)."""

    def reduce(reading: Reading, rows: np.ndarray) -> tuple[float, int]:
        return reading.duration(rows), int(rows[0])

    return _per_window(phase, reduce)


REPETITION_SPAN = duration("rep")
"""Each repetition's own length, start to end (the pauses at rest around it left out)."""


def cycle_time(reading: Reading) -> Measurement | None:
    """Time per repetition as anyone counts it: from the middle of one repetition to the middle of the
    next, so the pauses at the extreme and at rest between them are part of it (4 slow push-ups in 23 s
    read about 5.8 s each, whatever threshold ends a repetition's own span), one value per pair of
    neighbours not split by a camera cut. A lone repetition (or a window standing in for one) reads
    its own span: no rhythm is seen then."""
    windows = [w for w in reading.windows("rep") if w.size]
    if not windows:
        return None
    times, cuts = reading.features.timestamps, reading.features.cuts
    middles = [(float(times[w[0]]) + float(times[w[-1]])) / 2 for w in windows]
    cycles = [
        (after - before, int(window[0]))
        for (before, after), window, following in zip(pairwise(middles), windows, windows[1:], strict=False)
        if not any(window[-1] < cut <= following[0] for cut in cuts)
    ]
    if not cycles:
        return REPETITION_SPAN(reading)
    values = tuple(v for v, _ in cycles)
    return Measurement(float(np.mean(values)), [row for _, row in cycles], values)


def driver_speed(reading: Reading) -> Measurement | None:
    """Peak angular/linear speed of the action's driving signal during the return from the extreme."""
    column = reading.driver.column
    speed = np.abs(np.gradient(reading.features[column], reading.features.timestamps))
    windows = [w for w in reading.windows("back") if w.size]
    if not windows or np.isnan(speed).all():
        return None
    peaks = [(float(np.nanmax(speed[w])), int(w[np.nanargmax(speed[w])])) for w in windows]
    values = tuple(v for v, _ in peaks)
    return Measurement(float(np.mean(values)), [r for _, r in peaks], values)


def repetition_count(reading: Reading) -> Measurement | None:
    """How many repetitions the driver shows; none counted when the whole movement stands in for one."""
    reps = reading.repetitions
    if not reps or any(r.source == "movement" for r in reps):
        return None
    return Measurement(float(len(reps)), [r.turn for r in reps])


SETTLING_S = 1.0
"""A first repetition whose driving signal leaves its start this long after the body first moves starts
there: the body was settling (a bar, the feet), not repeating. Closer, the body's onset marks it, read
from every landmark and so steadier (on the pose2sim clips and the samples the two are within 0.4 s)."""


def start_time(reading: Reading) -> Measurement | None:
    """When the body starts to move (`phases.movement_onset`), so a still lead-in of any action is
    measured as such; or, where the first repetition's driver starts more than `SETTLING_S` later
    (`phases.driver_onset`), then: a lead-in spent settling a bar or walking in is not the first
    repetition. None when nothing moves."""
    reps, onset = reading.repetitions, movement_onset(reading.features)
    if reps and reps[0].source == "driver":
        first = driver_onset(reading.features, reading.driver.column, reps[0].turn)
        if first is not None and (onset is None or first - onset > SETTLING_S):
            onset = first
    if onset is None:
        return None
    return Measurement(onset, [int(np.argmin(np.abs(reading.features.timestamps - onset)))])


Read = tuple[float, list[int]]
"""A value and the sample rows it was read from."""
JumpReading = Callable[[Reading, JumpEvents], Read | None]
SwingReading = Callable[[Reading, SwingEvents], Read | None]
OneOff = TypeVar("OneOff", JumpEvents, SwingEvents)
"""The events of one kind of one-off action."""


def _of_event(
    events_of: Callable[[Reading], OneOff | None], read: Callable[[Reading, OneOff], Read | None]
) -> Compute:
    def compute(reading: Reading) -> Measurement | None:
        events = events_of(reading)
        found = read(reading, events) if events is not None else None
        return Measurement(found[0], found[1], (found[0],)) if found is not None else None

    return compute


def of_jump(read: JumpReading) -> Compute:
    """A quantity of the one-off jump (`events.read_jump`): None when the movement shows no jump."""
    return _of_event(lambda reading: reading.events.jump, read)


def of_swing(read: SwingReading) -> Compute:
    """A quantity of the one-off swing (`events.read_swing`): None when the movement shows no swing."""
    return _of_event(lambda reading: reading.events.swing, read)


def between(first: str, last: str) -> Callable[[Reading, JumpEvents | SwingEvents], Read]:
    """Seconds from one event (field name of the events) to another, read from the rows between them
    (each event is found from the path over them)."""

    def read(reading: Reading, events: JumpEvents | SwingEvents) -> Read:
        start, stop = getattr(events, first), getattr(events, last)
        times = reading.features.timestamps
        return float(times[stop] - times[start]), list(range(start, stop + 1))

    return read


def flight_time(reading: Reading, jump: JumpEvents) -> Read:
    """Seconds off the floor: from the last grounded row before the peak to the first after it, less
    one sample (both ends are rows on the floor)."""
    seconds, rows = between("takeoff", "landing")(reading, jump)
    step = 1.0 / reading.features.fps if reading.features.fps else 0.0
    return max(seconds - step, 0.0), rows


def countermovement_depth(reading: Reading, jump: JumpEvents) -> Read:
    """How far the hip centre drops below standing before take-off, in leg lengths."""
    drop = jump.standing - float(reading.features["hip_centre_y"][jump.bottom])
    return drop / jump.leg_length, [jump.bottom]


BEND_BEFORE = r"(dips?|sinks?|drops?|knees? bend\w*|bend\w* (the |his |her |their )?knees)"
"""Words for the dip before a take-off (a countermovement): "the knees bend deeper before the jump"."""

WHOLE_LEG = 0.9
"""A pose in the air counts for the jump's height while each leg keeps this share of the standing leg's
image length: a body fitted with its head out of the frame drew hips on the shirt and knees on the shorts
(legs at half length) for a third of demo1's flight."""


def flight_height(reading: Reading, jump: JumpEvents) -> Read | None:
    """The hip centre's rise from standing to the flight peak, in standing leg lengths: the vertex of a
    parabola (the body's ballistic arc) through the rows in the air whose legs are whole (`WHOLE_LEG`),
    else the highest such row. A ratio of image lengths along the body's axis, so a mirror, the image
    size or a camera turned about the vertical keep it."""
    features = reading.features
    air = np.arange(jump.takeoff, jump.landing + 1)
    hip = features["hip_centre_y"]
    whole = air[
        (image_legs(features)[:, air] >= WHOLE_LEG * jump.leg_length).all(axis=0) & np.isfinite(hip[air])
    ]
    if whole.size < 3:
        return None
    times = features.timestamps[whole]
    bend, slope, level = np.polyfit(times, hip[whole], 2)
    vertex = -slope / (2 * bend) if bend < 0 else np.nan
    if times[0] < vertex < times[-1]:
        top, at = level - slope**2 / (4 * bend), int(whole[np.argmin(np.abs(times - vertex))])
    else:
        at = int(whole[np.argmax(hip[whole])])
        top = float(hip[at])
    return (float(top) - jump.standing) / jump.leg_length, [at]


def jump_rise(reading: Reading) -> Measurement | None:
    """The hips' rise in leg lengths: a one-off jump's `flight_height` when the movement shows one and
    does not repeat, else the rise per repetition (`rise`) over the leg's image length."""
    if reading.events.jump is not None and len(reading.repetitions) < 2:
        return of_jump(flight_height)(reading)
    return per_leg_length(rise("hip_centre_y"))(reading)


def landing_flexion(reading: Reading, jump: JumpEvents) -> Read | None:
    """Deepest knee flexion (180 - knee angle) from landing to the end of the movement."""
    knees = reading.features["knee_angle"][jump.landing : jump.end + 1]
    if not np.isfinite(knees).any():
        return None
    at = int(np.nanargmin(knees))
    return 180.0 - float(knees[at]), [jump.landing + at]


def arm_swing(reading: Reading, jump: JumpEvents) -> Read | None:
    """Range of arm elevation (hip-shoulder-elbow angle) from the onset to the flight peak: the arms
    swinging back and up into the jump."""
    arms = reading.features["shoulder_angle"][jump.onset : jump.peak + 1]
    if np.isfinite(arms).sum() < 2:
        return None
    return float(np.nanmax(arms) - np.nanmin(arms)), [jump.onset + int(np.nanargmax(arms))]


def tempo_ratio(reading: Reading, swing: SwingEvents) -> Read | None:
    """Backswing time over downswing time (a golf swing's tempo, about 3 : 1)."""
    back, _ = between("onset", "top_start")(reading, swing)
    down, _ = between("top_end", "impact")(reading, swing)
    return (back / down, list(range(swing.onset, swing.impact + 1))) if down > 0 else None


def backswing_length(reading: Reading, swing: SwingEvents) -> Read:
    """How far (torso lengths) the hands are from where they started at the top of the backswing."""
    return float(np.linalg.norm(swing.hands[swing.top_start] - swing.hands[swing.onset])), [swing.top_start]


def hand_speed(reading: Reading, swing: SwingEvents) -> Read | None:
    """The hands' peak speed (torso lengths per second) from the top of the backswing on: through
    impact or release."""
    through = swing.speed[swing.top_end : swing.end + 1]
    if not np.isfinite(through).any():
        return None
    return float(np.nanmax(through)), list(range(swing.top_end, swing.impact + 1))


def head_movement(reading: Reading, swing: SwingEvents) -> Read | None:
    """How far the head (the nose, in the image) strays from where it was at the start of the movement,
    at most, up to impact: the coach's "keep the head still over the ball" (torso lengths)."""
    rows = np.arange(swing.onset, swing.impact + 1)
    head = np.stack([reading.features["head_x"][rows], reading.features["head_y"][rows]], axis=1)
    seen = np.isfinite(head).all(axis=1)
    if seen.sum() < 2:
        return None
    strayed = np.linalg.norm(head[seen] - head[seen][0], axis=1)
    return float(strayed.max()), [int(rows[seen][int(np.argmax(strayed))])]


def hip_shoulder_separation(reading: Reading, swing: SwingEvents) -> Read | None:
    """At the top of the backswing, how far the shoulder line is turned past the hip line about the
    vertical (degrees, world landmarks): mirroring turns both lines alike, so it keeps the angle."""
    row, features = swing.top_start, reading.features

    def heading(joint: str) -> float:
        dx = features[f"left_{joint}_wx"][row] - features[f"right_{joint}_wx"][row]
        dz = features[f"left_{joint}_wz"][row] - features[f"right_{joint}_wz"][row]
        return float(np.degrees(np.arctan2(dz, dx)))

    turned = (heading("shoulder") - heading("hip") + 180.0) % 360.0 - 180.0
    return (abs(turned), [row]) if np.isfinite(turned) else None


def rear_knee_height(features: KinematicFeatures) -> np.ndarray:
    """Per sample, the rear knee's height above the floor in shoulder widths, in a split stance.

    The rear leg is the one whose ankle is behind the other along the facing direction (the normal
    of the hip line), so it is a body role, not a side: a mirrored video reads the same leg. It is
    decided once for the video, by the ankles' mean offset, since single-frame depth is too noisy to
    tell the feet apart near the bottom (a lunge that switches legs is not read). The floor is the
    lowest foot landmark (heels, toes, ankles) of each sample; world y is up.
    """

    def world(side: str, joint: str) -> np.ndarray:
        return np.stack([features[f"{side}_{joint}_w{axis}"] for axis in "xyz"], axis=1)

    left = world("left", "hip") - world("right", "hip")
    forward = np.stack([-left[:, 2], np.zeros(len(left)), left[:, 0]], axis=1)  # left x up
    ahead = np.einsum("td,td->t", world("left", "ankle") - world("right", "ankle"), forward)
    knee_y = features["right_knee_wy"] if np.nanmean(ahead) >= 0 else features["left_knee_wy"]
    feet = [features[f"{side}_{joint}_wy"] for side in SIDES for joint in ("ankle", "heel", "foot_index")]
    with np.errstate(invalid="ignore"):
        return (knee_y - np.nanmin(np.stack(feet), axis=0)) / features["shoulder_width"]


def _flexion(angle: float) -> float:
    return 180.0 - angle


def _negate(value: float) -> float:
    return -value


def _inward_percent(ratio: float) -> float:
    return 100.0 * (1.0 - ratio)


_LEGS = r"(knees?|legs?|squat|lunge|thighs?)"
"""Statement words that put a left/right comparison on the legs (knee asymmetry measures only them)."""
_REPS = (
    r"(repetitions?|\breps?|movement|motion|exercise|cycles?|squats?|lunges?|push-?ups?|jumping jacks?|"
    r"jacks|deadlifts?|press(es)?|curls?|burpees?|tempo|pace|cadence|rhythm|"
    r"(who|person|performer|athlete|lifter) (moves?|goes|is))"
)
"""Subjects whose speed is the time per repetition ("the lunge is faster", "who moves faster"); "the
run-up is faster" or "the knot is tied faster" is not."""
_COUNTED = (
    r"(rep(etition)?s|cycles|squats|lunges|push-?ups|jumping jacks|jacks|deadlifts|press(es)?|curls|"
    r"burpees|jumps)\b"
)
"""What a count of repetitions is said in ("does more squats", "fewer push-ups")."""
_DOWN = r"(descen|lower|eccentric|drop|((way|going|goes|go|gets?|comes?|moves?|sinks?) down))"
_UP = (
    r"(ascen|ris(e|es|ing)\b|concentric|((way|stands?|standing|comes?|coming|gets?|getting|goes|going|"
    r"drives?|pushes?) up)|stand)"
)
"""The way down and the way up of a repetition, as statements name them."""


def _smaller_range(joint: str) -> str:
    """Statements that a joint moves through a smaller range ("a smaller hip range of motion")."""
    smaller = r"(smaller|less|reduced|limited|shorter|narrower)"
    return rf"{smaller} {joint} range|{joint}s?\b.{{0,25}}\b{smaller} range"


_REAR_KNEE = r"(back|rear|trail(ing)?) knee\b"
"""The knee of the leg behind in a split stance, as statements name it."""
ONE_LIMB = re.compile(
    r"\b(?<!left and )(?<!right and )(front|back|rear|lead(ing)?|trail(ing)?|left|right|kicking|plant(ed)?|"
    r"standing|shooting|guide|non-jumping|jumping|swing(ing)?|working|supporting)[- ](knee|leg|foot|arm|"
    r"elbow|hand|hip|shin|heel|ankle|shoulder|wrist)s?\b"
)
"""A statement about one limb ("the front knee", "the shooting arm"): most quantities average both
sides or read the whole body, so such a statement matches only the `one_limb` quantities."""


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("front_knee_depth", "deepest front-knee flexion (180 - knee angle) in a split stance", "deg",
             "rep", 8.0, extreme("front_knee_angle", "rep", "min", _flexion), one_limb=True,
             joints=("hip", "knee", "ankle"),
             phrases=("bends the front knee more", "bends the front knee less"),
             more=(r"(front|lead(ing)?) knee\b.{0,15}\b(bends?|flex\w*)\b.{0,10}\b(more|further|deeper)|"
                   r"(front|lead(ing)?) (knee|thigh)\b.{0,25}\b(deeper|lower|parallel|level)"),
             less=r"(front|lead(ing)?) knee\b.{0,15}\b(bends?|flex\w*)\b.{0,10}\bless",
             examples=("the front knee bends more", "the front knee bends less")),
    Quantity("front_shin_tilt", "forward tilt of the front shin at the bottom (knee past the toes)", "deg",
             "extreme", 5.0, extreme("front_shin_tilt", "extreme", "max"), one_limb=True,
             joints=("hip", "knee", "ankle"),
             phrases=("moves the front knee further forward", "keeps the front shin more vertical"),
             more=r"(front|lead(ing)?) (knee|shin)\b.{0,30}\b(forward|past|over|beyond)",
             less=r"(front|lead(ing)?) (knee|shin)\b.{0,30}\b(stacked|above the ankle|vertical|behind)",
             examples=("the front knee travels further forward over the toes",
                       "the front shin stays more vertical")),
    Quantity("back_knee_height", "lowest height of the back (rear) knee above the floor in a split stance",
             "x shoulder width", "rep", 0.1, extreme(rear_knee_height, "rep", "min"), one_limb=True,
             joints=("shoulder", "hip", "knee", "ankle", "heel", "foot_index"),
             phrases=("keeps the back knee higher off the floor", "lowers the back knee closer to the floor"),
             more=rf"{_REAR_KNEE}.{{0,30}}\b(higher|further (from|off)|(off|away from) the (floor|ground))",
             less=(rf"{_REAR_KNEE}(.{{0,30}}\b(closer|nearer|lower|down to|towards?|touch\w*|(almost|nearly) "
                   rf"(to|on))\b|.{{0,15}}\bdrops?)"),
             examples=("the back knee stays higher off the floor", "the back knee gets closer to the floor")),
    Quantity("flight_time", "time off the floor in a one-off jump (take-off to landing)", "s", "jump", 0.05,
             of_jump(flight_time), crossed=False, relative_margin=0.15,
             view_sensitive=False, joints=("hip", "ankle"),
             phrases=("stays in the air longer", "lands sooner"),
             more=(r"(longer|more) (flight|hang ?time|time in the air|air ?time)|(stays?|hangs?) in the air "
                   r"longer|(flight|hang ?time|air ?time)\b.{0,15}\blonger"),
             less=(r"(shorter|less) (flight|hang ?time|time in the air|air ?time)|"
                   r"(flight|hang ?time|air ?time)\b.{0,15}\bshorter|lands? sooner"),
             examples=("the flight time is longer", "the flight time is shorter")),
    Quantity("jump_duration", "time from the start of the movement to landing in a one-off jump", "s", "jump",
             0.1, of_jump(between("onset", "landing")), crossed=False, relative_margin=0.15,
             view_sensitive=False, joints=("hip", "ankle"),
             phrases=("takes longer over the jump", "completes the jump faster"),
             more=r"\bjumps?\b.{0,20}\b(takes? longer|slow(er|ly)?\b|more time|lasts? longer)|slower jump",
             less=r"\bjumps?\b.{0,20}\b(fast(er)?\b|quick(er|ly)?\b|less time)|(faster|quicker) jump",
             examples=("the jump takes longer", "the jump is quicker")),
    Quantity("countermovement_depth", "hip drop below standing before take-off in a one-off jump",
             "x leg length", "jump", 0.05, of_jump(countermovement_depth), crossed=False,
             joints=("hip", "knee", "ankle"), one_side_enough=True,
             view_analog=per_leg_length(rise("hip_centre_y", "min")),
             phrases=("dips lower before the take-off", "dips less before the take-off"),
             more=(r"counter-?movement\b.{0,20}\b(deeper|lower|bigger|larger)|deeper counter-?movement|"
                   rf"{BEND_BEFORE}\b.{{0,15}}\b(lower|deeper|further|more)\b.{{0,25}}\b(before|into) (the )?"
                   r"(jump|take-?off)"),
             less=(r"counter-?movement\b.{0,20}\b(shallower|smaller)|shallower counter-?movement|"
                   rf"{BEND_BEFORE} less\b.{{0,25}}\b(before|into) (the )?(jump|take-?off)"),
             examples=("the countermovement before the jump is deeper",
                       "the dip before take-off is shallower")),
    Quantity("landing_knee_flexion", "deepest knee flexion (180 - knee angle) after landing a one-off jump",
             "deg", "jump", 8.0, of_jump(landing_flexion), crossed=False,
             joints=("hip", "knee", "ankle"),
             phrases=("bends the knees more on landing", "lands with straighter knees"),
             more=(r"softer landing|land\w*\b.{0,20}\b(softer|more knee (bend|flexion))|"
                   r"knees?\b.{0,15}\bbend\w*\b.{0,15}\b(on|when|during|at|after) (the )?land"),
             less=r"(stiff|stiffer|harder) landing|land\w*\b.{0,25}\b(stiff|straight(er)? (legs|knees))",
             examples=("the knees bend more on landing", "the landing is stiffer")),
    Quantity("arm_swing", "range of arm elevation (hip-shoulder-elbow angle) from the start of a one-off "
             "jump to its peak", "deg", "jump", 15.0, of_jump(arm_swing), crossed=False,
             joints=("hip", "shoulder", "elbow"), view_analog=spread("shoulder_angle", "rep", "range"),
             phrases=("swings the arms more into the jump", "swings the arms less into the jump"),
             more=(r"arms?\b.{0,15}\bswing\w*\b.{0,15}\b(more|higher|further|harder|bigger)|"
                   r"(bigger|more|stronger|fuller) arm swing|"
                   r"arm swing\b.{0,25}\b(bigger|larger|stronger|fuller)"),
             less=(r"(smaller|less|weaker) arm swing|arm swing\b.{0,25}\b(smaller|weaker)|"
                   r"arms?\b.{0,15}\bswing\w*\b.{0,10}\bless"),
             examples=("the arm swing into the jump is bigger", "the arms swing less")),
    Quantity("tempo_ratio", "backswing time over downswing time in a one-off swing or throw", "ratio",
             "swing", 0.5, of_swing(tempo_ratio), crossed=False, relative_margin=0.35,
             joints=("shoulder", "wrist"), one_side_enough=True,
             phrases=("has a slower backswing relative to the downswing",
                      "has a quicker backswing relative to the downswing"),
             more=(r"tempo ratio\b.{0,15}\b(higher|larger|bigger)|backswing\b.{0,25}\b(slower|longer) "
                   r"(relative|compared) to the (downswing|forward swing)"),
             less=(r"tempo ratio\b.{0,15}\b(lower|smaller)|backswing\b.{0,25}\b(quicker|faster|shorter) "
                   r"(relative|compared) to the (downswing|forward swing)"),
             examples=("the backswing is slower relative to the downswing", "the tempo ratio is lower")),
    Quantity("top_pause", "pause of the hands at the top of the backswing in a one-off swing or throw", "s",
             "swing", 0.15, of_swing(between("top_start", "top_end")), crossed=False, relative_margin=0.25,
             joints=("shoulder", "wrist"), one_side_enough=True,
             phrases=("pauses longer at the top of the backswing", "pauses less at the top of the backswing"),
             more=r"paus\w*\b.{0,30}\b(back)?swing|(back)?swing\b.{0,25}\bpaus",
             less=(r"(no|without (a )?|shorter) pause\b.{0,30}\b(back)?swing|(back)?swing\b.{0,25}\b"
                   r"(without|no) (a )?pause"),
             examples=("there is a longer pause at the top of the backswing",
                       "the swing goes from the backswing into the downswing without a pause")),
    Quantity("backswing_duration", "time from the start of the movement to the top of the backswing in a "
             "one-off swing or throw", "s", "swing", 0.1, of_swing(between("onset", "top_start")),
             crossed=False, view_sensitive=False, relative_margin=0.15, joints=("shoulder", "wrist"),
             one_side_enough=True,
             phrases=("takes longer over the backswing", "makes a quicker backswing"),
             more=(r"backswing\b.{0,20}\b(slow(er|ly)?\b|takes? longer|more time|lasts? longer)|"
                   r"slower backswing"),
             less=r"backswing\b.{0,20}\b(fast(er)?\b|quick(er|ly)?\b|less time)|(faster|quicker) backswing",
             examples=("the backswing takes longer", "the backswing is quicker")),
    Quantity("downswing_duration", "time from the top of the backswing to impact or release in a one-off "
             "swing or throw", "s", "swing", 0.05, of_swing(between("top_end", "impact")),
             crossed=False, view_sensitive=False, relative_margin=0.15, joints=("shoulder", "wrist"),
             one_side_enough=True,
             phrases=("takes longer over the downswing", "makes a quicker downswing"),
             more=(r"(downswing|forward swing)\b.{0,20}\b(slow(er|ly)?\b|takes? longer|more time|lasts? "
                   r"longer)|slower (downswing|forward swing)"),
             less=(r"(downswing|forward swing)\b.{0,20}\b(fast(er)?\b|quick(er|ly)?\b|less time)|"
                   r"(faster|quicker) (downswing|forward swing)"),
             examples=("the downswing takes longer", "the downswing is quicker")),
    Quantity("swing_duration", "time from the start of the movement to impact or release in a one-off swing "
             "or throw", "s", "swing", 0.1, of_swing(between("onset", "impact")), crossed=False,
             view_sensitive=False, relative_margin=0.15, joints=("shoulder", "wrist"), one_side_enough=True,
             phrases=("takes longer over the swing", "completes the swing faster"),
             more=(r"\b(swing|throw|serve)\b.{0,20}\b(slow(er|ly)?\b|takes? longer|more time|lasts? longer)|"
                   r"slower (swing|throw|serve)\b"),
             less=(r"\b(swing|throw|serve)\b.{0,20}\b(fast(er)?\b|quick(er|ly)?\b|less time)|"
                   r"(faster|quicker) (swing|throw|serve)\b"),
             examples=("the swing is slower", "the swing is quicker")),
    Quantity("backswing_length", "distance of the hands from where they started at the top of the backswing "
             "in a one-off swing or throw", "torso", "swing", 0.2, of_swing(backswing_length),
             crossed=False, joints=("shoulder", "wrist"), one_side_enough=True,
             phrases=("makes a longer backswing", "makes a shorter backswing"),
             more=(r"(longer|bigger|fuller|wider) backswing|backswing\b.{0,15}\b(is )?(longer|bigger|fuller|"
                   r"wider)\b|takes? the (club|racket|ball|arm) (further|farther) back"),
             less=(r"(shorter|smaller|more compact|compact) backswing|backswing\b.{0,15}\b(is )?(shorter|"
                   r"smaller|more compact)"),
             examples=("the backswing is longer", "the backswing is shorter and more compact")),
    Quantity("peak_hand_speed", "peak speed of the hands, at impact or release of a one-off swing or throw",
             "torso/s", "swing", 1.0, of_swing(hand_speed), crossed=False, relative_margin=0.15,
             joints=("shoulder", "wrist"), one_side_enough=True,
             view_analog=extreme(lambda features: hand_paths(features)[1], "rep", "max"),
             phrases=("moves the hands faster at impact or release",
                      "moves the hands more slowly at impact or release"),
             more=(r"(more|higher|greater) (hand|club|club ?head|swing|arm|racket|bat) speed|"
                   r"(hand|club ?head|swing|arm|racket|bat) speed is higher|(hands?|club|arm)\b.{0,20}\b"
                   r"(faster|quicker) (through|at|into) (impact|release|the ball|contact)"),
             less=(r"(less|lower) (hand|club|club ?head|swing|arm|racket|bat) speed|"
                   r"(hand|club ?head|swing|arm|racket|bat) speed is lower"),
             examples=("the hands move faster through impact", "the hand speed is lower")),
    Quantity("head_movement", "largest move of the head from where it started, up to impact, in a one-off "
             "swing or throw", "torso", "swing", 0.1, of_swing(head_movement), crossed=False,
             relative_margin=0.25, joints=("ear",), one_side_enough=True,
             phrases=("moves the head more during the swing", "keeps the head stiller during the swing"),
             more=(r"head\b.{0,20}\b(moves?|sways?|shifts?|bobs?|drifts?|lifts?)\w*\b.{0,15}\b"
                   r"(more|further|a lot)|more head (movement|motion|sway)"),
             less=(r"head\b.{0,20}\b(still(er)?|steadier|quieter|more still)|keeps? the head (still|steady)|"
                   r"less head (movement|motion|sway)"),
             examples=("the head moves more during the swing", "the head stays more still over the ball")),
    Quantity("hip_shoulder_separation", "shoulder line turned past the hip line at the top of the backswing "
             "(one-off swing or throw)", "deg", "swing", 8.0, of_swing(hip_shoulder_separation),
             crossed=False, joints=("shoulder", "hip"),
             phrases=("turns the shoulders further past the hips",
                      "turns the hips and shoulders more together"),
             more=(r"(hip[- ]shoulder|x-?factor)\b.{0,15}\b(separation|gap|larger|bigger|greater|more)|"
                   r"(more|larger|bigger|greater) (hip[- ]shoulder )?separation|shoulders?\b.{0,20}\bturn\w*"
                   r"\b.{0,15}\b(further|more) (past|than|against) the hips"),
             less=(r"(less|smaller) (hip[- ]shoulder )?separation|(hips? and shoulders?|shoulders? and hips?)"
                   r"\b.{0,15}\b(turn|rotate)\w* (together|as one)"),
             examples=("the hip-shoulder separation at the top is larger",
                       "the hips and shoulders turn together")),
    Quantity("step_length", "split-stance length: front to back ankle along the facing direction",
             "x shoulder width", "extreme", 0.15, extreme("step_length_ratio", "extreme", "max"),
             joints=("shoulder", "hip", "ankle"),
             phrases=("takes a longer step", "takes a shorter step"),
             more=(r"(step|stride|split stance)s?\b.{0,15}\b(longer|bigger|larger|further)|"
                   r"(longer|bigger|larger) (lunge )?(step|stride)"),
             less=r"(step|stride|split stance)s?\b.{0,15}\bshorter|(shorter|smaller) (lunge )?(step|stride)",
             examples=("the step is longer", "the step is shorter")),
    Quantity("knee_valgus", "knees caving in at the bottom (knee gap under ankle gap)", "%", "extreme",
             8.0, extreme("knee_over_ankle_width", "extreme", "min", _inward_percent),
             joints=("knee", "ankle"),
             phrases=("lets the knees cave inward more", "keeps the knees further out"),
             more=r"knees?\b.{0,20}\b(cave|caving|collapse|buckl|come in|go in|move in|inward)|valgus",
             less=r"knees?\b.{0,20}\b(out\b|outward|(?<!forward )(?<!past )over (the )?toes)",
             examples=("the knees cave inward more", "the knees track out over the toes more")),
    Quantity("heel_lift", "heel rise off the floor", "m", "rep", 0.02, rise("heel_lift"),
             joints=("heel", "foot_index"),
             phrases=("lifts the heels more", "keeps the heels flatter"),
             more=(r"heels?\b.{0,15}\b(lift|rise|raise|come up|come off|off the (floor|ground))|on (the|"
                   r"their) toes|onto (the|their) toes"),
             less=r"heels?\b.{0,20}\b(flat|down|planted|grounded)",
             examples=("the heels lift off the floor more", "the heels stay flat on the ground")),
    Quantity("shin_tilt", "knee travel forward (shin tilt) at the bottom", "deg", "extreme", 5.0,
             extreme("shin_tilt", "extreme", "max"),
             joints=("knee", "ankle"),
             phrases=("moves the knees further forward", "keeps the shins more vertical"),
             more=(r"knees?\b.{0,25}\b(forward|past|beyond|over) (the )?toes|knees? (travel|go|move|"
                   r"come)s? (further |more )?forward|dorsiflexion|shins?\b.{0,15}\b(angled|inclined|"
                   r"forward)"),
             examples=("the knees travel further forward past the toes", "the shins stay more vertical")),
    Quantity("lean_back", "backward trunk lean (arching) at the extreme", "deg", "extreme", 5.0,
             extreme("trunk_lean", "extreme", "min", _negate),
             joints=("shoulder", "hip"),
             phrases=("leans back more", "leans back less"),
             more=r"leans? back|arch(es|ing)?\b.{0,15}back|hyperextend|back arch",
             examples=("the lifter leans back and arches the lower back more", "the torso stays neutral")),
    Quantity("trunk_lean", "forward trunk lean from vertical at the extreme", "deg", "extreme", 6.0,
             extreme("trunk_lean", "extreme", "max"),
             joints=("shoulder", "hip"),
             phrases=("leans the trunk further forward", "keeps the trunk more upright"),
             more=(r"lean(s|ing)?\b.{0,10}forward|forward (lean|trunk|torso)|(torso|trunk|"
                   r"chest)\b.{0,20}\b(inclined|horizontal|drops?|falls?|forward)|bent over|trunk lean|"
                   r"torso lean"),
             less=(r"upright|vertical (torso|back|trunk)|(torso|trunk|back)\b.{0,10}\bvertical|"
                   r"chest\b.{0,10}\b(up|tall|proud)|less (forward )?lean"),
             examples=("the torso leans forward more", "the torso stays more upright")),
    Quantity("hip_flexion", "hip flexion (180 - hip angle) at the extreme", "deg", "extreme", 8.0,
             extreme("hip_angle", "extreme", "min", _flexion),
             joints=("shoulder", "hip", "knee"),
             phrases=("flexes the hips more", "flexes the hips less"),
             more=(r"hip (flexion|hinge|bend)|hinges? (more )?at the hips|bends? (more )?at the hips|"
                   r"(tuck|pike)\w*\b.{0,20}\b(tight|compact|closed)"),
             examples=("the hips flex and hinge more", "the hips bend less")),
    Quantity("elbow_flare", "elbow spread (elbow gap over shoulder width) at the extreme", "x shoulder width",
             "extreme", 0.12, extreme("elbow_width_ratio", "extreme", "max"),
             joints=("shoulder", "elbow"),
             phrases=("flares the elbows more", "keeps the elbows more tucked"),
             more=r"elbows?\b.{0,15}\b(flare|out\b|outward|wide)",
             less=r"elbows?\b.{0,15}\b(tuck|in\b|inward|close)",
             examples=("the elbows flare out more", "the elbows stay tucked in")),
    Quantity("elbow_extension", "elbow angle at the top of the movement (180 = straight arm)", "deg", "top",
             6.0, extreme("elbow_angle", "top", "max"),
             joints=("shoulder", "elbow", "wrist"),
             phrases=("straightens the arms more", "keeps the arms more bent"),
             more=(r"(arms?|elbows?)\b.{0,25}\b(extend|straight|lock)|locks? out (the )?(arms?|elbows?)|"
                   r"(straighten|extend)\w*\b.{0,10}\b(arms?|elbows?)|"
                   r"(arm|elbow) (extension|lockout)"),
             less=r"(arms?|elbows?)\b.{0,20}\bbent|bent (arms?|elbows?)",
             examples=("the arms are more fully extended at the top", "the elbows stay more bent")),
    Quantity("press_height", "hand height above the shoulders at the extreme", "torso", "extreme", 0.15,
             extreme("wrist_height", "extreme", "max"),
             joints=("hip", "shoulder", "wrist"),
             phrases=("raises the hands higher", "keeps the hands lower"),
             more=(r"(press|lift|raise|push)(es|s)?\b.{0,25}\bhigher|hands?\b.{0,15}\bhigher|"
                   r"higher (lockout|press|release)|release (point |height )?is higher|"
                   r"(ball|weight|bar|dumbbells?)\b.{0,10}\b(released|pressed|lifted|raised) higher"),
             less=r"(press|lift|raise|push)(es|s)?\b.{0,25}\blower",
             examples=("the weights are pressed higher overhead", "the hands stop lower")),
    Quantity("shoulder_flexion", "highest arm elevation in a repetition (hip-shoulder-elbow angle, forward "
             "or sideways)", "deg", "rep", 8.0, extreme("shoulder_angle", "rep", "max"),
             joints=("hip", "shoulder", "elbow"), stand_in="arm_height",
             phrases=("raises the arms higher", "keeps the arms lower"),
             more=(r"arms?\b.{0,20}\b(raised|reach|overhead|higher|spread|out to the sides?)|"
                   r"shoulder (flexion|abduction|range|mobility)"),
             examples=("the arms are raised higher", "the arms stay lower")),
    Quantity("grip_width", "hand spacing over shoulder width", "x shoulder width", "extreme", 0.15,
             extreme("hand_distance_ratio", "extreme", "max"),
             joints=("shoulder", "wrist"),
             phrases=("uses a wider grip", "uses a narrower grip"),
             more=(r"wider grip|grip is wider|hands?\b.{0,15}\b(wider|further) apart|"
                   r"hands?\b.{0,15}\b(placed|set|positioned|spaced) wider"),
             less=(r"narrower grip|grip is narrower|hands?\b.{0,15}\bcloser|"
                   r"hands?\b.{0,15}\b(placed|set|positioned|spaced) narrower"),
             examples=("the grip is wider", "the hands are closer together")),
    Quantity("stance_width", "ankle spacing over leg length (median over the movement)", "x leg length",
             "whole", 0.1, spread("stance_width_legs", "whole", "median"),
             joints=("hip", "knee", "ankle"),
             phrases=("places the feet wider apart", "places the feet closer together"),
             more=(r"wider (stance|feet|base)|(stance|base) is wider|"
                   r"feet\b.{0,25}\b(wider|further|far|wide) apart|broader (stance|base)|"
                   r"(wider|broader) (foot|feet) (placement|position)|(places?|sets?|puts?) the feet wider"),
             less=(r"narrower (stance|feet|base)|(stance|base) is narrower|feet\b.{0,15}\bcloser|"
                   r"(legs|feet|ankles)\b.{0,15}\btogether|narrower (foot|feet) (placement|position)"),
             examples=("the stance is wider with feet further apart", "the feet are closer together")),
    Quantity("depth", "deepest knee flexion (180 - knee angle) in a repetition", "deg", "rep", 8.0,
             extreme("knee_angle", "rep", "min", _flexion),
             joints=("hip", "knee", "ankle"), stand_in="hip_depth",
             phrases=("bends the knees more", "bends the knees less"),
             more=(r"(squat|lunge|knees?|hips?|sit)\w*\b.{0,20}\b(deep|lower\b)|deep(er)? (squat|lunge|knee)|"
                   r"(squat|lunge) depth|below parallel|lower (squat|position|bottom)|"
                   r"more knee (bend|flexion)|"
                   r"^(the performer )?(goes|gets|sinks?|drops?|sits?) (lower|deeper)\b|"
                   r"knees?\b.{0,10}\bbend\w*\b.{0,10}\b(more|further)\b(?! (un)?even)|"
                   r"bend\w*\b.{0,5}\bknees\b.{0,5}\b(more|further)\b(?! (un)?even)"),
             less=(r"(squat|lunge|knees?|knee bend)\w*\b.{0,20}\b(shallow|less deep|partial)|"
                   r"(shallow|partial|half|quarter)(er)? (squat|lunge|knee bend)|above parallel|"
                   r"knees?\b.{0,10}\bbend\w*\b.{0,10}\bless|bend\w*\b.{0,5}\bknees\b.{0,5}\bless\b|"
                   r"less knee (bend|flexion)"),
             examples=("the squat is deeper", "the squat is shallower")),
    Quantity("knee_range", "knee range of motion over a repetition", "deg", "rep", 8.0,
             spread("knee_angle", "rep", "range"),
             joints=("hip", "knee", "ankle"),
             phrases=("moves the knees through a larger range", "moves the knees through a smaller range"),
             more=r"knees?\b.{0,30}\brange|range of motion\b.{0,25}\bknee",
             less=_smaller_range("knee"),
             examples=("the knees move through a larger range of motion", "the knee range is smaller")),
    Quantity("hip_range", "hip range of motion over a repetition", "deg", "rep", 8.0,
             spread("hip_angle", "rep", "range"),
             joints=("shoulder", "hip", "knee"),
             phrases=("moves the hips through a larger range", "moves the hips through a smaller range"),
             more=r"hips?\b.{0,30}\brange|range of motion\b.{0,25}\bhip",
             less=_smaller_range("hip"),
             examples=("the hips move through a larger range of motion", "the hips move less")),
    Quantity("elbow_range", "elbow range of motion over a repetition", "deg", "rep", 8.0,
             spread("elbow_angle", "rep", "range"),
             joints=("shoulder", "elbow", "wrist"),
             phrases=("moves the elbows through a larger range", "moves the elbows through a smaller range"),
             more=r"elbows?\b.{0,30}\brange|range of motion\b.{0,25}\b(elbow|arm)",
             less=_smaller_range("elbow"),
             examples=("the arms move through a larger range of motion", "the elbow range is smaller")),
    Quantity("knee_asymmetry", "left-right knee angle difference during repetitions", "deg", "rep", 5.0,
             spread("knee_asymmetry", "rep", "mean"),
             joints=("hip", "knee", "ankle"),
             phrases=("bends the two knees more unevenly", "bends the two knees more evenly"),
             more=(rf"{_LEGS}\b.{{0,30}}\b(asymmetr|uneven|imbalanc|lopsided)|(asymmetr|uneven|imbalanc)\w*\b.{{0,30}}"
                   rf"\b{_LEGS}|favou?rs? (one|the left|the right) (leg|knee|side)"),
             less=(rf"{_LEGS}\b.{{0,30}}\b(symmetr|even(ly)?\b|balanced)|(symmetr|even(ly)?|balanced)\w*\b"
                   rf".{{0,30}}\b{_LEGS}"),
             examples=("the knees bend more unevenly between left and right", "both knees bend evenly")),
    Quantity("lateral_shift", "largest sideways shift of the hip centre during a repetition", "torso", "rep",
             0.08, spread("hip_centre_x", "rep", "deviation"),
             joints=("shoulder", "hip"),
             phrases=("shifts the hips sideways more", "keeps the hips more centred"),
             more=(r"shift(s|ing)?\b.{0,20}\b(weight|hips?|side)|hips?\b.{0,10}\b(shift|drift)|"
                   r"lateral (shift|lean)|leans? to (one|the) side|"
                   r"(drifts?|shifts?|leans?) to the (left|right)"),
             examples=("the hips shift to one side more", "the hips stay centred")),
    Quantity("hand_path_deviation", "largest sideways drift of the hands", "torso", "rep",
             0.1, spread("wrist_centre_x", "rep", "deviation"),
             joints=("shoulder", "hip", "wrist"),
             phrases=("lets the hands drift sideways more", "keeps the hands on a straighter path"),
             more=(r"(bar|hand|dumbbell|weight)s?\b.{0,10}\b(path\b.{0,20}\b(deviat|drift|curv|"
                   r"less straight)|drift|travel forward)"),
             less=r"straight(er)? (vertical )?(bar |hand )?path|path\b.{0,15}\b(straight|vertical)",
             examples=("the bar path drifts and deviates more", "the bar path is straighter")),
    Quantity("sway", "postural sway (std of the hip centre's sideways position)", "torso", "whole", 0.03,
             spread("hip_centre_x", "whole", "std"),
             joints=("shoulder", "hip"),
             phrases=("sways more", "sways less"),
             more=r"sway|wobbl|unstable|less (stable|steady|balanced)|los(es|ing) balance|unsteady",
             less=(r"(?<!less )(?<!un)\b(stable|steady|steadier)|more balanced|better balance|"
                   r"(stays?|keeps?|held|holds?) still|(keeps?|holds?) (the |their )?balance"),
             examples=("the body sways and wobbles more", "the body is more stable")),
    Quantity("jump_height", "hip-centre rise above standing to a one-off jump's flight peak, or per rep",
             "x leg length", "rep", 0.06, jump_rise, crossed=False, relative_margin=0.15,
             joints=("hip", "knee", "ankle"), one_side_enough=True,
             phrases=("jumps higher", "jumps lower"),
             more=(r"jumps?\b.{0,15}\bhigher|higher jump|more (height|air)|jump height|"
                   r"hips?\b.{0,15}\b(rises?|go(es)?|gets?)\b.{0,10}\bhigher"),
             less=r"jumps?\b.{0,15}\blower|lower jump|less (height|air)",
             examples=("the jump is higher", "the jump is lower")),
    Quantity("hold_duration", "pause at the extreme of each repetition", "s", "extreme", 0.15,
             duration("extreme"), crossed=False, relative_margin=0.25,
             view_sensitive=False,
             phrases=("pauses longer at the turning point", "pauses less at the turning point"),
             more=r"paus(e|es|ing)\b|holds?\b.{0,15}\b(bottom|top|position)|longer (pause|hold)",
             less=r"no pause|bounc|without (a )?pause|shorter (pause|hold)",
             examples=("there is a longer pause at the bottom", "the lifter bounces without pausing")),
    Quantity("peak_speed", "peak speed of the return from the extreme", "deg/s", "back",
             25.0, driver_speed, relative_margin=0.15,
             phrases=("returns from the turning point faster", "returns from the turning point more slowly"),
             more=(r"explosive|powerful|more (speed|velocity|power)|faster (drive|extension)|accelerat|"
                   r"drives? (up )?harder"),
             less=r"less (explosive|powerful|power|speed)|(slower|weaker) (drive|extension)",
             examples=("the drive out of the bottom is more explosive", "the drive is less powerful")),
    Quantity("descent_duration", "time taken going down (eccentric phase)", "s", "down", 0.1,
             duration("down"), crossed=False, relative_margin=0.15,
             phrases=("descends more slowly", "descends faster"),
             more=(rf"slow(er|ly)?\b.{{0,25}}\b{_DOWN}|{_DOWN}\w*\b.{{0,20}}\b(slow|longer|controlled|"
                   rf"under control)|controlled descent|(takes? longer|more time)\b.{{0,25}}\b{_DOWN}"),
             less=rf"(fast|quick)(er|ly)?\b.{{0,25}}\b{_DOWN}|{_DOWN}\w*\b.{{0,20}}\b(fast|quick|rapid)",
             examples=("the descent is slower", "the descent is faster")),
    Quantity("ascent_duration", "time taken coming up (concentric phase)", "s", "up", 0.1,
             duration("up"), crossed=False, relative_margin=0.15,
             phrases=("rises more slowly", "rises faster"),
             more=(rf"slow(er|ly)?\b.{{0,25}}\b{_UP}|{_UP}\w*\b.{{0,20}}\b(slow|longer)|"
                   rf"(takes? longer|more time)\b.{{0,25}}\b{_UP}"),
             less=(rf"(fast|quick)(er|ly)?\b.{{0,25}}\b{_UP}|({_UP}|pull|lift off)\w*\b.{{0,20}}\b(fast|"
                   r"quick|rapid)"),
             examples=("the ascent is slower", "the ascent is faster")),
    Quantity("toe_out", "toe-out angle of the feet from straight ahead", "deg", "whole", 6.0,
             spread("toe_out", "whole", "mean"),
             joints=("hip", "heel", "foot_index"),
             phrases=("turns the toes out more", "points the toes straighter ahead"),
             more=r"(toes?|feet|foot)\b.{0,25}\b(out\b|outward|turned out|flare)|toe[- ]out",
             less=r"(toes?|feet|foot)\b.{0,25}\b(forward|straight ahead|parallel|inward)",
             examples=("the toes point further outwards", "the feet point straight ahead")),
    Quantity("start_delay", "time before the first repetition starts", "s", "whole", 0.2, start_time,
             relative_margin=0.15, crossed=False,
             view_sensitive=False,
             phrases=("starts the first repetition later", "starts the first repetition earlier"),
             more=r"(starts?|begins?)\b.{0,20}\blater|later start|delay|waits? longer",
             less=r"(starts?|begins?)\b.{0,20}\b(earlier|sooner)|earlier start",
             examples=("the first repetition starts later", "the movement begins earlier")),
    Quantity("rep_count", "number of repetitions", "reps", "rep", 0.5, repetition_count, crossed=False,
             view_sensitive=False,
             phrases=("performs more repetitions", "performs fewer repetitions"),
             more=rf"(more|additional) {_COUNTED}|additional rep|(performed|done|repeated) more times",
             less=rf"fewer {_COUNTED}|(performed|done|repeated) fewer times",
             examples=("performs more repetitions", "performs fewer repetitions")),
    Quantity("rep_duration", "time per repetition (tempo)", "s", "rep", 0.2, cycle_time,
             relative_margin=0.15,
             view_sensitive=False,
             phrases=("takes longer per repetition", "completes each repetition faster"),
             more=(rf"{_REPS}\b.{{0,25}}\b(slow(er|ly)?|takes? longer|more time|longer)\b|"
                   r"(slower|lower) (tempo|pace|cadence)"),
             less=(rf"{_REPS}\b.{{0,25}}\b(fast(er)?|quick(er|ly)?|rapid(ly)?|less time|shorter)\b|"
                   r"(faster|higher) (tempo|pace|cadence)"),
             examples=("the movement is performed more slowly", "the movement is performed faster")),
)  # fmt: skip
"""Ordered from specific to generic: the first quantity whose patterns match a statement answers it."""

from actiondiff.kinematics.hand_quantities import HAND_QUANTITIES  # noqa: E402  (built from the helpers above)

QUANTITIES = HAND_QUANTITIES + QUANTITIES

STAND_INS: tuple[Quantity, ...] = (
    Quantity("hip_depth", "lowest hip height in a repetition, in thigh lengths below the knees (read in "
             "the image, which a camera turned around the body does not change)", "thigh", "rep", 0.15,
             extreme("hip_below_knee", "rep", "max"), more="", one_side_enough=True, sides_alike=True,
             joints=("hip", "knee"), phrases=("sinks the hips lower", "keeps the hips higher")),
    Quantity("arm_height", "highest hand height in a repetition, in arm lengths above the shoulders (read "
             "in the image, which a camera turned around the body does not change)", "arm", "rep", 0.15,
             extreme("arm_rise", "rep", "max"), more="", one_side_enough=True, sides_alike=True,
             joints=("shoulder", "wrist"), phrases=("raises the hands higher", "keeps the hands lower")),
)  # fmt: skip
"""Readings of a catalogue quantity's claim from heights in the image against the limbs' own lengths
(`Quantity.stand_in`), measured in its place where the views leave it undecided: never matched to a
statement themselves (no patterns). Monocular depth makes knee flexion and arm elevation read by up to
0.35 deg per degree of camera turn on the pose2sim demo (`views`), and on the corpus of other people
three of seven such statements read the wrong way round across views; a height in the image moves only
with the camera's tilt."""


def find_quantity(key: str) -> Quantity:
    for quantity in (*QUANTITIES, *STAND_INS):
        if quantity.key == key:
            return quantity
    raise KeyError(f"no measurable quantity {key!r}")


def unknown_quantity(key: object, shown: int = 3) -> str:
    """Why `key` names no catalogue quantity: the keys closest to it (sharing a word, then spelled
    alike), and the whole catalogue."""
    keys = [q.key for q in QUANTITIES]
    name = str(key).lower()
    alike = sorted(keys, key=lambda k: -difflib.SequenceMatcher(None, name, k).ratio())
    sharing = [k for k in alike if set(name.split("_")) & set(k.split("_"))]
    close = list(dict.fromkeys(sharing + difflib.get_close_matches(name, keys, n=shown, cutoff=0.5)))
    return (
        f"unknown quantity {key!r}; closest catalogue quantities: {', '.join(close[:shown]) or 'none'} "
        f"(the catalogue: {', '.join(keys)})"
    )


def candidates(text: str) -> tuple[Quantity, ...]:
    """The quantities a statement may be about: only the `one_limb` ones if it names one limb."""
    if ONE_LIMB.search(read_phrasing(text).text):
        return tuple(q for q in QUANTITIES if q.one_limb)
    return QUANTITIES


def match_rules(text: str) -> tuple[Quantity, float] | None:
    """The quantity a statement is about and its polarity (+1 more, -1 less), by the regex rules.

    The statement is read as its plain claim first (`phrasing.read_phrasing`: "B is not quicker" is
    "is quicker", denied). None when no candidate quantity's patterns match.
    """
    phrasing = read_phrasing(text)
    for quantity in candidates(text):
        if quantity.less and re.search(quantity.less, phrasing.text):
            return quantity, -phrasing.sign
        if re.search(quantity.more, phrasing.text):
            return quantity, phrasing.sign
    return None
