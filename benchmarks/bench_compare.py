"""Seconds per pair and peak memory of `actiondiff.compare` offline, cold (no cache) and warm.

Usage: python benchmarks/bench_compare.py [PAIR_DIR]   (default: data/samples/squat)
Target: a 10-second pair compared offline in under 15 s wall on 2 cores; the figure printed is
also scaled to 10 s of video so pairs of other lengths can be checked against it.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.video import probe

DEFAULT_PAIR = Path(__file__).resolve().parents[1] / "data" / "samples" / "squat"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pair = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PAIR
    spec = yaml.safe_load((pair / "pair.yaml").read_text())
    statements = [d["text"] for d in spec["differences"]]
    duration = max(probe(pair / "a.mp4").duration_s, probe(pair / "b.mp4").duration_s)
    print(f"{pair.name}: {len(statements)} statements, longer video {duration:.1f} s, cores {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as cache:
        for run in ("cold", "warm"):
            start = time.perf_counter()
            compare(
                pair / "a.mp4",
                pair / "b.mp4",
                action=spec["action"],
                differences=statements,
                config=Config(cache_dir=Path(cache)),
            )
            seconds = time.perf_counter() - start
            print(f"{run:<5} {seconds:6.2f} s per pair  ({seconds * 10 / duration:6.2f} s per 10 s of video)")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS) {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
