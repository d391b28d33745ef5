"""The Message an answer becomes: tool ids filled in, usage worked out, every field the API
sends."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from claude_fake.model import FakeRequest
from claude_fake.state import tokens

NewId = Callable[[str], str]
RESULT_TYPES = {
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "bash_code_execution_tool_result",
    "text_editor_code_execution_tool_result",
    "tool_search_tool_result",
    "mcp_tool_result",
}
REFUSAL = {"type": "refusal", "category": None, "explanation": None}


def materialize(content: Sequence[Mapping[str, Any]], new_id: NewId) -> list[dict[str, Any]]:
    """Copies of the blocks with tool ids filled in; results point at their server tool call."""
    out: list[dict[str, Any]] = []
    last_server_id: str | None = None
    for block in content:
        item = dict(block)
        kind = item.get("type")
        if kind == "tool_use" and not item.get("id"):
            item["id"] = new_id("toolu")
        elif kind == "server_tool_use":
            item["id"] = item.get("id") or new_id("srvtoolu")
            last_server_id = item["id"]
        elif kind in RESULT_TYPES and not item.get("tool_use_id"):
            item["tool_use_id"] = last_server_id or new_id("srvtoolu")
        out.append(item)
    return out


def output_tokens(content: Sequence[Mapping[str, Any]]) -> int:
    """Output tokens of an answer: at least one, as the API reports even for empty text."""
    return max(1, sum(tokens.block_tokens(b) for b in content))


def usage_for(
    body: Mapping[str, Any],
    content: Sequence[Mapping[str, Any]],
    *,
    inputs: Mapping[str, Any],
) -> dict[str, Any]:
    """The usage the API would report for ``content`` answering ``body``; ``inputs`` is the input
    side, as caching and compaction worked it out."""
    usage: dict[str, Any] = dict(inputs)
    usage["output_tokens"] = output_tokens(content)
    usage["service_tier"] = "standard"
    usage["inference_geo"] = "global"
    server = [b.get("name") for b in content if b.get("type") == "server_tool_use"]
    if server:
        usage["server_tool_use"] = {
            "web_search_requests": server.count("web_search"),
            "web_fetch_requests": server.count("web_fetch"),
        }
    thought = sum(tokens.block_tokens(b) for b in content if b.get("type") == "thinking")
    if thought:
        usage["output_tokens_details"] = {"thinking_tokens": thought}
    return usage


def message(
    request: FakeRequest,
    *,
    msg_id: str,
    content: list[dict[str, Any]],
    stop_reason: str,
    stop_sequence: str | None = None,
    stop_details: Mapping[str, Any] | None = None,
    usage: Mapping[str, Any] | None = None,
    computed: Mapping[str, Any],
    fields: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The Message dict, with every field the API sends. ``computed`` is the usage the engine
    worked out, ``usage`` the test's overrides on top, ``fields`` extra top-level fields."""
    body = request.body if isinstance(request.body, dict) else {}
    if stop_details is None and stop_reason == "refusal":
        stop_details = REFUSAL
    full_usage = dict(computed)
    full_usage.update(usage or {})
    out: dict[str, Any] = {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "claude-sonnet-4-6"),
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "stop_details": dict(stop_details) if stop_details is not None else None,
        "usage": full_usage,
    }
    out.update(fields or {})  # diagnostics, context_management: worked out by the turn
    return out
