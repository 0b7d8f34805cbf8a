"""What an offline compare costs next to posing its two videos, on the bundled pair and a real pair.

Usage: python benchmarks/bench_compare.py [PAIR_DIR ...]
(default: data/samples/squat, and the real clips cam01 vs cam02 when `scripts/fetch_real_clips.py`
has cached them). A PAIR_DIR holds a.mp4, b.mp4 and a pair.yaml (action, differences).

Per pair, in this process: decode time (the pose samples of A and B) and pose time (the model on
them). As fresh processes, each with an empty cache unless warm: `actiondiff pose A`, `actiondiff
pose B`, and `actiondiff compare A B`, cold and then warm (the pose cache is keyed by the file's
content, the sampling and the model, so the warm run reads both tracks back). Wall seconds and each
process's peak memory (max RSS), and the ratio cold compare / (cold pose A + cold pose B).
Targets: ratio <= 1.0 on the real pair and a compare's peak memory below 600 MiB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from actiondiff.config import Config
from actiondiff.pose import pose_sampling
from actiondiff.pose.extract import pose_estimator
from actiondiff.video import probe, sample_frames

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "data" / "samples" / "squat"
REAL_CLIPS = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "actiondiff" / "real-clips"
REAL_STATEMENTS = ["the squat is deeper"]
MAX_RATIO = 1.0
MAX_PEAK_MIB = 600
DECODE_AND_POSE = "--decode-and-pose"


@dataclass(frozen=True)
class Pair:
    name: str
    a: Path
    b: Path
    action: str
    statements: list[str]


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float


def pairs_asked(arguments: list[str]) -> list[Pair]:
    """The pair folders given, else the bundled pair and the real pair (when cached)."""
    folders = [Path(a) for a in arguments] or [BUNDLED]
    pairs = []
    for folder in folders:
        spec = yaml.safe_load((folder / "pair.yaml").read_text())
        texts = [d["text"] for d in spec["differences"]]
        pairs.append(Pair(folder.name, folder / "a.mp4", folder / "b.mp4", spec["action"], texts))
    single = REAL_CLIPS / "single"
    if not arguments and (single / "cam02.mp4").is_file():
        real = Pair("real cam01-cam02", single / "cam01.mp4", single / "cam02.mp4", "squat", REAL_STATEMENTS)
        pairs.append(real)
    return pairs


def child(arguments: list[str], cache: Path) -> Run:
    """One `actiondiff` command in a fresh process with this cache: wall seconds and its max RSS."""
    env = {**os.environ, "ACTIONDIFF_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "actiondiff", *arguments], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
        sys.exit(f"bench_compare: actiondiff {' '.join(arguments)} failed ({process.returncode}):\n{errors}")
    return Run(seconds, usage.ru_maxrss / 1024)


def decode_and_pose(videos: list[str]) -> None:
    """Print the seconds to decode the videos' pose samples, the seconds of the model on them, and
    the samples posed (run in a child: a parent holding the model would inflate the children's max
    RSS, which counts the memory a child shares with its parent before it starts the command)."""
    config = Config(use_cache=False)
    estimator = pose_estimator(config)
    decode = pose = 0.0
    samples = 0
    for video in videos:
        info = probe(video)
        start = time.perf_counter()
        frames = list(sample_frames(video, pose_sampling(config, info), info))
        decode += time.perf_counter() - start
        start = time.perf_counter()
        estimator.track(info, frames)
        pose += time.perf_counter() - start
        samples += len(frames)
    print(json.dumps({"decode": decode, "pose": pose, "samples": samples}))


def measured_in_child(pair: Pair) -> tuple[float, float, int]:
    """`decode_and_pose` of the pair's videos, in a fresh process."""
    command = [sys.executable, __file__, DECODE_AND_POSE, str(pair.a), str(pair.b)]
    figures = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    return figures["decode"], figures["pose"], figures["samples"]


def bench(pair: Pair, work: Path) -> None:
    """Print one pair's figures and whether they meet the targets."""
    duration = max(probe(pair.a).duration_s, probe(pair.b).duration_s)
    fps = pose_sampling(Config(), probe(pair.a)).fps or 0.0
    print(
        f"\n{pair.name}: {len(pair.statements)} statements, longer video {duration:.2f} s, pose sampled "
        f"at {fps:.1f} fps (timing resolved to {1 / fps:.3f} s), cores {os.cpu_count()}"
    )
    decode, pose, samples = measured_in_child(pair)
    print(f"  decode A+B (in process)     {decode:6.2f} s  ({samples} samples)")
    print(f"  pose A+B (in process)       {pose:6.2f} s  ({samples / pose:.1f} samples/s)")
    runs = {}
    for side, video in (("A", pair.a), ("B", pair.b)):
        runs[f"pose {side}"] = child(["pose", str(video), "-o", str(work / f"pose-{side}.json")], work / side)
    compare = ["compare", str(pair.a), str(pair.b), "--action", pair.action, "-o", str(work / "result.json")]
    for text in pair.statements:
        compare += ["-d", text]
    runs["compare cold"] = child(compare, work / "compare")
    runs["compare warm"] = child(compare, work / "compare")
    for name, run in runs.items():
        print(f"  {name:<26}  {run.seconds:6.2f} s  peak {run.peak_mib:5.0f} MiB")
    ratio = runs["compare cold"].seconds / (runs["pose A"].seconds + runs["pose B"].seconds)
    peak = max(runs["compare cold"].peak_mib, runs["compare warm"].peak_mib)
    met = ratio <= MAX_RATIO and peak < MAX_PEAK_MIB
    verdict = "met" if met else "NOT met"
    print(
        f"  ratio cold compare / (cold pose A + cold pose B) = {ratio:.2f} (target <= {MAX_RATIO}); "
        f"compare peak {peak:.0f} MiB (target < {MAX_PEAK_MIB}): {verdict}"
    )


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if sys.argv[1:2] == [DECODE_AND_POSE]:
        decode_and_pose(sys.argv[2:])
        return
    for pair in pairs_asked(sys.argv[1:]):
        with tempfile.TemporaryDirectory() as work:
            bench(pair, Path(work))


if __name__ == "__main__":
    main()
