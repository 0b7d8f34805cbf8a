"""The built-in action library: ordered sub-actions with retrieval texts and candidate differences.

It stands in for the LLM proposer (VidDiff §5, stage 1) when no LLM is configured. One YAML
file per action under `actions/`; each candidate difference is phrased "X is more ..." so that
"more in A / more in B" is meaningful, names the sub-actions it is visible in and, where a body
measurement can decide it, the key of the kinematic quantity that decides it (`kinematics.QUANTITIES`);
null when no measurement from the pose landmarks can. The statement matcher (`kinematics.match_quantity`)
must resolve each text to exactly that key, so the library says what the measuring really does.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from actiondiff.errors import DatasetError, describe_validation_error
from actiondiff.kinematics.quantities import QUANTITIES
from actiondiff.models import ActionPlan, Difference, SubAction


class CandidateDifference(BaseModel):
    text: str = Field(min_length=3)
    sub_actions: list[str] = Field(min_length=1)
    quantity: str | None = None
    """Key of the kinematic quantity that decides the statement, or None when no body measurement can."""

    @model_validator(mode="after")
    def _quantity_exists(self) -> CandidateDifference:
        known = [q.key for q in QUANTITIES]
        if self.quantity is not None and self.quantity not in known:
            raise ValueError(
                f"difference {self.text!r} names unknown quantity {self.quantity!r}; "
                f"use null or one of: {', '.join(known)}"
            )
        return self


class LibrarySubAction(BaseModel):
    name: str
    retrieval: list[str] = Field(min_length=1)


class ActionEntry(BaseModel):
    """One action of the library."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    domain: Literal["fitness", "weightlifting", "ballsports", "diving", "music", "surgery"]
    duration: Literal["short", "long"] = Field(description="short: sample 4-6 fps; long: 2 fps.")
    description: str
    sub_actions: list[LibrarySubAction] = Field(min_length=2)
    differences: list[CandidateDifference] = Field(min_length=3)

    @model_validator(mode="after")
    def _links_exist(self) -> ActionEntry:
        names = {s.name for s in self.sub_actions}
        for difference in self.differences:
            unknown = set(difference.sub_actions) - names
            if unknown:
                raise ValueError(f"difference {difference.text!r} links unknown {sorted(unknown)}")
        return self

    def plan(self, n: int | None = None) -> ActionPlan:
        """The entry as a proposer output: every sub-action and the first `n` candidate differences."""
        return ActionPlan(
            action=self.name,
            description=self.description,
            sub_actions=[SubAction(name=s.name, retrieval_texts=s.retrieval) for s in self.sub_actions],
            differences=[
                Difference(key=str(i), text=d.text, sub_actions=d.sub_actions)
                for i, d in enumerate(self.differences[:n])
            ],
        )


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def parse_entry(source: str, text: str) -> ActionEntry:
    """One action file's YAML text as a validated entry; `DatasetError` naming `source` if it is not."""
    try:
        return ActionEntry.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise DatasetError(f"action library {source}", f"not valid YAML: {exc}") from exc
    except ValidationError as exc:
        raise DatasetError(
            f"action library {source}", f"invalid entry: {describe_validation_error(exc)}"
        ) from exc


@functools.cache
def load_library() -> dict[str, ActionEntry]:
    """Every bundled action by name (validated once per process)."""
    entries: dict[str, ActionEntry] = {}
    folder = resources.files("actiondiff.knowledge") / "actions"
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".yaml"):
            continue
        entry = parse_entry(item.name, item.read_text(encoding="utf-8"))
        entries[entry.name] = entry
    return entries


def find_action(action: str) -> ActionEntry | None:
    """The entry whose name or alias matches `action` (case and punctuation ignored), or None.

    A longer description that contains a name or alias also matches ("a weighted barbell squat"),
    the longest contained name winning.
    """
    wanted = _normalise(action)
    best: tuple[int, ActionEntry] | None = None
    for entry in load_library().values():
        for name in [entry.name, *entry.aliases]:
            key = _normalise(name)
            if key == wanted:
                return entry
            if re.search(rf"\b{re.escape(key)}\b", wanted) and (best is None or len(key) > best[0]):
                best = (len(key), entry)
    return best[1] if best else None
