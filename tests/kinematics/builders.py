"""Hand-built landmark tracks with known geometry, for exact tests of the kinematics stage."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from actiondiff.models import FrameSample, PoseTrack, VideoInfo
from actiondiff.pose import LANDMARK_NAMES

N = len(LANDMARK_NAMES)


def standing_world() -> np.ndarray:
    """A person facing the camera in MediaPipe world axes (x right in the image, y down, z away), metres.

    The person's left is image right (+x); hips at y = 0; every limb straight down.
    """
    points = np.zeros((N, 3))
    for side, sign in (("left", 1.0), ("right", -1.0)):
        for name, y, x in (
            ("shoulder", -0.5, 0.18), ("elbow", -0.21, 0.18), ("wrist", 0.04, 0.18), ("pinky", 0.1, 0.19),
            ("index", 0.11, 0.18), ("thumb", 0.09, 0.16), ("hip", 0.0, 0.1), ("knee", 0.44, 0.1),
            ("ankle", 0.87, 0.1), ("heel", 0.92, 0.1), ("foot_index", 0.94, 0.1),
        ):  # fmt: skip
            points[LANDMARK_NAMES.index(f"{side}_{name}")] = (sign * x, y, 0.0)
        points[LANDMARK_NAMES.index(f"{side}_foot_index"), 2] = -0.2  # toes point at the camera
    points[LANDMARK_NAMES.index("nose")] = (0.0, -0.75, -0.1)
    return points


def turned_world(degrees: float, n_frames: int = 20) -> np.ndarray:
    """`standing_world` turned about the vertical so its left hip goes `degrees` away from the camera
    (the camera then stands to the body's right), held for `n_frames` frames."""
    t = np.radians(degrees)
    rotation = np.array([[np.cos(t), 0.0, -np.sin(t)], [0.0, 1.0, 0.0], [np.sin(t), 0.0, np.cos(t)]])
    return np.repeat((standing_world() @ rotation.T)[None], n_frames, axis=0)


def one_arm_raised(degrees: float, n_frames: int = 20) -> np.ndarray:
    """`turned_world` with the left elbow and wrist lifted above the shoulder: a left-right asymmetry."""
    world = turned_world(degrees, n_frames)
    shoulder = world[:, LANDMARK_NAMES.index("left_shoulder")]
    for joint, height in (("left_elbow", 0.25), ("left_wrist", 0.5)):
        world[:, LANDMARK_NAMES.index(joint)] = shoulder - [0.0, height, 0.0]
    return world


def make_track(world: np.ndarray, fps: float = 10.0, size: tuple[int, int] = (640, 480)) -> PoseTrack:
    """A `PoseTrack` from world landmarks (T, 33, 3); image coordinates are a scaled front view."""
    n_frames = len(world)
    image = world.copy()
    image[..., 0] = 0.5 + 0.3 * world[..., 0] * size[1] / size[0]
    image[..., 1] = 0.5 + 0.3 * world[..., 1]
    info = VideoInfo(
        path=Path("synthetic.mp4"), container="mp4", codec="h264", width=size[0], height=size[1],
        rotation=0, fps=fps, duration_s=n_frames / fps, n_frames=n_frames,
    )  # fmt: skip
    return PoseTrack(
        video=info,
        frames=[FrameSample(index=i, timestamp=i / fps) for i in range(n_frames)],
        landmark_names=list(LANDMARK_NAMES),
        image_xyz=image,
        world_xyz=world,
        visibility=np.where(np.isnan(world[..., 0]), np.nan, 0.99),
        model="hand-built",
    )


def _eased(n_frames: int) -> np.ndarray:
    """0 to 1 over `n_frames` samples, slow at both ends (half a cosine)."""
    return (1.0 - np.cos(np.linspace(0.0, np.pi, n_frames))) / 2


def _held(world: np.ndarray, seconds: float, fps: float) -> np.ndarray:
    return np.repeat(world[None], round(seconds * fps), axis=0)


FEET = [
    LANDMARK_NAMES.index(f"{side}_{joint}")
    for side in ("left", "right")
    for joint in ("ankle", "heel", "foot_index")
]


def jumping_world(fps: float = 30.0, flight_s: float = 0.44, height_m: float = 0.25) -> np.ndarray:
    """`standing_world` doing one countermovement jump: 0.5 s still, a 0.12 m dip of all but the feet,
    the push back up, a ballistic flight of `flight_s` rising `height_m`, a landing that gives 0.1 m,
    then 0.7 s still. World y is down."""
    still = standing_world()
    body = np.ones(N, dtype=bool)
    body[FEET] = False

    def dipped(depth: np.ndarray) -> np.ndarray:
        frames = np.repeat(still[None], len(depth), axis=0)
        frames[:, body, 1] += depth[:, None]
        return frames

    down = 0.12 * _eased(round(0.3 * fps))
    up = 0.12 * (1.0 - _eased(round(0.2 * fps)))
    t = np.linspace(0.0, 1.0, round(flight_s * fps) + 1)[1:-1]
    flight = np.repeat(still[None], len(t), axis=0)
    flight[..., 1] -= (4.0 * height_m * t * (1.0 - t))[:, None]
    absorb = 0.1 * np.sin(np.linspace(0.0, np.pi, round(0.4 * fps)))
    return np.concatenate(
        [_held(still, 0.5, fps), dipped(down), dipped(up), flight, dipped(absorb), _held(still, 0.7, fps)]
    )


HANDS = [LANDMARK_NAMES.index(f"{side}_{joint}") for side in ("left", "right")
         for joint in ("wrist", "pinky", "index", "thumb")]  # fmt: skip


def swinging_world(
    fps: float = 30.0, backswing_s: float = 0.9, pause_s: float = 0.0, through_s: float = 0.5
) -> np.ndarray:
    """`standing_world` swinging a club: both hands together on a 0.6 m circle about the shoulders, from
    address (below them) back 135 degrees to the top over `backswing_s`, held `pause_s`, then through
    address, fastest there, to 135 degrees the other side over `through_s`; 0.5 s still at each end."""
    still = standing_world()
    offsets = still[HANDS] - still[HANDS].mean(axis=0)

    def at(angles: np.ndarray) -> np.ndarray:
        frames = np.repeat(still[None], len(angles), axis=0)
        radians = np.radians(angles)
        centre = np.stack(
            [0.6 * np.sin(radians), -0.5 + 0.6 * np.cos(radians), np.full_like(radians, -0.2)], 1
        )
        frames[:, HANDS] = centre[:, None] + offsets
        return frames

    back = -135.0 * _eased(round(backswing_s * fps))
    through = -135.0 + 270.0 * _eased(round(through_s * fps))
    return np.concatenate(
        [
            at(np.zeros(round(0.5 * fps))),
            at(back),
            at(np.full(round(pause_s * fps), -135.0)),
            at(through),
            at(np.full(round(0.5 * fps), 135.0)),
        ]
    )


def spliced(*parts: tuple[PoseTrack, np.ndarray | range]) -> PoseTrack:
    """Rows of real tracks played one after another on the first track's time grid: a row repeated is a
    frozen frame (a stuck bottom), rows skipped play faster, another track's rows are a camera cut."""
    first = parts[0][0]
    fps = first.video.fps
    rows = [(track, np.asarray(r, dtype=int)) for track, r in parts]
    count = sum(len(r) for _, r in rows)

    def joined(name: str) -> np.ndarray:
        return np.concatenate([getattr(track, name)[r] for track, r in rows])

    step = first.timestamps[1] - first.timestamps[0]
    frames = [FrameSample(index=round(i * step * fps), timestamp=round(i * step, 4)) for i in range(count)]
    video = first.video.model_copy(update={"duration_s": count * step, "n_frames": round(count * step * fps)})
    return first.model_copy(
        update={
            "video": video,
            "frames": frames,
            "image_xyz": joined("image_xyz"),
            "world_xyz": joined("world_xyz"),
            "visibility": joined("visibility"),
        }
    )
