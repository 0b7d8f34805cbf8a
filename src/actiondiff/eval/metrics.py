"""Every metric the three papers report, as pure functions documented with their definitions.

VidDiff (closed accuracy with a binomial test, open recall@N_diff), StepDiff (DiffCap BLEU /
CIDEr / ROUGE-L, DiffMCQ accuracy, DiffRank Kendall tau) and ActDR / KEPT (Spearman rho,
relative L2 x100, BLEU-1..4, ROUGE-1/2/L, METEOR). Scores are fractions in [0, 1] unless a
docstring says otherwise; `kept/` and `stepdiff/` report through this module.

Library choices (see docs/evaluation.md): BLEU and ROUGE are computed here from their
definitions (tested against sacrebleu and rouge-score to 1e-6), CIDEr-D by pycocoevalcap's
pure-Python scorer (its Java tokenizer is not used), METEOR by nltk's implementation with a
WordNet read from the database files of Debian's `wordnet-base` (no download at run time).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from actiondiff.eval.wordnet import synonym_source

_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """Lower-case alphanumeric tokens: rouge-score's default tokenizer, used for every text metric."""
    return _TOKEN.findall(text.lower())


# --------------------------------------------------------------------------- VidDiff closed


@dataclass(frozen=True)
class Accuracy:
    """Closed-set accuracy of `correct` out of `n` A/B statements and its one-sided binomial p-value."""

    n: int
    correct: int
    accuracy: float
    p_value: float

    @property
    def significant(self) -> bool:
        """VidDiff table 2 marks p < 0.05 as better than random."""
        return self.p_value < 0.05


def closed_accuracy(pairs: Iterable[tuple[str | None, str | None]]) -> Accuracy:
    """VidDiff §3.2 closed-set accuracy over (ground truth, prediction) label pairs.

    Only statements whose ground truth is A or B count (C and None are excluded); a predicted
    C or None is wrong. p-value: one-sided exact binomial test of `correct` successes in `n`
    trials against chance p = 0.5 (H1: accuracy > 0.5), as in VidDiff table 2.
    """
    n = correct = 0
    for truth, predicted in pairs:
        t = (truth or "").upper()
        if t not in ("A", "B"):
            continue
        n += 1
        correct += int((predicted or "").upper() == t)
    if n == 0:
        return Accuracy(0, 0, math.nan, math.nan)
    from scipy import stats  # imported where used: keeps `import actiondiff.cli` fast

    p_value = float(stats.binomtest(correct, n, 0.5, alternative="greater").pvalue)
    return Accuracy(n, correct, correct / n, p_value)


def grouped_accuracy(
    rows: Iterable[tuple[Hashable, str | None, str | None]],
) -> dict[Hashable, Accuracy]:
    """`closed_accuracy` per group from (group, truth, prediction) rows (split, category, action...)."""
    groups: dict[Hashable, list[tuple[str | None, str | None]]] = {}
    for group, truth, predicted in rows:
        groups.setdefault(group, []).append((truth, predicted))
    return {group: closed_accuracy(pairs) for group, pairs in groups.items()}


# --------------------------------------------------------------------------- VidDiff open


@dataclass(frozen=True)
class OpenOutcome:
    """How each ground-truth A/B difference of one sample fared in open evaluation."""

    hits: int
    no_match: int
    flipped: int
    predicted_c: int

    @property
    def n(self) -> int:
        return self.hits + self.no_match + self.flipped + self.predicted_c


@dataclass(frozen=True)
class Recall:
    """recall@N_diff over all samples and the error breakdown (fractions of the A/B ground truth)."""

    n: int
    recall: float
    no_match: float
    flipped: float
    predicted_c: float
    outcomes: list[OpenOutcome] = field(default_factory=list, repr=False)


def n_diff(n_annotated: int) -> int:
    """VidDiff §3.2: a method may predict at most N_diff = 1.5 x the annotated differences (floored)."""
    return int(1.5 * n_annotated)


def flip(label: str) -> str:
    """A <-> B; C stays C. Applied to a prediction matched with an opposite statement."""
    return {"a": "b", "b": "a"}.get(label.lower(), label.lower())


