"""An OpenAI-compatible chat client (GPT-4o, Gemini/Claude compatible endpoints, vLLM, Ollama, llama.cpp).

Adds what the method needs around the `openai` SDK: retries with exponential back-off on
429 (honouring Retry-After), 5xx and timeouts; pydantic-validated JSON answers; an on-disk
cache keyed by the full request (images by their hash) that never stores a failure; token
and cost accounting; images as base64 JPEG within a frame/size budget; logprobs passed through.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from actiondiff.backends.base import ChatReply, ImageInput, Message, SchemaT, TokenLogprob, Usage
from actiondiff.backends.images import data_url, encode_jpeg, jpeg_digest, within_budget
from actiondiff.config import BackendConfig
from actiondiff.errors import BackendError
from actiondiff.storage import DiskCache, content_key

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-2024-08-06": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
}
"""USD per million (prompt, completion) tokens of public list prices; config `prices` adds to it."""

_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


class UsageMeter:
    """Running totals of every request a client made (thread-safe), for the end-of-run summary."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.cache_hits = 0
        self.retries = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.cost_usd = 0.0

    def add(self, usage: Usage) -> None:
        with self._lock:
            self.requests += 1
            self.cache_hits += int(usage.cached)
            self.prompt_tokens += usage.prompt_tokens
            self.completion_tokens += usage.completion_tokens
            self.cost_usd += usage.cost_usd

    def as_dict(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6),
        }


def parse_json(text: str, schema: type[SchemaT]) -> SchemaT:
    """Strictly parse a model's answer as `schema` (a ```json fence around it is tolerated)."""
    match = _FENCE.match(text)
    body = match.group(1) if match else text.strip()
    return schema.model_validate_json(body)


