"""Statement files: `quantity:` names the catalogue quantity that decides a statement, and is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actiondiff.cli import app
from actiondiff.errors import DatasetError
from actiondiff.kinematics.quantities import QUANTITIES
from actiondiff.statements import Statement, read_statement_file

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize("pair", ["squat", "overhead_press", "lunge"])
def test_bundled_pairs_name_catalogue_quantities(pair: str) -> None:
    statements = read_statement_file(SAMPLES / pair / "pair.yaml")
    assert {s.quantity for s in statements} <= {q.key for q in QUANTITIES}


def test_direction_is_read_from_the_quantity_unless_given(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "- {text: the descent is faster, quantity: descent_duration}\n"
        "- {text: the squat is deeper, quantity: depth}\n"
        "- {text: B sits lower, quantity: depth, direction: less}\n"
        "- the stance is wider\n"
    )
    assert read_statement_file(path) == [
        Statement("the descent is faster", "descent_duration", "less"),
        Statement("the squat is deeper", "depth", "more"),
        Statement("B sits lower", "depth", "less"),
        Statement("the stance is wider"),
    ]


def test_unknown_quantity_names_file_statement_and_close_catalogue_names(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("differences:\n- {text: the squat is deeper, quantity: squat_depth}\n")
    with pytest.raises(DatasetError) as raised:
        read_statement_file(path)
    message = str(raised.value)
    assert str(path) in message and "statement 0 ('the squat is deeper')" in message
    assert "unknown quantity 'squat_depth'; closest catalogue quantities: depth," in message


def test_bad_direction_is_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- {text: the squat is deeper, quantity: depth, direction: deeper}\n")
    with pytest.raises(DatasetError, match=r"bad\.yaml.*statement 0.*direction must be 'more' or 'less'"):
        read_statement_file(path)


def test_named_quantity_decides_and_shows_in_the_evidence(tmp_path: Path, pose_cache: Path) -> None:
    """On the bundled press pair, worded so that no rule matches: each statement is measured as the
    quantity its file names, and the verdict is the generator's."""
    pair = SAMPLES / "overhead_press"
    path = tmp_path / "named.yaml"
    path.write_text(
        "- {text: A keeps the hands nearer each other, quantity: grip_width, direction: less}\n"
        "- {text: B gets it done sooner, quantity: rep_duration, direction: less}\n"
    )
    config = tmp_path / "config.toml"
    config.write_text(f'cache_dir = "{pose_cache}"\n')
    out = tmp_path / "result.json"
    args = ["compare", str(pair / "a.mp4"), str(pair / "b.mp4"), "--action", "overhead press"]
    args += ["--differences-file", str(path), "--config", str(config), "-o", str(out)]
    run = CliRunner().invoke(app, args)
    assert run.exit_code == 0, run.output
    verdicts = {d["text"]: d for d in json.loads(out.read_text())["differences"]}
    closer = verdicts["A keeps the hands nearer each other"]
    faster = verdicts["B gets it done sooner"]
    assert closer["label"] == "A" and faster["label"] == "B"
    assert closer["evidence"][0]["quantity"] == "grip_width"
    assert faster["evidence"][0]["quantity"] == "rep_duration"
    assert "less = statement" in faster["evidence"][0]["detail"]
