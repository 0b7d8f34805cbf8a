"""The built-in action library: coverage of the issue's actions and well-formed entries."""

from __future__ import annotations

import re

import pytest

from actiondiff.knowledge import find_action, load_library

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
