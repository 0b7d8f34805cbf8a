"""StepDiff fixtures: clips cut from the bundled squat pair, and a config pointing at the chat server."""

from __future__ import annotations

from pathlib import Path

import pytest

from actiondiff.config import Config
from actiondiff.video import Sampling, read_frames, write_video
from tests.support.chat_server import ChatServer, chat_server  # noqa: F401


@pytest.fixture(scope="session")
def squat_clips(squat_pair: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``<root>/squat/{a__1,a__2,b__1,b__2}.mp4``: each sample video cut in two halves at 10 fps."""
    root = tmp_path_factory.mktemp("clips")
    (root / "squat").mkdir()
    for side in ("a", "b"):
        frames = [f.image for f in read_frames(squat_pair / f"{side}.mp4", Sampling(fps=10, max_side=320))]
        half = len(frames) // 2
        for part, chunk in (("1", frames[:half]), ("2", frames[half:])):
            write_video(root / "squat" / f"{side}__{part}.mp4", chunk, fps=10)
    (root / "squat" / "a__1.txt").write_text("now we squat down slowly, all the way")
    return root


@pytest.fixture
def remote_config(pose_cache: Path, chat_server: ChatServer) -> Config:  # noqa: F811
    """Pose from the shared cache; chat cache keys include the per-test server address."""
    config = Config(cache_dir=pose_cache)
    backends = config.backends
    backends.base_url = chat_server.base_url
    backends.vlm = backends.llm = "openai:test-vlm"
    backends.backoff_s, backends.max_retries, backends.json_retries = 0.01, 1, 0
    config.stepdiff.frames_per_video = 4
    return config
