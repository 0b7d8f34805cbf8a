"""Matchers for open-set scoring: pair ground-truth differences with predicted ones, one to one.

VidDiff's reference evaluator asks an LLM for the partial matching and then whether each matched
pair states opposite directions ("slower" vs "faster"), flipping such predictions before scoring
(`metrics.open_outcome`). `LlmJudgeMatcher` does the same through the chat backend;
`EmbeddingMatcher` is the offline stand-in: cosine similarity of sentence embeddings, a
threshold, a one-to-one Hungarian assignment, and an antonym lexicon for opposites.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from actiondiff.backends.base import ChatModel, SentenceEmbedder
from actiondiff.eval.metrics import tokenize

# Comparative words whose swap turns a statement into its opposite.
_ANTONYMS = [
    ("faster", "slower"), ("fast", "slow"), ("quicker", "slower"), ("wider", "narrower"),
    ("wide", "narrow"), ("deeper", "shallower"), ("deep", "shallow"), ("higher", "lower"),
    ("high", "low"), ("more", "less"), ("larger", "smaller"), ("bigger", "smaller"),
    ("longer", "shorter"), ("greater", "lesser"), ("straighter", "bent"), ("further", "closer"),
    ("farther", "closer"), ("earlier", "later"), ("stronger", "weaker"), ("upright", "leaning"),
    ("increased", "decreased"), ("extended", "flexed"), ("better", "worse"), ("steadier", "shakier"),
]  # fmt: skip
ANTONYMS = {a: b for a, b in _ANTONYMS} | {b: a for a, b in _ANTONYMS}


@dataclass(frozen=True)
class MatchResult:
    """Ground-truth key -> predicted key (or None), one to one; `opposite`: ground-truth keys whose
    matched prediction states the opposite direction."""

    matching: dict[str, str | None]
    opposite: set[str] = field(default_factory=set)


class Matcher(Protocol):
    name: str

    def match(self, truth: Mapping[str, str], predicted: Mapping[str, str]) -> MatchResult:
        """`truth` / `predicted`: key -> difference description."""
        ...


def is_opposite(a: str, b: str) -> bool:
    """True when one statement uses a comparative whose antonym the other uses (and not itself)."""
    words_a, words_b = set(tokenize(a)), set(tokenize(b))
    return any(ANTONYMS.get(w) in words_b - words_a for w in words_a - words_b)


class EmbeddingMatcher:
    """Offline matcher: Hungarian assignment on cosine similarity, pairs below `threshold` dropped."""

    def __init__(self, embedder: SentenceEmbedder, threshold: float = 0.6) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.name = f"embedding:{embedder.name}@{threshold:g}"

    def match(self, truth: Mapping[str, str], predicted: Mapping[str, str]) -> MatchResult:
        gt_keys, pred_keys = list(truth), list(predicted)
        matching: dict[str, str | None] = dict.fromkeys(gt_keys)
        if not gt_keys or not pred_keys:
            return MatchResult(matching)
        vectors = self.embedder.embed([truth[k] for k in gt_keys] + [predicted[k] for k in pred_keys])
        similarity = vectors[: len(gt_keys)] @ vectors[len(gt_keys) :].T
        from scipy.optimize import linear_sum_assignment  # imported where used: fast CLI start

        rows, cols = linear_sum_assignment(-np.where(similarity >= self.threshold, similarity, -1.0))
        opposite = set()
        for r, c in zip(rows, cols, strict=True):
            if similarity[r, c] >= self.threshold:
                matching[gt_keys[r]] = pred_keys[c]
                if is_opposite(truth[gt_keys[r]], predicted[pred_keys[c]]):
                    opposite.add(gt_keys[r])
        return MatchResult(matching, opposite)


class _JudgedPair(BaseModel):
    gt: str
    pred: str | None = None
    opposite: bool = False


class _Judgement(BaseModel):
    matches: list[_JudgedPair]


_JUDGE_PROMPT = """You match ground-truth differences between two videos of the action "{action}" \
with predicted differences.
Ground truth (key: statement):
{truth}
Predicted (key: statement):
{predicted}
For every ground-truth key give the predicted key that describes the same aspect of the \
performance, or null if none does. Use each predicted key at most once. Set "opposite" to true \
when the matched statements describe the aspect in opposite directions (e.g. "faster" vs "slower").
Answer JSON: {{"matches": [{{"gt": "<key>", "pred": "<key>" or null, "opposite": true|false}}]}}"""


class LlmJudgeMatcher:
    """The reference evaluator's matcher: an LLM judge through the chat backend."""

    def __init__(self, chat: ChatModel, action: str = "") -> None:
        self.chat = chat
        self.action = action
        self.name = f"llm:{chat.name}"

    def match(self, truth: Mapping[str, str], predicted: Mapping[str, str]) -> MatchResult:
        matching: dict[str, str | None] = dict.fromkeys(truth)
        if not truth or not predicted:
            return MatchResult(matching)
        prompt = _JUDGE_PROMPT.format(
            action=self.action,
            truth="\n".join(f"{k}: {v}" for k, v in truth.items()),
            predicted="\n".join(f"{k}: {v}" for k, v in predicted.items()),
        )
        judgement = self.chat.complete_json([{"role": "user", "content": prompt}], _Judgement)
        used: set[str] = set()
        opposite = set()
        for pair in judgement.matches:
            # a judge may repeat or invent keys: keep the first valid use of each predicted key
            if (
                pair.gt in matching
                and matching[pair.gt] is None
                and pair.pred is not None
                and pair.pred in predicted
                and pair.pred not in used
            ):
                matching[pair.gt] = pair.pred
                used.add(pair.pred)
                if pair.opposite:
                    opposite.add(pair.gt)
        return MatchResult(matching, opposite)
