"""Builders for the content blocks a scripted reply holds. A plain ``str`` is a text block.

Every default here parses under the SDK's strict response types (GA and beta), field for field.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, get_args

from claude_fake.errors import ScriptError

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
EXAMPLE_URL = "https://example.com/"
BUILDERS = "Build blocks with claude_fake.text/tool_use/thinking/server_tool_use/compaction."


def signature_for(text: str) -> str:
    """A stable opaque signature for a thinking or compaction block."""
    return base64.b64encode(b"\x12\x0c" + hashlib.sha256(text.encode()).digest()).decode()


def _need_str(value: object, what: str, fix: str) -> None:
    if not isinstance(value, str):
        raise ScriptError(f"{what} takes a string, got {type(value).__name__}.", fix=fix)


def text(value: str, *, citations: Sequence[Mapping[str, Any]] | None = None) -> Block:
    """A text block, optionally with citations (e.g. ``char_location`` dicts)."""
    _need_str(value, "text()", "Pass the reply text as a str.")
    block: Block = {"type": "text", "text": value}
    if citations is not None:
        if isinstance(citations, Mapping | str) or not all(
            isinstance(c, Mapping) for c in citations
        ):
            raise ScriptError(
                "text(citations=...) takes a list of citation dicts.",
                fix='e.g. citations=[{"type": "char_location", "cited_text": "...", '
                '"document_index": 0, "start_char_index": 0, "end_char_index": 3}]',
            )
        block["citations"] = [dict(c) for c in citations]
    return block


def tool_use(name: str, input: Mapping[str, Any] | None = None, *, id: str | None = None) -> Block:
    """A client tool call; its id is generated per answer unless given."""
    _need_str(name, "tool_use(name, ...)", 'e.g. tool_use("get_weather", {"city": "Paris"})')
    if input is not None and not isinstance(input, Mapping):
        raise ScriptError(
            f"tool_use({name!r}, ...): the input must be a dict, got {type(input).__name__}.",
            why="The API always sends tool input as a JSON object.",
            fix=f'Wrap the value in an object, e.g. tool_use({name!r}, {{"value": ...}}).',
        )
    return {"type": "tool_use", "id": id, "name": name, "input": dict(input or {})}


def thinking(value: str, *, signature: str | None = None) -> Block:
    """A thinking block with a signature (one is made from the text when not given)."""
    _need_str(value, "thinking()", 'e.g. thinking("Let me check the weather first.")')
    return {"type": "thinking", "thinking": value, "signature": signature or signature_for(value)}


def completed(block: Block) -> Block:
    """A block given as a dict, with what its builder would add: a thinking block without a
    signature is signed as ``thinking()`` signs it (a redacted one gets its ``data``)."""
    kind = block.get("type")
    if kind == "thinking" and "signature" not in block and isinstance(block.get("thinking"), str):
        return {**block, "signature": signature_for(block["thinking"])}
    if kind == "redacted_thinking" and "data" not in block:
        return {**block, "data": signature_for("redacted")}
    return block


def redacted_thinking(data: str | None = None) -> Block:
    """A redacted thinking block."""
    return {"type": "redacted_thinking", "data": data or signature_for("redacted")}


def server_tool_use(
    name: str,
    input: Mapping[str, Any] | None = None,
    *,
    result: Any = None,
    error: str | None = None,
    id: str | None = None,
) -> tuple[Block, Block]:
    """A server tool call and its matching result block (e.g. ``web_search_tool_result``).

    ``result`` replaces the default result content; ``error`` makes it the tool's error object
    with that ``error_code`` (e.g. ``"unavailable"``).
    """
    if name not in SERVER_TOOL_RESULTS:
        raise ScriptError(
            f"server_tool_use: unknown server tool {name!r}.",
            fix=f"Use one of: {', '.join(sorted(SERVER_TOOL_RESULTS))}.",
        )
    if input is not None and not isinstance(input, Mapping):
        raise ScriptError(
            f"server_tool_use({name!r}, ...): the input must be a dict.",
            fix='e.g. server_tool_use("web_search", {"query": "weather in Paris"})',
        )
    kind = SERVER_TOOL_RESULTS[name]
    content = _error(kind, error) if error is not None else _result(name, result)
    call = {"type": "server_tool_use", "id": id, "name": name, "input": dict(input or {})}
    return call, {"type": kind, "tool_use_id": id, "content": content}


def error_codes(kind: str) -> tuple[str, ...]:
    """The error codes the SDK knows for a server tool result ``kind``."""
    import anthropic.types as sdk

    name = "".join(part.title() for part in kind.split("_")) + "ErrorCode"
    codes: object = getattr(sdk, name, None)
    return tuple(str(code) for code in get_args(codes))


def _error(kind: str, code: str) -> Block:
    codes = error_codes(kind)
    if code not in codes:
        raise ScriptError(
            f"server_tool_use(error={code!r}): not an error code of {kind}.",
            fix=f"Use one of: {', '.join(codes)}.",
        )
    return {"type": f"{kind}_error", "error_code": code}


def _result(name: str, result: Any) -> Any:
    if result is not None:
        return result
    if name == "web_search":
        return [
            {
                "type": "web_search_result",
                "url": EXAMPLE_URL,
                "title": "Example Domain",
                "encrypted_content": signature_for("example"),
                "page_age": None,
            }
        ]
    if name == "web_fetch":
        source = {"type": "text", "media_type": "text/plain", "data": "Example Domain"}
        document = {"type": "document", "source": source, "title": "Example Domain"}
        return {
            "type": "web_fetch_result",
            "url": EXAMPLE_URL,
            "retrieved_at": "2026-11-01T00:00:00Z",
            "content": {**document, "citations": None},
        }
    if name.startswith("tool_search_tool_"):
        return {"type": "tool_search_tool_search_result", "tool_references": []}
    if name == "text_editor_code_execution":
        return {
            "type": "text_editor_code_execution_view_result",
            "file_type": "text",
            "content": "",
            "num_lines": 0,
            "start_line": 1,
            "total_lines": 0,
        }
    kind = f"{name}_result"  # code_execution_result, bash_code_execution_result
    return {"type": kind, "stdout": "", "stderr": "", "return_code": 0, "content": []}


def compaction(
    summary: str | None,
    *,
    encrypted_content: str | None = None,
    signature: str | None = None,
    tool_changes: Sequence[Mapping[str, Any]] | None = None,
) -> Block:
    """A compaction block (beta): the summary that replaces the earlier conversation.

    ``summary=None`` is a failed compaction, as the API sends it.
    """
    if summary is not None:
        _need_str(summary, "compaction()", 'e.g. compaction("The user asked about Paris.")')
    block: Block = {
        "type": "compaction",
        "content": summary,
        "encrypted_content": encrypted_content or signature_for(f"enc:{summary}"),
    }
    if signature is not None:
        block["signature"] = signature
    if tool_changes is not None:
        block["tool_changes"] = [dict(change) for change in tool_changes]
    return block


# -- checks against the SDK's strict types ---------------------------------------------------
# Blocks every SDK generation's GA ``ContentBlock`` has: known without importing the SDK.
SURELY_GA = frozenset({"text", "tool_use", "thinking", "redacted_thinking"})


def is_ga(kind: object) -> bool:
    """Whether GA clients parse blocks of this type (the SDK is asked only for rarer types)."""
    return kind in SURELY_GA or kind in ga_block_types()


def _surely_valid(block: Block) -> bool:
    # a plain text block, as text() builds it: valid without asking pydantic (and the SDK import)
    return block.get("type") == "text" and isinstance(block.get("text"), str) and len(block) == 2


@cache
def _members(beta: bool) -> Mapping[str, Any]:
    """The SDK's model for each block type of the (GA or beta) ``ContentBlock`` union."""
    from anthropic.types import ContentBlock
    from anthropic.types.beta import BetaContentBlock

    union = BetaContentBlock if beta else ContentBlock
    members = get_args(get_args(union)[0])
    return {str(get_args(m.model_fields["type"].annotation)[0]): m for m in members}


