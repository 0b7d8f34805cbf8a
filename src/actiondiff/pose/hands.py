"""MediaPipe Hands (palm detector + 21-point hand landmarks, shipped inside the mediapipe 0.10.14 wheel)
on the pose samples of a video, for the actions whose profile reads the hands (`ActionProfile.hands`).

The hand graph runs beside the body pose on the same decoded frames (`track_with_hands`), is cached by
content like the pose, and leaves left and right to the body where the body is seen: the hand model's
own handedness is a guess per image, while the body pose (flip-tested) keeps its sides under a mirror.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np

from actiondiff.config import Config
from actiondiff.models import FrameSample, HandOrientation, HandTrack, PoseTrack
from actiondiff.pose.estimator import _lean_packages, _load_solution, _quiet_graph_start
from actiondiff.pose.landmarks import HAND_LANDMARK_NAMES, N_HAND_LANDMARKS
from actiondiff.storage import DiskCache, content_key
from actiondiff.threads import fan_out
from actiondiff.video import Frame, Sampling, file_digest

HAND_MODEL = "mediapipe-0.10.14/hand_landmark_full"
CANONICAL_ORIENTATION = "+canonical-orientation"
"""The model name's tail when the hands are read in a clip's canonical orientation (`canonical_mirrored`)."""
ORIENTATION_S = 1.0
"""Seconds from a clip's first sample whose pictures tell its canonical orientation."""
LEAST_LEAN = 0.002
"""Least brightness lean (`brightness_lean`, a share of the width) that tells a clip from its mirror
image. On the hand footage of `benchmarks/bench_hands.py` a clip, its mirror copy and its copy played
2x slower (all encoded again) read -0.0705, +0.0720, -0.0719 (fingers), +0.0209, -0.0211, +0.0211
(piano), -0.0025 three times (the photo's two hands on white, a near mirror image of itself): the
re-encoding moves it by 5 % of its size at most (rps: -0.124, +0.130, -0.131)."""
SIDES = ("left", "right")
_MODEL_SIDE = {"Left": 1, "Right": 0}
"""The hand model labels hands as seen in a mirror (a selfie camera): its "Left" is the right hand of
a performer filmed the ordinary way."""

BODY_SEEN = 0.5
"""Least visibility of the body's shoulders and wrists for the body to tell left from right."""
BODY_SHARE = 0.5
"""Least share of the frames with hands in which the body must clearly show a person for it to tell
the sides at all."""
AT_WRIST = 1.5
"""Largest distance, in palm lengths, of a hand's wrist from the body's wrist it is paired with."""
LEAST_FOLLOWED = 10
"""Fewest rows a followed hand must be seen in; a shorter glimpse is a false detection (a second hand
found in the folds of the first, a fist-like shadow) and is left out."""
SAME_HAND_STEP = 1.0
"""Largest move of a palm's centre, in palm lengths, from where a hand was last seen to be that hand."""
MAX_UNSEEN = 10
"""Rows a hand may go unseen and still be followed."""
SAME_HAND = 0.5
"""Mean landmark distance, in palm lengths, under which two detections are one hand."""
HELD_CHANGE = 0.1
"""Largest mean pixel change between two frames, as a share of the clip's large changes (their 90th
percentile), for the second to repeat the first's picture. The 5-fps GIF clips of `bench_hands`
(pictures held 1/5 s, encoded at 30 fps) change by at most 0.14 grey levels within a held picture and
by about 15 from one picture to the next; real footage changes by 0.08 to 0.19 at least, a tenth or
more of its large changes (sensor noise, a hand moving)."""
Hands = tuple[np.ndarray, np.ndarray, np.ndarray]
"""One frame's (image, world, confidence) arrays, (2, 21, 3), (2, 21, 3), (2, 21); NaN where unseen."""


def _load_hands() -> Any:
    _load_solution()  # the lean packages, the log settings and the bindings' numpy set-up
    _lean_packages()
    from mediapipe.python.solutions import hands as mp_hands

    return mp_hands


