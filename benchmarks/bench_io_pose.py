"""Throughput of decoding + sampling and of pose estimation, on this machine.

Usage: python benchmarks/bench_io_pose.py [VIDEO]   (default: the bundled squat sample A)
Prints frames per second for: decoding every frame, sampling at 10 fps, and pose on the
sampled frames (cache off). Run it on the 2-core reference machine for the figures we quote.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from actiondiff.config import Config
from actiondiff.pose import MediaPipePoseEstimator
from actiondiff.video import Sampling, probe, read_frames

DEFAULT_VIDEO = Path(__file__).resolve().parents[1] / "data" / "samples" / "squat" / "a.mp4"


def _timed(label: str, frames: int, seconds: float) -> None:
    print(f"{label:<34} {frames:>5} frames in {seconds:6.2f} s = {frames / seconds:8.1f} frames/s")


def main() -> None:
    video = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_VIDEO
    info = probe(video)
    print(f"{video}: {info.width}x{info.height}, {info.fps:.1f} fps, {info.n_frames} frames")
    print(f"cores: {os.cpu_count()}")

    start = time.perf_counter()
    every = read_frames(video, Sampling(fps=info.fps))
    _timed("decode every frame (RGB)", len(every), time.perf_counter() - start)

    sampling = Sampling(fps=10, max_side=Config().pose.max_side)
    start = time.perf_counter()
    sampled = read_frames(video, sampling)
    _timed("decode + sample at 10 fps", len(sampled), time.perf_counter() - start)

    estimator = MediaPipePoseEstimator()
    estimator.track(info, sampled[:2])  # model load and first-frame detection, not timed
    start = time.perf_counter()
    track = estimator.track(info, sampled)
    _timed("pose (BlazePose full)", len(sampled), time.perf_counter() - start)
    print(f"person found in {track.detection_rate:.0%} of sampled frames")


if __name__ == "__main__":
    main()
