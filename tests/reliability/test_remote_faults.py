"""A flaky chat endpoint (the real client against the real local server) never costs the whole run.

Each statement is scripted with its own fault; the differencer retries what is retryable and reports
the rest on that statement alone. The cache keeps only answers that were usable.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from actiondiff import compare
from actiondiff.config import Config
from tests.reliability.conftest import assert_clean_failure, run_cli
from tests.support.chat_server import ChatServer, Scripted

RETRY_AFTER_S = 0.3
FAULTS: dict[str, list[Scripted]] = {
    "the hair is shinier": [Scripted(status=429, retry_after=RETRY_AFTER_S), Scripted(content="A")],
    "the facial expression is more focused": [Scripted(status=503), Scripted(content="B")],
    "the shirt is brighter": [Scripted(status=500)] * 3,
    "the shoes are cleaner": [Scripted(delay_s=2.0)] * 3,
    "the socks are whiter": [Scripted(raw_body="{not json")],
    "the smile is wider": [Scripted(content="I'm sorry, I can't compare people.")],
    "the gaze is more focused": [Scripted(content="D")],
}
"""Per statement, the server's answers to successive requests (the last one repeats)."""

OUTCOMES = {
    "the hair is shinier": ("A", ""),
    "the facial expression is more focused": ("B", ""),
    "the shirt is brighter": (None, "gave up after 3 attempts: server error (500)"),
    "the shoes are cleaner": (None, "timed out after 0.5 s"),
    "the socks are whiter": (None, "malformed response body"),
    "the smile is wider": (None, "not one of A, B, C"),
    "the gaze is more focused": (None, "not one of A, B, C"),
}
"""Per statement, the verdict and the cause its reason must give (no kinematic quantity measures them)."""


@pytest.fixture
def flaky_config(offline_config: Config, chat_server: ChatServer, tmp_path: Path) -> Config:
    """The offline planner, a remote VLM at the scripted server, short timeouts and back-off."""
    config = offline_config.model_copy(deep=True)
    backends = config.backends
    backends.vlm, backends.base_url = "openai:flaky-vlm", chat_server.base_url
    backends.timeout_s, backends.max_retries, backends.backoff_s = 0.5, 2, 0.01
    config.compare.frames_per_difference = 1

    seen: Counter[str] = Counter()

    def rule(request: dict[str, Any]) -> Scripted:
        text = json.dumps(request["messages"])
        statement = next(s for s in FAULTS if s in text)
        answers = FAULTS[statement]
        seen[statement] += 1
        return answers[min(seen[statement], len(answers)) - 1]

    chat_server.rule = rule
    return config


def _chat_cache(config: Config) -> dict[str, dict[str, Any]]:
    """The chat cache's entries by file name (the suite shares one cache folder)."""
    folder = config.cache_dir / "chat"
    return {p.name: json.loads(p.read_bytes()) for p in folder.iterdir()} if folder.is_dir() else {}


def test_each_fault_stays_with_its_statement(
    flaky_config: Config, chat_server: ChatServer, scenes: dict[str, Path]
) -> None:
    cached_before = _chat_cache(flaky_config)
    result = compare(
        scenes["person"], scenes["leaving"], action="squat", differences=list(FAULTS), config=flaky_config
    )
    for verdict in result.differences:
        label, cause = OUTCOMES[verdict.text]
        assert verdict.label == label, (verdict.text, verdict.reason)
        if cause:
            assert verdict.reason and cause in verdict.reason, verdict.reason
            assert chat_server.base_url in verdict.reason or "answered" in verdict.reason
    assert result.usage["retries"] >= 1 + 1 + 2 + 2
    cached = sorted(e["text"] for name, e in _chat_cache(flaky_config).items() if name not in cached_before)
    assert cached == ["A", "B"], "only the two usable answers may be cached"


def test_retry_after_is_honoured(
    flaky_config: Config, chat_server: ChatServer, scenes: dict[str, Path]
) -> None:
    arrivals: list[float] = []
    rule = chat_server.rule
    assert rule is not None

    def timed(request: dict[str, Any]) -> Scripted | str:
        arrivals.append(time.monotonic())
        return rule(request)

    chat_server.rule = timed
    statement = "the hair is shinier"
    result = compare(
        scenes["person"], scenes["leaving"], action="squat", differences=[statement], config=flaky_config
    )
    assert result.differences[0].label == "A"
    assert len(arrivals) == 2 and arrivals[1] - arrivals[0] >= RETRY_AFTER_S


def test_failed_planner_is_a_clean_backend_error(
    chat_server: ChatServer, scenes: dict[str, Path], tmp_path: Path
) -> None:
    """When the LLM that plans the comparison keeps failing, the CLI names the endpoint (exit 4)."""
    chat_server.rule = lambda _request: Scripted(status=500)
    config = tmp_path / "config.yaml"
    config.write_text(
        json.dumps(
            {
                "cache_dir": str(tmp_path / "cache"),
                "compare": {"backends": {"max_retries": 1, "backoff_s": 0.01}},
            }
        )
    )
    run = run_cli(
        "compare", scenes["person"], scenes["person"], "--action", "squat", "--open", "3",
        "--backend", "openai:flaky-llm", "--base-url", chat_server.base_url, "--config", config,
    )  # fmt: skip
    assert_clean_failure(run, 4, f"{chat_server.base_url}/chat/completions", "server error (500)")
    assert not (tmp_path / "cache" / "chat").exists() or not any((tmp_path / "cache" / "chat").iterdir())
