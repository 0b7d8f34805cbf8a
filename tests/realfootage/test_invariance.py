"""Real footage: a clip matches itself, and a verdict does not depend on which video is called A."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.eval.invariance import (
    ACTION,
    CASES,
    STATEMENTS,
    SWAPPED,
    Case,
    case_named,
    case_videos,
    run_case,
)

pytestmark = pytest.mark.real


def test_a_clip_against_itself_differs_in_nothing(real_clips: list[Path], offline_config: Config) -> None:
    clip = real_clips[0]
    result = compare(clip, clip, action=ACTION, differences=list(STATEMENTS), config=offline_config)
    assert {d.label for d in result.differences} == {"C"}, [(d.text, d.label) for d in result.differences]
    assert result.quality is not None and result.quality.view_difference_deg == 0.0, result.quality
    assert not result.quality.views_differ and {d.withheld for d in result.differences} == {None}


def test_swapping_a_and_b_swaps_the_labels(real_clips: list[Path], offline_config: Config) -> None:
    a, b = real_clips[0], real_clips[1]
    forward = compare(a, b, action=ACTION, differences=list(STATEMENTS), config=offline_config)
    backward = compare(b, a, action=ACTION, differences=list(STATEMENTS), config=offline_config)
    for one, other in zip(forward.differences, backward.differences, strict=True):
        assert other.label == SWAPPED[one.label], one.text
        assert other.confidence == pytest.approx(one.confidence), one.text


def test_a_held_lead_in_delays_the_start_by_its_length(
    real_clips: list[Path], offline_config: Config, real_edits: Path
) -> None:
    clip = real_clips[0]
    _, held = case_videos(case_named("held lead-in 1 s"), clip, real_clips, real_edits)
    result = compare(
        clip, held, action=ACTION, differences=["the first repetition starts later"], config=offline_config
    )
    (verdict,) = result.differences
    evidence = verdict.evidence[0]
    assert verdict.label == "B", verdict
    assert evidence.value_a is not None and evidence.value_b is not None
    assert abs(evidence.value_b - evidence.value_a - 1.0) <= 0.1, evidence


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c.edit is not None],
    ids=lambda c: c.name,
)
def test_an_edit_moves_only_the_verdicts_it_should(
    case: Case, real_clips: list[Path], offline_config: Config, real_edits: Path
) -> None:
    outcome = run_case(case, real_clips[0], real_clips, real_edits, offline_config)
    assert outcome.wrong == [], {text: outcome.verdicts[text] for text in outcome.wrong}


def test_a_movement_without_repetitions_of_the_driver_is_said(
    real_clips: list[Path], offline_config: Config
) -> None:
    result = compare(
        real_clips[0], real_clips[0], action=ACTION, differences=[STATEMENTS[0]], config=offline_config
    )
    said = [notice for notice in result.notices if "read from the whole body's movement" in notice]
    assert said and "one-off" in said[0], (
        result.notices
    )  # the events of a jump or swing, or that it shows none
