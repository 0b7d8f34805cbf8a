"""Bad and unusual video files: a clean error naming file and cause, or frames that make sense."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from actiondiff.errors import VideoError
from actiondiff.video import Sampling, probe, read_frames
from tests.conftest import VideoFactory
from tests.reliability.conftest import assert_clean_failure, run_cli, run_main
from tests.support.bad_videos import audio_only, photo_named_as_video, zero_frames


def _without_moov(make_video: VideoFactory) -> Path:
    """An mp4 cut before its index (the moov atom sits at the end), like a broken download."""
    path = make_video("download.mp4", n_frames=60)
    data = path.read_bytes()
    path.write_bytes(data[: data.rindex(b"moov") - 4])
    return path


BAD_FILES: dict[str, tuple[Callable[[Path, VideoFactory], Path], str]] = {
    "missing": (lambda d, _: d / "nope.mp4", "no such file"),
    "text with a video extension": (
        lambda d, _: _write(d / "notes.mp4", b"not a video\n"),
        "not a readable video",
    ),
    "zero bytes": (lambda d, _: _write(d / "empty.mp4", b""), "the file is empty"),
    "zero frames": (lambda d, _: zero_frames(d / "no-frames.avi"), "no decodable video frames"),
    "truncated mp4 (moov missing)": (lambda _, make: _without_moov(make), "truncated or not a video"),
    "audio only": (lambda d, _: audio_only(d / "speech.mp4"), "has no video stream (streams: audio)"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", BAD_FILES)
def test_unusable_file_is_a_clean_cli_error(
    case: str, tmp_path: Path, make_video: VideoFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    build, cause = BAD_FILES[case]
    path = build(tmp_path, make_video)
    with pytest.raises(VideoError, match=re.escape(cause)):
        probe(path)
    assert_clean_failure(run_main(capsys, "info", path), 3, str(path), cause)


def test_unreadable_file_is_a_clean_cli_error(
    tmp_path_factory: pytest.TempPathFactory, make_video: VideoFactory
) -> None:
    """chmod 000 binds root only without its capabilities, so the CLI runs with them dropped."""
    folder = tmp_path_factory.mktemp("open", numbered=True)
    folder.chmod(0o755)
    for parent in folder.parents:  # pytest's base folder is private to the user
        if parent.stat().st_mode & 0o005 != 0o005 and parent != Path("/"):
            parent.chmod(parent.stat().st_mode | 0o005)
    path = folder / "locked.mp4"
    path.write_bytes(make_video().read_bytes())
    path.chmod(0)
    assert_clean_failure(run_cli("info", path, unprivileged=True), 3, str(path), "permission denied")


def test_single_frame_video(make_video: VideoFactory) -> None:
    path = make_video(n_frames=1)
    info = probe(path)
    frames = read_frames(path, Sampling(fps=10))
    assert info.n_frames == 1 and len(frames) == 1 and frames[0].sample.index == 0


CHUNKS = {"avi": (b"movi", b"idx1"), "mp4": (b"mdat", b"moov")}
"""Where each container keeps its packets: from the data chunk to the index after it."""


@pytest.mark.parametrize(("codec", "container"), [("mpeg4", "avi"), ("libx264", "mp4")])
def test_corrupt_packets_mid_stream_are_skipped(
    codec: str, container: str, make_video: VideoFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Bytes flipped in the middle of the packet data: damaged packets are skipped with a warning."""
    path = make_video(f"clip.{container}", n_frames=90, size=(128, 96), codec=codec, container=container)
    data = bytearray(path.read_bytes())
    start, end = (data.index(marker) for marker in CHUNKS[container])
    middle = range(start + (end - start) * 2 // 5, start + (end - start) * 3 // 5)
    for i in random.Random(7).sample(middle, len(middle) // 10):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="actiondiff.video"):
        frames = read_frames(path, Sampling(fps=30))
    assert len(frames) >= 45, "most frames must survive"
    assert frames[0].sample.index == 0 and frames[-1].sample.timestamp > 2.5, "start and end must survive"
    indices = [f.sample.index for f in frames]
    assert indices == sorted(set(indices))
    assert any(word in caplog.text for word in ("corrupt packet", "stream ends early")), caplog.text


def test_16x16_video(make_video: VideoFactory) -> None:
    frames = read_frames(make_video(size=(16, 16)), Sampling(fps=10, max_side=640))
    assert len(frames) == 10 and frames[0].image.shape == (16, 16, 3)


def test_4k_video_is_downsized_by_max_side(make_video: VideoFactory) -> None:
    path = make_video("uhd.mp4", n_frames=3, size=(3840, 2160), codec="mpeg4", container="mp4")
    info = probe(path)
    frames = read_frames(path, Sampling(count=3, max_side=640))
    assert (info.width, info.height) == (3840, 2160)
    assert len(frames) == 3 and all(f.image.shape == (360, 640, 3) for f in frames)


def test_rotated_phone_video_is_upright(make_video: VideoFactory) -> None:
    """A portrait phone clip: landscape pixels plus a 90-degree display matrix."""
    path = make_video("phone.mp4", size=(64, 48), rotation=90)
    info = probe(path)
    frames = read_frames(path, Sampling(count=2, max_side=32))
    assert info.rotation == 90 and (info.width, info.height) == (48, 64)
    assert frames[0].image.shape == (32, 24, 3)


def test_variable_frame_rate_follows_timestamps(make_video: VideoFactory) -> None:
    times_ms = [0, 33, 66, 100, 400, 433, 466, 900, 933, 966]
    path = make_video("vfr.mp4", n_frames=len(times_ms), pts_ms=times_ms)
    info = probe(path)
    frames = read_frames(path, Sampling(fps=10))
    assert info.variable_frame_rate and info.n_frames == 10
    stamps = [f.sample.timestamp for f in frames]
    assert stamps == sorted(stamps)
    assert all(min(abs(s - t / 1000) for t in times_ms) < 0.002 for s in stamps), "only real frame times"
    assert stamps[-1] == pytest.approx(0.966, abs=1e-3)


def test_a_photo_named_as_a_video_is_refused_by_compare(
    real_person_photo: Path, squat_pair: Path, tmp_path: Path
) -> None:
    """A JPEG renamed photo.mp4 opens as a one-frame video: compare says it is a still picture (exit 3)
    instead of reading a verdict out of it."""
    photo = photo_named_as_video(real_person_photo, tmp_path / "photo.mp4")
    run = run_cli(
        "compare", photo, squat_pair / "a.mp4", "--action", "squat", "-d", "the squat is deeper",
        "-o", tmp_path / "r.json",
    )  # fmt: skip
    assert_clean_failure(run, 3, str(photo), "single still picture")
    assert not (tmp_path / "r.json").exists()
