"""VidDiffBench as data for the generic runner: predictors per sample, scoring, the summary table.

A prediction is the reference format, difference key (digit string in open mode) ->
{"description", "prediction": "a"|"b"|"c"}, so `predictions.json` (a list in dataset order) can
also be scored by VidDiff's own evaluator. Closed mode reports accuracy (VidDiff table 2),
open mode recall@N_diff with its error breakdown (table 3); columns easy / medium / hard / avg,
avg being the mean of the split columns present.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.eval import metrics
from actiondiff.eval.readers import BenchSample
from actiondiff.models import KeyFrames

if TYPE_CHECKING:
    from actiondiff.eval.matching import Matcher

Mode = Literal["closed", "open"]
Localizer = Literal["viterbi", "argmax", "random", "oracle"]
SPLITS = ("easy", "medium", "hard")
Prediction = dict[str, dict[str, str]]


def open_budget(sample: BenchSample) -> int:
    """N_diff: the row's `n_differences_open_prediction`, else 1.5 x its annotated differences."""
    return sample.n_differences_open_prediction or metrics.n_diff(len(sample.differences))


@dataclass(frozen=True)
class RandomPredictor:
    """The chance row of VidDiff's tables: a seeded coin per statement (closed mode only)."""

    seed: int = 0

    @property
    def name(self) -> str:
        return "random" if self.seed == 0 else f"random (seed={self.seed})"

    def __call__(self, sample: BenchSample) -> Prediction:
        def coin(key: str) -> str:
            digest = hashlib.sha256(f"{self.seed}/{sample.sample_key}/{key}".encode()).digest()
            return "a" if digest[0] % 2 == 0 else "b"

        return {
            k: {"description": d.description, "prediction": coin(k)} for k, d in sample.differences.items()
        }


@dataclass(frozen=True)
class ComparePredictor:
    """actiondiff's method: `actiondiff.compare` on the sample's two videos."""

    mode: Mode
    config: Config
    localizer: Localizer = "viterbi"

    @property
    def name(self) -> str:
        b = self.config.backends
        return f"actiondiff (llm={b.llm}, vlm={b.vlm}, localizer={self.localizer})"

    def __call__(self, sample: BenchSample) -> Prediction:
        # the pipeline loads models: import where used
        from actiondiff.eval.oracle import compare_with_keyframes
        from actiondiff.pipeline.compare import TwoVideoJob

        config = self.config.model_copy(deep=True)
        if self.localizer != "oracle":
            config.compare.localizer = self.localizer
        pair = (sample.video_a.path, sample.video_b.path)
        if self.mode == "closed":
            keys = list(sample.differences)
            texts = [sample.differences[k].description for k in keys]
            keyframes = self._keyframes(sample, keys)
            job = TwoVideoJob.start(*pair, action=sample.action, differences=texts, config=config)
            result = compare_with_keyframes(job, keyframes) if keyframes is not None else job.run()
            by_text = {d.text: d for d in result.differences}
            return {
                k: {"description": t, "prediction": _label(by_text[t].label if t in by_text else None)}
                for k, t in zip(keys, texts, strict=True)
            }
        keyframes = self._keyframes(sample, None)
        job = TwoVideoJob.start(*pair, action=sample.action, n_open=open_budget(sample), config=config)
        result = compare_with_keyframes(job, keyframes) if keyframes is not None else job.run()
        return {
            str(i): {"description": d.text, "prediction": _label(d.label)}
            for i, d in enumerate(result.differences[: open_budget(sample)])
        }

    def _keyframes(self, sample: BenchSample, keys: list[str] | None) -> KeyFrames | None:
        """The oracle's annotated frames, per-difference keys renamed to statement positions (closed
        mode) or left out (open mode: proposals have no annotated frames); None for other localizers."""
        if self.localizer != "oracle":
            return None
        annotated = sample.keyframes
        if annotated is None:
            raise InputError(sample.sample_key, "oracle localizer: the sample has no key-frame annotations")
        by_position = (
            {str(keys.index(k)): frames for k, frames in annotated.differences.items()} if keys else {}
        )
        if not (by_position or annotated.spans.a or annotated.spans.b):
            raise InputError(sample.sample_key, "oracle localizer: open mode needs annotated spans")
        return KeyFrames(spans=annotated.spans, differences=by_position)


def _label(label: str | None) -> str:
    return (label or "C").lower()


# --------------------------------------------------------------------------- scoring


