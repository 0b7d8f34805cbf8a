"""Real footage: the extremes a clip reads (deepest knee flexion, largest trunk lean...) do not move with
the frame rate it was filmed or played at."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.eval.invariance import ACTION
from actiondiff.kinematics import Reading
from actiondiff.kinematics.quantities import QUANTITIES, find_quantity
from actiondiff.knowledge import resolve_profile
from actiondiff.pipeline.performance import observe_clip
from actiondiff.video.edits import Edit, apply_edit

pytestmark = pytest.mark.real
EXTREMES = ("depth", "trunk_lean", "hip_flexion", "shin_tilt", "shoulder_flexion", "elbow_extension")
"""Quantities read at a repetition's max or min."""


@pytest.mark.parametrize("edit", [Edit(fps=25.0), Edit(slowdown=2.0)], ids=["25 fps", "half speed"])
def test_a_copy_at_another_frame_rate_reads_the_same_extremes(
    edit: Edit, real_clips: list[Path], real_edits: Path, offline_config: Config
) -> None:
    clip = real_clips[0]  # 60 fps, posed at 30
    copy = real_edits / f"{clip.stem}-fps{edit.fps}-slow{edit.slowdown}.mp4"
    copy = copy if copy.exists() else apply_edit(clip, copy, edit)
    statements = {q.examples[0]: (q.key, "more") for q in QUANTITIES if q.key in EXTREMES}
    result = compare(
        clip, copy, action=ACTION, differences=list(statements), named=statements, config=offline_config
    )
    for difference in result.differences:
        measured = difference.measured
        assert measured is not None and measured.value_a is not None and measured.value_b is not None
        assert abs(measured.value_a - measured.value_b) < (measured.margin or 0.0), difference.text
        assert difference.label in ("C", None), (difference.text, difference.label, difference.reason)


@pytest.mark.parametrize("edit", [Edit(fps=25.0), Edit(slowdown=2.0)], ids=["25 fps", "half speed"])
def test_a_fast_squat_bottom_reads_as_deep_at_another_frame_rate(
    edit: Edit, real_clips: list[Path], real_edits: Path, offline_config: Config
) -> None:
    """cam03 turns its squat bottom in 0.2 s, faster than the 0.3 s smoothing: read from the fitted turn
    (`quantities.peak_of`), its depth moves by under half a margin on a 25-fps or half-speed copy (the
    smoothed maximum: 0.24 and 0.83 margins)."""
    clip = real_clips[2]
    copy = real_edits / f"{clip.stem}-fps{edit.fps}-slow{edit.slowdown}.mp4"
    copy = copy if copy.exists() else apply_edit(clip, copy, edit)
    depth, movement = find_quantity("depth"), resolve_profile(ACTION).movement
    readings = [
        depth.compute(Reading.of(observe_clip(path, offline_config)[1], movement)) for path in (clip, copy)
    ]
    assert readings[0] is not None and readings[1] is not None
    assert abs(readings[0].value - readings[1].value) < 0.5 * depth.margin, (
        readings[0].value,
        readings[1].value,
    )
