"""Shared fixtures: real video files written with PyAV, the bundled samples, a real photo."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from scripts.fetch_real_clips import default_cache, missing

from actiondiff.config import Config

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")

VideoFactory = Callable[..., Path]


def _pattern(index: int, width: int, height: int) -> np.ndarray:
    """A frame whose brightness encodes its index, with a white marker in the top-left corner."""
    image = np.full((height, width, 3), (index * 7) % 200 + 20, dtype=np.uint8)
    image[: max(2, height // 8), : max(2, width // 8)] = 255
    return image


@pytest.fixture
def make_video(tmp_path: Path) -> VideoFactory:
    """Write a real video: `make_video("x.mp4", n_frames=30, fps=30, size=(64, 48), ...)`."""

    def factory(
        name: str = "clip.mp4",
        n_frames: int = 30,
        fps: int = 30,
        size: tuple[int, int] = (64, 48),
        codec: str = "libx264",
        container: str | None = None,
        pix_fmt: str = "yuv420p",
        rotation: int | None = None,
        pts_ms: Sequence[int] | None = None,
    ) -> Path:
        path = tmp_path / name
        width, height = size
        with av.open(str(path), "w", format=container) as output:
            stream = output.add_stream(codec, rate=fps)
            stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
            if rotation is not None:
                stream.set_display_rotation(rotation)
            if pts_ms is not None:
                stream.time_base = Fraction(1, 1000)
            for i in range(n_frames):
                frame = av.VideoFrame.from_ndarray(_pattern(i, width, height))
                if pts_ms is not None:
                    frame.pts, frame.time_base = pts_ms[i], Fraction(1, 1000)
                output.mux(stream.encode(frame))
            output.mux(stream.encode(None))
        return path

    return factory


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """A configuration whose cache lives in the test's own temporary folder."""
    return Config(cache_dir=tmp_path / "cache")


def shared_cache(root: Path) -> Path:
    """The suite's one cache folder under the session's temporary root."""
    return root / "shared-cache"


@pytest.fixture(scope="session")
def pose_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the suite, so each video's pose (and each text's embedding) is computed once."""
    return shared_cache(tmp_path_factory.getbasetemp())


@pytest.fixture
def offline_config(pose_cache: Path) -> Config:
    """Offline backends, the suite's shared cache."""
    return Config(cache_dir=pose_cache)


@pytest.fixture(scope="session")
def squat_pair() -> Path:
    """The bundled squat sample pair (a.mp4, b.mp4, pair.yaml, truth.json)."""
    folder = SAMPLES / "squat"
    assert (folder / "a.mp4").exists(), f"missing sample data in {folder}; run data/make_samples.py"
    return folder


def _real_clips(kind: str) -> list[Path]:
    """The cached pose2sim demo clips of one kind (`single` or `multi`), cam01..04."""
    folder = default_cache()
    assert not missing(folder), (
        f"real clips missing in {folder}: run scripts/fetch_real_clips.py (make test does)"
    )
    return sorted((folder / kind).glob("cam*.mp4"))


@pytest.fixture(scope="session")
def real_clips() -> list[Path]:
    """Real footage: one person seen by four cameras at once (pose2sim's demo, cached by the dev set-up)."""
    return _real_clips("single")


@pytest.fixture(scope="session")
def real_edits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the suite's edited copies of the real clips, so each edit is written once."""
    return tmp_path_factory.mktemp("real-edits")


@pytest.fixture(scope="session")
def real_two_person_clips() -> list[Path]:
    """Real footage of two people at once, four cameras (pose2sim's multi-person demo)."""
    return _real_clips("multi")


@pytest.fixture(scope="session")
def real_person_photo() -> Path:
    """A real photograph of a standing person, from Debian's opencv-doc package."""
    path = OPENCV_DATA / "basketball1.png"
    assert path.exists(), f"{path} missing: install Debian's opencv-doc (the setup script does)"
    return path
