"""StepDiff (Nagarajan & Torresani): pair question answering over a reference and a candidate clip,
DiffCap / DiffMCQ / DiffRank, and the paired-QA data generator for instruction tuning.

Names load from their submodules on first use (PEP 562), so importing the light record types
does not pull in the models.
"""

from importlib import import_module
from typing import Any

_HOMES = {
    "caption": ("diffcap", "postprocess_caption"),
    "datagen": ("discover_clips", "generate_pair_qa", "pair_clips"),
    "pairqa": ("ask",),
    "records": (
        "CATEGORIES", "CaptionItem", "Category", "DiffCaption", "McqQuestion", "McqResult",
        "PairAnswer", "PairRef", "RankQuery", "RankResult",
    ),
    "tasks": (
        "caption_items", "diffmcq", "diffrank", "evaluate_diffcap", "evaluate_diffmcq",
        "evaluate_diffrank", "mcq_questions", "rank_queries",
    ),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'actiondiff.stepdiff' has no attribute {name!r}")
    return getattr(import_module(f"actiondiff.stepdiff.{module}"), name)
