"""Batch throughput and the batch acceptance run, in one run.

Usage: python benchmarks/bench_batch.py [CLIPS_DIR]
(default: the cached pose2sim clips, see scripts/fetch_real_clips.py; the bundled pairs are always used).

A season of 31 pairs: the bundled squat, lunge and overhead-press pairs (each way round, and each clip
against itself), every ordered pair of the four real single-person cameras, each two-person camera
against the single-person one, and 3 pairs with a broken file (empty, a text file named .mp4, a video
with nobody in it). It is run with 1 process, with all cores and on a local Ray instance, each from
a cold cache (pose included), and prints pairs per minute. Then it checks, each line PASS or FAIL
(exit 1 on a FAIL): the broken pairs are recorded with their reason and the rest compared; every
compared pair equals a single `compare` run (its own cold cache); the three engines wrote identical
tables; a batch SIGKILLed midway and run again loses and duplicates no pair and writes the same table.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import yaml

from actiondiff import compare
from actiondiff.batch import BatchOutcome, PairSpec, read_manifest, run_batch
from actiondiff.config import Config
from actiondiff.eval.invariance import ACTION, STATEMENTS
from actiondiff.models import ComparisonResult
from actiondiff.storage import read_jsonl
from actiondiff.video import write_video

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from scripts.fetch_real_clips import default_cache, missing  # noqa: E402

SAMPLES = REPO / "data" / "samples"
BROKEN = 3
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {what}")
    if not ok:
        failures.append(what)


def write_season(folder: Path, clips: Path) -> Path:
    """The broken files, the statements of the real clips and the manifest; the manifest's path."""
    folder.mkdir(parents=True)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("notes of the session, not a video\n", encoding="utf-8")
    rows = np.linspace(60, 200, 480, dtype=np.uint8)[:, None, None]
    write_video(folder / "nobody.mp4", [np.broadcast_to(rows, (480, 640, 3)).copy()] * 30, fps=15)
    (folder / "real.txt").write_text("\n".join(STATEMENTS) + "\n", encoding="utf-8")
    lines = ["a,b,action,statements,open,name"]
    for sample in sorted(p for p in SAMPLES.iterdir() if (p / "pair.yaml").exists()):
        action = yaml.safe_load((sample / "pair.yaml").read_text())["action"]
        a, b, spec = sample / "a.mp4", sample / "b.mp4", sample / "pair.yaml"
        lines += [f"{x},{y},{action},{spec},," for x, y in ((a, b), (b, a), (a, a))]
        lines.append(f"{b},{b},{action},,4,")  # open mode
    single = sorted((clips / "single").glob("cam*.mp4"))
    lines += [f"{x},{y},{ACTION},real.txt,," for x in single for y in single if x != y]
    lines += [
        f"{m},{clips / 'single' / m.name},{ACTION},real.txt,,"
        for m in sorted((clips / "multi").glob("*.mp4"))
    ]
    squat = SAMPLES / "squat"
    lines += [
        f"{squat / 'a.mp4'},empty.mp4,squat,{squat / 'pair.yaml'},,broken-empty",
        f"notes.mp4,{squat / 'b.mp4'},squat,,3,broken-text",
        f"{single[0]},nobody.mp4,{ACTION},real.txt,,broken-nobody",
    ]
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


