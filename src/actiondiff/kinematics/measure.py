"""Decide a difference statement by measuring it.

`measure_statement` maps a free-text statement to a quantity of the library (regex rules first,
then the sentence embedder when one is given), measures it on both performances with an interval
(`uncertainty`), and decides A/B/C where the interval of the difference clears the quantity's margin or
lies within it (not decided otherwise), with the calibrated probability of being right
(`calibration`), keeping the values, intervals, unit and frames as `Evidence`;
`measure_quantity` does the measuring and deciding for a quantity named by key (no statement).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from actiondiff.kinematics.calibration import load_calibration
from actiondiff.kinematics.crossing import MatchedPair
from actiondiff.kinematics.features import KinematicFeatures, body_words
from actiondiff.kinematics.phases import Movement
from actiondiff.kinematics.phrasing import read_phrasing
from actiondiff.kinematics.quantities import (
    EVENT_PHASES,
    REPETITION_SPAN,
    Compute,
    Measurement,
    Quantity,
    Reading,
    candidates,
    find_quantity,
    match_rules,
)
from actiondiff.kinematics.uncertainty import (
    SYSTEMATIC_SHARE,
    Spread,
    interval,
    interval_verdict,
    jitter_replicas,
    standard_error,
    with_features,
)
from actiondiff.models import Evidence, Label, SubActionSpan

if TYPE_CHECKING:  # not imported at run time: the backends package loads its clients
    from actiondiff.backends.base import SentenceEmbedder

EMBEDDING_THRESHOLD = 0.6
"""Least cosine similarity between a statement and a quantity's example for an embedding match."""
Replicas = tuple[Sequence[Reading], Sequence[Reading]]
"""Each performance's jittered replicas (`uncertainty.jitter_replicas`), index by index."""
POLARITY_GAP = 0.08
"""Least lead of the matched example over its opposite; below it the direction is too unsure to use."""


def match_quantity(text: str, embedder: SentenceEmbedder | None = None) -> tuple[Quantity, float, str] | None:
    """The quantity a statement is about, its polarity (+1/-1) and how it was found ("rule"/"embedding")."""
    if (ruled := match_rules(text)) is not None:
        return (*ruled, "rule")
    if embedder is None:
        return None
    if (found := _best_example(*_example_similarity(text, embedder))) is None:
        return None
    return (*found, "embedding")


def _example_similarity(text: str, embedder: SentenceEmbedder) -> tuple[tuple[Quantity, ...], np.ndarray]:
    """The candidate quantities of a statement and its cosine to each one's (more, less) examples."""
    quantities = candidates(text)
    plain = read_phrasing(text)
    vectors = embedder.embed([plain.text, *(example for q in quantities for example in q.examples)])
    similarity = (vectors[1:] @ vectors[0]).reshape(len(quantities), 2)
    return quantities, similarity[:, ::-1] if plain.negated else similarity


def _best_example(quantities: Sequence[Quantity], similarity: np.ndarray) -> tuple[Quantity, float] | None:
    """The quantity and polarity of the closest example, if close enough and clear of its opposite."""
    row, column = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    best, rival = similarity[row, column], similarity[row, 1 - column]
    if best < EMBEDDING_THRESHOLD or best - rival < POLARITY_GAP:
        return None
    return quantities[int(row)], (1.0 if column == 0 else -1.0)


def _closest_quantities(quantities: Sequence[Quantity], similarity: np.ndarray, shown: int = 3) -> Evidence:
    """Why no quantity answers a statement: what to write instead (coach words), and the quantities
    whose examples came closest with their cosines (`detail`)."""
    closeness = similarity.max(axis=1)
    nearest = np.argsort(closeness)[::-1][:shown]
    return Evidence(
        source="kinematics",
        summary=(
            "none of the body measurements fits these words, so nothing was measured; say what the body does "
            "and which way, e.g. 'B stands up faster' or 'A bends the knees more' (closest measurements: "
            f"{'; '.join(quantities[i].description for i in nearest)})"
        ),
        detail=(
            f"no measured quantity matches this statement (a match needs cosine >= {EMBEDDING_THRESHOLD} and "
            f"a clear more/less; closest: "
            f"{', '.join(f'{quantities[i].key} ({closeness[i]:.2f})' for i in nearest)})"
        ),
    )


def measure_statement(
    text: str,
    features_a: KinematicFeatures,
    features_b: KinematicFeatures,
    spans_a: Sequence[SubActionSpan] = (),
    spans_b: Sequence[SubActionSpan] = (),
    embedder: SentenceEmbedder | None = None,
    *,
    movement: Movement,
) -> Evidence | None:
    """Evidence for a statement measured on both performances (see `measure_readings`).

    `movement` gives the signal repetitions are read from; the spans are used to find phases when no
    repetition is found.
    """
    reading_a = Reading.of(features_a, movement, spans_a)
    reading_b = Reading.of(features_b, movement, spans_b)
    return measure_readings(text, reading_a, reading_b, embedder)