def open_outcome(
    truth: Mapping[str, str | None],
    predicted: Mapping[str, str],
    matching: Mapping[str, str | None],
    opposite: Iterable[str] = (),
) -> OpenOutcome:
    """Score one sample as the reference VidDiff evaluator does.

    `truth` maps ground-truth key -> label (a/b/c/None; C and None are not counted),
    `predicted` predicted key -> a/b/c, `matching` ground-truth key -> predicted key or None
    (one-to-one), `opposite` the ground-truth keys whose match states the opposite direction
    ("slower" vs "faster"): their predicted label is flipped before comparison. Each positive
    ground truth is a hit (matched, right label), no match, flipped (matched, wrong A/B) or
    predicted C.
    """
    used = [p for p in matching.values() if p is not None]
    if len(used) != len(set(used)):
        raise ValueError(f"matching is not one-to-one: {dict(matching)}")
    opposite = set(opposite)
    hits = no_match = flipped = predicted_c = 0
    for key, label in truth.items():
        gt = (label or "").lower()
        if gt not in ("a", "b"):
            continue
        pred_key = matching.get(key)
        if pred_key is None or pred_key not in predicted:
            no_match += 1
            continue
        pred = predicted[pred_key].lower()
        if key in opposite:
            pred = flip(pred)
        if pred == gt:
            hits += 1
        elif pred == "c":
            predicted_c += 1
        else:
            flipped += 1
    return OpenOutcome(hits, no_match, flipped, predicted_c)


def open_recall(outcomes: Sequence[OpenOutcome]) -> Recall:
    """VidDiff §3.2 recall@N_diff: matched-and-right positives over all positives, pooled over samples."""
    n = sum(o.n for o in outcomes)
    if n == 0:
        return Recall(0, math.nan, math.nan, math.nan, math.nan, list(outcomes))
    return Recall(
        n=n,
        recall=sum(o.hits for o in outcomes) / n,
        no_match=sum(o.no_match for o in outcomes) / n,
        flipped=sum(o.flipped for o in outcomes) / n,
        predicted_c=sum(o.predicted_c for o in outcomes) / n,
        outcomes=list(outcomes),
    )


# --------------------------------------------------------------------------- scores (ActDR)


def spearman_rho(truth: Sequence[float], predicted: Sequence[float]) -> float:
    """ActDR eq. 10: Pearson correlation of the ranks of the two score sequences (ties averaged)."""
    _check_paired(truth, predicted, minimum=2)
    from scipy import stats

    return float(stats.spearmanr(truth, predicted).statistic)


def relative_l2(
    truth: Sequence[float], predicted: Sequence[float], *, score_range: float | None = None
) -> float:
    """Relative L2 distance x100 (ActDR table 5; Yu et al. 2021, "CoRe"):

    R-l2 = 100 / N * sum_i (|y_i - yhat_i| / (y_max - y_min))^2,

    with y_max - y_min the ground-truth score range (pass `score_range` for a dataset-wide
    range). ActDR's printed eq. 11 drops the square; we follow the cited definition the
    metric is named after. Lower is better.
    """
    _check_paired(truth, predicted, minimum=1)
    y, yhat = np.asarray(truth, dtype=float), np.asarray(predicted, dtype=float)
    span = float(score_range if score_range is not None else y.max() - y.min())
    if span <= 0:
        raise ValueError("relative L2 needs a positive ground-truth score range")
    return float(100.0 * np.mean((np.abs(y - yhat) / span) ** 2))


# --------------------------------------------------------------------------- ranking / choice (StepDiff)


def kendall_tau(truth: Sequence[float], predicted: Sequence[float]) -> float:
    """StepDiff §4.3 DiffRank: Kendall's tau-b between annotated and predicted ranking scores.

    tau-b = (P - Q) / sqrt((P + Q + T_x)(P + Q + T_y)) over concordant P, discordant Q pairs and
    ties T in one sequence only; 1 = same order, -1 = reversed.
    """
    _check_paired(truth, predicted, minimum=2)
    from scipy import stats

    return float(stats.kendalltau(truth, predicted).statistic)


def mean_kendall_tau(queries: Iterable[tuple[Sequence[float], Sequence[float]]]) -> float:
    """DiffRank score: Kendall tau averaged over queries (one reference and its ranked candidates)."""
    values = [kendall_tau(t, p) for t, p in queries]
    return float(np.nanmean(values)) if values else math.nan


def mcq_accuracy(scores: Sequence[Sequence[float]], answers: Sequence[int]) -> float:
    """StepDiff §4.2 DiffMCQ top-1 accuracy: the option with the highest likelihood must be the answer.

    `scores[q][i]` is the model's score of option i for question q; ties go to the first option.
    """
    _check_paired(scores, answers, minimum=1)
    return float(np.mean([int(np.argmax(s)) == a for s, a in zip(scores, answers, strict=True)]))


def binomial_p_greater(successes: int, n: int, chance: float) -> float:
    """One-sided exact binomial test: P(X >= successes) for X ~ Binomial(n, chance), the probability
    that guessing at `chance` (1/k for k options) does at least this well."""
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be within 0..{n}, got {successes}")
    return float(
        sum(math.comb(n, k) * chance**k * (1.0 - chance) ** (n - k) for k in range(successes, n + 1))
    )


