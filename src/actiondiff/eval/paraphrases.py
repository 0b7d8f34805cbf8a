"""Score the offline statement matching on a paraphrase set: statements in a coach's own words, each
with the quantity, direction and performer it asserts (`data/paraphrases.yaml`).

Scored as `compare` matches a statement without a link: `measure.match_quantity` (the quantity rows'
patterns, then the embedder) and `phrasing.read_phrasing` for the performer named. A wrong match (a
quantity or direction other than the one asserted) is counted apart from an unmatched one: it would
give a confident answer to another question, while no match leaves the statement "not decided".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml
from pydantic import BaseModel

from actiondiff.errors import DatasetError
from actiondiff.kinematics.measure import match_quantity
from actiondiff.kinematics.phrasing import Performer, read_phrasing
from actiondiff.kinematics.quantities import QUANTITIES, unknown_quantity
from actiondiff.storage import read_user_text

if TYPE_CHECKING:
    from actiondiff.backends.base import SentenceEmbedder


class Paraphrase(BaseModel):
    """One phrasing and what it asserts."""

    text: str
    quantity: str
    direction: Literal["more", "less"]
    named: Performer | None = None


def read_paraphrases(path: Path, part: str = "paraphrases") -> list[Paraphrase]:
    """One part of a paraphrase set's YAML file (`<part>: [{text, quantity, direction, named}]`):
    `paraphrases`, the set the matching was written against, or `held_out`, written after."""
    data = yaml.safe_load(read_user_text(path, "paraphrase set"))
    items = [Paraphrase.model_validate(item) for item in (data or {}).get(part, [])]
    keys = {q.key for q in QUANTITIES}
    for item in items:
        if item.quantity not in keys:
            raise DatasetError(path, f"{item.text!r} names {unknown_quantity(item.quantity)}")
    return items


@dataclass(frozen=True)
class Outcome:
    item: Paraphrase
    kind: Literal["right", "wrong", "unmatched"]
    found: str
    """What the matching read: 'quantity direction (how)', or 'nothing'."""
    named: Performer | None


@dataclass
class Tally:
    right: int = 0
    wrong: int = 0
    unmatched: int = 0

    @property
    def total(self) -> int:
        return self.right + self.wrong + self.unmatched

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class ParaphraseScores:
    outcomes: list[Outcome] = field(default_factory=list)

    def per_quantity(self) -> dict[str, Tally]:
        tallies: dict[str, Tally] = defaultdict(Tally)
        for outcome in self.outcomes:
            tally = tallies[outcome.item.quantity]
            setattr(tally, outcome.kind, getattr(tally, outcome.kind) + 1)
        return dict(tallies)

    def total(self) -> Tally:
        tallies = self.per_quantity().values()
        return Tally(*(sum(getattr(t, kind) for t in tallies) for kind in ("right", "wrong", "unmatched")))

    @property
    def named_total(self) -> int:
        return sum(1 for o in self.outcomes if o.item.named is not None)

    @property
    def named_right(self) -> int:
        """Phrasings whose named performer (or the absence of one) was read right, among those naming one."""
        return sum(1 for o in self.outcomes if o.item.named is not None and o.named == o.item.named)

    @property
    def named_wrongly(self) -> list[Outcome]:
        """Phrasings read as naming a performer other than the one they name (none included)."""
        return [o for o in self.outcomes if o.named != o.item.named]


def score_paraphrases(items: list[Paraphrase], embedder: SentenceEmbedder | None) -> ParaphraseScores:
    """Match every phrasing and sort it into right, wrong or unmatched."""
    scores = ParaphraseScores()
    for item in items:
        named = read_phrasing(item.text).named
        matched = match_quantity(item.text, embedder)
        if matched is None:
            scores.outcomes.append(Outcome(item, "unmatched", "nothing", named))
            continue
        quantity, polarity, how = matched
        direction = "more" if polarity > 0 else "less"
        kind: Literal["right", "wrong"] = (
            "right" if (quantity.key, direction) == (item.quantity, item.direction) else "wrong"
        )
        scores.outcomes.append(Outcome(item, kind, f"{quantity.key} {direction} ({how})", named))
    return scores
