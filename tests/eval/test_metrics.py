"""The metrics on hand-worked examples, and against sacrebleu / rouge-score where definitions coincide."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.translate.meteor_score import meteor_score
from rouge_score import rouge_scorer
from sacrebleu.metrics import BLEU

from actiondiff.eval import metrics
from actiondiff.eval.wordnet import NoSynonyms, WordNetFiles, wordnet_dir

HYP = "The cat sat on the mat."
REF = "the cat is on the mat"


def test_closed_accuracy_excludes_c_and_counts_predicted_c_wrong() -> None:
    result = metrics.closed_accuracy(
        [("A", "A"), ("B", "A"), ("C", "A"), ("A", "C"), ("B", "B"), (None, "A")]
    )
    assert (result.n, result.correct, result.accuracy) == (4, 2, 0.5)
    assert result.p_value == pytest.approx(11 / 16)  # P(X >= 2), X ~ Bin(4, 1/2)
    perfect = metrics.closed_accuracy([("A", "a")] * 10)
    assert perfect.p_value == pytest.approx(1 / 1024) and perfect.significant


def test_grouped_accuracy_per_split() -> None:
    groups = metrics.grouped_accuracy([("easy", "A", "A"), ("easy", "B", "A"), ("hard", "B", "B")])
    assert groups["easy"].accuracy == 0.5 and groups["hard"].accuracy == 1.0


def test_open_outcome_drops_c_and_none_and_flips_opposites() -> None:
    truth = {"0": "a", "1": "b", "2": "c", "3": None, "4": "a", "5": "b", "6": "a"}
    predicted = {"0": "a", "1": "a", "2": "c", "3": "c", "4": "b"}
    matching = {"0": "0", "1": "1", "6": "2", "4": "4", "5": None}
    outcome = metrics.open_outcome(truth, predicted, matching, opposite={"1"})
    # 0 hit; 1 flipped "a" -> "b" = hit; 6 matched a "c" -> predicted C; 4 wrong A/B; 5 unmatched
    assert outcome == metrics.OpenOutcome(hits=2, no_match=1, flipped=1, predicted_c=1)
    recall = metrics.open_recall([outcome, metrics.OpenOutcome(1, 0, 0, 0)])
    assert (recall.n, recall.recall, recall.no_match) == (6, 0.5, 1 / 6)
    with pytest.raises(ValueError, match="one-to-one"):
        metrics.open_outcome(truth, predicted, {"0": "0", "1": "0"})


def test_n_diff_is_one_and_a_half_times_annotated() -> None:
    assert [metrics.n_diff(k) for k in (1, 4, 5)] == [1, 6, 7]


def test_score_metrics_hand_worked() -> None:
    assert metrics.spearman_rho([1, 2, 3, 4], [10, 30, 20, 40]) == pytest.approx(0.8)  # 1 - 6*2/(4*15)
    assert metrics.relative_l2([0, 10], [1, 7]) == pytest.approx(5.0)  # 100 * (0.1^2 + 0.3^2) / 2
    assert metrics.kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(2 / 3)  # (5 - 1) / 6
    assert metrics.mean_kendall_tau([([1, 2, 3], [1, 2, 3]), ([1, 2, 3], [3, 2, 1])]) == pytest.approx(0.0)
    assert metrics.mcq_accuracy(
        [[0.1, 0.5, 0.2, 0.2], [0.9, 0, 0, 0], [0, 0, 0, 1]], [1, 1, 3]
    ) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="differ in length"):
        metrics.spearman_rho([1, 2], [1, 2, 3])


def test_bleu_hand_worked() -> None:
    bleu = metrics.corpus_bleu([HYP], [[REF]])
    assert bleu.precisions == pytest.approx((5 / 6, 3 / 5, 1 / 4, 0.0))
    assert bleu.brevity_penalty == 1.0 and bleu.cumulative(4) == 0.0
    assert bleu.cumulative(2) == pytest.approx(math.sqrt(0.5))
    assert bleu.individual(3) == pytest.approx(0.25)
    short = metrics.corpus_bleu(["the cat"], [["the cat is here"]])
    assert short.brevity_penalty == pytest.approx(math.exp(1 - 4 / 2))


def test_rouge_and_meteor_hand_worked() -> None:
    assert metrics.rouge_n(HYP, REF, 1).fmeasure == pytest.approx(5 / 6)
    assert metrics.rouge_n(HYP, REF, 2).fmeasure == pytest.approx(3 / 5)
    assert metrics.rouge_l(HYP, REF).fmeasure == pytest.approx(5 / 6)  # LCS "the cat on the mat"
    # identical: 6 matches in 1 chunk -> 1 - 0.5 * (1/6)^3
    assert metrics.meteor(REF, [REF]) == pytest.approx(1 - 0.5 / 216)


def test_meteor_synonym_module_reads_installed_wordnet() -> None:
    root = wordnet_dir()
    assert root is not None, "install Debian's wordnet-base (scripts/setup.sh dev does)"
    hyp, ref = ["a", "wide", "stance"], ["a", "broad", "stance"]
    # with synonyms: 3 matches in 1 chunk; exact/stem only: 2 matches in 2 chunks, P = R = 2/3
    assert meteor_score([ref], hyp, wordnet=WordNetFiles(root)) == pytest.approx(1 - 0.5 / 27)  # type: ignore[arg-type]
    assert meteor_score([ref], hyp, wordnet=NoSynonyms()) == pytest.approx(2 / 3 * 0.5)  # type: ignore[arg-type]
    assert metrics.meteor("a wide stance", ["a broad stance"]) == pytest.approx(1 - 0.5 / 27)


def test_cider_hand_worked() -> None:
    # disjoint captions: every n-gram has IDF log(2), the candidate equals its reference -> cos 1, x10
    refs = [["the knee bends deeply"], ["arms press the bar overhead"]]
    assert metrics.cider_d(["the knee bends deeply", "arms press the bar overhead"], refs) == pytest.approx(
        10.0
    )
    assert metrics.cider_d(["zzz yyy", "qqq"], refs) == 0.0


CORPUS_HYPS = [
    "the squat in video a is deeper and slower",
    "video b has a wider stance than video a",
    "the trunk leans forward more in a",
    "b presses the bar faster overhead with straight arms",
]
CORPUS_REFS = [
    ["video a squats deeper and more slowly", "the squat is deeper in a"],
    ["the stance is wider in video b", "b stands with wider feet"],
    ["a leans the trunk forward more"],
    ["b presses the bar overhead faster", "the press in b is faster with arms straight"],
]


@pytest.mark.parametrize("order", [1, 2, 4])
def test_bleu_matches_sacrebleu(order: int) -> None:
    ours = metrics.corpus_bleu(CORPUS_HYPS, CORPUS_REFS, max_order=order)
    _assert_sacrebleu(ours, CORPUS_HYPS, CORPUS_REFS, order)


def _assert_sacrebleu(ours: metrics.Bleu, hyps: list[str], refs: list[list[str]], order: int) -> None:
    join = " ".join
    n_refs = max(len(r) for r in refs)
    streams = [[join(metrics.tokenize(r[i])) if i < len(r) else "" for r in refs] for i in range(n_refs)]
    sb = BLEU(tokenize="none", smooth_method="none", max_ngram_order=order).corpus_score(
        [join(metrics.tokenize(h)) for h in hyps], streams
    )
    assert ours.cumulative(order) == pytest.approx(sb.score / 100, abs=1e-6)
    assert ours.brevity_penalty == pytest.approx(sb.bp, abs=1e-6)
    assert list(ours.precisions) == pytest.approx([p / 100 for p in sb.precisions], abs=1e-6)


_WORDS = st.lists(
    st.sampled_from(["a", "b", "c", "d", "e", "f", "squat", "knee", "deep"]), min_size=1, max_size=12
).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(hyp=_WORDS, ref=_WORDS)
def test_rouge_matches_rouge_score(hyp: str, ref: str) -> None:
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False)
    expected = scorer.score(ref, hyp)
    for name, ours in (
        ("rouge1", metrics.rouge_n(hyp, ref, 1)),
        ("rouge2", metrics.rouge_n(hyp, ref, 2)),
        ("rougeL", metrics.rouge_l(hyp, ref)),
    ):
        assert ours.precision == pytest.approx(expected[name].precision, abs=1e-6)
        assert ours.recall == pytest.approx(expected[name].recall, abs=1e-6)
        assert ours.fmeasure == pytest.approx(expected[name].fmeasure, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(hyps=st.lists(st.tuples(_WORDS, _WORDS), min_size=1, max_size=4))
def test_bleu_matches_sacrebleu_on_random_corpora(hyps: list[tuple[str, str]]) -> None:
    hyp_texts, refs = [h for h, _ in hyps], [[r] for _, r in hyps]
    _assert_sacrebleu(metrics.corpus_bleu(hyp_texts, refs, max_order=2), hyp_texts, refs, 2)


def test_text_metrics_reports_every_description_metric() -> None:
    scores = metrics.text_metrics(CORPUS_HYPS, CORPUS_REFS)
    assert set(scores) == {"bleu_1", "bleu_2", "bleu_3", "bleu_4", "bleu", "rouge_1", "rouge_2", "rouge_l",
                           "meteor", "cider"}  # fmt: skip
    assert all(0.0 <= v <= 10.0 for v in scores.values())
    assert scores["bleu_1"] > scores["bleu_2"] > 0


@pytest.mark.parametrize(
    ("successes", "n", "chance"), [(0, 5, 0.25), (7, 12, 0.25), (20, 20, 0.5), (3, 40, 0.1)]
)
def test_exact_binomial_p_matches_scipy(successes: int, n: int, chance: float) -> None:
    from scipy import stats

    expected = stats.binomtest(successes, n, chance, alternative="greater").pvalue
    assert metrics.binomial_p_greater(successes, n, chance) == pytest.approx(expected, rel=1e-9)


def test_bootstrap_interval_covers_the_mean_and_is_reproducible() -> None:
    values = [0.0, 1.0, 1.0, 0.5, 1.0, 0.0, 1.0, 1.0]

    def mean(drawn: object) -> float:
        return sum(values[i] for i in drawn) / len(values)  # type: ignore[attr-defined]

    low, high = metrics.bootstrap_interval(mean, len(values), seed=3)
    assert low < sum(values) / len(values) < high and low >= 0.0 and high <= 1.0
    assert metrics.bootstrap_interval(mean, len(values), seed=3) == (low, high)