def _empty() -> Hands:
    point = np.full((2, N_HAND_LANDMARKS, 3), np.nan, dtype=np.float32)
    return point, point.copy(), point[:, :, 0].copy()


Detection = tuple[np.ndarray, np.ndarray, int, float]
"""One hand the model found: image and world landmarks (21, 3), the side its label says, the label's score."""


def _detections(result: Any) -> list[Detection]:
    """The hands of one result as the model tells them (its label mapped to the performer's side)."""
    found = zip(result.multi_hand_landmarks or [], result.multi_hand_world_landmarks or [],
                result.multi_handedness or [], strict=True)  # fmt: skip
    return [
        (
            np.array([(p.x, p.y, p.z) for p in points.landmark], dtype=np.float32),
            np.array([(p.x, p.y, p.z) for p in metric.landmark], dtype=np.float32),
            _MODEL_SIDE[handedness.classification[0].label],
            float(handedness.classification[0].score),
        )
        for points, metric, handedness in found
    ]


def _unmirrored(detections: list[Detection]) -> list[Detection]:
    """Hands found on the mirrored picture, put back: x reflected, the other side."""
    flip = np.array([-1.0, 1.0, 1.0], dtype=np.float32)
    return [(image * flip + [1.0, 0.0, 0.0], world * flip, 1 - side, score)
            for image, world, side, score in detections]  # fmt: skip


def _flip_tested(found: list[Detection], mirrored: list[Detection]) -> list[Detection]:
    """The hands of a picture and of its mirror image (put back) as one: a hand found in both is the mean
    of the two readings, its side the one their labels' scores vote for. A clip and its mirror image so
    give the same hands, sides swapped (the hand model alone reads a hand and its mirror image with
    finger bends up to 60 deg apart on piano footage)."""
    merged, left = [], list(mirrored)
    for image, world, side, score in found:
        twin = next((k for k, other in enumerate(left) if _same_hand(image, other[0])), None)
        if twin is None:
            merged.append((image, world, side, score))
            continue
        image_2, world_2, side_2, score_2 = left.pop(twin)
        vote = (score if side else -score) + (score_2 if side_2 else -score_2)
        merged.append(((image + image_2) / 2, (world + world_2) / 2, int(vote > 0), (score + score_2) / 2))
    return merged + left


def _hands(detections: list[Detection]) -> Hands:
    """One frame's hands by side; two hands given one side: the surer keeps it."""
    image, world, confidence = _empty()
    for found, metric, side, score in sorted(detections, key=lambda hand: -hand[3]):
        side = side if np.isnan(image[side, 0, 0]) else 1 - side
        if not np.isnan(image[side, 0, 0]) or _same_hand(image[1 - side], found):
            continue
        image[side], world[side], confidence[side] = found, metric, score
    return image, world, confidence


def _same_hand(one: np.ndarray, other: np.ndarray) -> bool:
    """Whether two detections are one hand found twice (the tracker's hand and a fresh palm detection of
    it): their landmarks lie on average within `SAME_HAND` palm lengths of each other."""
    if np.isnan(one[0, 0]):
        return False
    palm = float(np.linalg.norm(one[9, :2] - one[0, :2]))
    return float(np.linalg.norm(one[:, :2] - other[:, :2], axis=1).mean()) < SAME_HAND * max(palm, 1e-6)


def brightness_lean(image: np.ndarray) -> float:
    """How far right of the picture's middle its brightness is centred, a share of its width: a mirror
    image reads the opposite, and encoding a picture again hardly moves it."""
    columns = image.astype(np.float32).sum(axis=(0, 2))
    width = len(columns)
    offsets = (np.arange(width) - (width - 1) / 2) / width
    return float(columns @ offsets / max(float(columns.sum()), 1e-6))


