"""The runner: resume after a kill (a real subprocess), local pool and Ray give the same outputs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from actiondiff.eval import runner
from actiondiff.eval.readers import BenchSample, read_benchmark
from actiondiff.eval.viddiff import RandomPredictor
from actiondiff.storage import read_jsonl

REPO = Path(__file__).resolve().parents[2]


def _samples(n: int) -> list[BenchSample]:
    base = read_benchmark(REPO / "data" / "benchmark")[0]
    return [base.model_copy(update={"sample_key": f"{base.sample_key}-{i}"}) for i in range(n)]


_SCRIPT = """
import sys
from pathlib import Path
from actiondiff.eval import runner
from tests.eval.test_runner import _samples
from tests.eval.pose_predict import PosePredictor
out = Path(sys.argv[1])
hold_at = sys.argv[2] if len(sys.argv) > 2 else None
items = [(s.sample_key, s) for s in _samples(6)]
runner.run(items, PosePredictor(out / "cache", hold_at=hold_at), out / "records.jsonl", workers=1)
"""


def test_killed_run_resumes_without_redoing_finished_samples(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    third = _samples(6)[2].sample_key
    process = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(tmp_path), third], cwd=REPO)
    deadline = time.monotonic() + 300
    while len(read_jsonl(records)) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    first = read_jsonl(records)
    assert len(first) == 2, "the run is killed while it holds at the third sample"
    subprocess.run([sys.executable, "-c", _SCRIPT, str(tmp_path)], cwd=REPO, check=True)
    final = read_jsonl(records)
    keys = [r["key"] for r in final]
    assert sorted(keys) == sorted(s.sample_key for s in _samples(6)) and len(set(keys)) == 6
    assert final[: len(first)] == first  # finished samples were neither redone nor rewritten


def test_process_pool_matches_serial_and_keeps_item_order(tmp_path: Path) -> None:
    items = [(s.sample_key, s) for s in _samples(3)]
    serial = runner.run(items, RandomPredictor(seed=5), tmp_path / "serial.jsonl", workers=1)
    pooled = runner.run(items, RandomPredictor(seed=5), tmp_path / "pool.jsonl", workers=2)
    assert serial == pooled and len(serial) == 3


def test_ray_engine_gives_the_local_numbers(tmp_path: Path) -> None:
    items = [(s.sample_key, s) for s in _samples(3)]
    local = runner.run(items, RandomPredictor(seed=3), tmp_path / "local.jsonl", workers=1)
    on_ray = runner.run(items, RandomPredictor(seed=3), tmp_path / "ray.jsonl", engine="ray", workers=2)
    assert json.dumps(local, sort_keys=True) == json.dumps(on_ray, sort_keys=True)
    assert len(read_jsonl(tmp_path / "ray.jsonl")) == 3


def _math_threads(_item: object) -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in runner.THREAD_VARIABLES}


def test_pool_workers_share_the_cores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of N workers gets cores // N OpenMP / BLAS threads; the parent's environment is left as it was."""
    for name in runner.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    items = [(str(i), i) for i in range(3)]
    outputs = runner.run(items, _math_threads, tmp_path / "threads.jsonl", workers=2)
    expected = str(max(1, runner.default_workers() // 2))
    assert outputs == [dict.fromkeys(runner.THREAD_VARIABLES, expected)] * 3
    assert not set(runner.THREAD_VARIABLES) & set(os.environ)


def _slow_mark(item: tuple[Path, int]) -> dict[str, int]:
    folder, index = item
    (folder / str(index)).touch()
    time.sleep(0.5)
    return {"index": index}


def test_a_failure_stops_the_pool_without_running_the_queued_items(tmp_path: Path) -> None:
    """What Ctrl-C does too: the error reaches the caller with the items not yet started cancelled."""
    (tmp_path / "started").mkdir()
    items = [(str(i), (tmp_path / "started", i)) for i in range(10)]

    def refuse(_key: str, _output: dict[str, Any]) -> dict[str, Any]:
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        runner.run(items, _slow_mark, tmp_path / "records.jsonl", workers=2, store=refuse)
    assert len(list((tmp_path / "started").iterdir())) < 10