def measure_readings(
    text: str,
    reading_a: Reading,
    reading_b: Reading,
    embedder: SentenceEmbedder | None = None,
    *,
    linked: tuple[str, float] | None = None,
    matched: Sequence[MatchedPair] = (),
    replicas: Replicas | None = None,
    stand_in: bool = False,
) -> Evidence | None:
    """Evidence for a statement on two readings (built once per performance); None when no quantity
    matches it, unlabelled evidence saying why when the matched quantity cannot be read in both.

    `linked` (quantity key, polarity) is the action library's own link for one of its statements, or
    the quantity a statements file names for it; without it the statement is matched to a quantity
    by rule or embedding. `matched`, `replicas`: see `measure_quantity`. With `stand_in`, the matched
    quantity's view-robust stand-in (`Quantity.stand_in`) is measured instead: None when it has none.
    """
    if linked is not None:
        quantity, polarity, how = find_quantity(linked[0]), linked[1], "link"
    elif (ruled := match_rules(text)) is not None:
        (quantity, polarity), how = ruled, "rule"
    elif embedder is not None:
        quantities, similarity = _example_similarity(text, embedder)
        if (found := _best_example(quantities, similarity)) is None:
            return _closest_quantities(quantities, similarity)
        (quantity, polarity), how = found, "embedding"
    else:
        return None
    if stand_in:
        if not quantity.stand_in:
            return None
        quantity, how = find_quantity(quantity.stand_in), f"{how}, standing in for {quantity.key}"
    if (sparse := too_few_pictures(quantity, reading_a, reading_b)) is not None:
        return Evidence(
            source="kinematics",
            quantity=quantity.key,
            summary=f"{quantity.description}: not decided: {sparse}",
            detail=f"{quantity.key} (matched by {how}): not decided ({sparse})",
        )
    measured = measure_quantity(
        quantity, reading_a, reading_b, polarity, how=how, matched=matched, replicas=replicas
    )
    if measured is not None:
        return measured
    why = unmeasured_reason(quantity, reading_a, reading_b)
    return Evidence(
        source="kinematics",
        quantity=quantity.key,
        summary=f"{quantity.description}: could not be measured in both videos ({why}); film the whole "
        "movement, at least one full repetition, with the body in view",
        detail=f"{quantity.key} (matched by {how}): not measurable in both videos ({why})",
    )


def unmeasured_reason(quantity: Quantity, reading_a: Reading, reading_b: Reading) -> str:
    """Why `quantity` has no value: per video that lacks one, the missing repetitions, window or joints."""
    reasons = []
    for name, reading in (("A", reading_a), ("B", reading_b)):
        if quantity.compute(reading) is not None:
            continue
        column = body_words(reading.movement.driver.column)
        if quantity.phase in EVENT_PHASES:
            reasons.append(f"video {name} shows no one-off {quantity.phase} ({EVENT_NEEDS[quantity.phase]})")
        elif quantity.key == "rep_count" and reading.repetitions:
            reasons.append(f"video {name} shows no repetition of the {column}, so the whole movement "
                           "stands in for one and nothing can be counted")  # fmt: skip
        elif not any(w.size for w in reading.windows(quantity.phase)):
            reasons.append(f"no repetition of the {column} was found in video {name}")
        else:
            joints = ", ".join(quantity.joints) or "its joints"
            reasons.append(f"video {name}: the {joints} are not in view in the {quantity.phase} phase")
    return "; ".join(reasons) or "no moment of one video matched one of the other where it could be read"


FILM_FPS = 25
"""The frame rate to film at that a too sparse video's reason recommends (`too_few_pictures`)."""


def too_few_pictures(quantity: Quantity, reading_a: Reading, reading_b: Reading) -> str | None:
    """Why the videos show too few pictures per second for the quantity (`Quantity.least_picture_rate`)
    and what would decide it; None when both show enough (or their rate is unknown)."""
    least = quantity.least_picture_rate
    sparse = [
        f"video {name} shows {rate:.2g} pictures per second"
        for name, reading in (("A", reading_a), ("B", reading_b))
        if (rate := reading.features.picture_rate) is not None and rate < least
    ]
    if not sparse:
        return None
    return (
        f"{' and '.join(sparse)}; how the hands move between pictures (speeds, paths, tempos, "
        f"keystrokes) needs at least {least:.0f}: film at {FILM_FPS} fps or more"
    )