def canonical_mirrored(images: list[np.ndarray]) -> bool | None:
    """Whether a clip is read mirrored in its canonical orientation: the one whose opening pictures lean
    left (their median `brightness_lean` negative). A clip and its mirror copy so go through the hand
    model as the same pictures, which makes its reading mirror-symmetric by construction (the model
    alone is not: `_flip_tested`). None where the lean is under `LEAST_LEAN`: a near mirror image of
    itself has no orientation to trust."""
    lean = float(np.median([brightness_lean(image) for image in images])) if images else 0.0
    return None if abs(lean) < LEAST_LEAN else lean > 0


class MediaPipeHandEstimator:
    """Both hands per frame, tracked in time order (the palm detector runs only when a hand is lost).

    With `mirror_invariant` the clip is read in its canonical orientation (`canonical_mirrored`), the
    hands put back when it was mirrored; where its pictures have none (a near tie), each frame's mirror
    image goes through a second tracker too and the hands found in both are averaged (`_flip_tested`,
    the flip test, twice the cost). `HandTrack.orientation` says which."""

    def __init__(
        self, model_complexity: int = 1, min_detection_confidence: float = 0.5, mirror_invariant: bool = True
    ) -> None:
        self.model_complexity = model_complexity
        self.min_detection_confidence = min_detection_confidence
        self.mirror_invariant = mirror_invariant
        self.name = (HAND_MODEL if model_complexity else HAND_MODEL.replace("full", "lite")) + (
            CANONICAL_ORIENTATION if mirror_invariant else ""
        )
        self._graphs: dict[str, Any] = {}
        self._lock = threading.Lock()
        weakref.finalize(self, _close, self._graphs)

    def _graph(self, name: str) -> Any:
        if name not in self._graphs:
            self._graphs[name] = _load_hands().Hands(
                static_image_mode=False,
                max_num_hands=2,
                model_complexity=self.model_complexity,
                min_detection_confidence=self.min_detection_confidence,
            )
        return self._graphs[name]

    def track(
        self, frames: Iterable[Frame], on_frame: Callable[[FrameSample], None] | None = None
    ) -> HandTrack:
        """The hands of every frame, sides as the hand model tells them (`with_hands` follows them)."""
        stream = iter(frames)
        opening = _opening(stream) if self.mirror_invariant else []
        mirrored = canonical_mirrored([frame.image for frame in opening]) if self.mirror_invariant else False
        orientation = _ORIENTATIONS[mirrored]
        with self._lock:
            graphs = [self._graph(name) for name in ("tracker", "mirror")[: 1 + (mirrored is None)]]
            for graph in graphs:
                graph.reset()
            samples: list[FrameSample] = []
            rows: list[Hands] = []
            changes: list[float] = []
            previous: np.ndarray | None = None
            with _quiet_graph_start():
                for frame in itertools.chain(opening, stream):
                    samples.append(frame.sample)
                    thumbnail = frame.image[::4, ::4].astype(np.float32)
                    if previous is not None:
                        changes.append(float(np.abs(thumbnail - previous).mean()))
                    previous = thumbnail
                    if mirrored is False:
                        found = _detections(graphs[0].process(frame.image))
                    else:  # the mirror image, put back; beside the picture's own reading on a tie
                        flipped = np.ascontiguousarray(frame.image[:, ::-1])
                        found = _unmirrored(_detections(graphs[-1].process(flipped)))
                        if mirrored is None:
                            found = _flip_tested(_detections(graphs[0].process(frame.image)), found)
                    rows.append(_hands(found))
                    if on_frame is not None:
                        on_frame(frame.sample)
        return hand_track(samples, rows, self.name, orientation, pictures_held(changes))


def pictures_held(changes: list[float]) -> float:
    """The share of frames that repeat the picture before them, from each frame's mean pixel change
    (`changes`): a change under `HELD_CHANGE` of the clip's large changes (its 90th percentile) is a
    picture held (a GIF's, a slide's), the encoder's small touch-ups to it left aside."""
    if not changes:
        return 0.0
    large = float(np.quantile(changes, 0.9))
    return float(np.mean(np.array(changes) < HELD_CHANGE * large)) if large > 0 else 1.0


