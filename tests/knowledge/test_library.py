"""The built-in action library: coverage of the issue's actions and well-formed entries."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from actiondiff.errors import DatasetError
from actiondiff.kinematics import QUANTITIES, match_quantity
from actiondiff.kinematics.quantities import find_quantity
from actiondiff.knowledge import CandidateDifference, find_action, load_library
from actiondiff.knowledge.library import parse_entry
from actiondiff.knowledge.profile import generic, resolve_profile
from tests.cli.test_cli import run_cli

REQUIRED = [
    "squat",
    "deadlift",
    "push-up",
    "lunge",
    "jumping jack",
    "overhead press",
    "basketball jump shot",
    "basketball layup",
    "soccer penalty kick",
    "10m platform dive",
    "piano scale",
    "suturing",
    "knot tying",
]


def test_library_covers_the_required_actions_across_domains() -> None:
    library = load_library()
    assert set(REQUIRED) <= set(library)
    assert {e.domain for e in library.values()} == {
        "fitness",
        "weightlifting",
        "ballsports",
        "diving",
        "music",
        "surgery",
    }


@pytest.mark.parametrize("name", REQUIRED)
def test_entries_are_usable_plans(name: str) -> None:
    entry = load_library()[name]
    plan = entry.plan()
    assert len(plan.sub_actions) >= 3 and all(s.retrieval_texts for s in plan.sub_actions)
    assert len(plan.differences) >= 5
    comparative = re.compile(r"\b(more|less|\w+er)\b")
    assert all(comparative.search(d.text) for d in plan.differences), "phrased as a comparison"
    assert len({d.text for d in plan.differences}) == len(plan.differences)
    assert entry.duration == ("long" if entry.domain in ("music", "surgery") else "short")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Squat", "squat"),
        ("a weighted barbell squat", "squat"),
        ("push up", "push-up"),
        ("free throw", "basketball jump shot"),
    ],
)
def test_find_action_matches_names_aliases_and_descriptions(query: str, expected: str) -> None:
    found = find_action(query)
    assert found is not None and found.name == expected


def test_unknown_action_is_none() -> None:
    assert find_action("underwater basket weaving") is None


DIFFERENCES = [(name, d) for name, entry in load_library().items() for d in entry.differences]


@pytest.mark.parametrize(
    "difference", [d for _, d in DIFFERENCES], ids=[f"{name}: {d.text}" for name, d in DIFFERENCES]
)
def test_library_quantity_is_what_the_statement_matcher_measures(difference: CandidateDifference) -> None:
    """The library's quantity id and the offline measuring cannot drift apart: the rules resolve each
    text to exactly the library's key (None where the library says no body measurement decides it)."""
    matched = match_quantity(difference.text, None)
    assert (matched[0].key if matched else None) == difference.quantity


def test_library_direction_is_the_polarity_the_matcher_reads() -> None:
    """A user's statement worded like the library's is decided the same way as the library's own."""
    for _, difference in DIFFERENCES:
        if (matched := match_quantity(difference.text, None)) is not None:
            assert (matched[1] > 0) == (difference.direction == "more"), difference.text


def test_library_keys_are_kinematics_quantities() -> None:
    keys = {q.key for q in QUANTITIES}
    assert {d.quantity for _, d in DIFFERENCES} - {None} <= keys


def test_unknown_quantity_is_a_dataset_error_naming_file_and_difference() -> None:
    text = yaml.safe_dump(
        {
            "name": "toy squat",
            "domain": "fitness",
            "duration": "short",
            "description": "down and up",
            "sub_actions": [
                {"name": "descent", "retrieval": ["going down"]},
                {"name": "bottom", "retrieval": ["low"]},
            ],
            "differences": [
                {"text": "the squat is deeper", "sub_actions": ["bottom"], "quantity": "depth"},
                {"text": "the squat is shallower", "sub_actions": ["bottom"], "quantity": "squat_depth"},
                {"text": "the bar is shinier", "sub_actions": ["bottom"], "quantity": None},
            ],
        }
    )
    with pytest.raises(DatasetError, match=r"(?s)toy_squat\.yaml.*the squat is shallower.*'squat_depth'"):
        parse_entry("toy_squat.yaml", text)
    assert (
        parse_entry("toy_squat.yaml", text.replace("squat_depth", "depth")).differences[1].quantity == "depth"
    )


def test_an_entry_shown_by_the_cli_reads_back_as_the_same_entry() -> None:
    shown = run_cli("actions", "--show", "back squat")
    assert shown.returncode == 0, shown.stderr
    assert parse_entry("shown", shown.stdout) == load_library()["squat"]
    listed = json.loads(run_cli("actions", "--json").stdout)
    assert set(listed) == set(load_library()) and listed["squat"]["measured"] == 8
    unknown = run_cli("actions", "--show", "tennis serve")
    assert unknown.returncode == 3 and "tennis serve" in unknown.stderr and "squat" in unknown.stderr


def test_the_open_mode_catalogue_names_measurable_quantities() -> None:
    """Every quantity open mode measures or groups (generic.yaml) exists, each family once."""
    rules = generic()
    named = [*rules.discovery, *(key for family in rules.families for key in family)]
    assert [find_quantity(key).key for key in named] == named
    grouped = [key for family in rules.families for key in family]
    assert len(grouped) == len(set(grouped)), "a quantity belongs to one family at most"
    assert resolve_profile("squat").catalogue()[0].key == "depth", "the action's own quantities first"