EVENT_NEEDS = {
    "jump": "the hips do not rise clearly above standing with the feet off the floor",
    "swing": "the hands do not go out from where they start, turn and come through faster",
}
"""What a one-off event needs and the video lacks, for `unmeasured_reason` (`events` has the figures)."""


def measure_quantity(
    quantity: Quantity | str,
    reading_a: Reading,
    reading_b: Reading,
    polarity: float = 1.0,
    *,
    how: str = "id",
    matched: Sequence[MatchedPair] = (),
    replicas: Replicas | None = None,
) -> Evidence | None:
    """Evidence for one quantity (or its key) measured on both performances, or None when a value is
    not measurable. With polarity +1 the label says who has more of the quantity; C: the difference's
    interval lies within the margin; None (not decided): the interval reaches across the margin.

    `matched` (`crossing.matched_readings`): pairs of readings in matched windows; a quantity read in
    windows is then the mean over the pairs measurable in both videos, so A and B are read at the same
    moments. `replicas`: each performance's `uncertainty.jitter_replicas` (drawn here when not given);
    readings and replicas are built once per performance, so several quantities share them.
    """
    if isinstance(quantity, str):
        quantity = find_quantity(quantity)
    if too_few_pictures(quantity, reading_a, reading_b) is not None:
        return None
    # reading in matched windows needs repetitions that pair one to one: 3 slow push-ups mapped onto 4
    # quick ones read 2.95 vs 2.29 s per push-up there (5.6 vs 2.2 s on their own), 3 squats mapped onto
    # 8 read the standing between them as a bottom, 6 onto 3 a knee flexion of 40 deg (99 on their own)
    paired = len(reading_a.repetitions) == len(reading_b.repetitions)
    crossed = bool(matched) and quantity.crossed and paired
    pairs = list(matched) if crossed else [(reading_a, reading_b)]
    values = _measured(quantity.compute, pairs)
    if not values:
        return None
    value_a = float(np.mean([one.value for one, _ in values]))
    value_b = float(np.mean([other.value for _, other in values]))
    if replicas is None:
        replicas = jitter_replicas(reading_a), jitter_replicas(reading_b)
    margin = quantity.decision_margin(value_a, value_b)
    error_a, error_b, error_difference = _errors(quantity, pairs, values, replicas, crossed, margin)
    if not crossed and (segmented := _segmentation_spread(quantity, (reading_a, reading_b), matched)) > 0:
        error_difference = replace(error_difference, windows=math.hypot(error_difference.windows, segmented))
    label, excess = interval_verdict(polarity * (value_a - value_b), error_difference.total, margin)
    difference = interval(value_a - value_b, error_difference.total)
    bounds_a, bounds_b = interval(value_a, error_a.total), interval(value_b, error_b.total)
    direction = "more" if polarity > 0 else "less"
    windows = " in matched windows" if crossed else ""
    return Evidence(
        source="kinematics",
        summary=(
            f"{quantity.description}: A {value_a:.3g}, B {value_b:.3g} {quantity.unit} -> "
            f"{_coach_words(label, quantity, polarity)}"
        ),
        detail=(
            f"{quantity.key} ({direction} = statement, matched by {how}): "
            f"A {value_a:.3g} {_shown(bounds_a)} vs "
            f"B {value_b:.3g} {_shown(bounds_b)} {quantity.unit}{windows}; "
            f"difference A - B {value_a - value_b:.3g} {_shown(difference)}, margin {margin:.3g} -> "
            f"{_verdict_words(label, difference, margin)}"
        ),
        quantity=quantity.key,
        value_a=round(value_a, 4),
        value_b=round(value_b, 4),
        unit=quantity.unit,
        interval_a=_rounded(bounds_a),
        interval_b=_rounded(bounds_b),
        interval_difference=_rounded(difference),
        margin=round(margin, 4),
        frames_a=_frames(reading_a, [row for one, _ in values for row in one.rows]),
        frames_b=_frames(reading_b, [row for _, other in values for row in other.rows]),
        label=label,
        confidence=load_calibration().confidence(label, excess) if label is not None else None,
    )


def _measured(compute: Compute, pairs: Sequence[MatchedPair]) -> list[tuple[Measurement, Measurement]]:
    """A quantity's reading (`Quantity.compute`) on each pair of readings where it is measurable (and
    finite) in both."""
    return [
        (one, other)
        for in_a, in_b in pairs
        if (one := compute(in_a)) is not None
        and (other := compute(in_b)) is not None
        and np.isfinite([one.value, other.value]).all()
    ]


