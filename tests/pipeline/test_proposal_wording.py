"""Open mode's wording: every quantity's proposal reads as an English sentence about the person."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from actiondiff.kinematics.quantities import QUANTITIES, Quantity
from actiondiff.pipeline.propose import proposal_text

LEADING_VERBS = re.compile(
    r"^the person (bends|moves|keeps|lowers|stays|lands|takes|completes|dips|swings|has|pauses|makes|turns|"
    r"lets|lifts|leans|flexes|flares|straightens|raises|uses|stands|shifts|sways|jumps|returns|descends|"
    r"rises|points|starts|performs|places|curves|spreads|holds|works|plays) "
)
"""Third-person verbs a proposal starts with; a new quantity's phrase adds its verb here."""


@pytest.mark.parametrize("more", [True, False], ids=["more", "less"])
@pytest.mark.parametrize("quantity", QUANTITIES, ids=[q.key for q in QUANTITIES])
def test_every_proposal_reads_as_english(quantity: Quantity, more: bool) -> None:
    text = proposal_text(quantity, more)
    words = text.split()
    assert "_" not in text, f"a key, not words: {text!r}"
    assert LEADING_VERBS.match(text), f"no verb after the subject: {text!r}"
    assert text == text.strip() and "  " not in text and not text.endswith((".", ",")), text
    assert all(a != b for a, b in pairwise(words)), f"a doubled word: {text!r}"
    stems = [w[:4] for w in words[2:] if len(w) > 3]
    assert len(stems) == len(set(stems)), f"a word said twice ('sways more sway'): {text!r}"
    assert re.fullmatch(r"[a-z ,'-]+", text), f"not plain words: {text!r}"


def test_more_and_less_proposals_differ() -> None:
    same = [q.key for q in QUANTITIES if proposal_text(q, True) == proposal_text(q, False)]
    assert not same
