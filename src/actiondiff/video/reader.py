"""Open videos with PyAV, describe them, and sample frames at a rate or a count.

Every failure to read a video becomes a `VideoError` naming the file and the cause.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import av
import av.error
import numpy as np

from actiondiff.errors import VideoError
from actiondiff.models import FrameSample, VideoInfo

log = logging.getLogger(__name__)

SEEK_GAP_S = 3.0
"""Sampling seeks instead of decoding through gaps longer than this."""
STILL_FRAMES = 10
"""Up to this many frames, a video whose frames all show the same picture is a still, not a performance."""
STILL_DIFFERENCE = 1.0
"""Largest mean absolute difference (0-255) between two frames that still counts as the same picture:
re-encoding a copied frame moves pixels by less, a person moving by far more."""


@dataclass(frozen=True)
class Sampling:
    """Which frames to take: `fps` per second, or `count` evenly spaced, within [start_s, end_s)."""

    fps: float | None = None
    count: int | None = None
    start_s: float = 0.0
    end_s: float | None = None
    max_side: int | None = None

    def __post_init__(self) -> None:
        if (self.fps is None) == (self.count is None):
            raise ValueError("give exactly one of fps or count")
        if self.fps is not None and self.fps <= 0:
            raise ValueError(f"sampling fps must be positive, got {self.fps}")
        if self.count is not None and self.count < 1:
            raise ValueError(f"sampling count must be at least 1, got {self.count}")

    @property
    def key(self) -> str:
        """A stable text form, for cache keys."""
        return f"fps={self.fps},count={self.count},start={self.start_s},end={self.end_s},side={self.max_side}"

    def target_times(self, info: VideoInfo) -> np.ndarray:
        """The presentation times (seconds) to take frames at."""
        end = info.duration_s if self.end_s is None else min(self.end_s, info.duration_s)
        if end <= self.start_s:
            raise VideoError(info.path, f"empty sampling window [{self.start_s}, {end}) s")
        if self.fps is not None:
            return np.arange(self.start_s, end - 1e-9, 1.0 / self.fps)
        last = max(self.start_s, end - 1.0 / info.fps)
        return np.linspace(self.start_s, last, self.count or 1)


@dataclass(frozen=True)
class Frame:
    """A decoded frame in display orientation (RGB, uint8, height x width x 3)."""

    sample: FrameSample
    image: np.ndarray


@contextmanager
def _open(path: Path) -> Iterator[tuple[av.container.InputContainer, av.video.stream.VideoStream]]:
    if not path.exists():
        raise VideoError(path, "no such file")
    if not path.is_file():
        raise VideoError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise VideoError(path, "the file is empty (0 bytes)")
    try:
        container = av.open(str(path), mode="r")
    except PermissionError as exc:
        raise VideoError(path, "permission denied") from exc
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise VideoError(path, f"not a readable video (truncated or not a video container): {exc}") from exc
    try:
        if not container.streams.video:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "none"
            raise VideoError(path, f"has no video stream (streams: {kinds})")
        stream = container.streams.video[0]
        if stream.codec_context is None or not stream.codec_context.name:
            raise VideoError(path, "uses a video codec that this build cannot decode")
        stream.thread_type = "AUTO"
        yield container, stream
    finally:
        container.close()


def _stream_start(stream: av.video.stream.VideoStream) -> float:
    if stream.start_time is None or stream.time_base is None:
        return 0.0
    return float(stream.start_time * stream.time_base)


def probe(path: str | Path) -> VideoInfo:
    """Describe a video: container, codec, display size, rotation, fps, duration, frame count.

    Demuxes the whole stream (no decoding) to count frames and detect a variable frame rate,
    and decodes the first frame to prove the codec works and read the rotation.
    """
    path = Path(path)
    with _open(path) as (container, stream):
        first = _first_frame(path, container, stream)
        rotation = int(first.rotation or 0) % 360
        container.seek(0)
        pts = _packet_times(path, container, stream)
        if not pts:
            raise VideoError(path, "contains no video frames")
        pts.sort()
        steps = np.diff(pts) if len(pts) > 1 else np.array([])
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else (1.0 / float(np.median(steps)) if len(steps) else 25.0)
        last_step = float(np.median(steps)) if len(steps) else 1.0 / fps
        duration = pts[-1] - pts[0] + last_step
        vfr = bool(len(steps) > 2 and (steps.max() - steps.min()) > 0.5 * np.median(steps))
        width, height = first.width, first.height
        if rotation in (90, 270):
            width, height = height, width
        return VideoInfo(
            path=path,
            container=container.format.name,
            codec=stream.codec_context.name,
            width=width,
            height=height,
            rotation=rotation,
            fps=round(fps, 4),
            duration_s=round(duration, 4),
            n_frames=len(pts),
            variable_frame_rate=vfr,
        )


def check_performance(path: str | Path, info: VideoInfo | None = None) -> VideoInfo:
    """The video's description if it can show a performance; a `VideoError` for a still picture.

    A photo (a JPEG renamed .mp4 opens as a one-frame video) or a handful of copies of one picture
    shows no movement, so comparing it measures nothing but would still read numbers from it.
    """
    path = Path(path)
    info = info or probe(path)
    if info.n_frames < 2:
        raise VideoError(
            path, "is a single still picture (a photo?), not a video of a performance: film the movement"
        )
    if info.n_frames <= STILL_FRAMES:
        frames = [f.image.astype(np.int16) for f in sample_frames(path, Sampling(count=info.n_frames), info)]
        if all(np.abs(f - frames[0]).mean() <= STILL_DIFFERENCE for f in frames[1:]):
            raise VideoError(
                path,
                f"is a still picture: its {info.n_frames} frames all show the same image, so there is no "
                "movement to compare; film the performance",
            )
    return info


def _first_frame(
    path: Path, container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> av.VideoFrame:
    try:
        for frame in container.decode(stream):
            return frame
    except av.error.FFmpegError as exc:
        raise VideoError(path, f"cannot decode the first frame: {exc}") from exc
    raise VideoError(path, "contains no decodable video frames")


def _packet_times(
    path: Path, container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> list[float]:
    start = _stream_start(stream)
    time_base = float(stream.time_base or 0)
    times: list[float] = []
    try:
        for packet in container.demux(stream):
            if packet.size and packet.pts is not None:
                times.append(packet.pts * time_base - start)
    except av.error.FFmpegError as exc:
        log.warning("%s: stream ends early (%s); using the %d frames before it", path, exc, len(times))
    return times


def sample_frames(path: str | Path, sampling: Sampling, info: VideoInfo | None = None) -> Iterator[Frame]:
    """Yield the frames nearest to the sampling's target times, in order, each at most once.

    Decodes sequentially and seeks over gaps longer than `SEEK_GAP_S`. Corrupt packets are
    skipped with a warning. Frame indices count decoded frames; after a seek they are
    estimated from the timestamp.
    """
    return (frame for _, frame in decode_pass(path, [sampling], info))


def decode_pass(
    path: str | Path, samplings: Sequence[Sampling], info: VideoInfo | None = None
) -> Iterator[tuple[int, Frame]]:
    """One decoding pass that serves several samplings: (which sampling, frame) in time order.

    Each sampling gets exactly the frames `sample_frames` would give it alone (a frame several of them
    want is decoded once, converted once per output size); the pass seeks only over gaps that no
    sampling wants a frame in.
    """
    path = Path(path)
    info = info or probe(path)
    targets = [sampling.target_times(info) for sampling in samplings]
    sizes = [_output_size(info, sampling.max_side) for sampling in samplings]
    upcoming = [0] * len(samplings)
    emitted = [0] * len(samplings)
    half_frame = 0.5 / info.fps

    def next_wanted() -> float | None:
        pending = [t[i] for t, i in zip(targets, upcoming, strict=True) if i < len(t)]
        return min(pending) if pending else None

    decoder = _Decoder(path, info)
    with _open(path) as (container, stream):
        start = _stream_start(stream)
        position = 0.0
        while (wanted := next_wanted()) is not None:
            if wanted - position > SEEK_GAP_S:
                container.seek(int((wanted + start) / float(stream.time_base or 1)), stream=stream)
                decoder.seeked = True
            reached_gap = False
            for t, index, frame in decoder.frames(container, stream, start):
                position = t
                images: dict[tuple[int, int] | None, np.ndarray] = {}
                for which, times in enumerate(targets):
                    if upcoming[which] >= len(times) or t + half_frame < times[upcoming[which]]:
                        continue
                    if sizes[which] not in images:
                        images[sizes[which]] = _to_rgb(frame, sizes[which])
                    yield which, Frame(FrameSample(index=index, timestamp=round(t, 4)), images[sizes[which]])
                    emitted[which] += 1
                    while upcoming[which] < len(times) and times[upcoming[which]] <= t + half_frame:
                        upcoming[which] += 1
                if not images:
                    continue  # not yet at a wanted frame (decoding on from where a seek landed)
                if (wanted := next_wanted()) is None:
                    break
                if wanted - t > SEEK_GAP_S:
                    reached_gap = True
                    break
            if not reached_gap:
                break
    if decoder.corrupt:
        log.warning("%s: skipped %d corrupt packet(s)", path, decoder.corrupt)
    if not all(emitted):
        raise VideoError(path, "no frame could be decoded in the sampling window")


class _Decoder:
    """Sequential decoding that survives corrupt packets and numbers the frames."""

    def __init__(self, path: Path, info: VideoInfo) -> None:
        self.path = path
        self.fps = info.fps
        self.ordinal = -1
        self.corrupt = 0
        self.seeked = False

    def frames(
        self, container: av.container.InputContainer, stream: av.video.stream.VideoStream, start: float
    ) -> Iterator[tuple[float, int, av.VideoFrame]]:
        for packet in container.demux(stream):
            try:
                decoded = packet.decode()
            except av.error.FFmpegError:
                self.corrupt += 1
                continue
            for frame in decoded:
                self.ordinal += 1
                t = float(frame.time) - start if frame.time is not None else self.ordinal / self.fps
                yield t, (round(t * self.fps) if self.seeked else self.ordinal), frame


def _output_size(info: VideoInfo, max_side: int | None) -> tuple[int, int] | None:
    """Decoded (pre-rotation) width and height after limiting the longer side, or None to keep."""
    if max_side is None or max(info.width, info.height) <= max_side:
        return None
    scale = max_side / max(info.width, info.height)
    width, height = info.width, info.height
    if info.rotation in (90, 270):
        width, height = height, width
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _to_rgb(frame: av.VideoFrame, size: tuple[int, int] | None) -> np.ndarray:
    image: np.ndarray
    if size is None:
        image = frame.to_ndarray(format="rgb24")
    else:
        image = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
    quarter_turns = (int(frame.rotation or 0) % 360) // 90
    if quarter_turns:
        image = np.ascontiguousarray(np.rot90(image, k=quarter_turns))
    return image


def read_frames(path: str | Path, sampling: Sampling) -> list[Frame]:
    """All sampled frames of a video as a list."""
    return list(sample_frames(path, sampling))
