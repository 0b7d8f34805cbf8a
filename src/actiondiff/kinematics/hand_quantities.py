"""The hand rows of the quantity table: finger flexion and spread, wrist height and bend, and the
classic measures of manual skill (path length, idle time and distinct movements per task: economy of
motion), keystroke tempo and its evenness, the lag between the hands and their speed peaks.

They read the hand columns (`kinematics.hands`), present only when the action's profile reads the
hands; a statement about fingers, wrists or keystrokes of a body-only action is therefore not decided
("not measurable"), never measured from the body. Statement patterns name hand words (fingers,
wrists, keys, taps, hand motion) so that body statements keep their own quantities.
"""

from __future__ import annotations

import numpy as np

from actiondiff.kinematics.features import SIDES
from actiondiff.kinematics.quantities import Measurement, Quantity, Reading, spread
from actiondiff.pose.landmarks import FINGERS

IDLE_SPEED = 0.5
"""Palm lengths per second below which a hand counts as still (pose jitter after smoothing stays under
0.2 on a held hand)."""
MOVING_SPEED = 1.5
"""Palm lengths per second above which a hand is making a movement (a reach, a throw, a shift)."""
FINGER_STEP = 20.0
"""Degrees a finger's bend must change from the end of its last counted move to count (`finger_tempo`):
more than the hand model's bursts on fingers that do not bend (the photo clip of `bench_hands`, a
rigid hand moved and turned, read a pace of 20 deg/s at 10 deg steps and 7 at 20), less than a lift
or a press of a working finger (the piano clips' fingers move 40 to 100 deg)."""
PATH_STEP = 0.1
"""Palm lengths a palm must move from the end of its last counted move for a move to count in its path
(`travelled`): more than the jitter left after smoothing, less than a key's width."""
LEAST_MOVE_S = 0.1
"""Shortest stretch above `MOVING_SPEED` counted as a distinct movement."""
TAP_DEG = 12.0
"""Least rise and fall of a finger's flexion, deg, around a keystroke (a tap, a key press)."""
TAP_RELATIVE_MARGIN = 0.5
"""`tap_rate`'s margin, a share of the rates: the hand model reads a hand and its mirror image with
different finger bends (a thumb 29 deg against 45), and on real one-hand footage the keystrokes counted
on a clip and on its mirror image differed by up to 45 %; a copy played twice as slow still clears it."""
TAP_GAP_S = 0.08
"""Keystrokes of different fingers closer than this are one (a chord, or one press seen twice)."""
FINGER_SPREAD_MARGIN = 15.0
"""`finger_spread`'s margin, deg: the hand model's index-to-little-finger angle of a flat hand seen from
above read 110 deg on a real clip and 123 on its copy played 2x slower (the same pictures, encoded
again), the copy's interval clear of a 6 deg margin."""
TIMING_PICTURE_RATE = 10.0
"""Least new pictures per second for what the hands do between pictures: speeds, paths, tempos and
keystroke timing (`Quantity.least_picture_rate`). At the piano clips' 4 to 5 keystrokes a second a
finger rises and falls within 0.1 to 0.2 s, so sparser pictures show a keystroke in one at best, and
a hand's reach and return between two pictures is missed. Between the 5-fps GIF clips' pictures the
hand jumps: their slowed copies read the peak speed and tap rate of the original (a copy played slower
jumps as far in one row), and the rock-paper-scissors one a path 2.7 times as long."""
LAG_RANGE_S = 1.0
"""Largest lag between the hands looked for."""
LEAST_LAG_CORRELATION = 0.5
"""Least correlation of the two hands' standardised speed curves at their lag for the hands to move
together (the piano's hands: 0.36 to 0.51 at the range's end)."""


def _window_rows(reading: Reading) -> np.ndarray:
    return reading.windows("whole")[0]


def _sides_seen(reading: Reading, rows: np.ndarray) -> list[str]:
    return [s for s in SIDES if f"{s}_palm_x" in reading.features.columns
            and np.isfinite(reading.features[f"{s}_palm_x"][rows]).sum() >= 3]  # fmt: skip