@cache
def ga_block_types() -> frozenset[str]:
    """The block types of the GA ``ContentBlock`` union (the others are beta only)."""
    return frozenset(_members(False))


def _sdk_problem(block: Block) -> str | None:
    """What the SDK's model for this block's own type finds wrong with it, or None."""
    from pydantic import ValidationError

    kind = block.get("type")
    model = _members(not is_ga(kind)).get(kind) if isinstance(kind, str) else None
    if model is None:
        known = ", ".join(sorted(_members(True)))
        return f"type: {kind!r} is not a block type (known: {known})"
    try:
        model.model_validate(_probe(block))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "block"
        return f"{where}: {first['msg']}"
    return None


def _probe(block: Block) -> Block:
    probe = {**block}
    if probe.get("type") in ("tool_use", "server_tool_use") and not probe.get("id"):
        probe["id"] = "toolu_check"
    if str(probe.get("type")).endswith("_tool_result") and not probe.get("tool_use_id"):
        probe["tool_use_id"] = "srvtoolu_check"
    return probe


def check_blocks(content: list[Block]) -> None:
    """Raise a ScriptError naming the first block the SDK's strict types would not accept.

    Blocks the GA ``ContentBlock`` union has are checked against it (GA clients parse them),
    the others (compaction, mcp_*, ...) against the beta union.
    """
    for index, block in enumerate(content):
        kind = block.get("type")
        if kind in ("tool_use", "server_tool_use") and not isinstance(block.get("input"), dict):
            raise ScriptError(
                f"block {index} ({kind} {block.get('name')!r}): input must be a dict, "
                f"got {type(block.get('input')).__name__}.",
                why="The API always sends tool input as a JSON object.",
                fix='Pass a dict as the tool input, e.g. {"city": "Paris"}.',
            )
        problem = None if _surely_valid(block) else _sdk_problem(block)
        if problem is not None:
            raise ScriptError(
                f"block {index} ({kind!r}) is not a content block the SDK accepts: {problem}.",
                why="Clients parse each block with the SDK's model for its type.",
                fix=BUILDERS,
            )