def _errors(
    quantity: Quantity,
    pairs: Sequence[MatchedPair],
    values: Sequence[tuple[Measurement, Measurement]],
    replicas: Replicas,
    crossed: bool,
    margin: float,
) -> tuple[Spread, Spread, Spread]:
    """Standard errors of value A, value B and their difference: jitter from the replicas (the
    windows kept when crossed, repetitions found again otherwise), spread over repetitions and over
    the matched pairs, and for the difference the systematic part (`SYSTEMATIC_SHARE` of the margin)."""
    drawn = []
    for replica_a, replica_b in zip(*replicas, strict=True):
        jittered = (
            [(with_features(a, replica_a), with_features(b, replica_b)) for a, b in pairs]
            if crossed
            else [(replica_a, replica_b)]
        )
        if found := _measured(quantity.compute, jittered):
            drawn.append(
                (np.mean([one.value for one, _ in found]), np.mean([other.value for _, other in found]))
            )
    jitter = np.std(drawn, axis=0, ddof=1) if len(drawn) > 1 else np.zeros(2)
    jitter_difference = float(np.std([a - b for a, b in drawn], ddof=1)) if len(drawn) > 1 else 0.0
    per_rep = [
        standard_error([v for measured in side for v in measured.per_window], groups=len(values))
        for side in zip(*values, strict=True)
    ]
    per_pair = [standard_error([measured.value for measured in side]) for side in zip(*values, strict=True)]
    if crossed and all(len(one.per_window) == len(other.per_window) for one, other in values):
        # A and B read in the same windows: the difference varies with the window, not with each level
        per_window = [
            a - b for one, other in values for a, b in zip(one.per_window, other.per_window, strict=True)
        ]
        windows, paired = standard_error(per_window, groups=len(values)), 0.0
    else:
        paired = standard_error([one.value - other.value for one, other in values])
        windows = math.hypot(*per_rep)
    return (
        Spread(float(jitter[0]), per_rep[0], per_pair[0]),
        Spread(float(jitter[1]), per_rep[1], per_pair[1]),
        Spread(jitter_difference, windows, paired, SYSTEMATIC_SHARE * margin),
    )


def _segmentation_spread(quantity: Quantity, own: MatchedPair, matched: Sequence[MatchedPair]) -> float:
    """For a duration read in each video's own segmentation (0 for other quantities): how far
    the repetitions' duration difference moves between each video's own repetitions and those
    matched through the alignment. Where the two videos end a repetition at different moments, no
    resampling of either shows it (cam04 against its half-size copy: repetitions of 1.1 and 0.5 s on
    their own, the same length matched; the ascent read 0.83 vs 0.23 s)."""
    if quantity.unit != "s" or quantity.phase in ("whole", *EVENT_PHASES) or not matched:
        return 0.0
    if quantity.phase == "rep" and all(len(reading.repetitions) > 1 for reading in own):
        return 0.0  # the cycle between neighbours' middles does not move with where each one ends
    # the repetitions' own spans, where their ends show (the cycle between their middles hides them)
    own_reps, aligned_reps = _measured(REPETITION_SPAN, [own]), _measured(REPETITION_SPAN, matched)
    if not own_reps or not aligned_reps:
        return 0.0
    return abs(_mean_difference(own_reps) - _mean_difference(aligned_reps))


def _mean_difference(values: Sequence[tuple[Measurement, Measurement]]) -> float:
    return float(np.mean([one.value - other.value for one, other in values]))


def _verdict_words(label: Label | None, difference: tuple[float, float], margin: float) -> str:
    if label is None:
        return (
            f"not decided: the 90 % interval of the difference {_shown(difference)} reaches across the "
            f"margin +-{margin:.3g}, so the measurement cannot tell a difference from none"
        )
    return {"A": "holds more for A", "B": "holds more for B", "C": "no clear difference"}[label]


def _coach_words(label: Label | None, quantity: Quantity, polarity: float) -> str:
    """The verdict as a coach says it: who does it more, the same, or why it is too close to call."""
    if label is None:
        return (
            "too close to call: the difference is within what the measurement can tell apart; more "
            "repetitions in each video, filmed from the same side, would decide it"
        )
    if label == "C":
        return "about the same in both"
    more, less = quantity.phrases if all(quantity.phrases) else ("has more of it", "has less of it")
    return f"{label} {more if polarity > 0 else less}"


def _shown(bounds: tuple[float, float]) -> str:
    return f"[{bounds[0]:.3g}, {bounds[1]:.3g}]"


def _rounded(bounds: tuple[float, float]) -> tuple[float, float]:
    return round(bounds[0], 4), round(bounds[1], 4)


def _frames(reading: Reading, rows: Sequence[int]) -> list[int]:
    return sorted({int(reading.features.frames[r]) for r in rows})
