"""A Message rendered two ways: one JSON body, or the SSE events the API would stream for it."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from claude_fake.wire import sse
from claude_fake.wire.jsontext import compact as _dumps

# What ``_dumps`` does to a str (ensure_ascii=False): one C call, no encoder set-up per value.
_dumps_str: Callable[[str], str] = json.encoder.encode_basestring
_DELTA_EVENT = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":%d,"delta":'
TEXT_CHUNK_WORDS = 3
JSON_CHUNK_CHARS = 24
THINKING_CHUNK_WORDS = 6

# Blocks whose content arrives in deltas (the others come complete in ``content_block_start``).
_DELTA_BLOCKS = {"text", "tool_use", "server_tool_use", "mcp_tool_use", "thinking", "compaction"}
TOOL_BLOCKS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})
_START_USAGE_DROP = ("iterations",)
_DELTA_USAGE_KEYS = (
    "input_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "output_tokens",
    "server_tool_use",
    "output_tokens_details",
    "iterations",
    "fallback_credit",
)


def message_json(message: Mapping[str, Any]) -> bytes:
    """The JSON body of a non-streaming answer."""
    return _dumps(message).encode()


@functools.cache
def _chunker(words: int) -> re.Pattern[str]:
    # One match is ``words`` words, each with the whitespace after it; only the first part of the
    # first match can be bare whitespace (text that starts with it).
    return re.compile(rf"(?:\s+|\S+\s*)(?:\S+\s*){{0,{words - 1}}}")


def text_chunks(text: str, words: int = TEXT_CHUNK_WORDS) -> list[str]:
    """Split text at word boundaries into pieces of ``words`` words (at least one piece)."""
    return _chunker(words).findall(text) or [text]


def _json_chunks(value: Any) -> list[str]:
    raw = _dumps(value)
    if raw == "{}":
        return [""]
    return [""] + [raw[i : i + JSON_CHUNK_CHARS] for i in range(0, len(raw), JSON_CHUNK_CHARS)]


def block_start(block: Mapping[str, Any]) -> dict[str, Any]:
    """The ``content_block`` of a block's start event: empty text, empty input, null summary."""
    kind = block.get("type")
    if kind == "text":
        start: dict[str, Any] = {"type": "text", "text": ""}
        if block.get("citations"):
            start["citations"] = []
        return start
    if kind in TOOL_BLOCKS:
        return {**block, "input": {}}
    if kind == "thinking":
        return {"type": "thinking", "thinking": "", "signature": ""}
    if kind == "compaction":
        return {**block, "content": None, "encrypted_content": None}
    return dict(block)


def block_deltas(block: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The deltas that rebuild ``block`` from its start form."""
    kind = block.get("type")
    if kind == "text":
        for citation in block.get("citations") or ():
            yield {"type": "citations_delta", "citation": citation}
        for piece in text_chunks(block.get("text", "")):
            yield {"type": "text_delta", "text": piece}
    elif kind in TOOL_BLOCKS:
        for piece in _json_chunks(block.get("input", {})):
            yield {"type": "input_json_delta", "partial_json": piece}
    elif kind == "thinking":
        for piece in text_chunks(block.get("thinking", ""), THINKING_CHUNK_WORDS):
            yield {"type": "thinking_delta", "thinking": piece}
        yield {"type": "signature_delta", "signature": block.get("signature", "")}
    elif kind == "compaction":
        yield {
            "type": "compaction_delta",
            "content": block.get("content"),
            "encrypted_content": block.get("encrypted_content"),
        }


def _start_message(message: Mapping[str, Any]) -> dict[str, Any]:
    usage = {k: v for k, v in message["usage"].items() if k not in _START_USAGE_DROP}
    usage["output_tokens"] = min(1, message["usage"].get("output_tokens", 1))
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}
    if "stop_details" in message:
        start["stop_details"] = None
    if "context_management" in message:
        start["context_management"] = None
    return start


def _message_delta(message: Mapping[str, Any]) -> dict[str, Any]:
    delta: dict[str, Any] = {
        "stop_reason": message.get("stop_reason"),
        "stop_sequence": message.get("stop_sequence"),
    }
    if "stop_details" in message:
        delta["stop_details"] = message.get("stop_details")
    if message.get("container") is not None:
        delta["container"] = message["container"]
    usage = {
        k: message["usage"][k] for k in _DELTA_USAGE_KEYS if message["usage"].get(k) is not None
    }
    event: dict[str, Any] = {"type": "message_delta", "delta": delta, "usage": usage}
    if message.get("context_management") is not None:
        event["context_management"] = message["context_management"]
    return event


def _string_events(prefix: str, kind: str, field: str, pieces: list[str]) -> list[bytes]:
    head = f'{prefix}{{"type":"{kind}","{field}":'
    return [(head + _dumps_str(piece) + "}}\n\n").encode() for piece in pieces]


def delta_events(index: int, block: Mapping[str, Any]) -> list[bytes]:
    """The encoded ``content_block_delta`` events of block ``index`` (``block_deltas``, as SSE).

    Deltas that carry one string (text, thinking, partial JSON) are encoded straight from the
    pieces, without a dict and a JSON encoder pass per event: a stream is mostly these.
    """
    prefix = _DELTA_EVENT % index
    kind = block.get("type")
    if kind == "text" and not block.get("citations"):
        return _string_events(prefix, "text_delta", "text", text_chunks(block.get("text", "")))
    if kind in TOOL_BLOCKS:
        pieces = _json_chunks(block.get("input", {}))
        return _string_events(prefix, "input_json_delta", "partial_json", pieces)
    if kind == "thinking":
        pieces = text_chunks(block.get("thinking", ""), THINKING_CHUNK_WORDS)
        out = _string_events(prefix, "thinking_delta", "thinking", pieces)
        signature = {"type": "signature_delta", "signature": block.get("signature", "")}
        out.append((prefix + _dumps(signature) + "}\n\n").encode())
        return out
    return [(prefix + _dumps(delta) + "}\n\n").encode() for delta in block_deltas(block)]


def message_events(message: Mapping[str, Any]) -> list[bytes]:
    """The SSE chunks of ``message``: start, blocks with deltas (a ping after the first), stop."""
    out = [
        sse.encode("message_start", {"type": "message_start", "message": _start_message(message)})
    ]
    for index, block in enumerate(message["content"]):
        start = {"type": "content_block_start", "index": index, "content_block": block_start(block)}
        out.append(sse.encode("content_block_start", start))
        if index == 0:
            out.append(b'event: ping\ndata: {"type": "ping"}\n\n')
        if block.get("type") in _DELTA_BLOCKS:
            out.extend(delta_events(index, block))
        out.append(
            b'event: content_block_stop\ndata: {"type":"content_block_stop","index":%d}\n\n' % index
        )
    out.append(sse.encode("message_delta", _message_delta(message)))
    out.append(b'event: message_stop\ndata: {"type":"message_stop"}\n\n')
    return out


def error_body(
    error_type: str, message: str, request_id: str, details: Any = None
) -> dict[str, Any]:
    """The API's error envelope."""
    error: dict[str, Any] = {"type": error_type, "message": message}
    if details is not None:
        error["details"] = details
    return {"type": "error", "error": error, "request_id": request_id}
