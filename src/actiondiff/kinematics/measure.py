"""Decide a difference statement by measuring it.

`measure_statement` maps a free-text statement to a quantity of the library (regex rules first,
then the sentence embedder when one is given), measures it on both performances, and decides A/B/C
against the quantity's margin, keeping the values, unit and frames as `Evidence`;
`measure_quantity` does the measuring and deciding for a quantity named by key (no statement).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from actiondiff.kinematics.crossing import MatchedPair
from actiondiff.kinematics.features import KinematicFeatures
from actiondiff.kinematics.phases import Movement
from actiondiff.kinematics.quantities import Quantity, Reading, candidates, find_quantity, match_rules
from actiondiff.models import Evidence, Label, SubActionSpan

if TYPE_CHECKING:  # not imported at run time: the backends package loads its clients
    from actiondiff.backends.base import SentenceEmbedder

EMBEDDING_THRESHOLD = 0.6
"""Least cosine similarity between a statement and a quantity's example for an embedding match."""
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
    vectors = embedder.embed([text, *(example for q in quantities for example in q.examples)])
    return quantities, (vectors[1:] @ vectors[0]).reshape(len(quantities), 2)


def _best_example(quantities: Sequence[Quantity], similarity: np.ndarray) -> tuple[Quantity, float] | None:
    """The quantity and polarity of the closest example, if close enough and clear of its opposite."""
    row, column = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
    best, rival = similarity[row, column], similarity[row, 1 - column]
    if best < EMBEDDING_THRESHOLD or best - rival < POLARITY_GAP:
        return None
    return quantities[int(row)], (1.0 if column == 0 else -1.0)


def _closest_quantities(quantities: Sequence[Quantity], similarity: np.ndarray, shown: int = 3) -> str:
    """Why no quantity answers a statement, naming the quantities whose examples came closest."""
    closeness = similarity.max(axis=1)
    nearest = np.argsort(closeness)[::-1][:shown]
    listed = ", ".join(f"{quantities[i].description} ({closeness[i]:.2f})" for i in nearest)
    return (
        f"no measured quantity matches this statement (a match needs cosine >= {EMBEDDING_THRESHOLD} and a "
        f"clear more/less; closest: {listed})"
    )


def verdict_from_margin(
    quantity: Quantity, polarity: float, value_a: float, value_b: float
) -> tuple[Label, float]:
    """A/B when the polarity-signed difference passes the margin, else C; with a confidence.

    Confidence rises from 0.55 at the margin towards 0.95 at three margins; C is surer the closer
    the two values are (0.8 when equal, 0.5 at the margin).
    """
    margin = quantity.decision_margin(value_a, value_b)
    signed = polarity * (value_a - value_b)
    ratio = abs(signed) / margin if margin > 0 else math.inf
    if ratio <= 1.0:
        return "C", round(0.8 - 0.3 * ratio, 3)
    return ("A" if signed > 0 else "B"), round(min(0.95, 0.55 + 0.2 * (ratio - 1.0)), 3)


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
) -> Evidence | None:
    """Evidence for a statement on two readings (built once per performance); None when no quantity
    matches it, unlabelled evidence saying why when the matched quantity cannot be read in both.

    `linked` (quantity key, polarity) is the action library's own link for one of its statements, or
    the quantity a statements file names for it; without it the statement is matched to a quantity
    by rule or embedding. `matched`: see `measure_quantity`.
    """
    if linked is not None:
        quantity, polarity, how = find_quantity(linked[0]), linked[1], "link"
    elif (ruled := match_rules(text)) is not None:
        (quantity, polarity), how = ruled, "rule"
    elif embedder is not None:
        quantities, similarity = _example_similarity(text, embedder)
        if (found := _best_example(quantities, similarity)) is None:
            return Evidence(source="kinematics", summary=_closest_quantities(quantities, similarity))
        (quantity, polarity), how = found, "embedding"
    else:
        return None
    measured = measure_quantity(quantity, reading_a, reading_b, polarity, how=how, matched=matched)
    if measured is not None:
        return measured
    return Evidence(
        source="kinematics",
        quantity=quantity.key,
        summary=f"{quantity.description} (matched by {how}): not measurable in both videos "
        f"(the joints it needs are not visible in its '{quantity.phase}' window)",
    )


def measure_quantity(
    quantity: Quantity | str,
    reading_a: Reading,
    reading_b: Reading,
    polarity: float = 1.0,
    *,
    how: str = "id",
    matched: Sequence[MatchedPair] = (),
) -> Evidence | None:
    """Evidence for one quantity (or its key) measured on both performances, or None when a value is
    not measurable. With polarity +1 the label says who has more of the quantity (C: within margin).

    `matched` (`crossing.matched_readings`): pairs of readings in matched windows; a quantity read in
    windows is then the mean over the pairs measurable in both videos, so A and B are read at the same
    moments. Readings are built once per performance (`Reading.of`), so several quantities share them.
    """
    if isinstance(quantity, str):
        quantity = find_quantity(quantity)
    crossed = bool(matched) and quantity.crossed
    pairs = list(matched) if crossed else [(reading_a, reading_b)]
    values = [
        (one, other)
        for in_a, in_b in pairs
        if (one := quantity.compute(in_a)) is not None
        and (other := quantity.compute(in_b)) is not None
        and np.isfinite([one.value, other.value]).all()
    ]
    if not values:
        return None
    value_a = float(np.mean([one.value for one, _ in values]))
    value_b = float(np.mean([other.value for _, other in values]))
    label, confidence = verdict_from_margin(quantity, polarity, value_a, value_b)
    margin = quantity.decision_margin(value_a, value_b)
    verdict = {"A": "holds more for A", "B": "holds more for B", "C": "no clear difference"}[label]
    direction = "more" if polarity > 0 else "less"
    windows = " in matched windows" if crossed else ""
    return Evidence(
        source="kinematics",
        summary=(
            f"{quantity.description} ({direction} = statement, matched by {how}): "
            f"A {value_a:.3g} vs B {value_b:.3g} {quantity.unit}{windows}, "
            f"margin {margin:.3g} -> {verdict}"
        ),
        quantity=quantity.key,
        value_a=round(value_a, 4),
        value_b=round(value_b, 4),
        unit=quantity.unit,
        frames_a=_frames(reading_a, [row for one, _ in values for row in one.rows]),
        frames_b=_frames(reading_b, [row for _, other in values for row in other.rows]),
        label=label,
        confidence=confidence,
    )


def _frames(reading: Reading, rows: Sequence[int]) -> list[int]:
    return sorted({int(reading.features.frames[r]) for r in rows})
