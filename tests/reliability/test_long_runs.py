"""Long runs lose nothing: records appended whole, a SIGKILLed run resumes exactly, a full disk reported."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from actiondiff.errors import OutputError
from actiondiff.storage import append_jsonl, atomic_write_text, read_jsonl
from tests.conftest import REPO
from tests.reliability.conftest import assert_clean_failure, run_cli

N_SAMPLES = 5
STATEMENTS = {"0": "the squat is deeper", "1": "the stance is wider", "2": "the hair is shinier"}


def test_torn_last_line_costs_only_itself(tmp_path: Path) -> None:
    """A writer killed mid-line leaves a fragment; readers skip it and the next append starts clean."""
    records = tmp_path / "records.jsonl"
    append_jsonl(records, {"key": "a"})
    with records.open("ab") as handle:
        handle.write(b'{"key": "b", "out')
    append_jsonl(records, {"key": "c"})
    assert [r["key"] for r in read_jsonl(records)] == ["a", "c"]


def test_atomic_write_never_leaves_half_a_file(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    atomic_write_text(target, "old")
    (tmp_path / "blocker").mkdir()
    with pytest.raises(OutputError):
        atomic_write_text(tmp_path / "blocker", "new")  # rename onto a directory fails after the write
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "blocker",
        "summary.json",
    ]


@pytest.fixture
def benchmark(tmp_path: Path, scenes: dict[str, Path]) -> Path:
    """A VidDiffBench table of N samples over the scene videos (their poses are in the suite's cache)."""
    root = tmp_path / "bench"
    root.mkdir()
    row = {
        "action": "squat",
        "split": "easy",
        "videos": [str(scenes["person"]), str(scenes["leaving"])],
        "differences_annotated": {k: {"description": v} for k, v in STATEMENTS.items()},
        "differences_gt": {"0": "a", "1": "b", "2": None},
    }
    lines = [json.dumps({**row, "sample_key": f"s{i}"}) for i in range(N_SAMPLES)]
    (root / "bench.jsonl").write_text("\n".join(lines) + "\n")
    return root


_RUN = """
import sys, time
from pathlib import Path
from actiondiff.config import Config
from actiondiff.eval import runner
from actiondiff.eval.readers import read_benchmark
from actiondiff.eval.viddiff import ComparePredictor
root, cache, records = map(Path, sys.argv[1:4])
hold_at = sys.argv[4] if len(sys.argv) > 4 else None
compare = ComparePredictor("closed", Config(cache_dir=cache))
def predict(sample):
    prediction = compare(sample)
    while sample.sample_key == hold_at:  # mid-sample: its work is done but not yet recorded
        time.sleep(0.5)
    return prediction
items = [(s.sample_key, s) for s in read_benchmark(root)]
runner.run(items, predict, records, workers=1)
"""
"""The eval runner with the compare pipeline, as `actiondiff eval` drives it (without the CLI start-up).

With a sample key as fourth argument it holds inside that sample, so the test kills it at a
known point instead of racing a run that may already have finished."""


def test_sigkilled_run_resumes_without_duplicates_or_losses(
    benchmark: Path, tmp_path: Path, pose_cache: Path
) -> None:
    """Killed twice inside a seeded sample (work done, record not yet written); a third run completes."""
    records = tmp_path / "predictions.jsonl"
    command = [sys.executable, "-c", _RUN, str(benchmark), str(pose_cache), str(records)]
    first, second = sorted(random.Random(9).sample(range(1, N_SAMPLES), 2))
    survivors: list[dict] = []
    for held in (first, second):
        process = subprocess.Popen(
            [*command, f"s{held}"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 180
        while len(read_jsonl(records)) < held and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(random.Random(held).uniform(0.0, 1.0))  # into the held sample, which never records
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        survivors = read_jsonl(records)
        assert [r["key"] for r in survivors] == [f"s{i}" for i in range(held)], (
            "killed inside the held sample"
        )
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    kept = read_jsonl(records)
    keys = [r["key"] for r in kept]
    assert sorted(keys) == [f"s{i}" for i in range(N_SAMPLES)], "no sample lost or duplicated"
    assert kept[: len(survivors)] == survivors, "finished samples are neither redone nor rewritten"
    assert all(r["output"] == kept[0]["output"] for r in kept), "identical samples, identical whole records"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 64 KiB tmpfs, filled up (needs root and mount; skipped elsewhere)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        (mount / "out").mkdir()
        descriptor = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(descriptor, bytes(4096)):
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        finally:
            os.close(descriptor)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_disk_full_is_reported_with_the_path(full_disk: Path) -> None:
    output = full_disk / "out"
    run = run_cli("eval", "viddiffbench", "--root", REPO / "data" / "benchmark",
                  "-o", output, "--method", "random")  # fmt: skip
    records = output / "closed-random" / "predictions.jsonl"
    assert_clean_failure(run, 5, str(records), "no space left on the device")
    with pytest.raises(OutputError, match="no space left"):
        atomic_write_text(output / "result.json", "x" * 100_000)
    assert list(records.parent.iterdir()) in ([], [records]), "no temporary file left behind"
