"""Real decoding: containers, codecs, sizes, rotation, variable frame rate, sampling."""

from __future__ import annotations

import numpy as np
import pytest

from actiondiff.video import Sampling, decode_pass, probe, read_frames, sample_frames
from tests.conftest import VideoFactory


@pytest.mark.parametrize(
    ("name", "codec", "container", "pix_fmt"),
    [
        ("clip.mp4", "libx264", "mp4", "yuv420p"),
        ("clip.mov", "libx264", "mov", "yuv420p"),
        ("clip.avi", "mpeg4", "avi", "yuv420p"),
        ("clip.webm", "libvpx-vp9", "webm", "yuv420p"),
        ("clip.mkv", "ffv1", "matroska", "yuv444p"),
    ],
)
def test_probe_reads_every_container(
    make_video: VideoFactory, name: str, codec: str, container: str, pix_fmt: str
) -> None:
    path = make_video(name, n_frames=20, fps=20, codec=codec, container=container, pix_fmt=pix_fmt)
    info = probe(path)
    assert (info.width, info.height) == (64, 48)
    assert info.n_frames == 20
    assert info.fps == pytest.approx(20, rel=0.01)
    assert info.duration_s == pytest.approx(1.0, abs=0.06)
    assert not info.variable_frame_rate


def test_sampling_at_a_rate_takes_evenly_spaced_frames(make_video: VideoFactory) -> None:
    frames = read_frames(make_video(n_frames=60, fps=30), Sampling(fps=10))
    assert [f.sample.index for f in frames] == list(range(0, 60, 3))
    assert [f.sample.timestamp for f in frames] == pytest.approx([i / 10 for i in range(20)], abs=1e-3)


def test_sampling_by_count_spans_the_video(make_video: VideoFactory) -> None:
    frames = read_frames(make_video(n_frames=60, fps=30), Sampling(count=4))
    assert [f.sample.index for f in frames] == [0, 20, 39, 59]
    assert all(f.image.shape == (48, 64, 3) and f.image.dtype == np.uint8 for f in frames)


def test_frames_hold_the_decoded_pixels(make_video: VideoFactory) -> None:
    frames = read_frames(make_video(n_frames=10, fps=10, size=(64, 64)), Sampling(fps=10))
    centre = [int(f.image[40, 40].mean()) for f in frames]
    assert centre == pytest.approx([(i * 7) % 200 + 20 for i in range(10)], abs=6)


def test_sampling_seeks_over_long_gaps_and_keeps_true_times(make_video: VideoFactory) -> None:
    path = make_video(n_frames=300, fps=30)
    frames = read_frames(path, Sampling(fps=0.2))
    assert [f.sample.timestamp for f in frames] == pytest.approx([0.0, 5.0], abs=0.04)
    assert [f.sample.index for f in frames] == [0, 150]


def test_window_and_resize(make_video: VideoFactory) -> None:
    path = make_video(n_frames=90, fps=30, size=(320, 240))
    frames = read_frames(path, Sampling(fps=5, start_s=1.0, end_s=2.0, max_side=160))
    assert [f.sample.timestamp for f in frames] == pytest.approx([1.0, 1.2, 1.4, 1.6, 1.8], abs=0.02)
    assert frames[0].image.shape == (120, 160, 3)


def test_rotation_metadata_gives_display_orientation(make_video: VideoFactory) -> None:
    path = make_video(size=(64, 48), rotation=90)
    info = probe(path)
    assert (info.width, info.height, info.rotation) == (48, 64, 90)
    image = read_frames(path, Sampling(count=1))[0].image
    assert image.shape == (64, 48, 3)
    # The top-left marker of the stored frame is bottom-left after a quarter turn counter-clockwise.
    assert image[-2, 1].mean() > 240 and image[1, 1].mean() < 240


def test_odd_sizes_decode(make_video: VideoFactory) -> None:
    path = make_video("odd.mkv", size=(33, 17), codec="ffv1", container="matroska", pix_fmt="yuv444p")
    assert read_frames(path, Sampling(count=2))[0].image.shape == (17, 33, 3)


def test_variable_frame_rate_uses_presentation_times(make_video: VideoFactory) -> None:
    pts = [0, 40, 80, 200, 240, 400, 440, 480, 700, 740]
    path = make_video("vfr.mp4", n_frames=len(pts), pts_ms=pts)
    info = probe(path)
    assert info.variable_frame_rate
    frames = read_frames(path, Sampling(fps=5))
    assert [f.sample.timestamp for f in frames] == pytest.approx([0.0, 0.2, 0.4, 0.70], abs=1e-3)


def test_sampling_needs_exactly_one_of_rate_and_count() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Sampling()
    with pytest.raises(ValueError, match="exactly one"):
        Sampling(fps=1, count=2)


def test_one_pass_gives_each_sampling_what_it_would_get_alone(make_video: VideoFactory) -> None:
    """Shared decoding (pose, localizer, key frames in one pass) changes no sampling's frames, also
    when every sampling skips the same long gap (the pass seeks over it)."""
    path = make_video(n_frames=300, fps=30, size=(64, 48))
    samplings = [
        Sampling(fps=10.0),
        Sampling(fps=5.0, max_side=32),
        Sampling(fps=30.0, start_s=8.0, end_s=8.5),
        Sampling(count=3, start_s=0.5, end_s=1.0),
    ]
    shared: dict[int, list[tuple[int, float, tuple[int, ...]]]] = {}
    for which, frame in decode_pass(path, samplings):
        shared.setdefault(which, []).append((frame.sample.index, frame.sample.timestamp, frame.image.shape))
    for which, sampling in enumerate(samplings):
        alone = [(f.sample.index, f.sample.timestamp, f.image.shape) for f in sample_frames(path, sampling)]
        assert shared[which] == alone, sampling
    far = list(decode_pass(path, [Sampling(fps=30.0, start_s=8.0, end_s=8.5)]))
    assert [f.sample.index for _, f in far] == list(range(240, 255))
