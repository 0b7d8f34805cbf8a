"""StepDiff (Nagarajan & Torresani): pair question answering over a reference and a candidate clip,
DiffCap / DiffMCQ / DiffRank, and the paired-QA data generator for instruction tuning."""

from actiondiff.stepdiff.caption import diffcap, postprocess_caption
from actiondiff.stepdiff.datagen import discover_clips, generate_pair_qa, pair_clips
from actiondiff.stepdiff.pairqa import ask
from actiondiff.stepdiff.records import (
    CATEGORIES,
    CaptionItem,
    Category,
    DiffCaption,
    McqQuestion,
    McqResult,
    PairAnswer,
    PairRef,
    RankQuery,
    RankResult,
)
from actiondiff.stepdiff.tasks import (
    caption_items,
    diffmcq,
    diffrank,
    evaluate_diffcap,
    evaluate_diffmcq,
    evaluate_diffrank,
    mcq_questions,
    rank_queries,
)

__all__ = [
    "CATEGORIES",
    "CaptionItem",
    "Category",
    "DiffCaption",
    "McqQuestion",
    "McqResult",
    "PairAnswer",
    "PairRef",
    "RankQuery",
    "RankResult",
    "ask",
    "caption_items",
    "diffcap",
    "diffmcq",
    "diffrank",
    "discover_clips",
    "evaluate_diffcap",
    "evaluate_diffmcq",
    "evaluate_diffrank",
    "generate_pair_qa",
    "mcq_questions",
    "pair_clips",
    "postprocess_caption",
    "rank_queries",
]
