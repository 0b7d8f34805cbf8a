"""Typed records of the StepDiff tasks: answers, captions, choices, rankings and generated QA.

Roles follow the paper (§3.1): the *reference* V_r is "Video 1", the *candidate* V_c is
"Video 2", and every difference is phrased as what happens in the candidate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from actiondiff.models import Evidence

Category = Literal["ingredients", "tools", "technique", "actions", "visual"]
CATEGORIES: tuple[Category, ...] = ("ingredients", "tools", "technique", "actions", "visual")
CATEGORY_NAMES: dict[Category, str] = {
    "ingredients": "ingredients",
    "tools": "tools/equipment",
    "technique": "technique",
    "actions": "action/steps",
    "visual": "visual appearance",
}
"""How each category is named in prompts (the paper's annotation fields, Fig. S2)."""

Method = Literal["vlm", "offline"]
Scorer = Literal["logprob", "prompt", "measured", "embedding"]


class PairAnswer(BaseModel):
    """An answer about a reference/candidate pair, with what it rests on."""

    question: str
    answer: str
    method: Method
    model: str = Field(description="The chat model, or 'offline:kinematics'.")
    evidence: list[Evidence] = Field(default_factory=list, description="Measurements or frames used.")
    frames_reference: list[int] = Field(default_factory=list, description="Reference frames looked at.")
    frames_candidate: list[int] = Field(default_factory=list, description="Candidate frames looked at.")
    step: str | None = Field(default=None, description="The step the frames were localized to, if any.")
    not_judged: list[str] = Field(default_factory=list, description="What could not be judged, and why.")


class DiffCaption(BaseModel):
    """A difference caption for one category (None when nothing could be said)."""

    category: Category
    caption: str | None
    raw: str | None = Field(default=None, description="The model's text before post-processing.")
    method: Method
    evidence: list[Evidence] = Field(default_factory=list)
    reason: str | None = None


class PairRef(BaseModel):
    """A reference/candidate pair of clips."""

    reference: Path
    candidate: Path


class McqQuestion(BaseModel):
    """DiffMCQ (§4.2): which of the option pairs shows the caption's difference."""

    id: str
    category: Category
    caption: str
    options: list[PairRef] = Field(min_length=2)
    answer: int = Field(ge=0, description="Index of the true pair in `options`.")


class McqResult(BaseModel):
    id: str
    scores: list[float]
    choice: int
    answer: int
    scorer: Scorer


class RankQuery(BaseModel):
    """DiffRank (§4.3): candidates against one reference, with annotated severities (5 = nearly identical)."""

    id: str
    category: Category
    reference: Path
    candidates: list[Path] = Field(min_length=2)
    severity: list[float] = Field(min_length=2)


class RankResult(BaseModel):
    id: str
    scores: list[float] = Field(description="P(same) per candidate; higher = more similar to the reference.")
    ranking: list[int] = Field(description="Candidate indices, most similar first.")
    kendall_tau: float
    scorer: Scorer


class CaptionItem(BaseModel):
    """DiffCap (§4.1): a pair, a category and the ground-truth caption set for it."""

    id: str
    category: Category
    pair: PairRef
    captions: list[str] = Field(min_length=1)


class Clip(BaseModel):
    """A clip of the generator's input: a step label, its source video, optional narration and objects."""

    path: Path
    step: str
    source: str = Field(description="The video the clip was cut from; pairs never share one.")
    narration: str = ""
    objects: list[str] = Field(default_factory=list)


class QaPair(BaseModel):
    question: str
    answer: str
    kind: Literal["compare", "which", "same"] = Field(
        description="The paper's prompt types 1, 2 and 3 (Supp. S1)."
    )
