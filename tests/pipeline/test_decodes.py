"""Each video is decoded once per comparison: pose, the vision model's frames and annotated key
frames all come from one pass (cache disabled, so the pose model really reads the frames)."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from actiondiff import compare
from actiondiff.config import Config
from actiondiff.eval.oracle import compare_with_keyframes
from actiondiff.eval.readers import read_benchmark
from actiondiff.pipeline.compare import TwoVideoJob
from actiondiff.video import reader
from tests.support.chat_server import ChatServer, Scripted

BENCHMARK = Path(__file__).resolve().parents[2] / "data" / "benchmark"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """How often each video was opened, by whom: `probe` (demux, first frame) or `decode_pass`."""
    counts: Counter[tuple[str, str]] = Counter()
    original: Callable[..., Any] = reader._open

    def counting(path: Path) -> Any:
        counts[(Path(path).name, sys._getframe(1).f_code.co_name)] += 1
        return original(path)

    monkeypatch.setattr(reader, "_open", counting)
    return counts


def uncached(tmp_path: Path, server: ChatServer | None = None) -> Config:
    config = Config(cache_dir=tmp_path / "cache", use_cache=False)
    if server is not None:
        server.rule = lambda _request: Scripted(content="A")
        config.backends.vlm = "openai:test-vlm"
        config.backends.base_url = server.base_url
    return config


def statements(pair: Path) -> list[str]:
    return [d["text"] for d in yaml.safe_load((pair / "pair.yaml").read_text())["differences"]]


def test_offline_compare_decodes_each_video_once(
    squat_pair: Path, tmp_path: Path, opened: Counter[tuple[str, str]]
) -> None:
    compare(squat_pair / "a.mp4", squat_pair / "b.mp4", action="squat", differences=statements(squat_pair),
            config=uncached(tmp_path))  # fmt: skip
    assert opened == {(name, use): 1 for name in ("a.mp4", "b.mp4") for use in ("probe", "decode_pass")}


def test_the_vision_model_is_shown_frames_of_the_same_single_pass(
    squat_pair: Path, tmp_path: Path, opened: Counter[tuple[str, str]], chat_server: ChatServer
) -> None:
    result = compare(squat_pair / "a.mp4", squat_pair / "b.mp4", action="squat",
                     differences=statements(squat_pair), config=uncached(tmp_path, chat_server))  # fmt: skip
    assert chat_server.requests and all(chat_server.images(n) for n in range(len(chat_server.requests)))
    assert any(e.source == "vlm" and e.label == "A" for d in result.differences for e in d.evidence)
    assert max(opened.values()) == 1 and len(opened) == 4, opened


def test_annotated_key_frames_come_from_the_same_single_pass(
    squat_pair: Path, tmp_path: Path, opened: Counter[tuple[str, str]], chat_server: ChatServer
) -> None:
    sample = next(s for s in read_benchmark(BENCHMARK) if s.sample_key == "squat")
    assert sample.keyframes is not None
    texts = [sample.differences[k].description for k in sample.differences]
    keyframes = sample.keyframes.model_copy(
        update={"differences": {str(list(sample.differences).index(k)): v
                                for k, v in sample.keyframes.differences.items()}}
    )  # fmt: skip
    job = TwoVideoJob.start(sample.video_a.path, sample.video_b.path, action="squat", differences=texts,
                            config=uncached(tmp_path, chat_server))  # fmt: skip
    compare_with_keyframes(job, keyframes)
    assert chat_server.requests and max(opened.values()) == 1 and len(opened) == 4, opened
