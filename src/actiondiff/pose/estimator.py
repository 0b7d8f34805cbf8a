"""MediaPipe BlazePose (full model, shipped inside the mediapipe 0.10.14 wheel) on sampled frames."""

from __future__ import annotations

import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import numpy as np

from actiondiff.models import FrameSample, PoseTrack, VideoInfo
from actiondiff.pose.landmarks import LANDMARK_NAMES, N_LANDMARKS
from actiondiff.video import Frame

MODEL_NAME = "mediapipe-0.10.14/pose_landmark_full"

STARTUP_NOISE = re.compile(
    rb"Created TensorFlow Lite XNNPACK delegate|All log messages before absl::InitializeLog"
    rb"|inference_feedback_manager\.cc:\d+\] Feedback manager requires a model with a single signature"
)
"""Native INFO/WARNING lines a mediapipe graph prints on its first frame (C++ logging that no Python
setting reaches); they say nothing a user can act on."""

_quiet_lock = threading.Lock()
_quiet: dict[str, Any] = {"users": 0}


def _pass_through(read_fd: int, out_fd: int) -> None:
    """Copy lines from the pipe to the real stderr, minus the known start-up noise."""
    pending = b""
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            *lines, pending = (pending + chunk).split(b"\n")
            kept = [line + b"\n" for line in lines if not STARTUP_NOISE.search(line)]
            if kept:
                os.write(out_fd, b"".join(kept))
    if pending and not STARTUP_NOISE.search(pending):
        os.write(out_fd, pending)


@contextmanager
def _quiet_graph_start() -> Iterator[None]:
    """While graphs start, stderr (fd 2) goes through a filter that drops `STARTUP_NOISE` only;
    everything else written meanwhile, by any thread, still reaches stderr."""
    with _quiet_lock:
        if _quiet["users"] == 0:
            sys.stderr.flush()
            saved = os.dup(2)
            read_fd, write_fd = os.pipe()
            os.dup2(write_fd, 2)
            os.close(write_fd)
            reader = threading.Thread(target=_pass_through, args=(read_fd, saved), daemon=True)
            reader.start()
            _quiet.update(saved=saved, reader=reader)
        _quiet["users"] += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet["users"] -= 1
            if _quiet["users"] == 0:
                sys.stderr.flush()
                os.dup2(_quiet["saved"], 2)  # the pipe's last write end closes: the reader sees EOF
                _quiet["reader"].join(timeout=5)
                os.close(_quiet["saved"])


def _load_solution() -> Any:
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # mediapipe's generated protobuf code calls an API protobuf deprecated; nothing for us to act on
    warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype\(\) is deprecated")
    from mediapipe.python.solutions import pose as mp_pose

    return mp_pose


class MediaPipePoseEstimator:
    """Body landmarks per frame. Frames are tracked in order, so give them in time order.

    Smoothing is left to the kinematics stage, which knows the true frame spacing.
    """

    name = MODEL_NAME

    def __init__(self, model_complexity: int = 1, min_detection_confidence: float = 0.5) -> None:
        self.model_complexity = model_complexity
        self.min_detection_confidence = min_detection_confidence

    def track(
        self,
        video: VideoInfo,
        frames: Iterable[Frame],
        on_frame: Callable[[FrameSample], None] | None = None,
    ) -> PoseTrack:
        """Run the model on every frame and collect a `PoseTrack` (NaN where nobody was found)."""
        samples: list[FrameSample] = []
        image_rows: list[np.ndarray] = []
        world_rows: list[np.ndarray] = []
        vis_rows: list[np.ndarray] = []
        missing = np.full((N_LANDMARKS, 3), np.nan, dtype=np.float32)
        quiet = ExitStack()
        quiet.enter_context(_quiet_graph_start())  # until the graph has run its first frame
        with (
            quiet,
            _load_solution().Pose(
                static_image_mode=False,
                model_complexity=self.model_complexity,
                smooth_landmarks=False,
                enable_segmentation=False,
                min_detection_confidence=self.min_detection_confidence,
            ) as model,
        ):
            for frame in frames:
                result = model.process(frame.image)
                quiet.close()
                samples.append(frame.sample)
                if result.pose_landmarks is None:
                    image_rows.append(missing)
                    world_rows.append(missing)
                    vis_rows.append(missing[:, 0])
                else:
                    points = result.pose_landmarks.landmark
                    image_rows.append(np.array([(p.x, p.y, p.z) for p in points], dtype=np.float32))
                    vis_rows.append(np.array([p.visibility for p in points], dtype=np.float32))
                    world = result.pose_world_landmarks.landmark
                    world_rows.append(np.array([(p.x, p.y, p.z) for p in world], dtype=np.float32))
                if on_frame is not None:
                    on_frame(frame.sample)
        empty = np.zeros((0, N_LANDMARKS, 3), dtype=np.float32)
        return PoseTrack(
            video=video,
            frames=samples,
            landmark_names=list(LANDMARK_NAMES),
            image_xyz=np.stack(image_rows) if image_rows else empty,
            world_xyz=np.stack(world_rows) if world_rows else empty,
            visibility=np.stack(vis_rows) if vis_rows else empty[:, :, 0],
            model=self.name,
        )
