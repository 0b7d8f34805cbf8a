"""The aligned side-by-side video of a comparison: A and B in step, skeletons, labels, and captions.

Every frame of A is shown once at A's own rate; beside it, the frame of B at the aligned moment
(`AlignedTimeline`, with the hand-set sync offset). Under the pictures a caption strip names each
clear difference while the frames its evidence comes from are on screen. Encoded as H.264 in mp4
through PyAV; both videos are decoded in one sequential pass each.
"""

from __future__ import annotations

import math
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from actiondiff.errors import InputError, OutputError
from actiondiff.export.timeline import AlignedTimeline
from actiondiff.models import ComparisonResult, Difference, PoseTrack, VideoInfo
from actiondiff.pose import draw_skeleton
from actiondiff.report.frames import Side, video_of
from actiondiff.report.html import VERDICTS, effect
from actiondiff.video import Frame, Sampling, sample_frames, write_video

Progress = Callable[[int, int], None]
"""Called with (frames written, frames in all) while the export runs."""

CAPTION_HOLD_S = 0.5
"""A caption shows from this long before its first evidence frame to this long after its last."""
COLOURS = {"a": (37, 99, 235), "b": (232, 89, 12)}
CAPTION_LINES = 2
SIDES: tuple[Side, Side] = ("a", "b")
FONT = cv2.FONT_HERSHEY_SIMPLEX
HEIGHT = 480
"""Default height of the pictures in an export (pixels)..."""
MIN_WIDTH = 960
"""...raised, up to the taller video's own height, until the two pictures side by side are this wide:
a portrait pair at 480 rows would be a thumbnail (two 9:16 pictures are 540 pixels wide)."""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    path: Path
    frames: int
    fps: float
    duration_s: float
    width: int
    height: int
    seconds: float


@dataclass(frozen=True)
class Caption:
    """A clear difference and the moments (A's and B's seconds) its evidence comes from."""

    text: str
    times_a: tuple[float, ...]
    times_b: tuple[float, ...]

    def shown(self, time_a: float, time_b: float) -> bool:
        return any(abs(time_a - t) <= CAPTION_HOLD_S for t in self.times_a) or any(
            abs(time_b - t) <= CAPTION_HOLD_S for t in self.times_b
        )


def captions(result: ComparisonResult) -> list[Caption]:
    """One caption per clear difference (A or B), strongest effect first, with its evidence frames' times."""
    clear = sorted((d for d in result.differences if d.label in ("A", "B")), key=effect, reverse=True)
    return [_caption(result, d) for d in clear]


def export_side_by_side(
    result: ComparisonResult,
    output: str | Path,
    *,
    offset_s: float | None = None,
    height: int | None = None,
    names: tuple[str, str] | None = None,
    on_progress: Progress | None = None,
) -> ExportSummary:
    """Write the aligned side-by-side video of `result` to `output` (mp4, H.264); its length is A's.

    `offset_s` shifts B against the alignment (+ shows B later; default: the result's saved offset);
    `names` label the two videos (default: their file names); `height` is the pictures' (default: see
    `fitted_height`). Raises `InputError` when a video is not at the path the result names.
    """
    started = time.monotonic()
    sides: dict[Side, tuple[Path, VideoInfo, PoseTrack | None]] = {s: video_of(result, s) for s in SIDES}
    height = height or fitted_height(sides["a"][1], sides["b"][1])
    height -= height % 2
    for side, (path, _, _) in sides.items():
        if not path.is_file():
            raise InputError(
                path, f"video {side.upper()} of the result is not here; the export needs both videos"
            )
    names = names or (sides["a"][0].name, sides["b"][0].name)
    timeline = AlignedTimeline.of(result, offset_s)
    info_a = sides["a"][1]
    total = len(Sampling(fps=info_a.fps).target_times(info_a))
    strip = _caption_height(height)
    frames = _composed(result, sides, timeline, names, captions(result), height, strip)
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(output, f"cannot create its folder: {exc.strerror or exc}") from exc
    written = write_video(output, _counted(frames, total, on_progress), info_a.fps)
    fps = float(round(info_a.fps))
    width = sum(_scaled_width(sides[s][1], height) for s in SIDES)
    return ExportSummary(
        path=Path(output), frames=written, fps=fps, duration_s=round(written / fps, 4), width=width,
        height=height + strip, seconds=round(time.monotonic() - started, 2),
    )  # fmt: skip


def fitted_height(info_a: VideoInfo, info_b: VideoInfo) -> int:
    """`HEIGHT`, or taller for narrow pictures (portrait videos) until the pair is `MIN_WIDTH` wide,
    but never taller than the taller video itself."""
    width_per_row = info_a.width / info_a.height + info_b.width / info_b.height
    wanted = max(HEIGHT, math.ceil(MIN_WIDTH / width_per_row))
    return min(wanted, max(HEIGHT, info_a.height, info_b.height))


