"""MediaPipe BlazePose (full model, shipped inside the mediapipe 0.10.14 wheel) on sampled frames."""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import threading
import types
import warnings
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from actiondiff.models import FrameSample, PerformerChoice, PoseTrack, VideoInfo
from actiondiff.pose.landmarks import LANDMARK_NAMES, MIRRORED, N_LANDMARKS
from actiondiff.pose.people import (
    MAX_JUMP,
    OPENING_S,
    SIZE_CHANGE,
    Landmarks,
    chosen,
    distinct,
    implausible,
    jump,
    link,
    masked,
    seen,
    size_change,
)
from actiondiff.threads import fan_out
from actiondiff.video import Frame

MODEL_NAME = "mediapipe-0.10.14/pose_landmark_full"
FLIP_TEST = "+flip-test"
"""Suffix of the model name when every frame is also posed mirrored (see `MediaPipePoseEstimator`)."""
PEOPLE_PROBES = 5
"""Frames of the first second posed again, with the first body masked, to look for a second person."""
PEOPLE_FOUND = 2
"""Probes that must find a second body before every frame is posed for several people."""

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


LEAN_PACKAGES = ("mediapipe", "mediapipe.python.solutions")
"""Packages whose `__init__` is skipped when the pose solution loads: between them they import every
mediapipe solution and task, OpenCV, matplotlib and sounddevice (+64 MiB, 0.35 s), none of which the
pose graph uses."""


def _lean_packages() -> None:
    """Register `LEAN_PACKAGES` as bare packages (their folders, no `__init__` run), unless mediapipe
    is already imported. A later `import mediapipe.x` still finds its submodules; the top package's
    own names (`mediapipe.solutions`, `__version__`) are then absent."""
    if "mediapipe" in sys.modules:
        return
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        return  # not installed: the import below says so
    root = Path(next(iter(spec.submodule_search_locations)))
    for name in LEAN_PACKAGES:
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
        sys.modules[name] = package


def _load_solution() -> Any:
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # mediapipe's generated protobuf code calls an API protobuf deprecated; nothing for us to act on
    warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype\(\) is deprecated")
    _lean_packages()
    from mediapipe.python import ImageFormat, packet_creator
    from mediapipe.python.solutions import pose as mp_pose

    # The bindings set up their numpy interface on the first array they are given, and two threads
    # doing that at once deadlock (each graph's first frame arrives on its own thread): give one here.
    packet_creator.create_image_frame(np.zeros((1, 1, 3), np.uint8), image_format=ImageFormat.SRGB)
    return mp_pose


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


def _unmirror(found: Landmarks | None) -> Landmarks | None:
    """Landmarks found on a mirrored image, put back on the original: x reflected, left and right swapped."""
    if found is None:
        return None
    image, world, visibility = (values[list(MIRRORED)] for values in found)
    return image * [-1.0, 1.0, 1.0] + [1.0, 0.0, 0.0], world * [-1.0, 1.0, 1.0], visibility


def _flip_test(found: Landmarks | None, mirrored: Landmarks | None) -> Landmarks | None:
    """The mean of a frame's landmarks and its mirror image's (already put back), or whichever was found."""
    if found is None or mirrored is None:
        return found if mirrored is None else mirrored
    image, world, visibility = ((a + b) / 2 for a, b in zip(found, mirrored, strict=True))
    return image.astype(np.float32), world.astype(np.float32), visibility.astype(np.float32)


def _performers_flip_test(
    found: Landmarks | None, mirrored: Landmarks | None, aspect: float
) -> Landmarks | None:
    """`_flip_test` when several people show: only the performer's own mirror image counts."""
    if found is None or mirrored is None or jump(found, mirrored, aspect) > MAX_JUMP:
        return found
    return _flip_test(found, mirrored)


def _flip_tested(passes: Sequence[list[Landmarks | None]]) -> list[Landmarks | None]:
    """The landmarks of one pass, or, given a mirrored pass too, `_flip_test` of both."""
    if len(passes) == 1:
        return passes[0]
    return [_flip_test(one, _unmirror(back)) for one, back in zip(*passes, strict=True)]


