"""`actiondiff kinematics` and `actiondiff align` as real processes on the squat sample."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from actiondiff.models import TimeAlignment
from tests.cli.test_cli import run_cli


def test_kinematics_and_align_commands(squat_pair: Path, pose_cache: Path, tmp_path: Path) -> None:
    env = {"ACTIONDIFF_CACHE_DIR": str(pose_cache)}
    table = tmp_path / "a.csv"
    result = run_cli("kinematics", str(squat_pair / "a.mp4"), "-o", str(table), "--json", env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert len(summary["repetitions"]) == 2
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == summary["frames"] and "left_knee_angle" in rows[0]
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"

    output = tmp_path / "map.json"
    a, b = str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4")
    result = run_cli("align", a, b, "-o", str(output), "--json", env=env)
    assert result.returncode == 0, result.stderr
    alignment = TimeAlignment.model_validate_json(output.read_text())
    assert alignment.path[0] == (0, 0) and len(alignment.tempo) == len(alignment.frames_a)
    assert (tmp_path / "map.png").read_bytes()[:4] == b"\x89PNG"

    missing = run_cli("align", a, str(tmp_path / "nope.mp4"), env=env)
    assert missing.returncode == 3 and "nope.mp4" in missing.stderr
