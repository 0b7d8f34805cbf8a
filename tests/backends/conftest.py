"""Makes the shared chat-completions server fixture available to this folder's tests."""

from tests.support.chat_server import chat_server

__all__ = ["chat_server"]
