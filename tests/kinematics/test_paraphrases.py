"""A coach's own words reach the right quantity and direction, offline (data/paraphrases.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.backends.registry import resolve_sentence_embedder
from actiondiff.config import Config
from actiondiff.eval.paraphrases import read_paraphrases, score_paraphrases
from actiondiff.kinematics.phrasing import Phrasing, read_phrasing

PARAPHRASES = Path(__file__).resolve().parents[2] / "data/paraphrases.yaml"


def test_the_paraphrase_set_is_matched_at_least_95_percent_and_never_wrongly(tmp_path: Path) -> None:
    """The floor benchmarks/bench_paraphrases.py prints against (rules, then the bundled MiniLM)."""
    items = read_paraphrases(PARAPHRASES)
    scores = score_paraphrases(items, resolve_sentence_embedder("offline", Config(cache_dir=tmp_path)))
    total = scores.total()
    wrong = [(o.item.text, o.found) for o in scores.outcomes if o.kind == "wrong"]
    assert len(items) >= 150 and len({i.quantity for i in items}) >= 25
    assert not wrong and total.accuracy >= 0.95, (wrong, total)
    assert not scores.named_wrongly, [(o.item.text, o.named) for o in scores.named_wrongly]


@pytest.mark.parametrize(
    ("text", "plain", "named", "negated"),
    [
        ("B is quicker", "the performer is quicker", "B", False),
        ("A slower cadence", "a slower cadence", None, False),
        ("slower than B", "slower", "A", False),
        ("the stance is not as wide as in B", "the stance is wider", "B", True),
        ("A doesn't lock out the elbows", "the performer does lock out the elbows", "A", True),
        ("person B's knees cave in", "the knees cave in", "B", False),
    ],
)
def test_a_statement_is_read_as_its_plain_claim(
    text: str, plain: str, named: str | None, negated: bool
) -> None:
    assert read_phrasing(text) == Phrasing(plain, named, negated)  # type: ignore[arg-type]