_ORIENTATIONS: dict[bool | None, HandOrientation] = {
    False: "as filmed",
    True: "mirrored",
    None: "flip-tested",
}


def _opening(stream: Iterator[Frame]) -> list[Frame]:
    """The frames of the stream's first `ORIENTATION_S` seconds (and the one after), taken from it."""
    opening: list[Frame] = []
    for frame in stream:
        opening.append(frame)
        if frame.sample.timestamp - opening[0].sample.timestamp >= ORIENTATION_S:
            break
    return opening


def _close(graphs: dict[str, Any]) -> None:
    for graph in graphs.values():
        graph.close()
    graphs.clear()


def hand_track(
    samples: list[FrameSample],
    rows: list[Hands],
    model: str,
    orientation: HandOrientation = "as filmed",
    held: float = 0.0,
) -> HandTrack:
    """A `HandTrack` of per-frame hands."""
    image, world, confidence = (np.stack(column) for column in zip(*(rows or [_empty()]), strict=True))
    if not rows:
        image, world, confidence = image[:0], world[:0], confidence[:0]
    return HandTrack(
        frames=samples,
        landmark_names=list(HAND_LANDMARK_NAMES),
        image_xyz=image,
        world_xyz=world,
        confidence=confidence,
        model=model,
        orientation=orientation,
        pictures_held=held,
    )


def sides_by_continuity(hands: HandTrack) -> HandTrack:
    """The hands with each one's side kept while it is followed: the model's handedness is a guess per
    picture that flips on an unsure hand, so hands are linked from frame to frame (a hand within
    `SAME_HAND_STEP` palm lengths of where one was last seen, `MAX_UNSEEN` rows before, continues it)
    and each linked hand takes the side its frames' labels vote for, weighted by their scores. Two
    linked hands in one frame voting for the same side: the one with the weaker vote takes the other."""
    hands = _one_per_place(hands)
    image, found = hands.image_xyz, hands.found
    palms = image[:, :, [0, 5, 9, 13, 17], :2].mean(axis=2)
    sizes = np.linalg.norm(image[:, :, 9, :2] - image[:, :, 0, :2], axis=-1)
    linked = np.full(found.shape, -1)
    ends: list[tuple[np.ndarray, int]] = []  # each linked hand's last palm centre and row
    votes: list[float] = []  # + for the right hand, - for the left
    for t, s in zip(*np.nonzero(found), strict=True):
        gaps = [float(np.linalg.norm(palm - palms[t, s])) if t - row <= MAX_UNSEEN and row < t else np.inf
                for palm, row in ends]  # fmt: skip
        k = int(np.argmin(gaps)) if gaps and min(gaps) < SAME_HAND_STEP * sizes[t, s] else len(ends)
        if k == len(ends):
            ends.append((palms[t, s], t))
            votes.append(0.0)
        ends[k] = (palms[t, s], t)
        votes[k] += float(hands.confidence[t, s, 0]) * (1.0 if s == 1 else -1.0)
        linked[t, s] = k
    rows_of = np.bincount(linked[linked >= 0], minlength=len(votes))
    linked[(linked >= 0) & (rows_of[np.maximum(linked, 0)] < LEAST_FOLLOWED)] = -1  # glimpses: phantoms
    order = np.tile([0, 1], (len(found), 1))
    for t in np.nonzero(found.any(axis=1))[0]:
        wanted = [(1 if votes[k] > 0 else 0, abs(votes[k]), s) for s, k in enumerate(linked[t]) if k >= 0]
        if len(wanted) == 2 and wanted[0][0] == wanted[1][0]:
            weaker = min(range(2), key=lambda i: wanted[i][1])
            wanted[weaker] = (1 - wanted[weaker][0], *wanted[weaker][1:])
        row = [side for side in (0, 1) if side not in [w[0] for w in wanted]]
        for side, _, slot in wanted:
            order[t, side] = slot
        for side, slot in zip(row, [s for s in (0, 1) if s not in [w[2] for w in wanted]], strict=True):
            order[t, side] = slot
    followed = _reordered(hands, order, hands.sides_from)
    lost = (linked < 0) & found  # the glimpses, now in the slots `order` put them in
    dropped = np.take_along_axis(lost, order, axis=1)
    for name in ("image_xyz", "world_xyz", "confidence"):
        getattr(followed, name)[dropped] = np.nan
    return followed