def path_length(reading: Reading) -> Measurement | None:
    """Total distance travelled by the palms (both hands added) over the movement, palm lengths
    (`travelled`)."""
    rows = _window_rows(reading)
    sides = _sides_seen(reading, rows)
    if not sides:
        return None
    total = 0.0
    for side in sides:
        total += travelled(np.stack([reading.features[f"{side}_palm_{axis}"][rows] for axis in "xy"], axis=1))
    return Measurement(total, [int(rows[len(rows) // 2])])


def travelled(points: np.ndarray, step: float = PATH_STEP) -> float:
    """The length of a path of points (T, D) (NaN: unseen) counted in moves of at least `step` from
    where the last counted move ended: jitter adds nothing, and a path walked more slowly, or sampled
    more densely, is as long (adding every row's step made a copy played 2x slower 20 % longer)."""
    seen = points[np.isfinite(points).all(axis=1)]
    if not len(seen):
        return 0.0
    total, anchor = 0.0, seen[0]
    for point in seen[1:]:
        if (move := float(np.linalg.norm(point - anchor))) >= step:
            total, anchor = total + move, point
    return total


def hand_tempo(reading: Reading) -> Measurement | None:
    """The hands' working pace: each hand's path (`travelled`) over the seconds it is seen, averaged over
    the hands, palm lengths per second. A copy played 2x slower travels the same path in twice the time;
    no speed threshold (which a slower hand falls under) is involved."""
    rows = _window_rows(reading)
    sides = _sides_seen(reading, rows)
    if not sides:
        return None
    paces = []
    for side in sides:
        points = np.stack([reading.features[f"{side}_palm_{axis}"][rows] for axis in "xy"], axis=1)
        seen_s = reading.duration(rows) * float(np.isfinite(points).all(axis=1).mean())
        paces.append(travelled(points) / seen_s)
    return Measurement(float(np.mean(paces)), [int(rows[len(rows) // 2])])


def finger_tempo(reading: Reading) -> Measurement | None:
    """The fingers' working pace: how far the busiest finger's bend travels (`travelled`, in moves of at
    least `FINGER_STEP`) over the seconds the hand is seen, mean of the hands, deg per second. Reads a
    hand whose fingers work while the palm stays (a slow lift and press no keystroke rule counts), and
    falls to half on a copy played 2x slower. The busiest finger, not the five added: the idle fingers
    add only the hand model's bursts, which differ between encodings of the same pictures (on
    `bench_hands`' finger-lifting clip, the five fingers added read its slowed copy at 0.79 of the
    original and its mirror copy at 1.23; the busiest finger at 0.51 and 1.03)."""
    rows = _window_rows(reading)
    paces = []
    for side in _sides_seen(reading, rows):
        bends = np.stack([reading.features[f"{side}_{finger}_flexion"][rows] for finger in FINGERS], axis=1)
        seen_s = reading.duration(rows) * float(np.isfinite(bends).all(axis=1).mean())
        if seen_s > 0:
            paces.append(max(travelled(bends[:, [k]], FINGER_STEP) for k in range(len(FINGERS))) / seen_s)
    return Measurement(float(np.mean(paces)), [int(rows[len(rows) // 2])]) if paces else None


def _hand_speeds(reading: Reading) -> tuple[np.ndarray, np.ndarray] | None:
    """The movement's rows and each seen hand's speed over them (hands, rows); None: no hand seen."""
    rows = _window_rows(reading)
    sides = _sides_seen(reading, rows)
    if not sides:
        return None
    return rows, np.stack([reading.features[f"{s}_hand_speed"][rows] for s in sides])


def idle_time(reading: Reading) -> Measurement | None:
    """Seconds over the movement in which every hand seen is still (below `IDLE_SPEED`)."""
    if (found := _hand_speeds(reading)) is None or not reading.features.fps:
        return None
    rows, speeds = found
    with np.errstate(invalid="ignore"):
        still = np.all(np.isnan(speeds) | (speeds < IDLE_SPEED), axis=0) & np.isfinite(speeds).any(axis=0)
    return Measurement(float(still.sum()) / reading.features.fps, [int(rows[len(rows) // 2])])


def task_time(reading: Reading) -> Measurement | None:
    """Seconds the hands work: from the first row in which a hand moves (above `IDLE_SPEED`) to the
    last, the time to complete the task of manual-skill scoring. Read from when the motion starts and
    stops, not from what happens between pictures, so a video of few pictures a second tells it to
    within a picture."""
    if (found := _hand_speeds(reading)) is None:
        return None
    rows, speeds = found
    with np.errstate(invalid="ignore"):
        working = np.flatnonzero(np.any(np.nan_to_num(speeds) > IDLE_SPEED, axis=0))
    if working.size < 2:
        return None
    span = rows[working[0] : working[-1] + 1]
    return Measurement(reading.duration(span), [int(span[0]), int(span[-1])])


def movement_count(reading: Reading) -> Measurement | None:
    """Distinct hand movements over the movement, both hands added: stretches of at least `LEAST_MOVE_S`
    above `MOVING_SPEED`."""
    if (found := _hand_speeds(reading)) is None or not reading.features.fps:
        return None
    rows, speeds = found
    least = max(1, round(LEAST_MOVE_S * reading.features.fps))
    count, at = 0, []
    for speed in speeds:
        with np.errstate(invalid="ignore"):
            moving = np.nan_to_num(speed) > MOVING_SPEED
        for start, end in _runs(moving):
            if end - start >= least:
                count += 1
                at.append(int(rows[start]))
    return Measurement(float(count), at or [int(rows[0])])


def keystrokes(reading: Reading, rows: np.ndarray) -> np.ndarray:
    """Times of the keystrokes in these rows: peaks of any finger's flexion that rise and fall by
    `TAP_DEG` within half a second, merged across fingers and hands when closer than `TAP_GAP_S`."""
    features, times = reading.features, reading.features.timestamps[rows]
    reach = max(2, round(0.5 * features.fps)) if features.fps else 2
    found: list[float] = []
    for side in SIDES:
        for finger in FINGERS:
            name = f"{side}_{finger}_flexion"
            if name not in features.columns:
                continue
            values = features[name][rows]
            for k in range(1, len(values) - 1):
                here = values[k]
                if not np.isfinite(here) or here < np.nanmax(values[max(0, k - 2) : k + 3]):
                    continue
                before, after = values[max(0, k - reach) : k], values[k + 1 : k + 1 + reach]
                if not (np.isfinite(before).any() and np.isfinite(after).any()):
                    continue
                if min(here - np.nanmin(before), here - np.nanmin(after)) >= TAP_DEG:
                    found.append(float(times[k]))
    merged: list[float] = []
    for t in sorted(found):
        if not merged or t - merged[-1] >= TAP_GAP_S:
            merged.append(t)
    return np.array(merged)


def tap_rate(reading: Reading) -> Measurement | None:
    """Keystrokes per second over the movement (`keystrokes`); None with fewer than three."""
    rows = _window_rows(reading)
    taps = keystrokes(reading, rows)
    if len(taps) < 3 or not _sides_seen(reading, rows):
        return None
    return Measurement(float(len(taps)) / reading.duration(rows), [_row_at(reading, t) for t in taps])


def tap_unevenness(reading: Reading) -> Measurement | None:
    """How uneven the keystroke tempo is: the spread of the intervals between keystrokes over their
    mean (coefficient of variation), percent; None with fewer than four keystrokes."""
    rows = _window_rows(reading)
    taps = keystrokes(reading, rows)
    if len(taps) < 4:
        return None
    gaps = np.diff(taps)
    return Measurement(100.0 * float(gaps.std() / gaps.mean()), [_row_at(reading, t) for t in taps])


def bimanual_lag(reading: Reading) -> Measurement | None:
    """How far one hand's speed trails the other's, seconds: the lag (either way, up to `LAG_RANGE_S`)
    at which the two hands' speed curves correlate best. None unless both hands are seen and move
    together: the best correlation at least `LEAST_LAG_CORRELATION`, at a lag inside the range (the
    hands of a piano piece play their own lines; their best "lag" was the range's end)."""
    rows = _window_rows(reading)
    if len(_sides_seen(reading, rows)) < 2 or not reading.features.fps:
        return None
    left, right = (_standardised(reading.features[f"{s}_hand_speed"][rows]) for s in SIDES)
    reach = min(round(LAG_RANGE_S * reading.features.fps), len(rows) // 2)
    lags = range(-reach, reach + 1)
    scores = [_overlap(left, right, k) for k in lags]
    best = int(np.argmax(scores))
    if scores[best] < LEAST_LAG_CORRELATION or best in (0, len(lags) - 1):
        return None  # hands not moving together: no lag to read
    return Measurement(abs(lags[best]) / reading.features.fps, [int(rows[len(rows) // 2])])


def hand_peak_speed(reading: Reading) -> Measurement | None:
    """Mean of the hands' speed peaks over the movement (the fastest moment of each distinct movement),
    palm lengths per second; the fastest moment when no movement clears `MOVING_SPEED`."""
    if (found := _hand_speeds(reading)) is None:
        return None
    rows, speeds = found
    peaks, at = [], []
    for speed in speeds:
        with np.errstate(invalid="ignore"):
            moving = np.nan_to_num(speed) > MOVING_SPEED
        for start, end in _runs(moving):
            k = start + int(np.nanargmax(speed[start:end]))
            peaks.append(float(speed[k]))
            at.append(int(rows[k]))
    if not peaks:
        if not np.isfinite(speeds).any():
            return None
        fastest = np.fmax.reduce(speeds, axis=0)  # NaN only where no hand is seen
        return Measurement(float(np.nanmax(fastest)), [int(rows[np.nanargmax(fastest)])])
    return Measurement(float(np.mean(peaks)), at)


def _overlap(left: np.ndarray, right: np.ndarray, lag: int) -> float:
    """The mean product of the two curves with the right one shifted `lag` rows earlier."""
    n = len(left) - abs(lag)
    a, b = (left[:n], right[lag:]) if lag >= 0 else (left[-lag:], right[:n])
    return float(np.dot(a, b)) / n


def _standardised(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    if finite.sum() < 2:
        return np.zeros_like(values)
    centred = np.where(finite, values - values[finite].mean(), 0.0)
    spread_ = values[finite].std()
    return centred / spread_ if spread_ > 0 else centred


def _row_at(reading: Reading, time: float) -> int:
    return int(np.argmin(np.abs(reading.features.timestamps - time)))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


_HAND_MOTION = r"(hands?|instruments?|hand motion|hand movements?|motion|movements?)"
_FINGER_WORDS = {"thumb": r"thumbs?", "index": r"index fingers?", "middle": r"middle fingers?",
                 "ring": r"ring fingers?", "pinky": r"(pinky|pinkie|little finger)s?"}  # fmt: skip

_PER_FINGER = tuple(
    Quantity(f"{finger}_flexion", f"median bend of the {finger} over the movement (its joints' bends added)",
             "deg", "whole", 12.0, spread(f"{finger}_flexion", "whole", "median"),
             phrases=(f"bends the {finger} more", f"keeps the {finger} straighter"),
             more=rf"\b{words}\b.{{0,20}}\b(more )?(curved|curled|bent|flexed)\b(?! less)",
             less=rf"\b{words}\b.{{0,20}}\b(straighter|flatter|less (curved|curled|bent))",
             examples=(f"the {finger} is more bent", f"the {finger} is straighter"))
    for finger, words in _FINGER_WORDS.items()
)  # fmt: skip

HAND_QUANTITIES: tuple[Quantity, ...] = (
    *_PER_FINGER,
    Quantity("finger_curl", "median bend of the four fingers over the movement (each finger's joints' bends "
             "added)", "deg", "whole", 10.0, spread("finger_flexion", "whole", "median"),
             phrases=("curves the fingers more", "keeps the fingers flatter"),
             more=r"\bfingers?\b.{0,20}\b(more )?(curved|curled|bent|flexed|rounded)\b|finger (curl|flexion)",
             less=r"\bfingers?\b.{0,20}\b(straighter|flatter|flat\b|less (curved|curled|bent))",
             examples=("the fingers are more curved", "the fingers are flatter")),
    Quantity("finger_spread", "median angle between the index and little finger (spread of the hand)", "deg",
             "whole", FINGER_SPREAD_MARGIN, spread("finger_spread", "whole", "median"),
             phrases=("spreads the fingers wider", "keeps the fingers closer together"),
             more=(r"\bfingers?\b.{0,20}\b(spread|splayed|wider apart|further apart)|"
                   r"(wider|larger) (hand )?span"),
             less=r"\bfingers?\b.{0,20}\b(closer together|together)",
             examples=("the fingers are spread wider", "the fingers are held closer together")),
    Quantity("wrist_rise", "median height of the wrist above the knuckles", "palm", "whole", 0.12,
             spread("wrist_rise", "whole", "median"),
             phrases=("holds the wrists higher", "keeps the wrists lower"),
             more=r"\bwrists?\b.{0,20}\b(higher|raised|high)\b",
             less=r"\bwrists?\b.{0,20}\b(lower|dropped|low|sag\w*)\b",
             examples=("the wrist is held higher", "the wrist stays lower")),
    Quantity("wrist_flexion", "median bend at the wrist between forearm and hand (0: straight)", "deg",
             "whole", 8.0, spread("wrist_flexion", "whole", "median"),
             phrases=("bends the wrists more", "keeps the wrists straighter"),
             more=r"\bwrists?\b.{0,20}\b(bent|flexed|cocked|broken)\b|wrist (flexion|bend)",
             less=r"\bwrists?\b.{0,20}\b(straighter|straight|neutral|in line)",
             examples=("the wrist is bent more", "the wrist stays straighter")),
    Quantity("hand_path", "distance the palms travel over the task (both hands added)", "palm", "whole",
             2.0, path_length, relative_margin=0.15, crossed=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("moves the hands over a longer path", "moves the hands more economically"),
             more=(rf"{_HAND_MOTION}\b.{{0,20}}\b(travel|move)s?\b.{{0,10}}\b"
                   r"(further|farther|a longer (way|distance))\b|"
                   r"(longer|more) (hand )?path|(less|un)economical"),
             less=(rf"{_HAND_MOTION}\b.{{0,25}}\b(more )?(economical|efficient)|economy of (motion|movement)|"
                   r"(shorter|less) (hand )?path|wasted motion"),
             examples=("the hands travel further", "the hand motion is more economical")),
    Quantity("hand_tempo", "the hands' working pace: the path each palm travels over the seconds it is seen",
             "palm/s", "whole", 0.2, hand_tempo, relative_margin=0.25, crossed=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("works the hands at a faster pace", "works the hands at a slower pace"),
             more=(r"(faster|quicker|brisker) (hand|working) (pace|tempo)|"
                   r"hands?\b.{0,20}\b(faster|quicker) pace|hands? work\w* (faster|more quickly)"),
             less=(r"(slower|lower) (hand|working) (pace|tempo)|hands?\b.{0,20}\bslower pace|"
                   r"hands? work\w* (slower|more slowly)"),
             examples=("the hands work at a faster pace", "the hands work more slowly")),
    Quantity("finger_tempo", "the fingers' working pace: how far the busiest finger's bend travels a second",
             "deg/s", "whole", 5.0, finger_tempo, relative_margin=0.25, crossed=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("moves the fingers faster", "moves the fingers more slowly"),
             more=(r"\bfingers?\b.{0,15}\b(move|moving|moves|work\w*)\b.{0,10}\b(faster|quicker)|"
                   r"faster fingers?"),
             less=r"\bfingers?\b.{0,15}\b(move|moving|moves|work\w*)\b.{0,10}\b(slower|more slowly)",
             examples=("the fingers move faster", "the fingers move more slowly")),
    Quantity("idle_time", "seconds in which the hands are still during the task", "s", "whole", 0.3,
             idle_time, relative_margin=0.2, crossed=False, view_sensitive=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("pauses the hands for longer", "keeps the hands busier"),
             more=r"\b(idle|hesitat\w*|hands? (pause|rest)s? (more|longer))",
             less=r"(less|fewer) (idle|hesitation|pauses?)",
             examples=("the hands are idle for longer", "there are fewer hesitations")),
    Quantity("task_time", "seconds from the hands' first movement to their last (time to complete the task)",
             "s", "whole", 0.3, task_time, relative_margin=0.15, crossed=False, view_sensitive=False,
             phrases=("takes longer over the task", "completes the task sooner"),
             more=(r"(task|knot|suture|stitch\w*|scale|piece|sequence)\b.{0,20}\b(takes? longer|slower to "
                   r"(finish|complete))|takes? longer to (tie|finish|complete|sew|suture|play)|"
                   r"(longer|more) (task|completion) time"),
             less=(r"(finish\w*|complet\w*|ties?|tied|tying|sews?|sewn|sutur\w*)\b.{0,25}\b(faster|sooner|"
                   r"quicker|in less time)|(shorter|less) (task|completion) time"),
             examples=("the knot takes longer to tie", "the task is completed sooner")),
    Quantity("movement_count", "number of distinct hand movements in the task", "movements", "whole", 1.5,
             movement_count, relative_margin=0.2, crossed=False, view_sensitive=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("makes more separate hand movements", "makes fewer hand movements"),
             more=r"more (separate |distinct )?(hand )?(movements|motions|moves)\b",
             less=r"fewer (separate |distinct )?(hand )?(movements|motions|moves|regrasps)\b",
             examples=("the hands make more separate movements", "fewer hand movements are made")),
    Quantity("tap_rate", "keystrokes (finger taps, key presses) per second", "/s", "whole", 0.3,
             tap_rate, relative_margin=TAP_RELATIVE_MARGIN, crossed=False, view_sensitive=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("plays more keystrokes per second", "plays fewer keystrokes per second"),
             more=(r"(scale|notes?|keystrokes?|keys|taps?|tapping|typing|playing|played)\b.{0,20}\b"
                   r"(faster|quicker|quickly|more rapid)|(faster|higher) (keystroke|tapping|typing|playing) "
                   r"(tempo|rate|speed)"),
             less=(r"(scale|notes?|keystrokes?|keys|taps?|tapping|typing|playing|played)\b.{0,20}\b"
                   r"(slower|more slowly)|"
                   r"(slower|lower) (keystroke|tapping|typing|playing) (tempo|rate|speed)"),
             examples=("the scale is played faster", "the notes are played more slowly")),
    Quantity("tap_unevenness", "unevenness of the keystroke tempo (spread of the intervals between key "
             "presses over their mean)", "%", "whole", 8.0, tap_unevenness, crossed=False,
             view_sensitive=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("plays with a less even tempo", "plays with a more even tempo"),
             more=r"(tempo|rhythm|timing|keystrokes?|notes?)\b.{0,20}\b(uneven|irregular|rushed)",
             less=(r"(tempo|rhythm|timing|keystrokes?|notes?)\b.{0,20}\b(more )?(even|steady|regular)\b|"
                   r"hand moves? more evenly across the keys|(more )?even (tempo|rhythm)"),
             examples=("the tempo is more uneven", "the tempo is more even")),
    Quantity("bimanual_lag", "lag between the two hands' movements", "s", "whole", 0.1, bimanual_lag,
             crossed=False, view_sensitive=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("moves one hand later than the other", "moves both hands more together"),
             more=r"hands?\b.{0,25}\b(lag|out of sync|less coordinated|one after the other)",
             less=(r"hands?\b.{0,25}\b(in sync|synchron\w*|more coordinated|"
                   r"(?<!close )(?<!closer )together)\b"),
             examples=("one hand lags behind the other", "the hands move more in sync")),
    Quantity("hand_peak_speed", "mean peak speed of the hands' movements", "palm/s", "whole", 1.0,
             hand_peak_speed, relative_margin=0.15, crossed=False,
             least_picture_rate=TIMING_PICTURE_RATE,
             phrases=("moves the hands faster", "moves the hands more slowly"),
             more=(r"\bhands?\b.{0,15}\b(move|moving|moves)\b.{0,10}\bfaster"
                   r"(?! (through|at|into) (impact|release|the ball|contact))|"
                   r"faster hand (movements?|motion)"),
             less=r"\bhands?\b.{0,15}\b(move|moving|moves)\b.{0,10}\b(slower|more slowly)",
             examples=("the hands move faster", "the hands move more slowly")),
)  # fmt: skip
"""Ahead of the body quantities in `QUANTITIES`: their patterns name hands, fingers, wrists and keys."""
