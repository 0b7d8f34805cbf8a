"""Events of a one-off action, read from the pose when nothing repeats: a jump or a swing.

Most sports actions happen once (a jump, a golf swing, a throw, a serve): no driving signal goes out
and back several times, so phases are events of the movement itself rather than of a repetition.

- A jump: the hip centre rises clearly above its standing level and the ankles leave the floor. Its
  events are the onset (where the hips leave standing for the dip, within the movement of
  `phases.movement_span`), the countermovement bottom (the lowest hip before take-off), take-off and
  landing (the ankles above / back within `FEET_LEVEL` of their rise off the floor), and the flight
  peak (the highest hip).
- A swing (golf, throw, serve, racket stroke): the hands go out from where they were at the start
  (address; the onset is where they leave it for good), turn (the top of the backswing, where they
  are slowest far from address) and come through fastest (impact or release), then follow through
  to the end of the movement.

Every event is a sample row found from image positions normalised by the torso (y up) and from
speeds, so neither mirroring, image size nor a time offset moves it; a slowed copy moves every event
in proportion. A jump wins over a swing: the arms of a jump swing too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from actiondiff.kinematics.features import SIDES, KinematicFeatures
from actiondiff.kinematics.phases import SETTLE_S, Repetition

LEAST_RISE = 0.15
"""Least rise of the hip centre (leg lengths) at its highest that counts as a jump."""
LEAST_FEET_RISE = 0.08
"""Least rise of the ankles off the floor (leg lengths) that counts as flight, not a heel raise."""
FEET_LEVEL = 0.25
"""Feet count as off the floor once the ankles are this share of their highest rise above it."""
LEAST_BACKSWING = 0.6
"""Least distance (torso lengths) of the hands from address at the top that counts as a swing."""
TURN_SHARE = 0.5
"""The top of the backswing is searched where the hands are at least this share of their largest
distance from address before impact."""
PAUSE_SHARE = 0.08
"""The hands pause at the top while their speed stays below this share of their peak speed."""
FLIGHT_SAG = 0.15
"""In a jump up the hips stay above standing, less this many leg lengths, in the air (the rows between
take-off and landing; a tucked jump's hips come down before its ankles: -0.06 in demo1's slowed copy)."""
PEAK_WITHIN = (0.3, 0.7)
"""Where the flight peak lies between take-off and landing (a ballistic arc peaks half-way): outside,
the body did not fly up and come down (a jump down from a box read 0.29)."""
THROUGH_FASTER = 1.3
"""A swing comes through at least this much faster than its backswing went out (golf's tempo is 3 : 1, a
chip's 1.35: joshkarbi's backyard chips 001 and 002); the backswing's speed is its 90th percentile, so
one jittery row does not count as its pace."""
LEAST_FOLLOW_THROUGH_S = 0.2
"""A swing follows through for at least this long after impact or release (not the video's end)."""
FAST_SHARE = 0.5
"""The hands come through fast while above this share of their peak speed (see `_passing`)."""
ONSET_SHARE = 0.1
"""The jump (swing) starts where the hips stay below standing (the hands away from address) by more than
this share of the dip's depth (of the backswing's reach) until the bottom (the top): the movement's
own onset may be an earlier fidget or waggle."""
TOP_SHARE = 0.35
"""At the top the hands are at most this share of their peak speed; otherwise they never turned."""


@dataclass(frozen=True)
class JumpEvents:
    """Sample rows of one jump, in time order; `standing` is the hip centre's standing height."""

    onset: int
    bottom: int
    takeoff: int
    peak: int
    landing: int
    end: int
    standing: float
    leg_length: float
    """Median image length of a leg (hip-knee-ankle) while standing, in torso lengths: the unit of heights
    (over the whole clip when standing shows no leg). A bent or foreshortened leg reads shorter, and a
    pose fitted to a body whose head has left the frame drew the legs at half their length in demo1's
    flight."""


@dataclass(frozen=True)
class SwingEvents:
    """Sample rows of one swing, in time order: the hands reach the top (`top_start`), leave it
    (`top_end`: the same row without a pause), come through fastest (`impact`) and the movement ends."""

    onset: int
    top_start: int
    top_end: int
    impact: int
    end: int
    hands: np.ndarray
    """(T, 2) image position of the swinging hands (torso lengths, y up)."""
    speed: np.ndarray
    """Their speed per row, torso lengths per second."""


@dataclass(frozen=True)
class Events:
    """What a one-off movement shows: a jump, a swing, or neither (then both None)."""

    jump: JumpEvents | None
    swing: SwingEvents | None

    def as_repetition(self) -> Repetition | None:
        """The one-off action as one repetition, so its sub-actions' spans fall at its events: a swing
        goes out from the onset, holds at the top and comes back through impact; a jump goes out from
        its onset, holds in the air from take-off to landing, and recovers from landing."""
        if (j := self.jump) is not None:
            return Repetition(j.onset, j.takeoff + 1, j.peak, j.landing - 1, j.landing - 1, "movement")
        if (s := self.swing) is not None:
            return Repetition(s.onset, s.top_start, s.top_start, s.top_end, s.impact, "movement")
        return None

    def describe(self, times: np.ndarray) -> str:
        """The events in words with their times, for the notices; empty when none was found."""
        named: list[tuple[str, int]] = []
        if self.jump is not None:
            j, kind = self.jump, "a jump"
            named = [("onset", j.onset), ("countermovement bottom", j.bottom), ("take-off", j.takeoff),
                     ("flight peak", j.peak), ("landing", j.landing)]  # fmt: skip
        elif self.swing is not None:
            s, kind = self.swing, "a swing"
            named = [("onset", s.onset), ("top of the backswing", s.top_start), ("impact/release", s.impact),
                     ("end of the follow-through", s.end)]  # fmt: skip
        if not named:
            return ""
        return f"{kind}: " + ", ".join(f"{name} {times[row]:.2f} s" for name, row in named)


def read_events(features: KinematicFeatures, moving: tuple[int, int] | None) -> Events:
    """The events of the movement `moving` (first, last row; `phases.movement_span`): a jump if the
    body leaves the floor, else a swing if the hands go out, turn and come through."""
    if moving is None:
        return Events(None, None)
    jump = read_jump(features, moving)
    return Events(jump, None if jump is not None else read_swing(features, moving))


def _standing_rows(features: KinematicFeatures, moving: tuple[int, int]) -> np.ndarray:
    """The rows before the movement, or its first `SETTLE_S` when it starts at once."""
    settle = max(1, round(SETTLE_S * features.fps)) if features.fps else 1
    return np.arange(max(moving[0], min(settle, len(features))))


def _median(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _mean_of_sides(features: KinematicFeatures, name: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a row where neither side is seen stays NaN
        return np.nanmean(np.stack([features[f"{side}_{name}"] for side in SIDES]), axis=0)


def image_legs(features: KinematicFeatures) -> np.ndarray:
    """(2, T): per side and row, the image length of the leg (hip-knee plus knee-ankle), torso lengths."""

    def segment(side: str, a: str, b: str) -> np.ndarray:
        return np.hypot(
            features[f"{side}_{a}_x"] - features[f"{side}_{b}_x"],
            features[f"{side}_{a}_y"] - features[f"{side}_{b}_y"],
        )

    return np.stack([segment(side, "hip", "knee") + segment(side, "knee", "ankle") for side in SIDES])


def image_leg_length(features: KinematicFeatures, rows: np.ndarray | None = None) -> float:
    """Median length of a leg in the image over `rows` (all when None), in torso lengths."""
    legs = image_legs(features)
    return _median((legs if rows is None else legs[:, rows]).ravel())


def read_jump(features: KinematicFeatures, moving: tuple[int, int]) -> JumpEvents | None:
    """The jump within the movement, or None when the hips do not rise `LEAST_RISE` leg lengths
    above standing with the ankles `LEAST_FEET_RISE` off the floor."""
    start, end = moving
    hip, ankles = features["hip_centre_y"], _mean_of_sides(features, "ankle_y")
    standing = _standing_rows(features, moving)
    legs = image_leg_length(features, standing)
    if not legs > 0:
        legs = image_leg_length(features)
    hip_rest, ankle_rest = _median(hip[standing]), _median(ankles[standing])
    window = hip[start : end + 1]
    if not (legs > 0 and np.isfinite([hip_rest, ankle_rest]).all() and np.isfinite(window).any()):
        return None
    peak = start + int(np.nanargmax(window))
    feet_rise = float(np.nanmax(ankles[start : end + 1])) - ankle_rest
    if (hip[peak] - hip_rest) / legs < LEAST_RISE or feet_rise / legs < LEAST_FEET_RISE:
        return None
    grounded = ~(ankles > ankle_rest + FEET_LEVEL * feet_rise)  # unseen rows count as grounded
    before = np.flatnonzero(grounded[start : peak + 1])
    after = np.flatnonzero(grounded[peak : end + 1])
    if not before.size or not after.size:
        return None
    takeoff, landing = start + int(before[-1]), peak + int(after[0])
    if (
        landing - takeoff < 2  # no row in the air
        or np.nanmin(hip[takeoff + 1 : landing]) < hip_rest - FLIGHT_SAG * legs
        or not PEAK_WITHIN[0] <= (peak - takeoff) / max(landing - takeoff, 1) <= PEAK_WITHIN[1]
    ):
        return None  # the hips drop below standing in the air, or do not rise and fall as one arc
    dip = hip[start : takeoff + 1]
    bottom = start + int(np.nanargmin(dip)) if np.isfinite(dip).any() else takeoff
    onset = _left(hip[start : bottom + 1] < hip_rest - ONSET_SHARE * max(hip_rest - hip[bottom], 0.0))
    return JumpEvents(start + onset, bottom, takeoff, peak, landing, end, hip_rest, legs)


def _left(away: np.ndarray) -> int:
    """The row after the last one not `away` (0 when none is): where a run of rows away from a starting
    level that lasts to the end of `away` begins."""
    still = np.flatnonzero(~away)
    return int(still[-1]) + 1 if still.size else 0


def hand_paths(features: KinematicFeatures) -> tuple[np.ndarray, np.ndarray]:
    """(T, 2) image positions of the swinging hands and their speed: both hands' mean while they stay
    together (a golf grip), else the faster hand (a throw); a body role, so mirroring keeps it."""
    per_side = [np.stack([features[f"{side}_hand_x"], features[f"{side}_hand_y"]], axis=1) for side in SIDES]
    apart = _median(np.linalg.norm(per_side[0] - per_side[1], axis=1))
    candidates = [(per_side[0] + per_side[1]) / 2] if np.isfinite(apart) and apart < 0.5 else per_side
    times = features.timestamps
    speeds = [np.linalg.norm(np.gradient(path, times, axis=0), axis=1) for path in candidates]
    fastest = int(np.argmax([np.nanmax(s) if np.isfinite(s).any() else -1.0 for s in speeds]))
    return candidates[fastest], speeds[fastest]


def _passing(away: np.ndarray, speed: np.ndarray, fastest: int, top: int, end: int) -> int:
    """Impact or release: where the hands pass closest to address while they move fast (over
    `FAST_SHARE` of their peak speed around the `fastest` row, after the `top`). The peak of the
    speed is broad through the bottom of the arc and moved 0.16 s between a clip and its slowed copy;
    the passing is sharp, since the hands move fastest there."""
    fast = speed >= FAST_SHARE * speed[fastest]
    first, last = fastest, fastest
    while first > top + 1 and fast[first - 1]:
        first -= 1
    while last < end and fast[last + 1]:
        last += 1
    window = away[first : last + 1]
    return first + int(np.nanargmin(window)) if np.isfinite(window).any() else fastest


def read_swing(features: KinematicFeatures, moving: tuple[int, int]) -> SwingEvents | None:
    """The swing within the movement, or None when the hands do not go `LEAST_BACKSWING` torso
    lengths from address, turn there (`TOP_SHARE` of their peak speed) and come through faster."""
    start, end = moving
    if len(features) < 5 or end - start < 4:
        return None
    hands, speed = hand_paths(features)
    times = features.timestamps
    moving_speed = speed[start : end + 1]
    if not np.isfinite(moving_speed).any():
        return None
    impact = start + int(np.nanargmax(moving_speed))
    address = np.array([_median(hands[_standing_rows(features, moving), k]) for k in range(2)])
    away = np.linalg.norm(hands - address, axis=1)
    backswing = np.arange(start, impact)
    if backswing.size < 2 or not np.isfinite(away[backswing]).any():
        return None
    far = backswing[away[backswing] >= TURN_SHARE * np.nanmax(away[backswing])]
    top = int(far[np.nanargmin(speed[far])])
    peak_speed = float(speed[impact])
    if away[top] < LEAST_BACKSWING or speed[top] > TOP_SHARE * peak_speed:
        return None
    start += _left(away[start : top + 1] > ONSET_SHARE * away[top])
    back_speed = speed[start : top + 1]
    if (
        top <= start
        or impact - top < 2
        or times[end] - times[impact] < LEAST_FOLLOW_THROUGH_S
        or not np.isfinite(back_speed).any()
        or peak_speed < THROUGH_FASTER * float(np.nanpercentile(back_speed, 90))
    ):
        return None  # hands that go out and come back alike (a squat's arms, a wave) do not swing
    impact = _passing(away, speed, impact, top, end)
    slow = speed <= max(PAUSE_SHARE * peak_speed, float(speed[top]))
    top_start, top_end = top, top
    while top_start > start and slow[top_start - 1]:
        top_start -= 1
    while top_end < impact - 1 and slow[top_end + 1]:
        top_end += 1
    return SwingEvents(start, top_start, top_end, impact, end, hands, speed)
