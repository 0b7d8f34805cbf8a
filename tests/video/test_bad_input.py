"""Every unreadable video raises `VideoError` naming the file and the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.errors import VideoError
from actiondiff.video import Sampling, check_performance, probe, read_frames, write_video
from tests.conftest import VideoFactory
from tests.support.bad_videos import audio_only, photo_named_as_video, zero_frames


def _assert_video_error(path: Path, cause: str) -> None:
    with pytest.raises(VideoError, match=cause) as caught:
        probe(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    _assert_video_error(tmp_path / "nope.mp4", "no such file")


def test_directory(tmp_path: Path) -> None:
    _assert_video_error(tmp_path, "not a regular file")


def test_text_file_with_a_video_name(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video at all\n")
    _assert_video_error(path, "not a readable video")


def test_zero_frames(tmp_path: Path) -> None:
    _assert_video_error(zero_frames(tmp_path / "empty.avi"), "no decodable video frames")


def test_unsupported_codec(make_video: VideoFactory) -> None:
    path = make_video("clip.avi", codec="mpeg4", container="avi")
    path.write_bytes(path.read_bytes().replace(b"FMP4", b"QQQQ"))
    _assert_video_error(path, "codec that this build cannot decode")


def test_truncated_mp4_without_index(make_video: VideoFactory) -> None:
    path = make_video("clip.mp4", n_frames=60)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _assert_video_error(path, "truncated or not a video")


def test_audio_only(tmp_path: Path) -> None:
    _assert_video_error(audio_only(tmp_path / "speech.m4a"), "no video stream")


def test_empty_sampling_window(make_video: VideoFactory) -> None:
    path = make_video(n_frames=30, fps=30)
    with pytest.raises(VideoError, match="empty sampling window"):
        read_frames(path, Sampling(fps=5, start_s=3.0))


def test_a_photo_named_as_a_video_is_not_a_performance(real_person_photo: Path, tmp_path: Path) -> None:
    path = photo_named_as_video(real_person_photo, tmp_path / "photo.mp4")
    with pytest.raises(VideoError, match="single still picture") as caught:
        check_performance(path)
    assert str(path) in str(caught.value)


def test_a_few_copies_of_one_picture_are_not_a_performance(
    real_person_photo: Path, make_video: VideoFactory, tmp_path: Path
) -> None:
    import cv2

    image = cv2.cvtColor(cv2.imread(str(real_person_photo)), cv2.COLOR_BGR2RGB)
    still = tmp_path / "still.mp4"
    write_video(still, [image[:480, :640]] * 4, fps=10)
    with pytest.raises(VideoError, match="its 4 frames all show the same image"):
        check_performance(still)
    moving = make_video(n_frames=4)  # each frame's brightness differs
    assert check_performance(moving).n_frames == 4
