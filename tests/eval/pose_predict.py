"""A predictor for runner tests that does real per-sample work: pose on both videos, then a seeded label."""

from __future__ import annotations

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

    def __call__(self, sample: BenchSample) -> Prediction:
        config = Config(cache_dir=self.cache_dir / sample.sample_key, use_cache=False)
        config.pose.fps = 4.0
        for video in (sample.video_a, sample.video_b):
            extract_pose(video.path, config)
        return RandomPredictor(seed=1)(sample)
