"""Several people in one video: find them, keep each one's identity, choose the main performer.

MediaPipe's pose solution follows one body. A second body is found by posing the frame again with
the first one's box masked out. Candidates are linked over time by hip-centre continuity; the main
performer is the person of the first second with the largest mean box height x detection rate x
centrality. From then on its tracker sees the frame with the other people masked out, and a pose
whose hip centre jumps more than `MAX_JUMP` torso lengths per sample is left missing rather than
taken (no identity switch).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actiondiff.models import PersonSeen

Landmarks = tuple[np.ndarray, np.ndarray, np.ndarray]
"""One frame's image xyz (33, 3), world xyz (33, 3) and visibility (33,)."""

OPENING_S = 1.0
"""The main performer is chosen over this first stretch of the video."""
BOX_MARGIN = 0.15
"""A masked person's box is widened by this share of its size on each side."""
MAX_JUMP = 1.0
"""Largest hip-centre move between two samples, in torso lengths, that still counts as the same person."""
SAME_PERSON = 0.3
"""Two candidates whose hip centres are closer than this (torso lengths) are the same body found twice."""

_HIPS, _SHOULDERS = [23, 24], [11, 12]


def hip_centre(found: Landmarks, aspect: float) -> np.ndarray:
    """The hip centre in image units where the height is 1 (x scaled by the frame's aspect)."""
    return np.asarray(found[0][_HIPS, :2].mean(axis=0) * [aspect, 1.0])


def torso_length(found: Landmarks, aspect: float) -> float:
    shoulders = found[0][_SHOULDERS, :2].mean(axis=0) * [aspect, 1.0]
    return float(np.linalg.norm(shoulders - hip_centre(found, aspect))) or 1.0


def jump(a: Landmarks, b: Landmarks, aspect: float) -> float:
    """How far the hip centre moves from `a` to `b`, in `a`'s torso lengths."""
    return float(np.linalg.norm(hip_centre(b, aspect) - hip_centre(a, aspect))) / torso_length(a, aspect)


def masked(image: np.ndarray, people: Sequence[Landmarks]) -> np.ndarray:
    """A copy of `image` with each person's landmark box (widened by `BOX_MARGIN`) painted grey."""
    if not people:
        return image
    out = image.copy()
    height, width = image.shape[:2]
    for found in people:
        xy = found[0][:, :2]
        low, high = xy.min(axis=0), xy.max(axis=0)
        pad = (high - low) * BOX_MARGIN
        (x0, y0), (x1, y1) = (
            ((low - pad) * [width, height]).astype(int),
            ((high + pad) * [width, height]).astype(int),
        )
        out[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = 127
    return out


def distinct(candidates: Sequence[Landmarks], aspect: float) -> list[Landmarks]:
    """The candidates without repeats of a body already listed (closer than `SAME_PERSON`)."""
    kept: list[Landmarks] = []
    for found in candidates:
        if all(jump(other, found, aspect) >= SAME_PERSON for other in kept):
            kept.append(found)
    return kept


def link(frames: Sequence[Sequence[Landmarks]], aspect: float) -> list[list[Landmarks | None]]:
    """Per person, its landmarks in each frame: each candidate joins the person whose last position is
    nearest (within `MAX_JUMP`), or starts a new person."""
    people: list[list[Landmarks | None]] = []
    last: list[Landmarks] = []
    for index, candidates in enumerate(frames):
        for person in people:
            person.append(None)
        taken: set[int] = set()
        for found in candidates:
            steps = [
                jump(previous, found, aspect) if k not in taken else np.inf for k, previous in enumerate(last)
            ]
            if steps and min(steps) <= MAX_JUMP:
                k = int(np.argmin(steps))
                people[k][index], last[k] = found, found
                taken.add(k)
            else:
                people.append([None] * index + [found])
                last.append(found)
                taken.add(len(people) - 1)
    return people


def seen(person: Sequence[Landmarks | None], aspect: float) -> PersonSeen:
    """The figures of one linked person over the frames it was looked for in."""
    found = [f for f in person if f is not None]
    centre = np.mean([hip_centre(f, aspect) for f in found], axis=0) / [aspect, 1.0]
    height = float(np.mean([np.ptp(f[0][:, 1]) for f in found]))
    rate = len(found) / len(person)
    off_centre = np.hypot((centre[0] - 0.5) * aspect, centre[1] - 0.5) / np.hypot(aspect / 2, 0.5)
    centrality = float(max(0.0, 1.0 - off_centre))
    return PersonSeen(
        centre_x=round(float(centre[0]), 3),
        centre_y=round(float(centre[1]), 3),
        height=round(height, 3),
        detection_rate=round(rate, 3),
        centrality=round(centrality, 3),
        score=round(height * rate * centrality, 4),
    )