def bootstrap_interval(
    statistic: Callable[[np.ndarray], float],
    n: int,
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of `statistic(indices)` over `n` items drawn with replacement
    (`resamples` times, from `seed`): the `level` central range of the resampled statistic."""
    if n < 1:
        raise ValueError("the bootstrap needs at least one item")
    rng = np.random.default_rng(seed)
    values = [statistic(rng.integers(0, n, n)) for _ in range(resamples)]
    tail = (1.0 - level) / 2 * 100
    low, high = np.nanpercentile(values, [tail, 100 - tail])
    return float(low), float(high)


# --------------------------------------------------------------------------- text metrics


@dataclass(frozen=True)
class Bleu:
    """Corpus BLEU pieces: modified n-gram precisions p_1..p_N, brevity penalty, lengths."""

    precisions: tuple[float, ...]
    brevity_penalty: float
    hyp_len: int
    ref_len: int

    def cumulative(self, n: int) -> float:
        """BLEU-n of Papineni et al. 2002 eq. 2: BP * exp(mean_{k<=n} log p_k) (0 if any p_k is 0)."""
        ps = self.precisions[:n]
        if min(ps) <= 0:
            return 0.0
        return self.brevity_penalty * math.exp(sum(math.log(p) for p in ps) / n)

    def individual(self, n: int) -> float:
        """BP * p_n: the per-order scores KEPT's tables list as "BLEU n_gram=n"."""
        return self.brevity_penalty * self.precisions[n - 1]


def corpus_bleu(hypotheses: Sequence[str], references: Sequence[Sequence[str]], max_order: int = 4) -> Bleu:
    """Corpus-level BLEU (Papineni et al. 2002 §2): counts pooled over the corpus, no smoothing.

    p_n = sum clipped n-gram matches / sum hypothesis n-grams, a hypothesis n-gram's count
    clipped by its maximum count in any one reference; BP = exp(1 - r/c) if c < r else 1, with
    c the hypothesis length and r the sum of the reference lengths closest to each hypothesis
    (shorter on ties). Equals sacrebleu's BLEU with smooth_method="none" on the same tokens.
    """
    _check_paired(hypotheses, references, minimum=1)
    matches, totals = [0] * max_order, [0] * max_order
    hyp_len = ref_len = 0
    for hypothesis, refs in zip(hypotheses, references, strict=True):
        hyp = tokenize(hypothesis)
        ref_tokens = [tokenize(r) for r in refs]
        if not ref_tokens:
            raise ValueError(f"hypothesis {hypothesis!r} has no reference")
        hyp_len += len(hyp)
        ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in ref_tokens)[1]
        for n in range(1, max_order + 1):
            counts = _ngrams(hyp, n)
            max_ref: Counter[tuple[str, ...]] = Counter()
            for r in ref_tokens:
                max_ref |= _ngrams(r, n)
            matches[n - 1] += sum(min(c, max_ref[g]) for g, c in counts.items())
            totals[n - 1] += max(len(hyp) - n + 1, 0)
    precisions = tuple(m / t if t else 0.0 for m, t in zip(matches, totals, strict=True))
    bp = 1.0 if hyp_len >= ref_len else math.exp(1 - ref_len / hyp_len) if hyp_len else 0.0
    return Bleu(precisions, bp, hyp_len, ref_len)


@dataclass(frozen=True)
class Rouge:
    precision: float
    recall: float
    fmeasure: float


def rouge_n(hypothesis: str, reference: str, n: int) -> Rouge:
    """ROUGE-N (Lin 2004 §2): clipped n-gram overlap over hypothesis (P) and reference (R) n-grams; F1."""
    hyp, ref = _ngrams(tokenize(hypothesis), n), _ngrams(tokenize(reference), n)
    overlap = sum((hyp & ref).values())
    return _prf(overlap, sum(hyp.values()), sum(ref.values()))


def rouge_l(hypothesis: str, reference: str) -> Rouge:
    """ROUGE-L (Lin 2004 §3.1, sentence level): P = LCS/|hyp|, R = LCS/|ref|, F1 (beta = 1)."""
    hyp, ref = tokenize(hypothesis), tokenize(reference)
    return _prf(_lcs_length(hyp, ref), len(hyp), len(ref))


def mean_rouge(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], kind: Literal["1", "2", "L"]
) -> float:
    """Corpus ROUGE-1/2/L F1: per hypothesis the best F1 over its references, averaged over hypotheses."""
    return float(np.mean(rouge_items(hypotheses, references, kind)))


