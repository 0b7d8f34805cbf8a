"""MediaPipe BlazePose (full model, shipped inside the mediapipe 0.10.14 wheel) on sampled frames."""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from actiondiff.models import FrameSample, PoseTrack, VideoInfo
from actiondiff.pose.landmarks import LANDMARK_NAMES, MIRRORED, N_LANDMARKS
from actiondiff.threads import fan_out
from actiondiff.video import Frame

MODEL_NAME = "mediapipe-0.10.14/pose_landmark_full"
FLIP_TEST = "+flip-test"
"""Suffix of the model name when every frame is also posed mirrored (see `MediaPipePoseEstimator`)."""

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


Landmarks = tuple[np.ndarray, np.ndarray, np.ndarray]
"""One frame's image xyz (33, 3), world xyz (33, 3) and visibility (33,)."""


def _landmarks(result: Any) -> Landmarks | None:
    if result.pose_landmarks is None:
        return None
    points = result.pose_landmarks.landmark
    world = result.pose_world_landmarks.landmark
    return (
        np.array([(p.x, p.y, p.z) for p in points], dtype=np.float32),
        np.array([(p.x, p.y, p.z) for p in world], dtype=np.float32),
        np.array([p.visibility for p in points], dtype=np.float32),
    )


def _unmirror(found: Landmarks) -> Landmarks:
    """Landmarks found on a mirrored image, put back on the original: x reflected, left and right swapped."""
    image, world, visibility = (values[list(MIRRORED)] for values in found)
    return image * [-1.0, 1.0, 1.0] + [1.0, 0.0, 0.0], world * [-1.0, 1.0, 1.0], visibility


def _flip_test(found: Landmarks | None, mirrored: Landmarks | None) -> Landmarks | None:
    """The mean of a frame's landmarks and its mirror image's (put back), or whichever was found."""
    if mirrored is not None:
        mirrored = _unmirror(mirrored)
    if found is None or mirrored is None:
        return found if mirrored is None else mirrored
    image, world, visibility = ((a + b) / 2 for a, b in zip(found, mirrored, strict=True))
    return image.astype(np.float32), world.astype(np.float32), visibility.astype(np.float32)


class MediaPipePoseEstimator:
    """Body landmarks per frame. Frames are tracked in order, so give them in time order.

    With `flip_test` each frame is also posed mirrored (a second tracker on the mirrored stream) and
    the two are averaged, so the track of a mirrored video is exactly the mirror of the video's track:
    the model alone is not left-right symmetric (on real footage a mirrored clip read a 14-deg deeper
    knee). It doubles the model's time. Smoothing is left to the kinematics stage, which knows the
    true frame spacing.

    The graphs are made on the first video and reset for each next one (a graph holds ~85 MiB and
    takes a while to start); one video is tracked at a time.
    """

    def __init__(
        self, model_complexity: int = 1, min_detection_confidence: float = 0.5, *, flip_test: bool = False
    ) -> None:
        self.model_complexity = model_complexity
        self.min_detection_confidence = min_detection_confidence
        self.flip_test = flip_test
        self.name = MODEL_NAME + (FLIP_TEST if flip_test else "")
        self._graphs: list[Any] = []
        self._lock = threading.Lock()

    def _model(self) -> Any:
        return _load_solution().Pose(
            static_image_mode=False,
            model_complexity=self.model_complexity,
            smooth_landmarks=False,
            enable_segmentation=False,
            min_detection_confidence=self.min_detection_confidence,
        )

    def _fresh_graphs(self) -> list[Any]:
        """The original stream's graph (and the mirrored stream's), made now or reset from the last video."""
        if not self._graphs:
            self._graphs = [self._model() for _ in range(2 if self.flip_test else 1)]
            atexit.register(self.close)
        else:
            for graph in self._graphs:
                graph.reset()
        return self._graphs

    def close(self) -> None:
        """Close the graphs (made again if another video is tracked)."""
        with self._lock:
            for graph in self._graphs:
                graph.close()
            self._graphs = []

    def track(
        self,
        video: VideoInfo,
        frames: Iterable[Frame],
        on_frame: Callable[[FrameSample], None] | None = None,
    ) -> PoseTrack:
        """Run the model on every frame and collect a `PoseTrack` (NaN where nobody was found).

        The frames are produced (decoded) on this thread while the model runs on another, and the
        mirrored stream of the flip test on a third: both cores are busy on one video.
        """
        samples: list[FrameSample] = []
        missing = np.full((N_LANDMARKS, 3), np.nan, dtype=np.float32)

        def produced(frames: Iterable[Frame]) -> Iterator[Frame]:
            for frame in frames:
                samples.append(frame.sample)
                yield frame

        def original(model: Any) -> Callable[[Iterator[Frame]], list[Landmarks | None]]:
            def run(stream: Iterator[Frame]) -> list[Landmarks | None]:
                found = []
                for frame in stream:
                    found.append(_landmarks(model.process(frame.image)))
                    if on_frame is not None:
                        on_frame(frame.sample)
                return found

            return run

        def mirrored(model: Any) -> Callable[[Iterator[Frame]], list[Landmarks | None]]:
            def run(stream: Iterator[Frame]) -> list[Landmarks | None]:
                return [_landmarks(model.process(np.ascontiguousarray(f.image[:, ::-1]))) for f in stream]

            return run

        with self._lock, _quiet_graph_start():
            graphs = self._fresh_graphs()
            streams = [original(graphs[0]), *(mirrored(graph) for graph in graphs[1:])]
            found = fan_out(produced(frames), streams)
        rows: list[Landmarks] = []
        for one in zip(*found, strict=True):
            landmarks = _flip_test(*one) if self.flip_test else one[0]
            rows.append(landmarks if landmarks is not None else (missing, missing, missing[:, 0]))
        empty = np.zeros((0, N_LANDMARKS, 3), dtype=np.float32)
        image, world, visibility = (np.stack(column) for column in zip(*rows, strict=True)) if rows else (
            empty, empty, empty[:, :, 0])  # fmt: skip
        return PoseTrack(
            video=video,
            frames=samples,
            landmark_names=list(LANDMARK_NAMES),
            image_xyz=image,
            world_xyz=world,
            visibility=visibility,
            model=self.name,
        )
