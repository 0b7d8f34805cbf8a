"""Benchmark: features + DTW alignment of two 1000-frame pose tracks (target: under 1 s on 2 cores).

The tracks are a real BlazePose track of the squat sample, tiled and time-warped to 1000 and 900 rows.

    python benchmarks/bench_kinematics.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from actiondiff.config import Config
from actiondiff.kinematics import align, compute_features
from actiondiff.kinematics.clean import resample_track
from actiondiff.pose import extract_pose

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        track = extract_pose(REPO / "data/samples/squat/a.mp4", Config(cache_dir=Path(cache)))
    last = len(track.frames) - 1
    u = np.linspace(0.0, 1.0, 1000)
    tiled = (u * 16 * last) % last  # sixteen passes through the clip
    track_a = resample_track(track, tiled)
    track_b = resample_track(track, ((u**1.1) * 16 * last % last)[:900])
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        features_a, features_b = compute_features(track_a), compute_features(track_b)
        alignment = align(features_a, features_b)
        timings.append(time.perf_counter() - start)
    best, median = min(timings), float(np.median(timings))
    print(
        f"features + alignment, 1000 x 900 rows: best {best:.3f} s, median {median:.3f} s, "
        f"{len(alignment.path)} path pairs"
    )
    if median >= 1.0:
        raise SystemExit("slower than the 1 s target")


if __name__ == "__main__":
    main()
