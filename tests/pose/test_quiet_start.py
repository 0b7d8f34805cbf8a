"""mediapipe's native start-up lines are dropped from stderr; everything else written meanwhile is kept."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from actiondiff.models import FrameSample, VideoInfo
from actiondiff.pose.estimator import MediaPipePoseEstimator, _quiet_graph_start
from actiondiff.video import Frame


def test_only_the_known_startup_noise_is_dropped(capfd: pytest.CaptureFixture[str]) -> None:
    with _quiet_graph_start():
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
        noise = (
            b"W0000 00:00:1.2   7 inference_feedback_manager.cc:114] Feedback manager requires a model with"
            b" a single signature inference. Disabling support for feedback tensors.\n"
        )
        os.write(2, noise)
        os.write(2, b"E0000 something real went wrong\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "E0000 something real went wrong\nafter\n"


def test_a_real_graph_start_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    info = VideoInfo(path=Path("blank.mp4"), container="mp4", codec="h264", width=64, height=48, rotation=0,
                     fps=10.0, duration_s=0.3, n_frames=3)  # fmt: skip
    frames = [
        Frame(FrameSample(index=i, timestamp=i / 10), np.zeros((48, 64, 3), np.uint8)) for i in range(3)
    ]
    track = MediaPipePoseEstimator().track(info, frames)
    assert len(track.frames) == 3 and not track.detected.any()
    assert capfd.readouterr().err == ""
