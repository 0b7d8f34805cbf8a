"""A real local HTTP server speaking the OpenAI /v1/chat/completions protocol, scripted per test.

Usage (any test folder)::

    from tests.support.chat_server import ChatServer, Scripted, chat_server  # noqa: F401 (fixture)

    def test_x(chat_server: ChatServer) -> None:
        chat_server.push(Scripted(status=429, retry_after=0.2), Scripted(content='{"answer": "A"}'))
        chat_server.rule = lambda request: Scripted(content="...")   # used when the queue is empty
        config.backends.base_url = chat_server.base_url      # then run the real client
        ...
        assert chat_server.requests[0]["model"] == "test-model"

The server runs uvicorn in a thread on 127.0.0.1 with a free port; it stops when the fixture ends.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request, Response


@dataclass
class Scripted:
    """One answer: a message `content`, or an error `status` (with `retry_after`), or a `raw_body`.

    `logprobs` lists (token, logprob, {alternative: logprob}) for the answer's tokens.
    """

    content: str = ""
    status: int = 200
    retry_after: float | None = None
    raw_body: str | None = None
    logprobs: list[tuple[str, float, dict[str, float]]] | None = None
    prompt_tokens: int = 100
    completion_tokens: int = 10
    delay_s: float = 0.0


Rule = Callable[[dict[str, Any]], Scripted | str]


@dataclass
class ChatServer:
    """State of the running server: scripted answers in, received requests out."""

    base_url: str = ""
    queue: deque[Scripted] = field(default_factory=deque)
    rule: Rule | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)

    def push(self, *answers: Scripted | str) -> None:
        """Answers for the next requests, in order (a string is a 200 answer with that content)."""
        self.queue.extend(a if isinstance(a, Scripted) else Scripted(content=a) for a in answers)

    def _next(self, body: dict[str, Any]) -> Scripted:
        if self.queue:
            return self.queue.popleft()
        if self.rule is None:
            return Scripted(status=500, raw_body='{"error": {"message": "no scripted answer left"}}')
        answer = self.rule(body)
        return answer if isinstance(answer, Scripted) else Scripted(content=answer)

    def user_texts(self, index: int = -1) -> str:
        """All text parts of the user messages of a received request, joined (for assertions)."""
        texts = []
        for message in self.requests[index]["messages"]:
            content = message["content"]
            parts = content if isinstance(content, list) else [{"type": "text", "text": content}]
            texts += [p["text"] for p in parts if p.get("type") == "text" and message["role"] == "user"]
        return "\n".join(texts)

    def images(self, index: int = -1) -> list[str]:
        """The image URLs of a received request."""
        urls = []
        for message in self.requests[index]["messages"]:
            if isinstance(message["content"], list):
                urls += [p["image_url"]["url"] for p in message["content"] if p.get("type") == "image_url"]
        return urls


def _app(state: ChatServer) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        body = await request.json()
        state.requests.append(body)
        answer = state._next(body)
        if answer.delay_s:
            await asyncio.sleep(answer.delay_s)
        headers = {"retry-after": str(answer.retry_after)} if answer.retry_after is not None else {}
        if answer.raw_body is not None or answer.status != 200:
            text = answer.raw_body or json.dumps({"error": {"message": f"scripted status {answer.status}"}})
            return Response(text, status_code=answer.status, headers=headers, media_type="application/json")
        return Response(json.dumps(_completion(body, answer)), media_type="application/json")

    return app


def _completion(body: dict[str, Any], answer: Scripted) -> dict[str, Any]:
    choice: dict[str, Any] = {
        "index": 0,
        "finish_reason": "stop",
        "message": {"role": "assistant", "content": answer.content},
    }
    if answer.logprobs is not None:
        choice["logprobs"] = {
            "content": [
                {
                    "token": token,
                    "logprob": logprob,
                    "bytes": None,
                    "top_logprobs": [{"token": t, "logprob": lp, "bytes": None} for t, lp in top.items()],
                }
                for token, logprob, top in answer.logprobs
            ]
        }
    return {
        "id": f"chatcmpl-{len(body.get('messages', []))}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "unknown"),
        "choices": [choice],
        "usage": {
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "total_tokens": answer.prompt_tokens + answer.completion_tokens,
        },
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A running chat-completions server on 127.0.0.1; script it with `push(...)` or `rule`."""
    state = ChatServer()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(_app(state), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("chat test server did not start")
        time.sleep(0.01)
    state.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state
    finally:
        server.should_exit = True
        thread.join(timeout=10)
