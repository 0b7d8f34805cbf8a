"""The frames a vision model sees of a pair: N evenly spaced per clip (8 in the paper, Supp. S3),
within a step's span when the question is about one step, each captioned with its video's role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from actiondiff.backends import ImagePart
from actiondiff.models import SubActionSpan
from actiondiff.video import Frame, Sampling, read_frames

ROLES = ("Video 1 (reference)", "Video 2 (candidate)")
MIN_SECONDS_PER_FRAME = 0.1  # a step's window spans at least this much time per frame shown


@dataclass(frozen=True)
class PairFrames:
    """Sampled frames of the reference and the candidate."""

    reference: list[Frame]
    candidate: list[Frame]

    def images(self) -> list[ImagePart]:
        """Reference frames first, then candidate frames, each captioned with role, frame and time."""
        parts = []
        for role, frames in zip(ROLES, (self.reference, self.candidate), strict=True):
            for frame in frames:
                caption = f"{role}, frame {frame.sample.index} at {frame.sample.timestamp:.2f} s:"
                parts.append(ImagePart(image=frame.image, caption=caption))
        return parts

    @property
    def indices(self) -> tuple[list[int], list[int]]:
        return [f.sample.index for f in self.reference], [f.sample.index for f in self.candidate]


def clip_frames(
    path: str | Path, count: int, span: SubActionSpan | None = None, max_side: int = 512
) -> list[Frame]:
    """`count` evenly spaced frames of a clip, or of `span` within it.

    A span briefer than `count` tenths of a second is widened about its middle, so the frames
    show the moment in motion rather than repeat one frame.
    """
    start, end = (span.start_s, span.end_s + 1e-3) if span is not None else (0.0, None)
    if end is not None and end - start < count * MIN_SECONDS_PER_FRAME:
        middle = (start + end) / 2
        start, end = (
            max(0.0, middle - count * MIN_SECONDS_PER_FRAME / 2),
            middle + count * MIN_SECONDS_PER_FRAME / 2,
        )
    return read_frames(path, Sampling(count=count, start_s=start, end_s=end, max_side=max_side))


def pair_frames(
    reference: str | Path,
    candidate: str | Path,
    count: int,
    spans: tuple[SubActionSpan | None, SubActionSpan | None] = (None, None),
    max_side: int = 512,
) -> PairFrames:
    return PairFrames(
        clip_frames(reference, count, spans[0], max_side), clip_frames(candidate, count, spans[1], max_side)
    )
