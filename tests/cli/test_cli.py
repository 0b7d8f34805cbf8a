"""The command line as a script sees it: real processes, exit codes, stdout JSON, stderr messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import VideoFactory


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "actiondiff", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=300,
    )


def test_help_explains_commands_and_exit_codes() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for word in ("info", "pose", "Exit codes"):
        assert word in result.stdout


def test_info_json(make_video: VideoFactory) -> None:
    path = make_video(n_frames=15, fps=15)
    result = run_cli("info", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["n_frames"] == 15


def test_bad_video_exits_3_with_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"\x00" * 100)
    result = run_cli("info", str(path))
    assert result.returncode == 3
    assert "broken.mp4" in result.stderr and "not a readable video" in result.stderr
    assert "Traceback" not in result.stderr


def test_option_values_are_validated_with_the_configuration(make_video: VideoFactory) -> None:
    path = make_video(n_frames=15, fps=15)
    result = run_cli("pose", str(path), "--fps", "-1")
    assert result.returncode == 3 and "pose.fps" in result.stderr and "greater than 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_argument_is_a_usage_error() -> None:
    assert run_cli("info").returncode == 2


def test_pose_writes_landmarks_and_a_skeleton_strip(
    real_person_photo: Path, tmp_path: Path, make_video: VideoFactory
) -> None:
    import cv2

    from actiondiff.video import write_video

    image = cv2.cvtColor(cv2.imread(str(real_person_photo)), cv2.COLOR_BGR2RGB)
    video = tmp_path / "still.mp4"
    write_video(video, [image] * 6, fps=6)
    out = tmp_path / "pose.json"
    result = run_cli(
        "pose", str(video), "-o", str(out), "--overlay", str(tmp_path / "overlay.mp4"), "--json",
        env={"ACTIONDIFF_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["detection_rate"] >= 0.9
    landmarks = json.loads(out.read_text())
    assert len(landmarks["frames"]) == 6 and len(landmarks["landmark_names"]) == 33
    assert (tmp_path / "pose.png").stat().st_size > 10_000
    assert (tmp_path / "overlay.mp4").stat().st_size > 1_000


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--open", "0"], 2, "--open"),
        (["--open", "-2"], 2, "--open"),
        ([], 3, "nothing to decide"),
        (["--open", "3", "-d", "the squat is deeper"], 3, "not both"),
    ],
)
def test_compare_without_a_sensible_mode_says_so(
    squat_pair: Path, extra: list[str], code: int, message: str
) -> None:
    result = run_cli(
        "compare", str(squat_pair / "a.mp4"), str(squat_pair / "b.mp4"), "--action", "squat", *extra
    )
    assert result.returncode == code, result.stderr
    assert message in result.stderr


def test_error_messages_keep_text_in_square_brackets(tmp_path: Path) -> None:
    missing = tmp_path / "take[bold].mp4"
    result = run_cli("info", str(missing))
    assert result.returncode == 3 and "take[bold].mp4" in result.stderr, result.stderr


def test_a_bad_setting_is_named_in_plain_words(squat_pair: Path) -> None:
    result = run_cli("pose", str(squat_pair / "a.mp4"), "--fps", "-1")
    assert result.returncode == 3 and "pose.fps" in result.stderr
    assert "http" not in result.stderr and "input_value" not in result.stderr, result.stderr