class OpenAIChat:
    """`ChatModel` over any server speaking /v1/chat/completions."""

    def __init__(
        self,
        model: str,
        settings: BackendConfig,
        cache: DiskCache | None = None,
        meter: UsageMeter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.model = model
        self.name = f"openai:{model}"
        self.settings = settings
        self.cache = cache
        self.meter = meter or UsageMeter()
        self._sleep = sleep
        self.endpoint = settings.base_url or "https://api.openai.com/v1"
        api_key = os.environ.get(settings.api_key_env) or ("not-needed" if settings.base_url else None)
        if api_key is None:
            raise BackendError(
                self.name, f"no API key: set ${settings.api_key_env}, or give base_url for a local server"
            )
        import openai  # imported where used: the SDK takes ~1 s to import, offline runs never need it

        self._client = openai.OpenAI(
            api_key=api_key, base_url=self.endpoint, timeout=settings.timeout_s, max_retries=0
        )
        prices = {**PRICES_PER_MILLION, **settings.prices}
        self._price = prices.get(model)

    def complete(
        self,
        messages: Sequence[Message],
        *,
        images: Sequence[ImageInput] = (),
        accept: Callable[[ChatReply], bool] | None = None,
        **params: Any,
    ) -> ChatReply:
        """One chat completion (from the cache when the identical request succeeded before).

        A reply that `accept` rejects (a refusal, an answer outside the expected options) is returned
        but not cached, so a later run asks again. `params` go to the server as they are (e.g.
        ``logprobs=True, top_logprobs=5, max_tokens=...``).
        """
        payload, key_material = self._payload(messages, images, params)
        return self._cached_or_requested(payload, key_material, validate=None, accept=accept)

    def complete_json(
        self,
        messages: Sequence[Message],
        schema: type[SchemaT],
        *,
        images: Sequence[ImageInput] = (),
        **params: Any,
    ) -> SchemaT:
        """Ask for JSON matching `schema`; re-ask (up to `json_retries`) when the answer does not parse."""
        instruction = "Answer with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(
            schema.model_json_schema(), sort_keys=True
        )
        conversation = [*messages, {"role": "user", "content": instruction}]
        params = {**self._json_params(schema), **params}
        last_error = ""
        for _attempt in range(self.settings.json_retries + 1):
            payload, key_material = self._payload(conversation, images, params)
            parsed: list[SchemaT] = []

            def validate(reply: ChatReply, into: list[SchemaT] = parsed) -> None:
                into.append(parse_json(reply.text, schema))

            try:
                self._cached_or_requested(payload, key_material, validate=validate)
                return parsed[0]
            except _InvalidAnswer as exc:
                last_error = exc.error
                conversation = [
                    *conversation,
                    {"role": "assistant", "content": exc.text},
                    {"role": "user", "content": f"That answer is not valid ({exc.error}). {instruction}"},
                ]
        raise BackendError(
            f"{self.endpoint} ({self.model})",
            f"answer does not match {schema.__name__} after {self.settings.json_retries + 1} tries: "
            f"{last_error}",
        )

    def _json_params(self, schema: type[BaseModel]) -> dict[str, Any]:
        mode = self.settings.json_mode
        if mode == "object":
            return {"response_format": {"type": "json_object"}}
        if mode == "schema":
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema()},
                }
            }
        return {}

    def _payload(
        self, messages: Sequence[Message], images: Sequence[ImageInput], params: dict[str, Any]
    ) -> tuple[dict[str, Any], str]:
        """The request body, and the text its cache key hashes (images replaced by their digests)."""
        body_messages = [dict(m) for m in messages]
        key_messages = [dict(m) for m in messages]
        if images:
            parts, key_parts = self._image_parts(images)
            last_user = max(i for i, m in enumerate(body_messages) if m["role"] == "user")
            text = {"type": "text", "text": str(body_messages[last_user]["content"])}
            body_messages[last_user]["content"] = [text, *parts]
            key_messages[last_user]["content"] = [text, *key_parts]
        base = {"model": self.model, "temperature": self.settings.temperature, "seed": self.settings.seed}
        payload = {**base, **params, "messages": body_messages}
        key_request = {**base, **params, "messages": key_messages, "endpoint": self.endpoint}
        key_material = json.dumps(key_request, sort_keys=True, default=str)
        return payload, key_material

    def _image_parts(self, images: Sequence[ImageInput]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        parts: list[dict[str, Any]] = []
        key_parts: list[dict[str, Any]] = []
        for part in within_budget(images, self.settings.max_images):
            jpeg = encode_jpeg(part.image, self.settings.image_max_side, self.settings.jpeg_quality)
            if part.caption:
                caption = {"type": "text", "text": part.caption}
                parts.append(caption)
                key_parts.append(caption)
            parts.append({"type": "image_url", "image_url": {"url": data_url(jpeg)}})
            key_parts.append({"type": "image_url", "image_url": {"url": jpeg_digest(jpeg)}})
        return parts, key_parts

    def _cached_or_requested(
        self,
        payload: dict[str, Any],
        key_material: str,
        validate: Callable[[ChatReply], None] | None,
        accept: Callable[[ChatReply], bool] | None = None,
    ) -> ChatReply:
        key = content_key(key_material)
        if self.cache is not None and (stored := self.cache.get(key)) is not None:
            reply = _reply_from_json(stored, cached=True)
            try:
                if validate is not None:
                    validate(reply)
                self.meter.add(reply.usage)
                return reply
            except (ValidationError, ValueError):
                log.warning("%s: cached answer no longer validates; asking again", self.name)
        reply = self._request(payload)
        self.meter.add(reply.usage)
        if validate is not None:
            try:
                validate(reply)
            except (ValidationError, ValueError) as exc:
                raise _InvalidAnswer(reply.text, _short(exc)) from exc
        if self.cache is not None and (accept is None or accept(reply)):
            self.cache.put(key, _reply_to_json(reply))
        return reply

    def _request(self, payload: dict[str, Any]) -> ChatReply:
        """POST with retries: 429 waits Retry-After (else back-off), 5xx/timeouts back off exponentially."""
        import openai

        subject = f"{self.endpoint}/chat/completions ({self.model})"
        attempts = self.settings.max_retries + 1
        for attempt in range(attempts):
            try:
                response = self._client.chat.completions.create(**payload)
                return self._reply(response, subject)
            except openai.RateLimitError as exc:
                wait = _retry_after(exc) or self._backoff(attempt)
                cause = f"rate limited (429): {_short(exc)}"
            except openai.InternalServerError as exc:
                wait, cause = self._backoff(attempt), f"server error ({exc.status_code}): {_short(exc)}"
            except openai.APITimeoutError as exc:
                wait, cause = self._backoff(attempt), f"timed out after {self.settings.timeout_s} s: {exc}"
            except openai.APIConnectionError as exc:
                wait, cause = self._backoff(attempt), f"cannot connect: {exc}"
            except openai.APIStatusError as exc:
                raise BackendError(subject, f"request refused ({exc.status_code}): {_short(exc)}") from exc
            except (openai.APIResponseValidationError, json.JSONDecodeError) as exc:
                raise BackendError(subject, f"malformed response body: {_short(exc)}") from exc
            if attempt + 1 < attempts:
                log.warning("%s: %s; retry %d/%d in %.1f s", subject, cause, attempt + 1, attempts - 1, wait)
                self.meter.retries += 1
                self._sleep(wait)
        raise BackendError(subject, f"gave up after {attempts} attempts: {cause}")

    def _backoff(self, attempt: int) -> float:
        return float(min(self.settings.max_backoff_s, self.settings.backoff_s * 2**attempt))

    def _reply(self, response: Any, subject: str) -> ChatReply:
        try:
            choice = response.choices[0]
            text = choice.message.content or ""
        except (AttributeError, IndexError, TypeError) as exc:
            raise BackendError(subject, f"response has no message: {response!r:.200}") from exc
        logprobs = None
        content = getattr(getattr(choice, "logprobs", None), "content", None)
        if content:
            logprobs = [
                TokenLogprob(
                    token=item.token,
                    logprob=float(item.logprob),
                    top={alt.token: float(alt.logprob) for alt in (item.top_logprobs or [])},
                )
                for item in content
            ]
        usage = getattr(response, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        cost = 0.0
        if self._price is not None:
            cost = (prompt * self._price[0] + completion * self._price[1]) / 1e6
        return ChatReply(
            text=text,
            model=str(getattr(response, "model", None) or self.model),
            logprobs=logprobs,
            usage=Usage(prompt_tokens=prompt, completion_tokens=completion, cost_usd=cost),
        )


class _InvalidAnswer(Exception):
    def __init__(self, text: str, error: str) -> None:
        super().__init__(error)
        self.text = text
        self.error = error


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _short(exc: Exception, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _reply_to_json(reply: ChatReply) -> bytes:
    return json.dumps(asdict(reply)).encode("utf-8")


def _reply_from_json(data: bytes, cached: bool) -> ChatReply:
    """A stored reply; its usage is zero because a cache hit costs nothing."""
    raw = json.loads(data)
    logprobs = [TokenLogprob(**item) for item in raw["logprobs"]] if raw.get("logprobs") else None
    return ChatReply(text=raw["text"], model=raw["model"], logprobs=logprobs, usage=Usage(cached=cached))