def _opening(frames: Iterator[Frame], opening: list[Frame], after: list[Frame]) -> Iterator[Frame]:
    """The frames of the first `OPENING_S` seconds, each also kept in `opening`; the frame after them
    goes to `after` (the rest is what `frames` has left)."""
    for frame in frames:
        if opening and frame.sample.timestamp - opening[0].sample.timestamp >= OPENING_S:
            after.append(frame)
            return
        opening.append(frame)
        yield frame


def _recorded(frames: Iterable[Frame], samples: list[FrameSample]) -> Iterator[Frame]:
    """The frames, each one's sample added to `samples` as it passes."""
    for frame in frames:
        samples.append(frame.sample)
        yield frame


def _close_all(graphs: dict[str, Any]) -> None:
    for graph in graphs.values():
        graph.close()
    graphs.clear()


Window = tuple[int, int, int, int]
"""A part of the frame in pixels: left, top, right, bottom."""
SMALL_PERFORMER = 0.3
"""A body whose landmark box is lower than this share of the frame (median over the first second) is
posed a second time on a window around it (`_small_window`): the detector sees the whole frame at
224 x 224, where such a body is a few dozen pixels high."""
WINDOW_HEIGHTS = 2.5
"""The window's side, in the body's heights (it still holds the body when it moves a little)."""


def _small_window(first: Sequence[Landmarks | None], shape: tuple[int, ...]) -> Window | None:
    """The window a small performer is posed again on: a square of `WINDOW_HEIGHTS` body heights (at
    least the box of all its first-second poses) around where it stood; None when it is not small."""
    found = [f[0][:, :2] for f in first if f is not None]
    if not found:
        return None
    height, width = shape[:2]
    tall = float(np.median([np.ptp(xy[:, 1]) for xy in found]))
    if tall >= SMALL_PERFORMER:
        return None
    points = np.concatenate(found) * [width, height]
    low, high = points.min(axis=0), points.max(axis=0)
    side = round(min(max(WINDOW_HEIGHTS * tall * height, *(high - low)), width, height))
    left, top = np.clip(np.rint((low + high - side) / 2), 0, [width - side, height - side]).astype(int)
    return int(left), int(top), int(left) + side, int(top) + side


def _in_frame(
    found: Landmarks | None, window: Window, shape: tuple[int, ...], mirrored: bool
) -> Landmarks | None:
    """Landmarks found on `window` (mirrored or not) put into the frame's own coordinates (mirrored
    as the whole frame would be, for `_unmirror`)."""
    if found is None:
        return None
    height, width = shape[:2]
    left, top, right, bottom = window
    image = found[0].astype(np.float64)
    x = image[:, 0] if not mirrored else 1.0 - image[:, 0]
    x = (left + x * (right - left)) / width
    image[:, 0] = x if not mirrored else 1.0 - x
    image[:, 1] = (top + image[:, 1] * (bottom - top)) / height
    image[:, 2] *= (right - left) / width
    return image.astype(np.float32), found[1], found[2]


def _posing(
    graph: Any,
    *,
    mirrored: bool = False,
    on_frame: Callable[[FrameSample], None] | None = None,
    window: Window | None = None,
) -> Callable[[Iterator[Frame]], list[Landmarks | None]]:
    """A consumer of frames that poses each (mirrored, or as it is; the whole frame or `window`) with
    this tracker."""

    def run(stream: Iterator[Frame]) -> list[Landmarks | None]:
        found = []
        for frame in stream:
            image = frame.image
            if window is not None:
                image = image[window[1] : window[3], window[0] : window[2]]
            image = np.ascontiguousarray(image[:, ::-1]) if mirrored else image
            landmarks = _landmarks(graph.process(image))
            if window is not None:
                landmarks = _in_frame(landmarks, window, frame.image.shape, mirrored)
            found.append(landmarks)
            if on_frame is not None:
                on_frame(frame.sample)
        return found

    return run