class Phases:
    """A batch progress callback that keeps when each phase started and ended."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str, _total: int) -> Iterator[Any]:
        start = time.perf_counter()
        yield lambda _key: None
        self.seconds[phase] = time.perf_counter() - start


def timed_run(label: str, pairs: list[PairSpec], root: Path, **engine: Any) -> tuple[BatchOutcome, Path]:
    output = root / label.replace(" ", "-")
    phases = Phases()
    start = time.perf_counter()
    outcome = run_batch(
        pairs, output, Config(cache_dir=output.with_suffix(".cache")), progress=phases, **engine
    )
    seconds = time.perf_counter() - start
    print(
        f"{label:<12} {seconds:7.1f} s  {len(pairs) / seconds * 60:6.1f} pairs/min  "
        f"(pose {phases.seconds['pose']:.1f} s, compare {phases.seconds['compare']:.1f} s, "
        f"{outcome.summary['compared']} compared, {outcome.summary['failed']} failed)",
        flush=True,
    )
    return outcome, output


def same_tables(one: Path, other: Path) -> bool:
    return (one / "table.csv").read_text() == (other / "table.csv").read_text() and pq.read_table(
        one / "table.parquet"
    ).equals(pq.read_table(other / "table.parquet"))


def single_compare_check(pairs: list[PairSpec], outcome: BatchOutcome, output: Path, cache: Path) -> None:
    start = time.perf_counter()
    same = 0
    compared = [(p, o) for p, o in zip(pairs, outcome.outputs, strict=True) if o["status"] == "ok"]
    for pair, _output in compared:
        single = compare(**pair.arguments(), config=Config(cache_dir=cache))
        stored = ComparisonResult.model_validate_json(
            (output / "pairs" / pair.name / "result.json").read_bytes()
        )
        same += stored.model_dump_json(exclude={"created_at"}) == single.model_dump_json(
            exclude={"created_at"}
        )
    seconds = time.perf_counter() - start
    print(f"single compare calls, one process, cold cache: {len(compared) / seconds * 60:.1f} pairs/min")
    check(same == len(compared), f"{same}/{len(compared)} compared pairs equal a single compare run")


def kill_and_rerun(manifest: Path, root: Path, reference: Path, n_pairs: int) -> None:
    """`actiondiff batch` SIGKILLed (workers too) once a third of the pairs are recorded, then run again."""
    output = root / "killed"
    command = [sys.executable, "-m", "actiondiff", "batch", str(manifest), "-o", str(output)]
    env = {**os.environ, "ACTIONDIFF_CACHE_DIR": str(root / "killed.cache")}
    records = output / "records.jsonl"
    process = subprocess.Popen(
        command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while process.poll() is None and len(read_jsonl(records)) < n_pairs // 3:
        time.sleep(0.05)
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = read_jsonl(records)
    check(killed and 0 < len(before) < n_pairs, f"killed with {len(before)}/{n_pairs} pairs recorded")
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    after = read_jsonl(records)
    keys = [r["key"] for r in after]
    check(
        rerun.returncode == 6, f"the re-run finished with exit code {rerun.returncode} (6: some pairs failed)"
    )
    check(after[: len(before)] == before, "records written before the kill are kept as they were")
    check(
        len(keys) == len(set(keys)) == n_pairs,
        f"{len(set(keys))} distinct records for {n_pairs} pairs, {len(keys)} in all",
    )
    check(same_tables(output, reference), "the killed-and-resumed table equals the uninterrupted one")


def sizes(output: Path, cache: Path) -> None:
    per_pair = [sum(f.stat().st_size for f in d.iterdir()) for d in (output / "pairs").iterdir()]
    poses = [f.stat().st_size for f in (cache / "pose").iterdir()]
    records = (output / "records.jsonl").stat().st_size
    print(
        "sizes: a pair's result + report + thumbnail (what a worker sends back) "
        f"mean {np.mean(per_pair) / 1e3:.0f} kB, max {max(per_pair) / 1e3:.0f} kB; "
        f"a cached pose track (gzip) mean {np.mean(poses) / 1e3:.0f} kB; "
        f"records.jsonl {records / 1e3:.0f} kB"
    )


def breakdown(output: Path) -> None:
    """From the 1-process records: seconds per pair (compare, report, thumbnail) and per video (pose),
    bundled clips apart from real ones."""

    def source(path: str) -> str:
        return "bundled" if path.startswith(str(SAMPLES)) else "real" if "/season/" not in path else "broken"

    pairs: dict[str, list[float]] = {}
    for record in read_jsonl(output / "records.jsonl"):
        if record["output"]["status"] == "ok":
            pairs.setdefault(source(record["output"]["rows"][0]["a"]), []).append(record["seconds"])
    videos: dict[str, list[float]] = {}
    for record in read_jsonl(output / "poses.jsonl"):
        videos.setdefault(source(record["output"]["video"]), []).append(record["seconds"])
    for name in ("bundled", "real"):
        print(
            f"  {name:<8} {len(pairs[name]):2d} pairs, {np.mean(pairs[name]):.2f} s each to compare "
            f"({60 / np.mean(pairs[name]):.0f} pairs/min); {len(videos[name]):2d} videos, "
            f"{np.mean(videos[name]):.2f} s each to pose"
        )


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    clips = Path(sys.argv[1]) if len(sys.argv) > 1 else default_cache()
    if missing(clips):
        sys.exit(f"real clips missing in {clips}: run scripts/fetch_real_clips.py")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        manifest = write_season(root / "season", clips)
        pairs = read_manifest(manifest)
        print(
            f"{len(pairs)} pairs ({BROKEN} with a broken file), {os.cpu_count()} cores, cold cache per run; "
            f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)"
        )
        serial, serial_out = timed_run("1 process", pairs, root, workers=1)
        breakdown(serial_out)
        pooled, pooled_out = timed_run("all cores", pairs, root)
        on_ray, ray_out = timed_run("ray (local)", pairs, root, engine="ray")
        sizes(serial_out, serial_out.with_suffix(".cache"))
        failed = {o["pair"]: o["error"] for o in serial.failed}
        check(
            sorted(failed) == ["broken-empty", "broken-nobody", "broken-text"],
            f"failed pairs: {sorted(failed)}",
        )
        for name, reason in failed.items():
            print(f"      {name}: {reason}")
        check(
            serial.summary["compared"] == len(pairs) - BROKEN, f"{serial.summary['compared']} pairs compared"
        )
        check(same_tables(serial_out, pooled_out) and same_tables(serial_out, ray_out),
              "1 process, all cores and Ray wrote identical tables (CSV and Parquet)")  # fmt: skip
        check(serial.outputs == pooled.outputs == on_ray.outputs, "and identical records")
        single_compare_check(pairs, serial, serial_out, root / "single.cache")
        kill_and_rerun(manifest, root, pooled_out, len(pairs))
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")


if __name__ == "__main__":
    main()
