"""Real footage, open mode under a name not in the library: an edit that changes nothing is proposed as
no confident difference (nothing at all against itself), a held lead-in as the start first, a slowed copy
as its tempo first. The edited copies are the invariance suite's (`real_edits`), their pose cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.eval.invariance import OPEN_CASES, OpenCase, run_open_case

pytestmark = pytest.mark.real
MADE_UP = "zorbling"


@pytest.mark.parametrize("case", OPEN_CASES, ids=lambda c: c.name)
def test_open_mode_proposes_only_what_an_edit_changed(
    case: OpenCase, real_clips: list[Path], offline_config: Config, real_edits: Path
) -> None:
    outcome = run_open_case(case, real_clips[0], real_clips, real_edits, MADE_UP, 5, offline_config)
    assert outcome.passed, outcome.proposed


def test_open_mode_on_an_action_not_in_the_library_says_so(
    real_clips: list[Path], offline_config: Config
) -> None:
    result = compare(real_clips[0], real_clips[0], action=MADE_UP, n_open=5, config=offline_config)
    assert result.backends["proposer"] == "measured" and result.differences == []
    assert any(f"'{MADE_UP}' is not in the action library" in n for n in result.notices), result.notices
    assert any("found none" in n for n in result.notices), result.notices


def test_open_mode_proposes_nothing_confident_for_two_people_against_their_mirror_image(
    real_two_person_clips: list[Path], offline_config: Config, real_edits: Path
) -> None:
    """pose2sim's two people, one turning round, on cam02: poses collapsed onto one line for single frames
    (world shoulder width 0.02 m against 0.32 m) once made the grip 'wider' at 0.98 and the shoulders
    turned further past the hips at 0.99 (`clean.collapsed_rows`). cam01, 03 and 04 passed before and
    after (40 s each here, their pose not cached: measured, not run)."""
    mirror = next(c for c in OPEN_CASES if c.name == "mirror")
    clip = next(c for c in real_two_person_clips if c.stem == "cam02")
    outcome = run_open_case(mirror, clip, real_two_person_clips, real_edits, MADE_UP, 5, offline_config)
    assert outcome.passed, outcome.proposed
