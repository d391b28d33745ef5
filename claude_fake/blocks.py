"""Builders for the content blocks a scripted reply holds. A plain ``str`` is a text block."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from .errors import ScriptError

Block = dict[str, Any]
SERVER_TOOL_RESULTS = {
    "web_search": "web_search_tool_result",
    "web_fetch": "web_fetch_tool_result",
    "code_execution": "code_execution_tool_result",
    "bash_code_execution": "bash_code_execution_tool_result",
    "text_editor_code_execution": "text_editor_code_execution_tool_result",
    "tool_search_tool_regex": "tool_search_tool_result",
    "tool_search_tool_bm25": "tool_search_tool_result",
}


def signature_for(text: str) -> str:
    """A stable opaque signature for a thinking or compaction block."""
    return base64.b64encode(b"\x12\x0c" + hashlib.sha256(text.encode()).digest()).decode()


def text(value: str, *, citations: Sequence[Mapping[str, Any]] | None = None) -> Block:
    """A text block, optionally with citations."""
    if not isinstance(value, str):
        raise ScriptError(
            f"text() takes a string, got {type(value).__name__}.",
            fix="Pass the reply text as a str.",
        )
    block: Block = {"type": "text", "text": value}
    if citations:
        block["citations"] = [dict(c) for c in citations]
    return block


def tool_use(name: str, input: Mapping[str, Any] | None = None, *, id: str | None = None) -> Block:  # noqa: A002
    """A client tool call; its id is generated per answer unless given."""
    if input is not None and not isinstance(input, Mapping):
        raise ScriptError(
            f"tool_use({name!r}, ...): the input must be a dict, got {type(input).__name__}.",
            why="The API always sends tool input as a JSON object.",
            fix=f'Wrap the value in an object, e.g. tool_use({name!r}, {{"value": ...}}).',
        )
    return {"type": "tool_use", "id": id, "name": name, "input": dict(input or {})}


def thinking(value: str, *, signature: str | None = None) -> Block:
    """A thinking block with a signature (one is made from the text when not given)."""
    return {"type": "thinking", "thinking": value, "signature": signature or signature_for(value)}


def redacted_thinking(data: str | None = None) -> Block:
    """A redacted thinking block."""
    return {"type": "redacted_thinking", "data": data or signature_for("redacted")}


def server_tool_use(
    name: str,
    input: Mapping[str, Any] | None = None,  # noqa: A002
    *,
    result: Any = None,
    id: str | None = None,  # noqa: A002
) -> tuple[Block, Block]:
    """A server tool call and its matching result block (e.g. ``web_search_tool_result``)."""
    if name not in SERVER_TOOL_RESULTS:
        raise ScriptError(
            f"server_tool_use: unknown server tool {name!r}.",
            fix=f"Use one of: {', '.join(sorted(SERVER_TOOL_RESULTS))}.",
        )
    call = {"type": "server_tool_use", "id": id, "name": name, "input": dict(input or {})}
    return call, {"type": SERVER_TOOL_RESULTS[name], "tool_use_id": id, "content": _result(name, result)}


def _result(name: str, result: Any) -> Any:
    if result is not None:
        return result
    if name == "web_search":
        return [
            {
                "type": "web_search_result",
                "url": "https://example.com/",
                "title": "Example Domain",
                "encrypted_content": signature_for("example"),
                "page_age": None,
            }
        ]
    if name == "web_fetch":
        return {
            "type": "web_fetch_result",
            "url": "https://example.com/",
            "retrieved_at": "2026-11-01T00:00:00Z",
            "content": {
                "type": "document",
                "source": {"type": "text", "media_type": "text/plain", "data": "Example Domain"},
                "title": "Example Domain",
                "citations": None,
            },
        }
    if name in ("tool_search_tool_regex", "tool_search_tool_bm25"):
        return {"type": "tool_search_tool_search_result", "tool_references": []}
    kind = {"code_execution": "code_execution_result"}.get(name, f"{name}_result")
    out: dict[str, Any] = {"type": kind, "stdout": "", "stderr": "", "return_code": 0, "content": []}
    if name == "text_editor_code_execution":
        out = {"type": "text_editor_code_execution_view_result", "file_type": "text",
               "content": "", "num_lines": 0, "start_line": 1, "total_lines": 0}
    return out


def compaction(summary: str | None, *, encrypted_content: str | None = None) -> Block:
    """A compaction block (beta): the summary that replaces the earlier conversation."""
    return {
        "type": "compaction",
        "content": summary,
        "encrypted_content": encrypted_content or signature_for(f"enc:{summary}"),
    }