def score_closed(
    samples: Sequence[BenchSample], predictions: Sequence[Prediction]
) -> dict[str, metrics.Accuracy]:
    """Accuracy per split (and "all": every statement pooled), with the one-sided binomial test."""
    rows = _closed_rows(samples, predictions, "split")
    return {**_accuracy_by_group(rows), "all": metrics.closed_accuracy((t, p) for _, t, p in rows)}


def score_closed_by(
    samples: Sequence[BenchSample], predictions: Sequence[Prediction], by: str
) -> dict[str, metrics.Accuracy]:
    """Closed accuracy grouped by "split", "action" or difference "category" (its description)."""
    return _accuracy_by_group(_closed_rows(samples, predictions, by))


def _accuracy_by_group(rows: list[tuple[str, str | None, str | None]]) -> dict[str, metrics.Accuracy]:
    return {str(g): acc for g, acc in metrics.grouped_accuracy(rows).items() if acc.n}


def _closed_rows(
    samples: Sequence[BenchSample], predictions: Sequence[Prediction], by: str
) -> list[tuple[str, str | None, str | None]]:
    """(group, annotated label, predicted label) per statement."""
    group = {
        "split": lambda s, d: s.split,
        "action": lambda s, d: s.action,
        "category": lambda s, d: d.description,
    }[by]
    return [
        (group(s, d), d.label, p.get(k, {}).get("prediction"))
        for s, p in zip(samples, predictions, strict=True)
        for k, d in s.differences.items()
    ]


def score_open(
    samples: Sequence[BenchSample], predictions: Sequence[Prediction], matcher: Matcher
) -> tuple[dict[str, metrics.Recall], list[dict[str, Any]]]:
    """recall@N_diff per split and pooled ("all"), plus each sample's matching for auditing."""
    by_split: dict[str, list[metrics.OpenOutcome]] = {}
    audits = []
    for sample, prediction in zip(samples, predictions, strict=True):
        kept = dict(list(prediction.items())[: open_budget(sample)])  # at most N_diff count
        truth = {k: d.description for k, d in sample.differences.items() if d.label is not None}
        match = matcher.match(truth, {k: v["description"] for k, v in kept.items()})
        outcome = metrics.open_outcome(
            sample.truth, {k: v["prediction"] for k, v in kept.items()}, match.matching, match.opposite
        )
        by_split.setdefault(sample.split, []).append(outcome)
        audits.append(
            {"sample_key": sample.sample_key, "matching": match.matching, "opposite": sorted(match.opposite),
             "outcome": outcome.__dict__}
        )  # fmt: skip
    result = {split: metrics.open_recall(o) for split, o in by_split.items()}
    result["all"] = metrics.open_recall([o for outcomes in by_split.values() for o in outcomes])
    return result, audits


def summary_row(name: str, mode: Mode, scores: dict[str, Any]) -> dict[str, Any]:
    """One table row: per split the value in percent (and n, p-value or error breakdown), avg of splits."""
    row: dict[str, Any] = {"method": name, "mode": mode}
    values = []
    for split in SPLITS:
        if split not in scores:
            row[split] = None
            continue
        s = scores[split]
        value = 100 * (s.accuracy if mode == "closed" else s.recall)
        values.append(value)
        cell: dict[str, Any] = {"value": round(value, 2), "n": s.n}
        if mode == "closed":
            cell.update(p_value=s.p_value, significant=s.significant)
        else:
            cell.update(no_match=s.no_match, flipped=s.flipped, predicted_c=s.predicted_c)
        row[split] = cell
    row["avg"] = round(sum(values) / len(values), 2) if values else None
    return row


def markdown_table(rows: Sequence[dict[str, Any]]) -> str:
    """The papers' table shape: rows = methods, columns = easy / medium / hard / avg (percent).

    Closed-mode cells significant at p < 0.05 (one-sided binomial test) carry a `*`.
    """
    metric = "accuracy" if all(r["mode"] == "closed" for r in rows) else "recall@N_diff / accuracy"
    lines = [f"| method ({metric}, %) | easy | medium | hard | avg |", "|---|---|---|---|---|"]
    for row in rows:
        cells = []
        for split in SPLITS:
            cell = row.get(split)
            if cell is None:
                cells.append("–")
            else:
                star = "*" if cell.get("significant") else ""
                cells.append(f"{cell['value']:.1f}{star} (n={cell['n']})")
        avg = row.get("avg")
        avg_text = "–" if avg is None or (isinstance(avg, float) and math.isnan(avg)) else f"{avg:.1f}"
        lines.append(f"| {row['method']} [{row['mode']}] | {' | '.join(cells)} | {avg_text} |")
    return "\n".join(lines) + "\n"
