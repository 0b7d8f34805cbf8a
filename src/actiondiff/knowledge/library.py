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
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from actiondiff.errors import DatasetError, describe_validation_error
from actiondiff.kinematics.phases import Driver, Phase
from actiondiff.kinematics.quantities import QUANTITIES, unknown_quantity
from actiondiff.models import ActionPlan, Difference, SubAction
from actiondiff.storage import parse_yaml


class DriverSpec(BaseModel):
    """The feature signal an action's repetitions show in (see `actiondiff kinematics` for columns)."""

    signal: str = Field(description="Feature column, e.g. knee_angle, elbow_angle, wrist_height.")
    extreme: Literal["max", "min"] = Field(description="The turning point is a maximum or a minimum.")
    body_at_extreme: Literal["low", "high"] = Field(description="Squat bottom: low; press lockout: high.")
    min_amplitude: float = Field(gt=0, description="Least excursion (signal units) that is a repetition.")

    def driver(self) -> Driver:
        return Driver(
            self.signal,
            1.0 if self.extreme == "max" else -1.0,
            self.body_at_extreme == "low",
            self.min_amplitude,
        )


class CandidateDifference(BaseModel):
    text: str = Field(min_length=3)
    sub_actions: list[str] = Field(min_length=1)
    quantity: str | None = None
    """Key of the kinematic quantity that decides the statement, or None when no body measurement can."""
    direction: Literal["more", "less"] = "more"
    """Whether the statement asserts more of the quantity ("the squat is deeper") or less of it."""

    @model_validator(mode="after")
    def _quantity_exists(self) -> CandidateDifference:
        if self.quantity is not None and self.quantity not in {q.key for q in QUANTITIES}:
            raise ValueError(f"difference {self.text!r} names {unknown_quantity(self.quantity)}, or null")
        return self


class LibrarySubAction(BaseModel):
    name: str
    phase: Phase | None = None
    """Where in a repetition the sub-action lies; None: not a phase of a repetition (approach, entry)."""
    retrieval: list[str] = Field(min_length=1)


class ActionEntry(BaseModel):
    """One action of the library."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    domain: Literal["fitness", "weightlifting", "ballsports", "diving", "music", "surgery"]
    duration: Literal["short", "long"] = Field(description="short: sample 4-6 fps; long: 2 fps.")
    description: str
    driver: DriverSpec | None = None
    """The signal repetitions show in; None: chosen from the name by the generic rules (`generic.yaml`)."""
    hands: bool = False
    """The action is read from the hands: 21-point hand tracks are computed beside the body's."""
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
                Difference(
                    key=str(i),
                    text=d.text,
                    sub_actions=d.sub_actions,
                    quantity=d.quantity,
                    direction=d.direction,
                )
                for i, d in enumerate(self.differences[:n])
            ],
        )


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


def parse_entry(source: str, text: str) -> ActionEntry:
    """One action file's YAML text as a validated entry; `DatasetError` naming `source` if it is not."""
    entries = parse_entries(source, text)
    if len(entries) != 1:
        raise DatasetError(f"action library {source}", f"holds {len(entries)} entries, expected one")
    return entries[0]


def parse_entries(source: str, text: str) -> list[ActionEntry]:
    """The entries of an actions YAML text: one entry (as `actiondiff actions --show` prints it) or a
    list of them. `DatasetError` naming `source`, the entry and the field when one is invalid."""
    try:
        data: Any = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise DatasetError(f"action library {source}", f"not valid YAML: {exc}") from exc
    items = data if isinstance(data, list) else [data]
    entries = []
    for number, item in enumerate(items, 1):
        name = item.get("name") if isinstance(item, dict) else None
        which = f"entry {name!r}" if name else f"entry {number}"
        try:
            entries.append(ActionEntry.model_validate(item))
        except ValidationError as exc:
            raise DatasetError(
                f"action library {source}", f"{which} is invalid: {describe_validation_error(exc)}"
            ) from exc
    return entries


@functools.cache
def _bundled() -> dict[str, ActionEntry]:
    entries: dict[str, ActionEntry] = {}
    folder = resources.files("actiondiff.knowledge") / "actions"
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".yaml"):
            continue
        entry = parse_entry(item.name, item.read_text(encoding="utf-8"))
        entries[entry.name] = entry
    return entries


@functools.cache
def _user_file(path: Path) -> tuple[ActionEntry, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DatasetError(f"actions file {path}", f"cannot be read: {exc.strerror or exc}") from exc
    return tuple(parse_entries(str(path), text))


def load_library(extra: Sequence[Path] = ()) -> dict[str, ActionEntry]:
    """Every bundled action by name, with the entries of the user's actions files (`--actions`,
    config `actions:`) added; a user entry of the same name replaces the bundled one."""
    entries = dict(_bundled())
    for path in extra:
        entries.update({entry.name: entry for entry in _user_file(Path(path))})
    return entries


def find_action(action: str, extra: Sequence[Path] = ()) -> ActionEntry | None:
    """The entry whose name or alias matches `action` (see `match_action`), or None."""
    found = match_action(action, extra)
    return found[0] if found is not None else None


def match_action(action: str, extra: Sequence[Path] = ()) -> tuple[ActionEntry, bool] | None:
    """The entry whose name or alias matches `action` (case and punctuation ignored), and whether the
    match is exact; None when none does.

    A longer description that contains a name or alias also matches ("a weighted barbell squat"),
    the longest contained name winning; that match is not exact.
    """
    wanted = _normalise(action)
    best: tuple[int, ActionEntry] | None = None
    for entry in load_library(extra).values():
        for name in [entry.name, *entry.aliases]:
            key = _normalise(name)
            if key == wanted:
                return entry, True
            if re.search(rf"\b{re.escape(key)}\b", wanted) and (best is None or len(key) > best[0]):
                best = (len(key), entry)
    return (best[1], False) if best else None
