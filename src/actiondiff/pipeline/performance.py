"""One video of a comparison: its frames, decoded once, and its `Performance` (pose, features, timeline).

A `FrameSource` knows up front every consumer's frames (the pose model's samples, the localizer's
frame embedder, annotated key frames, and whether a vision model may be shown pose samples later)
and serves all of them from one decoding pass. Pose samples a vision model may need are kept as
JPEG, not as raw pixels, so a long video does not hold hundreds of megabytes. A video sampled
adaptively (`pose.adaptive`) is decoded a second time over its movement only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from actiondiff.config import Config
from actiondiff.errors import InputError
from actiondiff.kinematics import KinematicFeatures, Reading, compute_features
from actiondiff.kinematics.phases import movement_span
from actiondiff.knowledge import ActionProfile
from actiondiff.models import FrameSample, PoseTrack, SubActionSpan, VideoInfo
from actiondiff.pipeline.localize import Localization
from actiondiff.pose import extract_pose, held_track, movement_sampling, pose_sampling
from actiondiff.pose.hands import track_with_hands
from actiondiff.video import Frame, Sampling, decode_pass, probe, sample_frames

KEPT_JPEG_QUALITY = 95
"""Quality of the pose samples kept for a vision model (it is sent re-encoded at a lower quality)."""
POSE, LOCALIZER, KEY_FRAMES = 0, 1, 2


@dataclass
class FrameSource:
    """The frames one comparison needs of one video, decoded in a single pass."""

    info: VideoInfo
    pose: Sampling
    localizer: Sampling | None = None
    key_frames: Sequence[int] = ()
    """Video frame indices wanted exactly (annotated key frames)."""
    keep_pose_images: bool = False
    """Keep the pose samples (as JPEG) for a vision model that asks for some of them later."""
    movement: Sampling | None = None
    """The second pose pass of an adaptively sampled video (see `observe`)."""
    hands: bool = False
    """Track the hands too, beside the body on the same frames (the action's profile reads them)."""
    pose_rows: list[FrameSample] = field(default_factory=list)
    """The pose track's rows, once posed (`pose_images` reads a held row's image from its posed frame)."""
    passes: int = 0
    _kept: dict[int, list[Frame]] = field(default_factory=dict)
    _pose_jpeg: dict[int, bytes] = field(default_factory=dict)
    """Kept pose samples by video frame index."""
    _movement_decoded: bool = False

    def pose_frames(self) -> Iterator[Frame]:
        """The pose samples, decoded now; what the other consumers need is kept on the way."""
        yield from self._decode(with_pose=True)

    def movement_frames(self) -> Iterator[Frame]:
        """The second pass's pose samples (`movement`), decoded now on their own."""
        if self.movement is None or self._movement_decoded:
            raise RuntimeError(f"{self.info.path}: no movement pass to decode, or decoded already")
        self._movement_decoded = True
        for frame in sample_frames(self.info.path, self.movement, self.info):
            self._keep_pose_image(frame)
            yield frame

    def localizer_frames(self) -> list[Frame]:
        self._ensure_decoded()
        return self._kept.get(LOCALIZER, [])

    def pose_images(self, rows: set[int]) -> dict[int, np.ndarray]:
        """Images of these rows of the pose track (`pose_rows`)."""
        self._ensure_decoded()
        if self.keep_pose_images and self.movement is not None and not self._movement_decoded:
            for _ in self.movement_frames():
                pass
        posed = {
            row: sample.index if sample.held_from is None else sample.held_from
            for row, sample in enumerate(self.pose_rows)
            if row in rows
        }
        kept = self._pose_jpeg
        return {row: _from_jpeg(kept[index]) for row, index in posed.items() if index in kept}

    def frames_at(self, indices: Sequence[int]) -> list[Frame]:
        """The annotated key frames with these video frame indices, in index order."""
        self._ensure_decoded()
        found = {f.sample.index: f for f in self._kept.get(KEY_FRAMES, [])}
        missing = sorted(set(indices) - set(found))
        if missing:
            raise InputError(self.info.path, f"annotated key frame(s) {missing[:5]} could not be decoded")
        return [found[i] for i in sorted(set(indices))]

    def _ensure_decoded(self) -> None:
        if self.passes == 0:
            for _ in self._decode(with_pose=self.keep_pose_images):
                pass

    def _decode(self, *, with_pose: bool) -> Iterator[Frame]:
        if self.passes:
            raise RuntimeError(f"{self.info.path}: frames were already decoded once")
        self.passes += 1
        wanted = {
            POSE: self.pose if with_pose else None,
            LOCALIZER: self.localizer,
            KEY_FRAMES: self._key_sampling(),
        }
        used = [(role, sampling) for role, sampling in wanted.items() if sampling is not None]
        if not used:
            return
        for which, frame in decode_pass(self.info.path, [s for _, s in used], self.info):
            role = used[which][0]
            if role == POSE:
                self._keep_pose_image(frame)
                yield frame
            elif role == LOCALIZER or frame.sample.index in self.key_frames:
                self._kept.setdefault(role, []).append(frame)

    def _keep_pose_image(self, frame: Frame) -> None:
        if self.keep_pose_images:
            self._pose_jpeg[frame.sample.index] = _to_jpeg(frame.image)

    def _key_sampling(self) -> Sampling | None:
        """Every frame over the annotated key frames' range (their exact indices are picked from it)."""
        if not self.key_frames:
            return None
        fps = self.info.fps
        first, last = min(self.key_frames), max(self.key_frames)
        return Sampling(fps=fps, start_s=max(0.0, (first - 0.5) / fps), end_s=(last + 1.5) / fps,
                        max_side=self.pose.max_side)  # fmt: skip


def _to_jpeg(image: np.ndarray) -> bytes:
    import cv2  # imported where used: only a vision model is shown kept frames

    ok, encoded = cv2.imencode(".jpg", image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, KEPT_JPEG_QUALITY])
    if not ok:
        raise RuntimeError("JPEG encoding of a kept frame failed")
    return encoded.tobytes()


