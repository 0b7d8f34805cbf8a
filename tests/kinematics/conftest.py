"""Fixtures of the kinematics tests: real pose tracks of the bundled squat sample pair."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.config import Config
from actiondiff.models import PoseTrack
from actiondiff.pose import extract_pose


@pytest.fixture(scope="session")
def sample_tracks(squat_pair: Path, pose_cache: Path) -> tuple[PoseTrack, PoseTrack]:
    """Real BlazePose tracks of the squat sample's two videos (sampled as the default settings choose),
    from the suite's shared cache when another test posed them already."""
    config = Config(cache_dir=pose_cache)
    return extract_pose(squat_pair / "a.mp4", config), extract_pose(squat_pair / "b.mp4", config)