class MediaPipePoseEstimator:
    """Body landmarks per frame. Frames are tracked in order, so give them in time order.

    With `flip_test` each frame is also posed mirrored (a second tracker on the mirrored stream) and
    the two are averaged, so the track of a mirrored video is exactly the mirror of the video's track:
    the model alone is not left-right symmetric (on real footage a mirrored clip read a 14-deg deeper
    knee). It doubles the model's time. Smoothing is left to the kinematics stage, which knows the
    true frame spacing.

    With `people` > 1, `PEOPLE_PROBES` frames of the first second are posed again with the first
    body masked out; only when a second body is found in `PEOPLE_FOUND` of them does every frame get
    the extra passes (one per further person), and the track follows the main performer chosen as
    `actiondiff.pose.people` describes, recorded in `PoseTrack.performer`.
    """

    def __init__(
        self,
        model_complexity: int = 1,
        min_detection_confidence: float = 0.5,
        *,
        flip_test: bool = False,
        people: int = 1,
    ) -> None:
        self.model_complexity = model_complexity
        self.min_detection_confidence = min_detection_confidence
        self.flip_test = flip_test
        self.people = people
        self.name = MODEL_NAME + (FLIP_TEST if flip_test else "")
        self._graphs: dict[str, Any] = {}
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._graphs)

    @property
    def loaded(self) -> bool:
        """Whether its graphs are made (a video was tracked): a later video finds them started."""
        return bool(self._graphs)

    def _model(self, *, static: bool = False) -> Any:
        return _load_solution().Pose(
            static_image_mode=static,
            model_complexity=self.model_complexity,
            smooth_landmarks=False,
            enable_segmentation=False,
            min_detection_confidence=self.min_detection_confidence,
        )

    def _graph(self, role: str, *, static: bool = False) -> Any:
        """The graph playing this role, made on its first use and kept for the next videos (`track`
        resets it): a graph holds ~85 MiB and takes a while to start."""
        if role not in self._graphs:
            self._graphs[role] = self._model(static=static)
        return self._graphs[role]

    def track(
        self,
        video: VideoInfo,
        frames: Iterable[Frame],
        on_frame: Callable[[FrameSample], None] | None = None,
        performer: tuple[float, float] | None = None,
    ) -> PoseTrack:
        """Run the model on every frame and collect a `PoseTrack` (NaN where nobody was found).

        `performer` (x, y as fractions of the first frame) picks the main performer: the person nearest
        it is followed, however many people show.

        The frames are decoded on this thread while the tracker runs on another and the flip test's
        mirrored tracker on a third, so both cores work on one video (with several people in the
        opening, the tracker and the finders run on this thread: see `_follow_performer`). One video is
        tracked at a time.
        """
        with self._lock:
            for graph in self._graphs.values():
                graph.reset()  # as good as new: the same track as a fresh graph's
            tracker = self._graph("tracker")
            mirror = self._graph("mirror") if self.flip_test else None
            samples: list[FrameSample] = []

            def windowed(window: Window) -> list[Callable[[Iterator[Frame]], list[Landmarks | None]]]:
                """Consumers posing `window` of each frame by the window's own trackers (as `posed`)."""
                streams = [_posing(self._graph("window"), window=window)]
                if mirror is not None:
                    streams += [_posing(self._graph("window mirror"), mirrored=True, window=window)]
                return streams

            def posed(frames: Iterable[Frame], window: Window | None = None) -> list[list[Landmarks | None]]:
                """The tracker's landmarks of the frames (and the mirrored tracker's, not yet put back),
                then those of `window`'s trackers."""
                streams = [_posing(tracker, on_frame=on_frame)]
                streams += [_posing(mirror, mirrored=True)] if mirror is not None else []
                streams += windowed(window) if window is not None else []
                return fan_out(_recorded(frames, samples), streams)

            remaining = iter(frames)
            opening: list[Frame] = []
            after: list[Frame] = []
            with _quiet_graph_start():  # until the graphs have run their first frame
                first = posed(_opening(remaining, opening, after))
            height, width = opening[0].image.shape[:2] if opening else (1, 1)
            aspect = width / height
            rest = chain(after, remaining)
            choice: PerformerChoice | None = None
            picked = performer is not None and any(found is not None for found in first[0])
            if picked or (self.people > 1 and self._others_found(opening, first[0], aspect)):
                if mirror is not None:
                    mirror.reset()  # it posed the opening unmasked: it starts again on the performer alone
                rows, choice = self._follow_performer(
                    opening, first[0], _recorded(rest, samples), aspect, on_frame, performer
                )
            else:
                window = _small_window(first[0], opening[0].image.shape) if opening else None
                if window is not None:  # a small performer: its window is posed too, and preferred
                    with _quiet_graph_start():
                        first += fan_out(iter(opening), windowed(window))
                passes = [before + then for before, then in zip(first, posed(rest, window), strict=True)]
                whole = 2 if mirror is not None else 1
                rows = _flip_tested(passes[:whole])
                if window is not None:
                    near = _flip_tested(passes[whole:])
                    rows = [close or far for far, close in zip(rows, near, strict=True)]
        return self._pose_track(video, samples, rows, choice)

    def _follow_performer(
        self,
        opening: Sequence[Frame],
        first: Sequence[Landmarks | None],
        rest: Iterator[Frame],
        aspect: float,
        on_frame: Callable[[FrameSample], None] | None,
        point: tuple[float, float] | None = None,
    ) -> tuple[list[Landmarks | None], PerformerChoice]:
        """The main performer's landmarks on every frame (the opening's, as the tracker found them in
        `first`, and the rest's) and how the performer was chosen; see the class's description.

        The tracker and finders run on this thread (a frame's view depends on the tracker's pass), the
        mirrored tracker on another (the performer's view of a frame is known before its pass)."""
        tracker = self._graph("tracker")
        mirror = self._graph("mirror") if self.flip_test else None
        finders = [self._graph(f"finder {k}") for k in range(1, max(self.people, 2))]

        def others_of(image: np.ndarray, bodies: list[Landmarks]) -> list[Landmarks]:
            """Further bodies, each found with the ones before it masked out."""
            for finder in finders:
                if (more := _landmarks(finder.process(masked(image, bodies)))) is None:
                    break
                bodies = distinct([*bodies, more], aspect)
            return bodies

        seen_first = [
            others_of(frame.image, [] if found is None else [found])
            for frame, found in zip(opening, first, strict=True)
        ]
        people = link(seen_first, aspect)
        figures = [seen(person, aspect) for person in people]
        main = chosen(figures, people, point, aspect)
        performer: list[Landmarks | None] = []
        times: list[float] = []

        def followed(last: Landmarks | None, since: int, found: Landmarks | None) -> bool:
            """Whether `found` can be the performer last seen `since` samples ago as `last`."""
            return found is not None and (
                last is None
                or (
                    jump(last, found, aspect) <= MAX_JUMP * since
                    and size_change(last, found, aspect) <= SIZE_CHANGE**since
                )
            )

        def follow(
            frame: Frame, last: Landmarks | None, since: int, others: list[Landmarks] | None
        ) -> tuple[Landmarks | None, np.ndarray]:
            """The performer's pose on one frame (None if not found near `last`, seen `since` samples
            before) and the view it was found on: the frame as it is while the tracker keeps the
            performer (so a second person in view changes nothing), else the frame posed afresh with the
            others (`others`, or found again when None) masked out."""
            found = _landmarks(tracker.process(frame.image))
            if followed(last, since, found):
                return found, frame.image
            if others is None:
                for finder in finders:
                    finder.reset()  # its last frame may be long ago: it looks afresh
                others = [] if last is None else others_of(frame.image, [last])[1:]
            view = masked(frame.image, others)
            tracker.reset()
            found = _landmarks(tracker.process(view))
            return (found if followed(last, since, found) else None), view

        def performer_views() -> Iterator[Frame]:
            """Each frame as the performer's tracker saw it, the performer's landmarks on it added to
            `performer`. In the opening: the tracker's own poses if it followed the performer there,
            else the opening followed again (its poses checked against the finders' of the performer,
            which stand in where it finds none)."""
            last: Landmarks | None = None
            since = 0
            own = all(row is None or row is found for row, found in zip(people[main], first, strict=True))
            if not own:
                tracker.reset()
            for frame, row, bodies in zip(opening, people[main], seen_first, strict=True):
                others = [body for body in bodies if body is not row]
                found, view = (
                    (row, frame.image) if own else follow(frame, row or last, 1 if row else since, others)
                )
                found = found or row
                performer.append(found)
                times.append(frame.sample.timestamp)
                # the mirrored tracker, reset, is shown the others masked out until it found the performer
                yield Frame(frame.sample, masked(frame.image, others) if last is None else view)
                last, since = (found, 1) if found is not None else (last, since + 1)
            for frame in rest:
                found, view = follow(frame, last, since, None)
                performer.append(found)
                times.append(frame.sample.timestamp)
                if on_frame is not None:
                    on_frame(frame.sample)
                yield Frame(frame.sample, view)
                last, since = (found, 1) if found is not None else (last, since + 1)

        if mirror is None:
            for _ in performer_views():
                pass
            rows = performer
        else:
            (mirrored,) = fan_out(performer_views(), [_posing(mirror, mirrored=True)])
            rows = [
                _performers_flip_test(found, _unmirror(back), aspect)
                for found, back in zip(performer, mirrored, strict=True)
            ]
        lost = sum(found is None for found in performer[len(opening) :])
        odd = implausible(rows, times, aspect)
        rows = [None if drop else found for found, drop in zip(rows, odd, strict=True)]
        return rows, PerformerChoice(
            people=figures, chosen=main, lost_frames=lost, dropped_frames=sum(odd), picked=point
        )

    def _pose_track(
        self,
        video: VideoInfo,
        samples: list[FrameSample],
        rows: Sequence[Landmarks | None],
        choice: PerformerChoice | None,
    ) -> PoseTrack:
        missing = np.full((N_LANDMARKS, 3), np.nan, dtype=np.float32)
        filled = [found if found is not None else (missing, missing, missing[:, 0]) for found in rows]
        empty = np.zeros((0, N_LANDMARKS, 3), dtype=np.float32)
        image, world, visibility = (np.stack(column) for column in zip(*filled, strict=True)) if filled else (
            empty, empty, empty[:, :, 0])  # fmt: skip
        return PoseTrack(
            video=video,
            frames=samples,
            landmark_names=list(LANDMARK_NAMES),
            image_xyz=image,
            world_xyz=world,
            visibility=visibility,
            model=self.name,
            performer=choice,
        )

    def people_in(self, image: np.ndarray, most: int) -> list[Landmarks]:
        """Up to `most` people in one picture, each posed afresh with the ones found before masked out."""
        height, width = image.shape[:2]
        with self._lock, _quiet_graph_start():
            probe = self._graph("probe", static=True)
            bodies: list[Landmarks] = []
            while len(bodies) < most and (found := _landmarks(probe.process(masked(image, bodies)))):
                more = distinct([*bodies, found], width / height)
                if len(more) == len(bodies):
                    break
                bodies = more
            probe.reset()
        return bodies

    def _others_found(
        self, opening: Sequence[Frame], first: Sequence[Landmarks | None], aspect: float
    ) -> bool:
        """Whether a second body shows in `PEOPLE_FOUND` of `PEOPLE_PROBES` opening frames, each posed
        afresh with the first body masked out."""
        posed = [k for k, found in enumerate(first) if found is not None]
        if not posed:
            return False
        probes = [posed[round(k)] for k in np.linspace(0, len(posed) - 1, PEOPLE_PROBES)]
        probe = self._graph("probe", static=True)
        hits = 0
        for k in dict.fromkeys(probes):
            found = first[k]
            assert found is not None
            other = _landmarks(probe.process(masked(opening[k].image, [found])))
            hits += other is not None and len(distinct([found, other], aspect)) == 2
        return hits >= PEOPLE_FOUND


class PersonMasks:
    """The pose model's segmentation of the body it follows, frame after frame (a person cut out of
    one video to be pasted into another: `actiondiff.video.edits.Paste`)."""

    def __init__(self, model_complexity: int = 1) -> None:
        self._graph = _load_solution().Pose(
            static_image_mode=False,
            model_complexity=model_complexity,
            smooth_landmarks=True,
            enable_segmentation=True,
            smooth_segmentation=True,
        )
        weakref.finalize(self, self._graph.close)

    def of(self, image: np.ndarray) -> np.ndarray:
        """The body's mask (0..1, the image's size; zeros when nobody is found)."""
        result = self._graph.process(image)
        if result.segmentation_mask is None:
            return np.zeros(image.shape[:2], np.float32)
        return np.asarray(result.segmentation_mask, dtype=np.float32)
