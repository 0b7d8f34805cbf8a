"""Edits of a video whose effect on a comparison is known in advance: the invariance suite's inputs.

Mirroring, a held lead-in, a smaller size, coarse compression, another frame rate, a slower playback
and a second person pasted in beside the performer change nothing about the performance itself (or,
for playback speed, only its tempo), so a comparison must answer the same. Trimming the start cuts
what was filmed there, so its effect depends on the clip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import cv2
import numpy as np

from actiondiff.video.reader import Sampling, probe, sample_frames
from actiondiff.video.writer import write_video


@dataclass(frozen=True)
class Paste:
    """A real person cut out of another video, frame by frame, and laid over this one at the same place
    (the source filmed by the same camera, or a place where it covers nobody)."""

    source: Path
    columns: tuple[float, float]
    """The share of the source's width the person is cut from (the rest of the source is ignored)."""


@dataclass(frozen=True)
class Edit:
    """What to do to every frame and to the timeline; the default changes nothing but re-encodes."""

    mirror: bool = False
    hold_s: float = 0.0
    """Seconds for which the first frame is held before the video starts."""
    trim_s: float = 0.0
    """Seconds cut from the start (before any hold)."""
    keep_s: float | None = None
    """Seconds kept after the cut (None: to the end)."""
    scale: float = 1.0
    slowdown: float = 1.0
    """Playback slower by this factor (2.0: every frame shown twice as long)."""
    crf: int = 23
    """x264's constant rate factor of the written copy (23: its default; 40: heavy blocking)."""
    fps: float | None = None
    """Frame rate of the copy (before any slowdown): each of its frames the source frame nearest in
    time (None: the source's own)."""
    inset: float = 1.0
    """The picture shrunk by this factor in the middle of a grey frame of its own size (a far performer)."""
    paste: Paste | None = None
    """A second person pasted in (before any other edit); the source's last frame is held if it is shorter."""


def apply_edit(source: str | Path, target: str | Path, edit: Edit) -> Path:
    """Write `source` edited by `edit` to `target` (H.264 mp4, written atomically)."""
    info = probe(source)
    fps = edit.fps or info.fps
    skipped = round(edit.trim_s * fps)
    end = None if edit.keep_s is None else skipped + round(edit.keep_s * fps)
    frames: Iterator[np.ndarray] = (
        frame.image for frame in islice(sample_frames(source, Sampling(fps=fps), info), skipped, end)
    )
    if edit.paste is not None:
        frames = _pasted(frames, edit.paste, fps)

    def edited() -> Iterator[np.ndarray]:
        for index, image in enumerate(frames):
            if edit.mirror:
                image = image[:, ::-1]
            if edit.inset != 1.0:
                image = _inset(image, edit.inset)
            if edit.scale != 1.0:
                height, width = image.shape[:2]
                size = (round(width * edit.scale), round(height * edit.scale))
                image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            if index == 0:
                yield from [image] * round(edit.hold_s * fps)
            yield image

    write_video(target, edited(), fps=fps / edit.slowdown, crf=edit.crf)
    return Path(target)


def _pasted(frames: Iterator[np.ndarray], paste: Paste, fps: float) -> Iterator[np.ndarray]:
    """Each frame with the person of `paste.source`'s frame at the same time laid behind its own
    performer: the person is cut out by the pose model's segmentation mask (found on the source with
    its other columns greyed out, so that the model follows that person), and left out wherever the
    frame's own performer (its segmentation mask) stands, so the performer is never covered."""
    from actiondiff.pose.estimator import PersonMasks  # the pose model, only for this edit

    source = (frame.image for frame in sample_frames(paste.source, Sampling(fps=fps), probe(paste.source)))
    pasted, performer = PersonMasks(), PersonMasks()
    person: np.ndarray | None = None
    alpha = np.zeros((1, 1, 1))
    for image in frames:
        if (taken := next(source, None)) is not None:
            height, width = image.shape[:2]
            person = cv2.resize(taken, (width, height), interpolation=cv2.INTER_AREA)
            left, right = (round(share * width) for share in paste.columns)
            alone = person.copy()
            alone[:, :left] = 127
            alone[:, right:] = 127
            alpha = np.clip(pasted.of(alone), 0.0, 1.0)[:, :, None]
        if person is None:
            yield image
            continue
        behind = alpha * (1.0 - np.clip(performer.of(image), 0.0, 1.0)[:, :, None])
        yield (image * (1.0 - behind) + person * behind).astype(np.uint8)


def _inset(image: np.ndarray, factor: float) -> np.ndarray:
    """`image` shrunk by `factor` in the middle of a grey frame of its own size."""
    height, width = image.shape[:2]
    small = cv2.resize(image, (round(width * factor), round(height * factor)), interpolation=cv2.INTER_AREA)
    out = np.full_like(image, 127)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return out
