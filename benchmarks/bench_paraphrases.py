"""Benchmark: the offline statement matching on a coach's own words (data/paraphrases.yaml).

Each phrasing is matched as `compare` matches a statement it has no link for (the quantity rows'
patterns, then the bundled MiniLM embedder) and scored against the quantity, direction and named
performer written beside it. Right: quantity and direction right; wrong: a quantity or direction
that is not the one asserted (worse than no match, which leaves the statement "not decided");
unmatched: no quantity. Target: at least 95 % right and 0 wrong (tests/kinematics/test_paraphrases.py).

    python benchmarks/bench_paraphrases.py [--show]
"""

from __future__ import annotations

import sys
from pathlib import Path

from actiondiff.eval.paraphrases import ParaphraseScores, read_paraphrases, score_paraphrases

PARAPHRASES = Path(__file__).resolve().parents[1] / "data/paraphrases.yaml"


def show_misses(scores: ParaphraseScores) -> None:
    """Every phrasing not read right: wrong or unmatched, with what it was read as."""
    for outcome in scores.outcomes:
        if outcome.kind != "right":
            print(f"  {outcome.kind:9} {outcome.item.text!r} -> {outcome.found}")


def main() -> None:
    from actiondiff.backends.registry import resolve_sentence_embedder
    from actiondiff.config import Config

    embedder = resolve_sentence_embedder("offline", Config())
    scores = score_paraphrases(read_paraphrases(PARAPHRASES), embedder)
    print(f"{'quantity':22} {'n':>4} {'right':>6} {'wrong':>6} {'unmatched':>10}")
    for quantity, row in sorted(scores.per_quantity().items()):
        print(f"{quantity:22} {row.total:4d} {row.right:6d} {row.wrong:6d} {row.unmatched:10d}")
    total = scores.total()
    print(
        f"{'all':22} {total.total:4d} {total.right:6d} {total.wrong:6d} {total.unmatched:10d}   "
        f"accuracy {100 * total.accuracy:.1f} %; performer named: {scores.named_right} of "
        f"{scores.named_total} read right, {len(scores.named_wrongly)} phrasings misread"
    )
    if "--show" in sys.argv:
        show_misses(scores)
        for outcome in scores.named_wrongly:
            print(f"  named    {outcome.item.text!r} -> {outcome.named} (not {outcome.item.named})")
    held_out = score_paraphrases(read_paraphrases(PARAPHRASES, "held_out"), embedder)
    unseen = held_out.total()
    print(
        f"held out (written after the tuning, not tuned on): {unseen.total} phrasings, right {unseen.right} "
        f"({100 * unseen.accuracy:.1f} %), wrong {unseen.wrong}, unmatched {unseen.unmatched}; performer "
        f"misread in {len(held_out.named_wrongly)}"
    )
    if "--show" in sys.argv:
        show_misses(held_out)
    if total.accuracy < 0.95 or total.wrong or scores.named_wrongly:
        raise SystemExit("below the target: at least 95 % right and none wrong")


if __name__ == "__main__":
    main()