def _composed(
    result: ComparisonResult,
    sides: dict[Side, tuple[Path, VideoInfo, PoseTrack | None]],
    timeline: AlignedTimeline,
    names: tuple[str, str],
    shown: Sequence[Caption],
    height: int,
    strip: int,
) -> Iterator[np.ndarray]:
    (path_a, info_a, pose_a), (path_b, info_b, pose_b) = sides["a"], sides["b"]
    frames_b = _Follower(sample_frames(path_b, _full_rate(info_b, height), info_b), info_b.fps)
    widths = _scaled_width(info_a, height), _scaled_width(info_b, height)
    for frame_a in sample_frames(path_a, _full_rate(info_a, height), info_a):
        time_a = frame_a.sample.timestamp
        frame_b = frames_b.at(float(timeline.b_time(time_a)))
        canvas = np.zeros((height + strip, sum(widths), 3), dtype=np.uint8)
        for x, width, frame, pose, side, name in (
            (0, widths[0], frame_a, pose_a, SIDES[0], names[0]),
            (widths[0], widths[1], frame_b, pose_b, SIDES[1], names[1]),
        ):
            picture = cv2.resize(frame.image, (width, height), interpolation=cv2.INTER_AREA)
            canvas[:height, x : x + width] = _with_pose(picture, frame.sample.timestamp, pose)
            _label(canvas, x, side, name, frame.sample.timestamp)
        texts = [c.text for c in shown if c.shown(time_a, frame_b.sample.timestamp)]
        _caption_strip(canvas, height, texts)
        yield canvas


class _Follower:
    """B's frames in time order, read forward only: the last frame at or before each (rising) time asked."""

    def __init__(self, frames: Iterator[Frame], fps: float) -> None:
        self._frames = frames
        self._half = 0.5 / fps
        self._current = next(frames)
        self._next: Frame | None = next(frames, None)

    def at(self, t: float) -> Frame:
        while self._next is not None and self._next.sample.timestamp <= t + self._half:
            self._current, self._next = self._next, next(self._frames, None)
        return self._current


def _full_rate(info: VideoInfo, height: int) -> Sampling:
    """Every frame, decoded no larger than needed for `height` rows."""
    side = math.ceil(height * max(info.width, info.height) / info.height)
    return Sampling(fps=info.fps, max_side=max(side, 2))


def _scaled_width(info: VideoInfo, height: int) -> int:
    width = round(info.width * height / info.height)
    return max(2, width - width % 2)


def _with_pose(picture: np.ndarray, t: float, pose: PoseTrack | None) -> np.ndarray:
    if pose is None or not pose.frames:
        return picture
    times = pose.timestamps
    row = int(np.abs(times - t).argmin())
    gap = float(np.median(np.diff(times))) if len(times) > 1 else 0.1
    if abs(times[row] - t) > gap:
        return picture
    return draw_skeleton(picture, pose.image_xyz[row, :, :2], pose.visibility[row])


def _label(canvas: np.ndarray, x: int, side: Side, name: str, t: float) -> None:
    """The side's letter on its colour, then its video's name and the time on a dark box, top left."""
    scale = max(0.5, canvas.shape[0] / 900)
    thickness = max(1, round(scale * 2))
    pad = round(8 * scale)
    (letter_w, letter_h), _ = cv2.getTextSize(side.upper(), FONT, scale * 1.4, thickness + 1)
    box_h = letter_h + 2 * pad
    cv2.rectangle(canvas, (x, 0), (x + letter_w + 2 * pad, box_h), COLOURS[side], -1)
    cv2.putText(canvas, side.upper(), (x + pad, letter_h + pad), FONT, scale * 1.4, (255, 255, 255),
                thickness + 1, cv2.LINE_AA)  # fmt: skip
    text = f"{_ascii(name)[:40]}  {t:5.2f} s"
    (text_w, text_h), _ = cv2.getTextSize(text, FONT, scale * 0.8, thickness)
    left = x + letter_w + 2 * pad
    cv2.rectangle(canvas, (left, 0), (left + text_w + 2 * pad, box_h), (15, 23, 42), -1)
    origin = (left + pad, (box_h + text_h) // 2)
    cv2.putText(canvas, text, origin, FONT, scale * 0.8, (255, 255, 255), thickness, cv2.LINE_AA)


def _caption_height(height: int) -> int:
    strip = round(max(0.5, height / 900) * 34) * CAPTION_LINES + 12
    return strip + strip % 2


def _caption_strip(canvas: np.ndarray, top: int, texts: Sequence[str]) -> None:
    scale = max(0.5, top / 900) * 0.9
    line = (canvas.shape[0] - top - 12) // CAPTION_LINES
    width = canvas.shape[1]
    for i, text in enumerate(texts[:CAPTION_LINES]):
        words = _ascii(text)
        while len(words) > 4 and cv2.getTextSize(words, FONT, scale, 1)[0][0] > width - 24:
            words = words[:-4] + "..."
        y = top + 6 + line * (i + 1) - round(line * 0.3)
        cv2.putText(
            canvas, words, (12, y), FONT, scale, (255, 255, 255), max(1, round(scale * 2)), cv2.LINE_AA
        )


def _caption(result: ComparisonResult, difference: Difference) -> Caption:
    frames_a = sorted({f for e in difference.evidence for f in e.frames_a})
    frames_b = sorted({f for e in difference.evidence for f in e.frames_b})
    return Caption(
        text=f"{VERDICTS[difference.label]}: {difference.text}",
        times_a=tuple(f / result.video_a.fps for f in frames_a),
        times_b=tuple(f / result.video_b.fps for f in frames_b),
    )


def _counted(frames: Iterator[np.ndarray], total: int, on_progress: Progress | None) -> Iterator[np.ndarray]:
    for done, frame in enumerate(frames, start=1):
        yield frame
        if on_progress is not None and (done % 5 == 0 or done == total):
            on_progress(min(done, total), total)


def _ascii(text: str) -> str:
    """What the video font can draw: accents dropped, degrees spelled, anything else as '?'."""
    text = text.replace("°", " deg").replace("×", "x").replace("–", "-").replace("—", "-")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return plain if plain.strip() or not text.strip() else "?" * len(text)
