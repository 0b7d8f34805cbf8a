"""Edits of a video: a span cut from both ends keeps exactly the frames asked for."""

from __future__ import annotations

from pathlib import Path

from actiondiff.video.edits import Edit, apply_edit
from actiondiff.video.reader import probe


def test_a_cut_span_keeps_its_seconds(squat_pair: Path, tmp_path: Path) -> None:
    source = probe(squat_pair / "a.mp4")
    cut = probe(apply_edit(squat_pair / "a.mp4", tmp_path / "cut.mp4", Edit(trim_s=0.5, keep_s=1.0)))
    assert cut.n_frames == round(source.fps) and cut.fps == source.fps
