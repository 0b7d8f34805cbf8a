"""Seconds and frames per second of the aligned side-by-side export (`actiondiff export`), H.264 via PyAV.

Usage: python benchmarks/bench_export.py [PAIR_DIR]   (default: data/samples/squat)
Compares the pair offline once (cache in a temporary folder, not timed), then times the export at
480 and 720 rows and the aligned angle table.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.export import aligned_angles_csv, export_side_by_side

DEFAULT_PAIR = Path(__file__).resolve().parents[1] / "data" / "samples" / "squat"


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    pair = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PAIR
    spec = yaml.safe_load((pair / "pair.yaml").read_text())
    with tempfile.TemporaryDirectory() as folder:
        result = compare(
            pair / "a.mp4",
            pair / "b.mp4",
            action=spec["action"],
            differences=[d["text"] for d in spec["differences"]],
            config=Config(cache_dir=Path(folder) / "cache"),
        )
        info = result.video_a
        print(f"{pair.name}: A {info.duration_s:.1f} s at {info.fps:g} fps, cores {os.cpu_count()}")
        for height in (480, 720):
            path = Path(folder) / f"side_by_side_{height}.mp4"
            summary = export_side_by_side(result, path, height=height)
            rate = summary.frames / summary.seconds
            print(
                f"export {summary.width}x{summary.height}: {summary.seconds:5.2f} s for {summary.frames} "
                f"frames ({rate:5.1f} frames/s, {summary.seconds / summary.duration_s:4.2f} s per s of "
                f"video), {path.stat().st_size / 1e6:.1f} MB"
            )
        start = time.perf_counter()
        aligned_angles_csv(result)
        print(f"aligned angle table: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
