"""`actiondiff batch` as a user runs it: the exit code says whether a pair failed, errors name the input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.reliability.conftest import assert_clean_failure, run_main


@pytest.fixture
def clips(tmp_path: Path, scenes: dict[str, Path], pose_cache: Path) -> Path:
    """A folder: the reference, the person again, nobody, a text file named .mp4; a config with the
    suite's cache."""
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(scenes["person"], folder / "ref.mp4")
    shutil.copy(scenes["two_people"], folder / "athlete.mp4")
    shutil.copy(scenes["nobody"], folder / "nobody.mp4")
    (folder / "notes.mp4").write_text("not a video\n")
    (tmp_path / "config.yaml").write_text(f"cache_dir: {pose_cache}\n")
    return folder


def test_reference_mode_records_failures_and_exits_6(
    clips: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("batch", "--reference", clips / "ref.mp4", clips, "-o", tmp_path / "out", "--action", "squat",
            "-d", "the squat is deeper", "--workers", "1", "--config", tmp_path / "config.yaml")  # fmt: skip
    run = run_main(capsys, *args)
    assert run.returncode == 6, run.stdout + run.stderr
    flat = " ".join((run.stdout + run.stderr).split())
    assert "3 pairs: 1 compared, 2 failed" in flat
    assert f"failed nobody.mp4: {clips / 'nobody.mp4'}: nobody was detected" in flat
    assert f"failed notes.mp4: {clips / 'notes.mp4'}: not a readable video" in flat
    assert (tmp_path / "out" / "pairs" / "athlete.mp4" / "report.html").exists()

    again = run_main(capsys, *args, "--json")
    assert again.returncode == 6
    summary = json.loads(again.stdout)
    assert (summary["compared"], summary["failed"]) == (1, 2)
    assert summary["statements"][0]["statement"] == "the squat is deeper"


def test_a_bad_manifest_exits_3_naming_row_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "season.csv"
    manifest.write_text("a,b,action,open\nx.mp4,y.mp4,squat,2\nx.mp4,y.mp4,squat,lots\n")
    run = run_main(capsys, "batch", manifest, "-o", tmp_path / "out")
    assert_clean_failure(run, 3, str(manifest), "row 2 (line 3), field open")
    assert not (tmp_path / "out").exists(), "nothing runs before the manifest is read whole"


def test_statements_and_open_at_once_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "batch", tmp_path, "-o", tmp_path / "out", "--reference", tmp_path / "r.mp4",
                   "--action", "squat", "-d", "the squat is deeper", "--open", "2")  # fmt: skip
    assert_clean_failure(run, 3, "not both")


def test_help_explains_inputs_outputs_resume_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    run = run_main(capsys, "batch", "--help")
    assert run.returncode == 0
    flat = " ".join(run.stdout.split())
    for needle in ("--reference", "records.jsonl", "table.parquet", "index.html", "--engine", "resumes",
                   "--retry-failed", "Exit codes: 0 every pair compared; 6"):  # fmt: skip
        assert needle in flat, needle
