"""Adding an action without touching the package: an entry printed by `actiondiff actions --show`,
changed and passed with `--actions`, is an action like any bundled one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from actiondiff import compare
from actiondiff.cli import app
from actiondiff.config import Config
from actiondiff.errors import DatasetError
from actiondiff.knowledge import resolve_profile
from actiondiff.report.html import render_report
from tests.reliability.conftest import run_main

runner = CliRunner()


def shown_entry(name: str) -> dict:
    shown = runner.invoke(app, ["actions", "--show", name])
    assert shown.exit_code == 0, shown.output
    return yaml.safe_load(shown.output)


def test_a_renamed_copy_of_squat_gives_the_squat_verdicts(
    squat_pair: Path, offline_config: Config, tmp_path: Path
) -> None:
    entry = shown_entry("squat") | {"name": "garage squat", "aliases": []}
    actions = tmp_path / "my-actions.yaml"
    actions.write_text(yaml.safe_dump(entry, sort_keys=False), encoding="utf-8")
    statements = [d["text"] for d in yaml.safe_load((squat_pair / "pair.yaml").read_text())["differences"]]

    def verdicts(action: str, config: Config) -> list[tuple]:
        result = compare(squat_pair / "a.mp4", squat_pair / "b.mp4", action=action, differences=statements,
                         config=config)  # fmt: skip
        return [(d.text, d.label, d.confidence, [e.summary for e in d.evidence]) for d in result.differences]

    own = offline_config.model_copy(update={"actions": [actions]})
    assert resolve_profile("garage squat", own.actions).notice is None
    assert verdicts("garage squat", own) == verdicts("squat", offline_config)

    listed = runner.invoke(app, ["actions", "--actions", str(actions), "--json"])
    assert listed.exit_code == 0 and "garage squat" in json.loads(listed.output)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"driver": {"signal": "knee_angle", "extreme": "lowest"}}, "driver.extreme"),
        (
            {"sub_actions": [{"name": "down", "phase": "sideways", "retrieval": ["x"]}] * 2},
            "sub_actions.0.phase",
        ),
        ({"duration": 5}, "duration"),
    ],
)
def test_a_bad_actions_file_names_the_file_the_entry_and_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict, field: str
) -> None:
    actions = tmp_path / "broken-actions.yaml"
    actions.write_text(
        yaml.safe_dump([shown_entry("lunge") | {"name": "step lunge"} | change]), encoding="utf-8"
    )
    with pytest.raises(DatasetError) as raised:
        resolve_profile("step lunge", [actions])
    message = str(raised.value)
    assert "broken-actions.yaml" in message and "'step lunge'" in message and field in message, message
    result = run_main(capsys, "actions", "--actions", actions)
    assert result.returncode == 3 and field in result.stderr, result.stderr


def test_an_action_not_in_the_library_is_said_to_be_generic_and_a_near_name_to_stand_in() -> None:
    notice = resolve_profile("sack race").notice or ""
    assert "measured as a general movement" in notice and "knee bend" in notice and "knee_angle" not in notice
    assert "'squat' stands in" in (resolve_profile("a weighted barbell squat").notice or "")
    assert resolve_profile("Back Squat").notice is None


def test_what_stands_in_for_the_asked_action_is_said_in_the_result_and_the_report(
    squat_pair: Path, offline_config: Config
) -> None:
    result = compare(squat_pair / "a.mp4", squat_pair / "b.mp4", action="a weighted barbell squat",
                     differences=["the squat is deeper"], config=offline_config)  # fmt: skip
    assert result.notices == [
        "'a weighted barbell squat' is not in the action library: its entry 'squat' stands in"
    ]
    assert result.differences[0].label == "A"
    assert "its entry &#39;squat&#39; stands in" in render_report(result, embed_frames=False)


def test_a_library_name_whose_driving_signal_does_not_move_is_warned_of(
    squat_pair: Path, offline_config: Config
) -> None:
    """ "squat" on the press pair: the knees bend a few degrees at most, in both videos, so the result,
    the CLI and the report say the name may not be the action shown; on the squat pair they do not."""
    press = squat_pair.parent / "overhead_press"
    wrong = compare(press / "a.mp4", press / "b.mp4", action="squat",
                    differences=["the squat is deeper"], config=offline_config)  # fmt: skip
    (warning,) = [n for n in wrong.notices if "barely moves" in n]
    assert warning.startswith("'squat' matches the library's 'squat', whose repetitions show in knee_angle")
    assert "is 'squat' the action shown?" in warning
    assert "barely moves" in render_report(wrong, embed_frames=False)
    right = compare(squat_pair / "a.mp4", squat_pair / "b.mp4", action="squat",
                    differences=["the squat is deeper"], config=offline_config)  # fmt: skip
    assert not any("barely moves" in n for n in right.notices)
