"""The real BlazePose model on a real photograph and on a video made from it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from actiondiff.config import Config
from actiondiff.models import FrameSample, PoseTrack, VideoInfo
from actiondiff.pose import MediaPipePoseEstimator, draw_skeleton, extract_pose, pose_sampling
from actiondiff.pose.draw import BOX_COLOUR, draw_performer_box
from actiondiff.pose.landmarks import MIRRORED
from actiondiff.video import Frame, probe, write_video


def _photo(path: Path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="module")
def photo_track(real_person_photo: Path, tmp_path_factory: pytest.TempPathFactory) -> PoseTrack:
    """Pose of a 1-second video that pans slowly over the real photograph."""
    image = _photo(real_person_photo)
    frames = [np.roll(image, shift=2 * i, axis=1) for i in range(10)]
    path = tmp_path_factory.mktemp("photo") / "pan.mp4"
    write_video(path, frames, fps=10)
    return extract_pose(path, Config(cache_dir=path.parent / "cache"))


def test_landmarks_land_on_the_body(photo_track: PoseTrack) -> None:
    assert photo_track.detection_rate >= 0.9
    xy = photo_track.image_xyz[photo_track.detected][:, :, :2]
    names = photo_track.landmark_names
    shoulder_y = xy[:, [names.index("left_shoulder"), names.index("right_shoulder")], 1].mean(axis=1)
    hip_y = xy[:, [names.index("left_hip"), names.index("right_hip")], 1].mean(axis=1)
    ankle_y = xy[:, [names.index("left_ankle"), names.index("right_ankle")], 1].mean(axis=1)
    assert np.all(shoulder_y < hip_y) and np.all(hip_y < ankle_y)
    # The person stands in the left fifth of the photo (a man holding a basketball).
    hip_x = xy[:, names.index("left_hip"), 0]
    assert np.all((hip_x > 0.05) & (hip_x < 0.3))
    world = photo_track.world_xyz[photo_track.detected]
    height = np.abs(world[:, names.index("nose"), 1] - world[:, names.index("left_ankle"), 1])
    assert np.all((height > 1.0) & (height < 2.2)), "metric world landmarks span a human height"


def test_empty_image_gives_nan_rows(real_person_photo: Path) -> None:
    info = probe_like(real_person_photo)
    blank = Frame(FrameSample(index=0, timestamp=0.0), np.zeros((240, 320, 3), np.uint8))
    track = MediaPipePoseEstimator().track(info, [blank])
    assert track.detection_rate == 0.0
    assert np.isnan(track.image_xyz).all()


def probe_like(photo: Path) -> object:
    from actiondiff.models import VideoInfo

    return VideoInfo(
        path=photo, container="image", codec="png", width=640, height=480, rotation=0, fps=1.0,
        duration_s=1.0, n_frames=1,
    )  # fmt: skip


def test_cache_returns_the_same_track_without_running_the_model(
    photo_track: PoseTrack, tmp_path: Path
) -> None:
    config = Config(cache_dir=photo_track.video.path.parent / "cache")
    calls: list[FrameSample] = []
    again = extract_pose(photo_track.video.path, config, on_frame=calls.append)
    assert calls == []
    np.testing.assert_allclose(again.image_xyz, photo_track.image_xyz, atol=1e-5)


def test_track_json_round_trip_keeps_missing_frames(photo_track: PoseTrack) -> None:
    track = photo_track.model_copy(deep=True)
    track.image_xyz[0] = np.nan
    restored = PoseTrack.model_validate_json(track.model_dump_json())
    assert np.isnan(restored.image_xyz[0]).all()
    np.testing.assert_allclose(restored.image_xyz[1:], track.image_xyz[1:], atol=1e-5)
    assert restored.frames == track.frames


def test_skeleton_is_drawn_where_the_landmarks_are(photo_track: PoseTrack, real_person_photo: Path) -> None:
    image = _photo(real_person_photo)
    drawn = draw_skeleton(image, photo_track.image_xyz[0, :, :2], photo_track.visibility[0])
    changed = np.argwhere(np.any(drawn != image, axis=2))
    assert len(changed) > 500
    assert changed[:, 1].max() < 0.35 * image.shape[1], "drawing stays on the person"


def test_the_measured_performers_box_frames_the_landmarks(
    photo_track: PoseTrack, real_person_photo: Path
) -> None:
    image = _photo(real_person_photo)
    points = photo_track.image_xyz[0, :, :2]
    boxed = np.argwhere(np.all(draw_performer_box(image, points) == BOX_COLOUR, axis=2))
    width = image.shape[1]
    assert len(boxed) > 200
    assert (
        boxed[:, 1].min()
        <= np.nanmin(points[:, 0]) * width
        <= np.nanmax(points[:, 0]) * width
        <= boxed[:, 1].max()
    )


def test_probe_of_pan_video(photo_track: PoseTrack) -> None:
    assert probe(photo_track.video.path).n_frames == 10


def test_flip_test_reads_a_mirrored_photo_as_the_mirror_of_the_photo(real_person_photo: Path) -> None:
    image = _photo(real_person_photo)
    info = probe_like(real_person_photo)
    estimator = MediaPipePoseEstimator(flip_test=True)
    assert estimator.name.endswith("+flip-test")
    (plain, mirrored) = (
        estimator.track(info, [Frame(FrameSample(index=0, timestamp=0.0), np.ascontiguousarray(picture))])
        for picture in (image, image[:, ::-1])
    )
    # Mirrored back (x reflected, left and right swapped), the mirrored photo's landmarks are the photo's.
    back = mirrored.image_xyz[0][list(MIRRORED)] * [-1.0, 1.0, 1.0] + [1.0, 0.0, 0.0]
    np.testing.assert_allclose(back[:, :2], plain.image_xyz[0][:, :2], atol=2e-3)
    world_back = mirrored.world_xyz[0][list(MIRRORED)] * [-1.0, 1.0, 1.0]
    np.testing.assert_allclose(world_back, plain.world_xyz[0], atol=2e-3)


@pytest.mark.parametrize(
    ("duration_s", "fps", "step_s"), [(1.67, 60.0, 1 / 30), (6.2, 25.0, 0.04), (6.4, 60.0, 0.04)]
)
def test_clips_of_a_few_seconds_are_posed_densely_enough_to_time_to_0_04_s(
    duration_s: float, fps: float, step_s: float
) -> None:
    info = VideoInfo(path=Path("clip.mp4"), container="mp4", codec="h264", width=640, height=480, rotation=0,
                     fps=fps, duration_s=duration_s, n_frames=round(duration_s * fps))  # fmt: skip
    sampling = pose_sampling(Config(), info)
    assert sampling.fps is not None and 1 / sampling.fps == pytest.approx(step_s, abs=1e-3)
