"""`compare` on awkward pairs: a result that makes sense, or a clean error naming the input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.errors import InputError, VideoError
from actiondiff.pose import extract_pose
from tests.reliability.conftest import assert_clean_failure, run_cli, run_main

STATEMENTS = ["the squat is deeper", "the stance is wider"]


@pytest.mark.parametrize("other", ["person_long_30fps", "leaving", "two_people"])
def test_awkward_pairs_give_a_verdict_per_statement(
    other: str, scenes: dict[str, Path], offline_config: Config
) -> None:
    """Different length and fps (2 s at 10 fps vs 5 s at 30 fps), a gap, two people."""
    result = compare(
        scenes["person"], scenes[other], action="squat", differences=STATEMENTS, config=offline_config
    )
    assert [d.text for d in result.differences] == STATEMENTS
    for verdict in result.differences:
        assert verdict.label in ("A", "B", "C") or verdict.reason, verdict
    assert result.alignment is not None and result.alignment.path


def test_a_single_frame_is_not_a_performance(scenes: dict[str, Path], offline_config: Config) -> None:
    """One frame shows no movement: refused with the file named, not compared into a verdict."""
    with pytest.raises(VideoError, match="single still picture") as caught:
        compare(
            scenes["person"], scenes["single_frame"], action="squat", differences=STATEMENTS,
            config=offline_config,
        )  # fmt: skip
    assert str(scenes["single_frame"]) in str(caught.value)


def test_several_people_one_performer_followed(scenes: dict[str, Path], offline_config: Config) -> None:
    """Two copies of the person side by side: every frame's skeleton is on the same copy."""
    track = extract_pose(scenes["two_people"], offline_config)
    hips_x = np.nanmean(track.image_xyz[:, 23:25, 0], axis=1)
    assert track.detection_rate == 1.0
    assert (hips_x < 0.5).all() or (hips_x > 0.5).all(), hips_x


def test_person_leaving_the_frame_leaves_a_gap(scenes: dict[str, Path], offline_config: Config) -> None:
    """Frames without the person stay empty (no invented skeleton); the rest are found."""
    track = extract_pose(scenes["leaving"], offline_config)
    detected = track.detected
    assert detected[:6].all() and detected[-6:].all()
    assert not detected[11:15].any(), "nobody is in those frames"


def test_nobody_visible_is_a_clean_error(
    scenes: dict[str, Path], offline_config: Config, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="nobody was detected") as caught:
        compare(
            scenes["person"], scenes["nobody"], action="squat", differences=STATEMENTS, config=offline_config
        )
    assert str(scenes["nobody"]) in str(caught.value)
    run = run_cli(
        "compare", scenes["nobody"], scenes["person"], "--action", "squat", "-d", STATEMENTS[0],
        "-o", tmp_path / "r.json",
    )  # fmt: skip
    assert_clean_failure(run, 3, str(scenes["nobody"]), "nobody was detected")
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("action", ["", "   ", "squat " * 1000])
def test_empty_or_absurd_action_name_is_refused_before_any_work(
    action: str, scenes: dict[str, Path], tmp_path: Path
) -> None:
    config = Config(cache_dir=tmp_path / "cache")
    with pytest.raises(InputError, match="name the action"):
        compare(scenes["person"], scenes["person"], action=action, differences=STATEMENTS, config=config)
    assert not (tmp_path / "cache").exists(), "nothing may run before the action name is checked"


def test_cli_refuses_an_empty_action_name(
    scenes: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_main(capsys, "compare", scenes["person"], scenes["person"], "--action", "", "-d", STATEMENTS[0])
    assert_clean_failure(run, 3, "action", "name the action in 1 to 200 characters")


MALFORMED_DIFFERENCES = {
    "broken.yaml": (b"differences: [deeper, wider\n", "not valid YAML/JSON"),
    "items.yaml": (b"- {foo: 1}\n", "item 0 is not a statement"),
    "mapping.json": (b'{"statements": []}', "expected a list of statements"),
    "latin1.txt": ("the squat is deeper \xe9\n".encode("latin-1"), "not UTF-8 text"),
    "empty.txt": (b"# nothing here\n", "holds no statements"),
}


@pytest.mark.parametrize("name", MALFORMED_DIFFERENCES)
def test_malformed_differences_file(
    name: str, scenes: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, cause = MALFORMED_DIFFERENCES[name]
    path = tmp_path / name
    path.write_bytes(content)
    run = run_main(
        capsys, "compare", scenes["person"], scenes["person"], "--action", "squat", "--differences-file", path
    )
    assert_clean_failure(run, 3, str(path), cause)
