"""Model backends behind small protocols, chosen by spec: ``offline``, ``openai:<model>``, ``local:/path``."""

from actiondiff.backends.base import (
    ChatModel,
    ChatReply,
    FrameTextEmbedder,
    ImagePart,
    Message,
    SentenceEmbedder,
    TokenLogprob,
    Usage,
)
from actiondiff.backends.openai_chat import OpenAIChat, UsageMeter, parse_json
from actiondiff.backends.registry import (
    LazySentenceEmbedder,
    resolve_chat,
    resolve_frame_embedder,
    resolve_sentence_embedder,
    split_spec,
)

__all__ = [
    "ChatModel",
    "ChatReply",
    "FrameTextEmbedder",
    "ImagePart",
    "LazySentenceEmbedder",
    "Message",
    "OpenAIChat",
    "SentenceEmbedder",
    "TokenLogprob",
    "Usage",
    "UsageMeter",
    "parse_json",
    "resolve_chat",
    "resolve_frame_embedder",
    "resolve_sentence_embedder",
    "split_spec",
]
