"""The compaction blocks the generator issues: a short deterministic summary, opaque encrypted
content, the tool changes of the compacted range, and the fake's signature."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from claude_fake.model import content_text
from claude_fake.state import compact, signature

SUMMARY_WORDS = 16
RECENT_REQUESTS = 3


def _shorten(text: str, words: int) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def summary(messages: Sequence[Any], instructions: str | None = None) -> str:
    """A short summary of ``messages`` (never empty): how many there were, the earlier summary,
    the latest user requests and the instructions it followed."""
    prior = next(
        (str(f.block["content"]) for f in compact.locate(messages) if f.block.get("content")),
        None,
    )
    turns = [m for m in messages if isinstance(m, dict) and m.get("role") in ("user", "assistant")]
    asks = [content_text(m.get("content")) for m in turns if m.get("role") == "user"]
    asks = [a for a in asks if a.strip()][-RECENT_REQUESTS:]
    noun = "message" if len(turns) == 1 else "messages"
    parts = [f"Summary of the conversation so far ({len(turns)} {noun})."]
    if prior:
        parts.append(f"Earlier summary: {_shorten(prior, 2 * SUMMARY_WORDS)}")
    if asks:
        parts.append(
            "Recent requests: " + "; ".join(repr(_shorten(a, SUMMARY_WORDS)) for a in asks)
        )
    if instructions:
        parts.append(f"Written following the instructions: {_shorten(instructions, SUMMARY_WORDS)}")
    return " ".join(parts)


def _blocks(messages: Sequence[Any]) -> Iterator[Mapping[str, Any]]:
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            yield from (b for b in content if isinstance(b, dict))


def _key(tool: Mapping[str, Any]) -> str:
    definition = tool.get("definition")
    name = definition.get("name") if isinstance(definition, dict) else tool.get("name")
    if tool.get("type") in ("mcp_tool_reference", "mcp_toolset_reference"):
        return f"mcp:{tool.get('server_name')}:{tool.get('name', '*')}"
    return str(name)


def _response_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    definition = tool.get("definition")
    if isinstance(definition, dict):
        return {**tool, "definition": {k: v for k, v in definition.items() if k != "cache_control"}}
    return dict(tool)


def tool_changes(tools: Any, messages: Sequence[Any]) -> list[dict[str, Any]]:
    """The ``tool_addition`` / ``tool_removal`` entries that take the request's ``tools`` to the
    tool set in effect at the end of ``messages`` (``[]`` when the range changed no tool)."""
    listed = tools if isinstance(tools, list) else []
    declared = {
        str(t.get("name")) for t in listed if isinstance(t, dict) and not t.get("defer_loading")
    }
    last: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for block in _blocks(messages):
        tool = block.get("tool")
        if block.get("type") in ("tool_addition", "tool_removal") and isinstance(tool, dict):
            last[_key(tool)] = (str(block["type"]), tool)
    out: list[dict[str, Any]] = []
    for key, (kind, tool) in last.items():
        if (kind == "tool_addition") == (key in declared):
            continue
        out.append({"type": kind, "tool": _response_tool(tool)})
    return out


def make_block(
    secret: bytes,
    messages: Sequence[Any],
    *,
    tools: Any = None,
    instructions: str | None = None,
    with_tool_changes: bool = False,
) -> dict[str, Any]:
    """A signed compaction block summarizing ``messages``."""
    text = summary(messages, instructions)
    opaque = hashlib.blake2b(text.encode(), key=secret, digest_size=48).digest()
    block: dict[str, Any] = {
        "type": "compaction",
        "content": text,
        "encrypted_content": base64.b64encode(b"\x12\x0c" + opaque).decode(),
    }
    if with_tool_changes:
        block["tool_changes"] = tool_changes(tools, messages)
    block["signature"] = signature.sign(secret, block)
    return block
