"""A predictor for runner tests that does real per-sample work: pose on both videos, then a seeded label.

With `hold_at` set, it blocks before predicting that sample, so a test can kill the run at a
known point instead of racing it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from actiondiff.config import Config
from actiondiff.eval.readers import BenchSample
from actiondiff.eval.viddiff import Prediction, RandomPredictor
from actiondiff.pose import extract_pose


@dataclass(frozen=True)
class PosePredictor:
    cache_dir: Path
    name: str = "pose+random"
    hold_at: str | None = None

    def __call__(self, sample: BenchSample) -> Prediction:
        while sample.sample_key == self.hold_at:
            time.sleep(1.0)
        config = Config(cache_dir=self.cache_dir / sample.sample_key, use_cache=False)
        config.pose.fps = 4.0
        for video in (sample.video_a, sample.video_b):
            extract_pose(video.path, config)
        return RandomPredictor(seed=1)(sample)
