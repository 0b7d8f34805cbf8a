"""Several people in one video: find them, keep each one's identity, choose the main performer.

MediaPipe's pose solution follows one body. A second body is found by posing the frame again with
the first one's box masked out. Candidates are linked over time by hip-centre continuity; the main
performer is the person of the first second nearest the point the user picked, else the one with the
largest mean box height x detection rate x centrality. From then on its tracker sees the frame with
the other people masked out, and a pose is left missing rather than taken (no identity switch, no
body put together from two people) when its hip centre jumps more than `MAX_JUMP` torso lengths per
sample, its torso changes length by more than `SIZE_CHANGE` per sample, or, against the performer's
own track over `CONTEXT_S` around it, its hips or torso length stand out (`implausible`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from actiondiff.models import PersonSeen

Landmarks = tuple[np.ndarray, np.ndarray, np.ndarray]
"""One frame's image xyz (33, 3), world xyz (33, 3) and visibility (33,)."""

PEOPLE_VERSION = "people 2"
"""Part of the pose cache's key: a track of several people made by an earlier rule is posed again."""
OPENING_S = 1.0
"""The main performer is chosen over this first stretch of the video."""
BOX_MARGIN = 0.15
"""A masked person's box is widened by this share of its size on each side."""
MAX_JUMP = 1.0
"""Largest hip-centre move between two samples, in torso lengths, that still counts as the same person."""
SAME_PERSON = 0.3
"""Two candidates whose hip centres are closer than this (torso lengths) are the same body found twice."""
SIZE_CHANGE = 1.5
"""Largest factor by which the performer's torso length (image) changes between two samples."""
CONTEXT_S = 0.5
"""A pose is checked against the performer's median hip centre and torso length over this many seconds
on each side of it."""
ODD_TORSO = 0.35
"""A torso length further than this share from the surrounding median is implausible (hips drawn at
chest height, or a torso spanning two people)."""
ODD_HIPS = 0.5
"""A hip centre further than this many (median) torso lengths from the surrounding median is implausible."""

_HIPS, _SHOULDERS = [23, 24], [11, 12]


def hip_centre(found: Landmarks, aspect: float) -> np.ndarray:
    """The hip centre in image units where the height is 1 (x scaled by the frame's aspect)."""
    return np.asarray(found[0][_HIPS, :2].mean(axis=0) * [aspect, 1.0])


def torso_length(found: Landmarks, aspect: float) -> float:
    shoulders = found[0][_SHOULDERS, :2].mean(axis=0) * [aspect, 1.0]
    return float(np.linalg.norm(shoulders - hip_centre(found, aspect))) or 1.0


def box(found: Landmarks) -> tuple[float, float, float, float]:
    """The landmarks' box: left, top, right, bottom as fractions of the frame."""
    xy = found[0][:, :2]
    (left, top), (right, bottom) = xy.min(axis=0), xy.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def distance_to(found: Landmarks, point: tuple[float, float], aspect: float) -> float:
    """How far `point` (fractions of the frame) lies from the body: 0 inside its landmark box, else the
    distance to the box's edge, in image units where the height is 1; ties are broken by the distance
    to the hip centre (a thousandth of it added)."""
    left, top, right, bottom = box(found)
    x, y = point
    outside = np.hypot(max(left - x, 0.0, x - right) * aspect, max(top - y, 0.0, y - bottom))
    hips = np.linalg.norm(hip_centre(found, aspect) - np.array([x * aspect, y]))
    return float(outside + 1e-3 * hips)


def size_change(a: Landmarks, b: Landmarks, aspect: float) -> float:
    """The factor (>= 1) by which the torso length differs between `a` and `b`."""
    first, second = torso_length(a, aspect), torso_length(b, aspect)
    return max(first, second) / min(first, second)


def implausible(rows: Sequence[Landmarks | None], times: Sequence[float], aspect: float) -> list[bool]:
    """Per row, whether its pose stands out from the performer's own track around it (within
    `CONTEXT_S`): a torso length off the median by more than `ODD_TORSO`, or a hip centre more than
    `ODD_HIPS` torso lengths from the median one. Such a pose mixes limbs of two people or put the hips
    elsewhere for a few frames; a real movement moves the median with it."""
    found = [k for k, row in enumerate(rows) if row is not None]
    odd = [False] * len(rows)
    if len(found) < 5:
        return odd
    at = np.asarray(times, dtype=np.float64)[found]
    hips = np.array([hip_centre(rows[k], aspect) for k in found])  # type: ignore[arg-type]
    torso = np.array([torso_length(rows[k], aspect) for k in found])  # type: ignore[arg-type]
    for i, k in enumerate(found):
        near = np.abs(at - at[i]) <= CONTEXT_S
        usual = float(np.median(torso[near]))
        away = float(np.linalg.norm(hips[i] - np.median(hips[near], axis=0)))
        odd[k] = abs(torso[i] - usual) > ODD_TORSO * usual or away > ODD_HIPS * usual
    return odd


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


def chosen(figures: Sequence[PersonSeen], people: Sequence[Sequence[Landmarks | None]],
           point: tuple[float, float] | None, aspect: float) -> int:  # fmt: skip
    """Which person is the main performer: the one nearest `point` where first found, else the one
    of largest score."""
    if point is None:
        return int(np.argmax([person.score for person in figures]))
    firsts = [next(f for f in person if f is not None) for person in people]
    return int(np.argmin([distance_to(found, point, aspect) for found in firsts]))


def seen(person: Sequence[Landmarks | None], aspect: float) -> PersonSeen:
    """The figures of one linked person over the frames it was looked for in."""
    found = [f for f in person if f is not None]
    centre = np.mean([hip_centre(f, aspect) for f in found], axis=0) / [aspect, 1.0]
    height = float(np.mean([np.ptp(f[0][:, 1]) for f in found]))
    rate = len(found) / len(person)
    off_centre = np.hypot((centre[0] - 0.5) * aspect, centre[1] - 0.5) / np.hypot(aspect / 2, 0.5)
    centrality = float(max(0.0, 1.0 - off_centre))
    left, top, right, bottom = (round(min(max(v, 0.0), 1.0), 3) for v in box(found[0]))
    return PersonSeen(
        box=(left, top, right, bottom),
        centre_x=round(float(centre[0]), 3),
        centre_y=round(float(centre[1]), 3),
        height=round(height, 3),
        detection_rate=round(rate, 3),
        centrality=round(centrality, 3),
        score=round(height * rate * centrality, 4),
    )