def rouge_items(
    hypotheses: Sequence[str], references: Sequence[Sequence[str]], kind: Literal["1", "2", "L"]
) -> np.ndarray:
    """Per hypothesis, the best ROUGE-1/2/L F1 over its references (`mean_rouge` is their mean)."""
    _check_paired(hypotheses, references, minimum=1)

    def score(h: str, r: str) -> float:
        return (rouge_l(h, r) if kind == "L" else rouge_n(h, r, int(kind))).fmeasure

    return np.array([max(score(h, r) for r in refs) for h, refs in zip(hypotheses, references, strict=True)])


def cider_d(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """CIDEr-D (Vedantam et al. 2015 §3, as in the COCO caption code): for n = 1..4, TF-IDF n-gram
    vectors with IDF over the corpus's reference sets; per hypothesis the mean over references
    of the clipped cosine times a Gaussian length penalty exp(-(l_h - l_r)^2 / (2 * 6^2)); the
    mean over n, x10, averaged over the corpus. IDF needs the whole corpus, so score corpora,
    not single sentences.
    """
    return float(np.mean(cider_d_items(hypotheses, references)))


def cider_d_items(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> np.ndarray:
    """Per hypothesis, its CIDEr-D with IDF over the whole corpus (`cider_d` is their mean)."""
    from pycocoevalcap.cider.cider import Cider  # local: a heavy package, only needed here

    _check_paired(hypotheses, references, minimum=1)
    gts = {i: [" ".join(tokenize(r)) for r in refs] for i, refs in enumerate(references)}
    res = {i: [" ".join(tokenize(h))] for i, h in enumerate(hypotheses)}
    _, scores = Cider().compute_score(gts, res)
    return np.asarray(scores, dtype=float)


def meteor(hypothesis: str, references: Sequence[str]) -> float:
    """METEOR (Banerjee & Lavie 2005 §2) by nltk: unigram alignment by exact, Porter-stem and WordNet
    synonym modules; Fmean = P R / (alpha P + (1 - alpha) R) with alpha = 0.9; penalty
    gamma (chunks / matches)^beta with gamma = 0.5, beta = 3; score Fmean (1 - penalty), best
    over references. Synonyms come from the WordNet database installed on the machine (see
    `actiondiff.eval.wordnet`); without one only the exact and stem modules run.
    """
    from nltk.translate.meteor_score import meteor_score

    if not references:
        raise ValueError(f"hypothesis {hypothesis!r} has no reference")
    return float(
        meteor_score([tokenize(r) for r in references], tokenize(hypothesis), wordnet=synonym_source())
    )


def mean_meteor(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """Corpus METEOR as KEPT reports it: the sentence scores averaged."""
    _check_paired(hypotheses, references, minimum=1)
    return float(np.mean([meteor(h, refs) for h, refs in zip(hypotheses, references, strict=True)]))


def text_metrics(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> dict[str, float]:
    """The description metrics of KEPT table 4 and StepDiff table 1 in one dict (fractions)."""
    bleu = corpus_bleu(hypotheses, references)
    metrics = {f"bleu_{n}": bleu.individual(n) for n in range(1, 5)}
    metrics["bleu"] = bleu.cumulative(4)
    metrics.update({f"rouge_{k.lower()}": mean_rouge(hypotheses, references, k) for k in ("1", "2", "L")})
    metrics["meteor"] = mean_meteor(hypotheses, references)
    metrics["cider"] = cider_d(hypotheses, references)
    return metrics


# --------------------------------------------------------------------------- helpers


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def _prf(overlap: int, n_hyp: int, n_ref: int) -> Rouge:
    precision = overlap / n_hyp if n_hyp else 0.0
    recall = overlap / n_ref if n_ref else 0.0
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Rouge(precision, recall, f)


def _check_paired(a: Sequence[object], b: Sequence[object], *, minimum: int) -> None:
    if len(a) != len(b):
        raise ValueError(f"paired inputs differ in length: {len(a)} vs {len(b)}")
    if len(a) < minimum:
        raise ValueError(f"need at least {minimum} item(s), got {len(a)}")


__all__ = [
    "Accuracy",
    "Bleu",
    "OpenOutcome",
    "Recall",
    "Rouge",
    "binomial_p_greater",
    "bootstrap_interval",
    "cider_d",
    "cider_d_items",
    "closed_accuracy",
    "corpus_bleu",
    "flip",
    "grouped_accuracy",
    "kendall_tau",
    "mcq_accuracy",
    "mean_kendall_tau",
    "mean_meteor",
    "mean_rouge",
    "meteor",
    "n_diff",
    "open_outcome",
    "open_recall",
    "relative_l2",
    "rouge_items",
    "rouge_l",
    "rouge_n",
    "spearman_rho",
    "text_metrics",
    "tokenize",
]
