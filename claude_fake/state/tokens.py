"""A deterministic token estimate: count_tokens answers it and usage.input_tokens reports it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claude_fake.wire.jsontext import canonical as _dumps

MESSAGE_OVERHEAD = 3
TOOL_OVERHEAD = 8
IMAGE_TOKENS = 1_568
DOCUMENT_PAGE_TOKENS = 1_500
SYSTEM_OVERHEAD = 4


def text_tokens(text: str) -> int:
    """About four characters a token, at least one for any non-empty text."""
    return (len(text) + 3) // 4


def _source_tokens(source: Any) -> int:
    if not isinstance(source, dict):
        return 0
    data = source.get("data")
    if source.get("type") == "text" and isinstance(data, str):
        return text_tokens(data)
    if source.get("type") == "content":
        return content_tokens(source.get("content"))
    if isinstance(data, str) and source.get("media_type") == "application/pdf":
        return max(1, len(data) * 3 // 4 // 3_000) * DOCUMENT_PAGE_TOKENS
    return DOCUMENT_PAGE_TOKENS


def block_tokens(block: Any) -> int:
    """Tokens of one content block of a request."""
    if isinstance(block, str):
        return text_tokens(block)
    if not isinstance(block, dict):
        return 0
    kind = block.get("type")
    if kind == "text":
        return text_tokens(str(block.get("text", "")))
    if kind == "image":
        return IMAGE_TOKENS
    if kind == "document":
        return _source_tokens(block.get("source")) + text_tokens(str(block.get("title") or ""))
    if kind == "thinking":
        return text_tokens(str(block.get("thinking", "")))
    if kind == "tool_result":
        return 4 + content_tokens(block.get("content"))
    if kind == "compaction":
        return text_tokens(str(block.get("content") or ""))
    payload = {k: v for k, v in block.items() if k not in ("cache_control", "signature")}
    return 4 + text_tokens(_dumps(payload))


def content_tokens(content: Any) -> int:
    """Tokens of a message's content: a string or a list of blocks."""
    if isinstance(content, str):
        return text_tokens(content)
    if isinstance(content, list):
        return sum(block_tokens(b) for b in content)
    return 0


def tool_tokens(tool: Any) -> int:
    """Tokens of one tool definition."""
    if not isinstance(tool, dict):
        return 0
    payload = {k: v for k, v in tool.items() if k != "cache_control"}
    return TOOL_OVERHEAD + text_tokens(_dumps(payload))


def message_tokens(message: Any) -> int:
    """Tokens of one message, with its role overhead."""
    if not isinstance(message, dict):
        return 0
    return MESSAGE_OVERHEAD + content_tokens(message.get("content"))


def count(body: Mapping[str, Any]) -> int:
    """Input tokens of a Messages or count_tokens request body."""
    total = MESSAGE_OVERHEAD
    tools = body.get("tools")
    if isinstance(tools, list):
        total += sum(tool_tokens(t) for t in tools)
    system = body.get("system")
    if system:
        total += SYSTEM_OVERHEAD + content_tokens(system)
    messages = body.get("messages")
    if isinstance(messages, list):
        total += sum(message_tokens(m) for m in messages)
    return max(1, total)