def _from_jpeg(data: bytes) -> np.ndarray:
    import cv2

    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("a kept frame's JPEG could not be decoded")
    return np.ascontiguousarray(decoded[:, :, ::-1])


def observe(path: Path, source: FrameSource, config: Config) -> tuple[PoseTrack, KinematicFeatures]:
    """Pose (cached by content) and kinematic features of one video, its frames from `source`.

    A video sampled below the dense rate has its movement (found in that track) posed again densely,
    from a second decoding over the movement only, and the still parts held (`held_track`).
    """
    info = source.info

    def posed(sampling: Sampling, frames: Iterator[Frame]) -> PoseTrack:
        def body(stream: Iterator[Frame]) -> PoseTrack:
            return extract_pose(path, config, sampling, info=info, frames=stream)

        return track_with_hands(path, config, sampling, frames, body) if source.hands else body(frames)

    track = posed(source.pose, source.pose_frames())
    features = compute_features(track)
    moving = movement_span(features)
    times = features.timestamps
    if moving is not None:
        span_s = (float(times[moving[0]]), float(times[moving[1]]))
        source.movement = movement_sampling(config, info, source.pose, span_s)
    if source.movement is not None:
        dense = posed(source.movement, source.movement_frames())
        track = held_track(dense, track, source.movement)
        features = compute_features(track)
    source.pose_rows = track.frames
    return track, features


def observe_clip(path: str | Path, config: Config) -> tuple[PoseTrack, KinematicFeatures]:
    """`observe` for a clip on its own (StepDiff), probed once, its pose samples decoded once."""
    path = Path(path)
    info = probe(path)
    return observe(path, FrameSource(info, pose_sampling(config, info)), config)


@dataclass
class Performance:
    """One video of the pair, built once: what it is, its pose and features, its sub-action timeline,
    and its reading for measuring (repetitions, phase windows)."""

    path: Path
    info: VideoInfo
    frames: FrameSource
    track: PoseTrack
    features: KinematicFeatures
    localization: Localization
    spans: list[SubActionSpan]
    reading: Reading

    @classmethod
    def of(
        cls,
        path: Path,
        frames: FrameSource,
        observed: tuple[PoseTrack, KinematicFeatures],
        localization: Localization,
        profile: ActionProfile,
        *,
        spans: list[SubActionSpan] | None = None,
    ) -> Performance:
        """`spans` (annotated) replace the localization's spans and are read before the repetitions."""
        track, features = observed
        used = spans if spans is not None else localization.spans
        reading = Reading.of(features, profile.movement, used, spans_first=spans is not None)
        return cls(path, frames.info, frames, track, features, localization, used, reading)


def frame_source(info: VideoInfo, config: Config, *, localizer_fps: float | None, keep_pose_images: bool,
                 key_frames: Sequence[int] = (), hands: bool = False) -> FrameSource:  # fmt: skip
    """The frame source of one video for a comparison run with this configuration (`hands`: the
    action's profile reads the hands)."""
    localizer = Sampling(fps=localizer_fps, max_side=config.pose.max_side) if localizer_fps else None
    sampling = pose_sampling(config, info)
    return FrameSource(info, sampling, localizer, key_frames, keep_pose_images, hands=hands)
