"""DiffMCQ and DiffRank (StepDiff §3.4, §4.2-4.3), the benchmark built from StepDiff items, and
the three tasks' evaluation through `actiondiff.eval.metrics`.

DiffMCQ picks, among option pairs, the one most likely to show a caption's difference; DiffRank
orders candidates by P(YES) to "do these two videos show the same <g>?" and is scored by
Kendall tau against the annotated severities (5 = nearly identical, so more similar = higher).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from actiondiff.backends import ChatModel, SentenceEmbedder
from actiondiff.config import Config
from actiondiff.errors import DatasetError
from actiondiff.eval import metrics, runner
from actiondiff.eval.readers import StepDiffItem
from actiondiff.knowledge import resolve_profile
from actiondiff.stepdiff.caption import diffcap, offline_caption
from actiondiff.stepdiff.frames import pair_frames
from actiondiff.stepdiff.measured import caption_claims, claim_support, compare_performances, performance_gaps
from actiondiff.stepdiff.pair_scores import ClipEmbeddings, yes_probability
from actiondiff.stepdiff.prompts import PAIR_SYSTEM, mcq_question, same_question
from actiondiff.stepdiff.records import (
    CATEGORIES,
    CaptionItem,
    Category,
    DiffCaption,
    McqQuestion,
    McqResult,
    PairRef,
    RankQuery,
    RankResult,
    Scorer,
)

Progress = Callable[[], None]
_Item = TypeVar("_Item")


def _ask_yes(chat: ChatModel, config: Config, pair: PairRef, question: str) -> tuple[float, Scorer]:
    frames = pair_frames(
        pair.reference,
        pair.candidate,
        config.stepdiff.frames_per_video,
        max_side=config.backends.image_max_side,
    )
    messages = [{"role": "system", "content": PAIR_SYSTEM}, {"role": "user", "content": question}]
    return yes_probability(chat, messages, frames.images())


def diffmcq(
    question: McqQuestion, config: Config, chat: ChatModel | None, embeddings: ClipEmbeddings | None = None
) -> McqResult:
    """Score every option pair: the model's P(YES) that the caption is their difference; offline, how
    far the pair's measurements bear the caption out (`measured.claim_support`: the signed gap of each
    quantity the caption names, in decision margins), or, for a caption naming no measured quantity,
    the embedding baseline (cosine of the caption to the pair's embedding)."""
    if chat is not None:
        scored = [_ask_yes(chat, config, option, mcq_question(question.category, question.caption))
                  for option in question.options]  # fmt: skip
        scores, scorer = [s for s, _ in scored], scored[0][1]
    else:
        embeddings = embeddings or ClipEmbeddings(config)
        claims = caption_claims(question.caption, embeddings.sentences)
        if claims is not None:
            generic = resolve_profile("")
            scores = [claim_support(claims, embeddings.features(option.reference),
                                    embeddings.features(option.candidate), generic)
                      for option in question.options]  # fmt: skip
            scorer = "measured"
        else:
            caption = embeddings.texts([question.caption])[0]
            scores = [
                float(caption @ _pair_vector(embeddings, config, option)) for option in question.options
            ]
            scorer = "embedding"
    return McqResult(
        id=question.id, scores=scores, choice=int(np.argmax(scores)), answer=question.answer, scorer=scorer
    )


def _pair_vector(embeddings: ClipEmbeddings, config: Config, pair: PairRef) -> np.ndarray:
    if embeddings.frames is not None:
        return embeddings.pair(pair.reference, pair.candidate)
    gaps = compare_performances(embeddings.features(pair.reference), embeddings.features(pair.candidate))
    return embeddings.texts([offline_caption(gaps, config.stepdiff.min_difference)])[0]


def diffrank(
    query: RankQuery, config: Config, chat: ChatModel | None, embeddings: ClipEmbeddings | None = None
) -> RankResult:
    """Rank candidates by P(YES) to "same <g>?" (§3.4), by clip-embedding cosine to the reference (with a
    frame embedder), else by the measured distance: minus the mean saturated gap over the
    `measured.PERFORMANCE` quantities."""
    if chat is not None:
        scored = [_ask_yes(chat, config, PairRef(reference=query.reference, candidate=c),
                           same_question(query.category)) for c in query.candidates]  # fmt: skip
        scores, scorer = [s for s, _ in scored], scored[0][1]
    else:
        embeddings = embeddings or ClipEmbeddings(config)
        if embeddings.frames is not None:
            reference = embeddings.clip(query.reference)
            scores = [float(reference @ embeddings.clip(c)) for c in query.candidates]
            scorer = "embedding"
        else:
            features = embeddings.features(query.reference)
            scores = [-float(np.mean(performance_gaps(features, embeddings.features(c)) or [0.0]))
                      for c in query.candidates]  # fmt: skip
            scorer = "measured"
    ranking = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    tau = metrics.kendall_tau(query.severity, scores)
    return RankResult(id=query.id, scores=scores, ranking=ranking, kendall_tau=tau, scorer=scorer)


# --------------------------------------------------------------------------- building the tasks


def _category(value: str, where: str) -> Category:
    key = value.strip().lower().replace("/equipment", "").replace("techniques", "technique")
    key = {
        "tools/equipment": "tools",
        "action": "actions",
        "steps": "actions",
        "action/steps": "actions",
    }.get(key, key)
    if key not in CATEGORIES:
        raise DatasetError(
            where, f"unknown difference category {value!r}; expected one of {', '.join(CATEGORIES)}"
        )
    return key


def _path(value: str, root: Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else root / path


def caption_items(items: Sequence[StepDiffItem], root: Path) -> list[CaptionItem]:
    """§4.1: the captions of one pair and category grouped into one ground-truth set."""
    groups: dict[tuple[str, str, Category], list[str]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[(item.reference, item.candidate, _category(item.category, f"item {i}"))].append(item.caption)
    return [
        CaptionItem(
            id=f"{Path(r).stem}|{Path(c).stem}|{g}",
            category=g,
            pair=PairRef(reference=_path(r, root), candidate=_path(c, root)),
            captions=captions,
        )
        for (r, c, g), captions in groups.items()
    ]


def rank_queries(items: Sequence[StepDiffItem], root: Path) -> list[RankQuery]:
    """§4.3: per reference and category, its candidates with their severities; only queries with a
    clear ranking (at most one tie) are kept."""
    groups: dict[tuple[str, Category], dict[str, float]] = defaultdict(dict)
    for i, item in enumerate(items):
        groups[(item.reference, _category(item.category, f"item {i}"))].setdefault(
            item.candidate, item.severity
        )
    queries = []
    for (reference, category), scored in groups.items():
        severities = list(scored.values())
        ties = len(severities) - len(set(severities))
        if len(scored) < 2 or ties > 1:
            continue
        queries.append(
            RankQuery(
                id=f"{Path(reference).stem}|{category}",
                category=category,
                reference=_path(reference, root),
                candidates=[_path(c, root) for c in scored],
                severity=severities,
            )
        )
    return queries


def mcq_questions(
    items: Sequence[StepDiffItem],
    root: Path,
    sentences: SentenceEmbedder,
    *,
    n_options: int = 4,
    similar_caption: float = 0.8,
    seed: int = 0,
) -> list[McqQuestion]:
    """§4.2 / Supp. S4 variant V1: per caption, negatives are other pairs sharing neither clip and
    with no caption in the category closer than `similar_caption` (cosine) to the true one; the
    order of options is shuffled with `seed`."""
    captions = caption_items(items, root)
    texts = sorted({c for item in captions for c in item.captions})
    vectors = dict(zip(texts, sentences.embed(texts), strict=True)) if texts else {}
    rng = random.Random(seed)
    questions = []
    for item in captions:
        caption = item.captions[0]
        negatives = [
            other.pair
            for other in captions
            if other.category == item.category
            and {other.pair.reference, other.pair.candidate}.isdisjoint(
                {item.pair.reference, item.pair.candidate}
            )
            and max(float(vectors[caption] @ vectors[c]) for c in other.captions) < similar_caption
        ]
        unique = list({(p.reference, p.candidate): p for p in negatives}.values())
        if len(unique) < n_options - 1:
            continue
        options = [item.pair, *rng.sample(unique, n_options - 1)]
        order = list(range(n_options))
        rng.shuffle(order)
        questions.append(
            McqQuestion(
                id=item.id,
                category=item.category,
                caption=caption,
                options=[options[i] for i in order],
                answer=order.index(0),
            )
        )
    return questions


# --------------------------------------------------------------------------- evaluation


def _run(
    keyed: Sequence[tuple[str, _Item]],
    answer: Callable[[_Item], dict[str, Any]],
    records: Path,
    on_item: Callable[[str], None] | None,
) -> list[dict[str, Any]]:
    """`answer` of every item in order, through the resumable runner: each finished item is an
    fsync'd line of `records`, and items already there are not run again."""
    return runner.run(keyed, answer, records, workers=1, on_done=on_item)


def evaluate_diffcap(
    items: Sequence[CaptionItem],
    config: Config,
    chat: ChatModel | None,
    records: Path,
    on_item: Progress | None = None,
) -> tuple[list[dict[str, object]], dict[str, float]]:
    """Captions for every item and the §4.1 metrics (BLEU-4, CIDEr-D, ROUGE-L) over those produced.

    Each pair is captioned once for all its categories (one decode, or one measurement offline),
    and is one record of `records`, keyed by its items' ids.
    """
    by_pair: dict[tuple[Path, Path], list[CaptionItem]] = defaultdict(list)
    for item in items:
        by_pair[(item.pair.reference, item.pair.candidate)].append(item)
    groups = {"+".join(i.id for i in group): group for group in by_pair.values()}

    def caption(group: list[CaptionItem]) -> dict[str, Any]:
        pair = group[0].pair
        captions = diffcap(pair.reference, pair.candidate, tuple(i.category for i in group),
                           config=config, chat=chat)  # fmt: skip
        return {i.id: c.model_dump(mode="json") for i, c in zip(group, captions, strict=True)}

    def tick(key: str) -> None:
        for _ in groups[key]:
            if on_item:
                on_item()

    outputs = _run(list(groups.items()), caption, records, tick)
    results = {key: DiffCaption.model_validate(c) for output in outputs for key, c in output.items()}
    rows: list[dict[str, object]] = []
    hypotheses, references = [], []
    for item in items:
        result = results[item.id]
        rows.append({"id": item.id, **result.model_dump(mode="json"), "references": item.captions})
        if result.caption:
            hypotheses.append(result.caption)
            references.append(item.captions)
    summary: dict[str, float] = {"n": len(items), "captioned": len(hypotheses)}
    if hypotheses:
        summary |= caption_significance(hypotheses, references)
    return rows, summary


def caption_significance(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], *, resamples: int = 200
) -> dict[str, float]:
    """BLEU-4, CIDEr-D and ROUGE-L, each with its chance level and a 95% bootstrap interval over the
    items (`<metric>_low/high`; above chance when low > `<metric>_chance`).

    Chance: every caption scored against the references of every other item, i.e. what captions
    that ignore their pair score (CIDEr's IDF is unchanged: each reference set occurs equally often).
    """
    n = len(hypotheses)
    crossed = [(i, j) for i in range(n) for j in range(n) if i != j]
    other_hypotheses, other_references = (
        [hypotheses[i] for i, _ in crossed],
        [references[j] for _, j in crossed],
    )

    def bleu(drawn: Sequence[int] | np.ndarray) -> float:
        return metrics.corpus_bleu([hypotheses[i] for i in drawn], [references[i] for i in drawn]).cumulative(
            4
        )

    summary = {"bleu": bleu(range(n))}
    summary["bleu_low"], summary["bleu_high"] = metrics.bootstrap_interval(bleu, n, resamples=resamples)
    if crossed:
        summary["bleu_chance"] = metrics.corpus_bleu(other_hypotheses, other_references).cumulative(4)
    per_item: dict[str, Callable[[Sequence[str], Sequence[Sequence[str]]], np.ndarray]] = {
        "cider": metrics.cider_d_items,
        "rouge_l": lambda h, r: metrics.rouge_items(h, r, "L"),
    }
    for name, score in per_item.items():
        scores = score(hypotheses, references)
        summary[name] = float(scores.mean())
        summary[f"{name}_low"], summary[f"{name}_high"] = metrics.bootstrap_interval(
            partial(_mean_of, scores), n, resamples=resamples
        )
        if crossed:
            summary[f"{name}_chance"] = float(score(other_hypotheses, other_references).mean())
    return summary


def _mean_of(values: np.ndarray, drawn: np.ndarray) -> float:
    return float(values[drawn].mean())


def _tick(on_item: Progress | None) -> Callable[[str], None] | None:
    return None if on_item is None else lambda _key: on_item()


def evaluate_diffmcq(
    questions: Sequence[McqQuestion],
    config: Config,
    chat: ChatModel | None,
    records: Path,
    on_item: Progress | None = None,
) -> tuple[list[McqResult], dict[str, float]]:
    """DiffMCQ over `questions`, one record of `records` per question; accuracy and its one-sided exact
    binomial p-value against chance (1/k for k options), and how many questions were scored by measurement."""
    embeddings = None if chat is not None else ClipEmbeddings(config)
    outputs = _run([(q.id, q) for q in questions],
                   lambda q: diffmcq(q, config, chat, embeddings).model_dump(mode="json"),
                   records, _tick(on_item))  # fmt: skip
    results = [McqResult.model_validate(o) for o in outputs]
    summary: dict[str, float] = {"n": len(results)}
    if results:
        correct = sum(r.choice == r.answer for r in results)
        chance = float(np.mean([1 / len(r.scores) for r in results]))
        summary |= {
            "accuracy": metrics.mcq_accuracy([r.scores for r in results], [r.answer for r in results]),
            "chance": chance,
            "p_value": metrics.binomial_p_greater(correct, len(results), chance),
            "measured": sum(r.scorer == "measured" for r in results),
        }
    return results, summary


def evaluate_diffrank(
    queries: Sequence[RankQuery],
    config: Config,
    chat: ChatModel | None,
    records: Path,
    on_item: Progress | None = None,
) -> tuple[list[RankResult], dict[str, float]]:
    """DiffRank over `queries`, one record of `records` per query; mean Kendall tau and its 95% bootstrap
    interval over queries (chance: 0, a random order)."""
    embeddings = None if chat is not None else ClipEmbeddings(config)
    outputs = _run([(q.id, q) for q in queries],
                   lambda q: diffrank(q, config, chat, embeddings).model_dump(mode="json"),
                   records, _tick(on_item))  # fmt: skip
    results = [RankResult.model_validate(o) for o in outputs]
    summary: dict[str, float] = {"n": len(results)}
    if results:
        tau = metrics.mean_kendall_tau((q.severity, r.scores) for q, r in zip(queries, results, strict=True))
        taus = np.array([r.kendall_tau for r in results])
        low, high = metrics.bootstrap_interval(lambda drawn: float(np.nanmean(taus[drawn])), len(taus))
        summary |= {"kendall_tau": tau, "chance": 0.0, "tau_low": low, "tau_high": high}
    return results, summary
