"""The OpenAI-compatible client against a real local chat-completions server."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from pydantic import BaseModel

from actiondiff.backends import ImagePart, OpenAIChat, resolve_chat
from actiondiff.config import Config
from actiondiff.errors import BackendError
from tests.support.chat_server import ChatServer, Scripted


class Verdict(BaseModel):
    answer: str
    confidence: float


@pytest.fixture
def remote_config(tmp_path: Path, chat_server: ChatServer) -> Config:
    config = Config(cache_dir=tmp_path / "cache")
    config.backends.base_url = chat_server.base_url
    config.backends.backoff_s = 0.01
    config.backends.max_retries = 3
    return config


def client(config: Config) -> OpenAIChat:
    model = resolve_chat("openai:test-model", config)
    assert isinstance(model, OpenAIChat)
    return model


def test_complete_returns_text_usage_and_cost(remote_config: Config, chat_server: ChatServer) -> None:
    remote_config.backends.prices = {"test-model": (1.0, 2.0)}
    chat_server.push(Scripted(content="hello", prompt_tokens=1000, completion_tokens=500))
    model = client(remote_config)
    reply = model.complete([{"role": "user", "content": "hi"}])
    assert reply.text == "hello"
    assert reply.usage.prompt_tokens == 1000
    assert reply.usage.cost_usd == pytest.approx(0.002)
    assert chat_server.requests[0]["model"] == "test-model"
    assert model.meter.as_dict()["cost_usd"] == pytest.approx(0.002)


def test_json_answer_is_validated_and_cached(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push('```json\n{"answer": "A", "confidence": 0.8}\n```')
    model = client(remote_config)
    messages = [{"role": "user", "content": "which?"}]
    first = model.complete_json(messages, Verdict)
    second = client(remote_config).complete_json(messages, Verdict)
    assert first == second == Verdict(answer="A", confidence=0.8)
    assert len(chat_server.requests) == 1, "the second identical request must come from the disk cache"
    assert chat_server.requests[0]["response_format"] == {"type": "json_object"}


def test_invalid_json_is_asked_again_and_never_cached(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push("not json at all", '{"answer": "B", "confidence": 0.6}')
    model = client(remote_config)
    messages = [{"role": "user", "content": "which?"}]
    assert model.complete_json(messages, Verdict).answer == "B"
    assert "not valid" in chat_server.user_texts(-1)
    chat_server.push('{"answer": "B", "confidence": 0.6}')
    model.complete_json(messages, Verdict)
    assert len(chat_server.requests) == 3, "the failed first answer must not have been cached"


def test_schema_violation_after_retries_fails(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push('{"answer": "A"}', '{"answer": "A"}')
    with pytest.raises(BackendError, match="Verdict"):
        client(remote_config).complete_json([{"role": "user", "content": "?"}], Verdict)


def test_429_honours_retry_after_then_succeeds(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push(Scripted(status=429, retry_after=0.5), Scripted(status=503), Scripted(content="ok"))
    model = client(remote_config)
    start = time.monotonic()
    assert model.complete([{"role": "user", "content": "x"}]).text == "ok"
    assert time.monotonic() - start >= 0.5
    assert len(chat_server.requests) == 3
    assert model.meter.retries == 2


def test_persistent_5xx_gives_up_naming_endpoint(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.rule = lambda _: Scripted(status=500)
    with pytest.raises(BackendError, match=r"127\.0\.0\.1.*gave up after 4 attempts"):
        client(remote_config).complete([{"role": "user", "content": "x"}])
    assert len(chat_server.requests) == 4


def test_client_errors_are_not_retried(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.rule = lambda _: Scripted(status=400)
    with pytest.raises(BackendError, match="refused \\(400\\)"):
        client(remote_config).complete([{"role": "user", "content": "x"}])
    assert len(chat_server.requests) == 1


def test_malformed_response_body_is_a_backend_error(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push(Scripted(raw_body="{this is not json"))
    with pytest.raises(BackendError):
        client(remote_config).complete([{"role": "user", "content": "x"}])


def test_timeout_is_retried(remote_config: Config, chat_server: ChatServer) -> None:
    remote_config.backends.timeout_s = 0.3
    chat_server.push(Scripted(content="late", delay_s=1.0), Scripted(content="on time"))
    assert client(remote_config).complete([{"role": "user", "content": "x"}]).text == "on time"


def test_logprobs_pass_through(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push(Scripted(content="A", logprobs=[("A", -0.1, {"A": -0.1, "B": -2.5})]))
    reply = client(remote_config).complete([{"role": "user", "content": "x"}], logprobs=True, top_logprobs=2)
    assert reply.logprobs is not None
    assert reply.logprobs[0].top == {"A": -0.1, "B": -2.5}
    assert chat_server.requests[0]["logprobs"] is True


def test_images_jpeg_within_budget_keyed_by_content(remote_config: Config, chat_server: ChatServer) -> None:
    remote_config.backends.max_images = 3
    remote_config.backends.image_max_side = 64
    rng = np.random.default_rng(0)
    frames = [ImagePart(rng.integers(0, 255, (240, 320, 3), dtype=np.uint8), f"frame {i}") for i in range(6)]
    chat_server.rule = lambda _: "seen"
    model = client(remote_config)
    model.complete([{"role": "user", "content": "look"}], images=frames)
    urls = chat_server.images(0)
    assert len(urls) == 3 and all(u.startswith("data:image/jpeg;base64,") for u in urls)
    assert "frame 0" in chat_server.user_texts(0) and "frame 5" in chat_server.user_texts(0)
    model.complete([{"role": "user", "content": "look"}], images=frames)
    assert len(chat_server.requests) == 1
    changed = [ImagePart(frames[0].image[::-1].copy(), "frame 0"), *frames[1:]]
    model.complete([{"role": "user", "content": "look"}], images=changed)
    assert len(chat_server.requests) == 2, "different pixels must miss the cache"


def test_missing_key_without_base_url_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(BackendError, match="OPENAI_API_KEY"):
        resolve_chat("openai:gpt-4o", Config(cache_dir=tmp_path))


def test_request_body_is_recorded_as_json(remote_config: Config, chat_server: ChatServer) -> None:
    chat_server.push("x")
    client(remote_config).complete([{"role": "system", "content": "s"}, {"role": "user", "content": "u"}])
    assert json.dumps(chat_server.requests[0]["messages"]) == json.dumps(
        [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    )
