"""The real corpus of other people (issue 31): per pair and statement, the verdict, its confidence,
the values measured in A and B and the reason; then, for the obvious and the constructed pairs apart,
the share of statements decided and how many verdicts are wrong.

Usage: python benchmarks/bench_people.py [CORPUS_DIR] [--only obvious|constructed]
(default: $ACTIONDIFF_CORPUS, else the configured cache folder's `corpus/`). The clips are not in git
(data/corpus/manifest.yaml says where each comes from); a clip that is not there is reported as not
fetched, with its repository, path and commit, and its pairs are skipped. Prepared spans, edited
copies and pose are cached under the configured cache folder, so a second run is quick.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from actiondiff.config import Config
from actiondiff.eval.calibration_set import CalibrationPair, judged
from actiondiff.eval.people import constructed_pairs, load_corpus, missing_clips, obvious_pairs
from actiondiff.models import Difference, Label


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


def _line(difference: Difference, truth: Label) -> tuple[str, bool, bool]:
    """The statement's row, whether it was decided, and whether the verdict is wrong."""
    measured = difference.measured
    values = (
        f"{_value(measured.value_a)} / {_value(measured.value_b)} {measured.quantity}" if measured else "-"
    )
    label = difference.label or "undecided"
    wrong = difference.label is not None and difference.label != truth
    reason = " ".join((difference.reason or "").split())[:220]
    row = (
        f"    {difference.text:<40} truth {truth}  {label:<9} {difference.confidence:4.2f}  {values:<28}"
        f"{'  WRONG' if wrong else ''}  {reason}"
    )
    return row, difference.label is not None, wrong


def run(
    kind: str, pairs: Sequence[CalibrationPair], config: Config, reasons: dict[tuple[str, str], str]
) -> None:
    """Print every pair's statements and the kind's decided share and wrong count."""
    decided = wrong = total = 0
    print(f"\n== {kind} pairs: statement, truth, verdict, confidence, values A / B (quantity), reason")
    for pair in pairs:
        print(f"  {pair.group}  [{pair.action}]", flush=True)
        for difference, truth in judged(pair, config):
            row, is_decided, is_wrong = _line(difference, truth)
            print(row, flush=True)
            if why := reasons.get((pair.group, difference.text)):
                print(f"      truth by sight: {why}")
            total += 1
            decided += is_decided
            wrong += is_wrong
    share = f"{decided / total:.0%}" if total else "-"
    print(f"{kind}: decided {decided}/{total} = {share}, wrong {wrong}", flush=True)


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = Config()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("ACTIONDIFF_CORPUS", config.cache_dir / "corpus"))
    parser.add_argument("corpus_dir", nargs="?", type=Path, default=default)
    parser.add_argument("--only", choices=("obvious", "constructed"))
    args = parser.parse_args()
    corpus_dir = args.corpus_dir
    corpus = load_corpus(Path(__file__).resolve().parent.parent / "data" / "corpus")
    used = {c for p in corpus.pairs.obvious for c in (p.a, p.b)} | set(corpus.pairs.constructed.clips)
    for clip in missing_clips(corpus, sorted(used), corpus_dir):
        print(f"not fetched: {clip.id} ({clip.source.describe()}), expected at {clip.original(corpus_dir)}")
    work = config.cache_dir / "people-clips"
    work.mkdir(parents=True, exist_ok=True)
    reasons = {(f"{p.a} vs {p.b}", t.text): t.reason for p in corpus.pairs.obvious for t in p.truth}
    if args.only != "constructed":
        run("obvious", obvious_pairs(corpus, corpus_dir, work), config, reasons)
    if args.only != "obvious":
        run("constructed", constructed_pairs(corpus, corpus_dir, work), config, reasons)


if __name__ == "__main__":
    main()
