"""Edits of a video whose effect on a comparison is known in advance: the invariance suite's inputs.

Mirroring, a held lead-in, a smaller size, coarse compression, another frame rate and a slower
playback change nothing about the performance itself (or, for playback speed, only its tempo), so a
comparison must answer the same. Trimming the start cuts what was filmed there, so its effect depends
on the clip.
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


def apply_edit(source: str | Path, target: str | Path, edit: Edit) -> Path:
    """Write `source` edited by `edit` to `target` (H.264 mp4, written atomically)."""
    info = probe(source)
    fps = edit.fps or info.fps
    skipped = round(edit.trim_s * fps)
    end = None if edit.keep_s is None else skipped + round(edit.keep_s * fps)
    frames = (frame.image for frame in islice(sample_frames(source, Sampling(fps=fps), info), skipped, end))

    def edited() -> Iterator[np.ndarray]:
        for index, image in enumerate(frames):
            if edit.mirror:
                image = image[:, ::-1]
            if edit.scale != 1.0:
                height, width = image.shape[:2]
                size = (round(width * edit.scale), round(height * edit.scale))
                image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            if index == 0:
                yield from [image] * round(edit.hold_s * fps)
            yield image

    write_video(target, edited(), fps=fps / edit.slowdown, crf=edit.crf)
    return Path(target)
