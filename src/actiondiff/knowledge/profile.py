"""`ActionProfile`: everything the pipeline knows about the action of one job, resolved once.

The library entry (bundled or from the user's actions files) when the action is in it, else the
generic profile of `generic.yaml`: the signal repetitions show in, the phase of each sub-action,
the quantities the action is measured by, and how the library links its statements to them.
Every stage takes the profile; none reads the action's name again.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from actiondiff.kinematics.features import KinematicFeatures, body_words
from actiondiff.kinematics.phases import Driver, Movement, Phase
from actiondiff.kinematics.quantities import Quantity, find_quantity
from actiondiff.knowledge.library import ActionEntry, DriverSpec, load_library, match_action
from actiondiff.storage import parse_yaml


class _DriverRule(BaseModel):
    pattern: str
    driver: DriverSpec


class _PhaseRule(BaseModel):
    pattern: str
    phase: Literal["rest", "extreme", "recovery", "toward_extreme", "away_from_extreme"]


class GenericProfile(BaseModel):
    """`generic.yaml`: how an action without a library entry, and an unlisted sub-action, are read."""

    drivers: list[_DriverRule]
    fallback_driver: DriverSpec
    phase_words: list[_PhaseRule]
    quantities: list[str]
    discovery: list[str]
    families: list[list[str]]
    hands: str
    """An unknown action whose name matches this pattern is read from the hands too."""

    def family(self, key: str) -> list[str]:
        """The quantities reading the same movement as `key` (its family), preferred first."""
        return next((group for group in self.families if key in group), [key])


@functools.cache
def generic() -> GenericProfile:
    text = (resources.files("actiondiff.knowledge") / "generic.yaml").read_text(encoding="utf-8")
    return GenericProfile.model_validate(parse_yaml(text))


def phase_from_words(sub_action: str, driver: Driver) -> Phase | None:
    """The phase a sub-action's name points at by the generic words, or None when it says nothing."""
    text = sub_action.lower().replace("_", " ")
    low = driver.extreme_is_low
    reading: dict[str, Phase] = {
        "toward_extreme": "out" if low else "back",
        "away_from_extreme": "back" if low else "out",
        "rest": "rest",
        "extreme": "extreme",
        "recovery": "recovery",
    }
    for rule in generic().phase_words:
        if re.search(rule.pattern, text):
            return reading[rule.phase]
    return None


@dataclass(frozen=True)
class ActionProfile:
    """The action of a job: its library entry (None: generic) and what follows from it."""

    asked: str
    """The action as the user named it."""
    entry: ActionEntry | None
    exact: bool
    """The name or an alias matched exactly (not only contained in a longer description)."""
    driver: Driver
    actions_files: tuple[Path, ...] = ()
    """The user's actions files the library was read with."""

    @property
    def name(self) -> str:
        return self.entry.name if self.entry is not None else self.asked

    @property
    def duration(self) -> Literal["short", "long"]:
        return self.entry.duration if self.entry is not None else "short"

    @property
    def hands(self) -> bool:
        """Whether the action is read from the hands too (hand tracks beside the body's): its library
        entry says so, or, for an action not in the library, its name speaks of hands or fingers."""
        if self.entry is not None:
            return self.entry.hands
        return re.search(generic().hands, self.asked, re.IGNORECASE) is not None

    @property
    def notice(self) -> str | None:
        """What stands in for the asked action, in words for the user; None when it is in the library."""
        if self.entry is None:
            return (
                f"{self.asked!r} is not in the action library, so it is measured as a general movement "
                f"(repetitions counted from the {body_words(self.driver.column)}); pick a library action "
                "if one fits"
            )
        if not self.exact:
            return f"{self.asked!r} is not in the action library: its entry {self.entry.name!r} stands in"
        return None

    def still_driver(self, features_a: KinematicFeatures, features_b: KinematicFeatures) -> str | None:
        """A warning when the action is in the library but its driving signal moves less than one
        repetition's amplitude in both videos (a squat whose knees barely bend): the name may not be
        the action shown. The movement is the 5-95 percentile range, so pose jitter does not count."""
        if self.entry is None:
            return None
        column, least = self.driver.column, self.driver.min_amplitude
        moved = [_spread(features[column]) for features in (features_a, features_b)]
        if not all(np.isfinite(moved)) or max(moved) >= least:
            return None
        unit = features_a.units.get(column, "")
        return (
            f"{self.asked!r} matches the library's {self.entry.name!r}, whose repetitions show in "
            f"{column}, but it barely moves in either video ({moved[0]:.3g} in A, {moved[1]:.3g} in B, "
            f"under the {least:g} {unit} of one repetition): is {self.asked!r} the action shown?"
        )

    def phase_of(self, sub_action: str) -> Phase | None:
        """The library's phase for one of its sub-actions, else the generic words' reading of the name."""
        if self.entry is not None:
            for listed in self.entry.sub_actions:
                if listed.name == sub_action:
                    return listed.phase
        return phase_from_words(sub_action, self.driver)

    @property
    def movement(self) -> Movement:
        return Movement(self.driver, self.phase_of)

    def quantities(self) -> list[Quantity]:
        """The quantities the library's statements of the action are measured by, in their order; the
        generic ones when the action is not in the library (or none of its statements is measured)."""
        if self.entry is not None:
            linked = [find_quantity(d.quantity) for d in self.entry.differences if d.quantity]
            if linked:
                return list(dict.fromkeys(linked))
        return [find_quantity(key) for key in generic().quantities]

    def catalogue(self) -> list[Quantity]:
        """What offline open mode measures: the action's quantities, then the generic body catalogue."""
        own = self.quantities() if self.entry is not None else []
        return list(dict.fromkeys([*own, *(find_quantity(key) for key in generic().discovery)]))


def _spread(values: np.ndarray) -> float:
    """The 5-95 percentile range of a signal (NaN when it is never seen)."""
    finite = values[np.isfinite(values)]
    return float(np.subtract(*np.percentile(finite, [95, 5]))) if finite.size else math.nan


def resolve_profile(action: str, actions_files: Sequence[Path] = ()) -> ActionProfile:
    """The profile of `action`: its library entry (bundled, or from `actions_files`), else generic."""
    found = match_action(action, actions_files)
    if found is None:
        return ActionProfile(action, None, False, driver_by_name(action), tuple(actions_files))
    entry, exact = found
    driver = entry.driver.driver() if entry.driver is not None else driver_by_name(entry.name)
    return ActionProfile(action, entry, exact, driver, tuple(actions_files))


def driver_by_name(action: str) -> Driver:
    """The generic rules' driving signal for an action name (`generic.yaml`)."""
    for rule in generic().drivers:
        if re.search(rule.pattern, action, re.IGNORECASE):
            return rule.driver.driver()
    return generic().fallback_driver.driver()


def known_actions(actions_files: Sequence[Path] = ()) -> str:
    """The library's action names, for error messages."""
    return ", ".join(sorted(load_library(actions_files)))
