"""Fixtures of the pipeline tests: the shared chat server."""

from __future__ import annotations

from tests.support.chat_server import chat_server

__all__ = ["chat_server"]