def _one_per_place(hands: HandTrack) -> HandTrack:
    """The hands with the less sure of two overlapping ones left out: where both are found and either's
    palm centre lies inside the other's landmark box, they are one hand read twice."""
    image = np.array(hands.image_xyz)
    palms = image[:, :, [0, 5, 9, 13, 17], :2].mean(axis=2)
    low, high = (
        np.nanmin(image[..., :2], axis=2, initial=np.inf),
        np.nanmax(image[..., :2], axis=2, initial=-np.inf),
    )

    def inside(palm: int, box: int) -> np.ndarray:
        return np.all((palms[:, palm] >= low[:, box]) & (palms[:, palm] <= high[:, box]), axis=-1)

    both = hands.found.all(axis=1)
    overlap = both & (inside(0, 1) | inside(1, 0))
    if not overlap.any():
        return hands
    weaker = np.argmin(np.nan_to_num(hands.confidence[:, :, 0]), axis=1)
    confidence = np.array(hands.confidence)
    world = np.array(hands.world_xyz)
    rows = np.nonzero(overlap)[0]
    for values in (image, world, confidence):
        values[rows, weaker[rows]] = np.nan
    return hands.model_copy(update={"image_xyz": image, "world_xyz": world, "confidence": confidence})


def _reordered(hands: HandTrack, order: np.ndarray, sides_from: str) -> HandTrack:
    """The hands with each row's sides taken in `order` (rows, 2): order[t, side] = the slot it was in."""
    rows = np.arange(len(order))[:, None]
    return hands.model_copy(
        update={
            "image_xyz": hands.image_xyz[rows, order],
            "world_xyz": hands.world_xyz[rows, order],
            "confidence": hands.confidence[rows, order],
            "sides_from": sides_from,
        }
    )


def sides_by_body(hands: HandTrack, body: PoseTrack) -> HandTrack:
    """The hands with left and right taken from the body pose where it clearly shows a person: both
    shoulders and wrists seen (visibility >= `BODY_SEEN`) and each hand's wrist within `AT_WRIST` palm
    lengths of the body's wrist it is paired with. The followed hands (`sides_by_continuity`) are
    swapped as a whole when in most such frames the swapped pairing puts them closer to the body's
    wrists: deciding frame by frame, a body pose unsure of its arms (a piano filmed from above)
    swapped the hands in 32 of 240 frames, adding their jumps to the path and speeds. Without such a
    person (a close-up of the hands, where the body pose finds an arm at best) the followed hands
    keep their sides. The rows must be the body track's."""
    joints = [body.landmark(f"{side}_{joint}") for joint in ("wrist", "shoulder") for side in SIDES]
    wrists = body.image_xyz[:, joints[:2], :2]
    aspect = body.video.width / max(body.video.height, 1)
    scale = np.array([aspect, 1.0])
    hand_wrists = hands.image_xyz[:, :, 0, :2]
    palm = np.linalg.norm((hands.image_xyz[:, :, 9, :2] - hand_wrists) * scale, axis=-1)

    def gaps(order: list[int]) -> np.ndarray:
        """Each hand's distance (in its palm lengths) to the body's wrist of the side it would take."""
        return np.linalg.norm((hand_wrists[:, order] - wrists) * scale, axis=-1) / palm[:, order]

    with np.errstate(invalid="ignore"):
        person = (body.visibility[:, joints] >= BODY_SEEN).all(axis=1)
        kept, swapped = gaps([0, 1]), gaps([1, 0])
        cost_kept, cost_swapped = (np.where(np.isnan(g), 0.0, g).sum(axis=1) for g in (kept, swapped))
        best = np.where((cost_swapped < cost_kept)[:, None], swapped, kept)
        near = np.all(np.isnan(best) | (best <= AT_WRIST), axis=1) & np.isfinite(best).any(axis=1)
    seen = person & near
    if seen.sum() < BODY_SHARE * hands.found.any(axis=1).sum():
        return hands  # a body glimpsed now and then (an arm in a close-up) is no person to trust
    swapped_rows = seen & (cost_swapped < cost_kept)
    order = [1, 0] if swapped_rows.sum() > (seen & ~swapped_rows).sum() else [0, 1]
    return _reordered(hands, np.tile(order, (len(seen), 1)), "body")


def hands_cache_key(digest: str, sampling: Sampling, estimator: MediaPipeHandEstimator) -> str:
    return content_key(digest, sampling.key, estimator.name)


@functools.cache
def hand_estimator(mirror_invariant: bool = True) -> MediaPipeHandEstimator:
    """The hand model, one per process and mirror setting (its graphs serve every video); it takes the
    body pose's `pose.flip_test`: a mirror-invariant reading asked for."""
    return MediaPipeHandEstimator(mirror_invariant=mirror_invariant)


def cached_hands(path: str | Path, config: Config, sampling: Sampling) -> HandTrack | None:
    """The hands of a file sampled this way, when they were tracked before."""
    if not config.use_cache:
        return None
    key = hands_cache_key(file_digest(path), sampling, hand_estimator(config.pose.flip_test))
    cached = DiskCache(config.cache_dir, "hands").get(key)
    return None if cached is None else HandTrack.model_validate_json(gzip.decompress(cached))


def extract_hands(path: str | Path, config: Config, sampling: Sampling, frames: Iterable[Frame]) -> HandTrack:
    """The hands of a video's pose samples (`frames`), from the cache when tracked before."""
    if (cached := cached_hands(path, config, sampling)) is not None:
        return cached
    track = hand_estimator(config.pose.flip_test).track(frames)
    stored = track.model_dump_json()
    if config.use_cache:
        key = hands_cache_key(file_digest(path), sampling, hand_estimator(config.pose.flip_test))
        DiskCache(config.cache_dir, "hands").put(key, gzip.compress(stored.encode("utf-8"), compresslevel=5))
    return HandTrack.model_validate_json(stored)  # as the cache gives it back (see `extract_pose`)


def track_with_hands(
    path: str | Path,
    config: Config,
    sampling: Sampling,
    frames: Iterator[Frame],
    pose: Callable[[Iterator[Frame]], PoseTrack],
) -> PoseTrack:
    """The body track (`pose` over the frames) with its hands, both from one pass over `frames`: the
    hand graph on its own thread beside the body's; nothing is decoded when both are cached."""
    if cached_hands(path, config, sampling) is not None:
        return with_hands(pose(frames), extract_hands(path, config, sampling, ()))
    body, hands = fan_out(frames, [pose, lambda stream: extract_hands(path, config, sampling, stream)])
    return with_hands(cast(PoseTrack, body), cast(HandTrack, hands))


def with_hands(body: PoseTrack, hands: HandTrack) -> PoseTrack:
    """The body track carrying its hands: followed from frame to frame, glimpses left out, sides told
    by the body where it clearly shows a person (done here, not before caching, so the cache keeps
    what the model saw)."""
    if [f.index for f in hands.frames] != [f.index for f in body.frames]:
        raise ValueError(f"{body.video.path}: the hand and body tracks sampled different frames")
    return body.model_copy(update={"hands": sides_by_body(sides_by_continuity(hands), body)})
