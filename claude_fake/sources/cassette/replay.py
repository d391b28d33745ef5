"""A recorded interaction turned into the answer for the request at hand. Pure.

A recorded stream answers a stream request event for event, and a JSON request with the Message
the stream builds; a recorded Message answers a stream request through ``render``. Errors replay
with their status, envelope and retry headers. Replay is instant by default: ``retry-after`` waits
become ``retry-after-ms: 1``. Each answer carries the timing its cassette recorded
(``latency.TimedResponse``), for the ``recorded`` latency profile to pace it by.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

from claude_fake.latency import TimedResponse
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse, content_text
from claude_fake.sources.cassette import format as fmt
from claude_fake.wire import render, sse

JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream; charset=utf-8"
_KEPT = ("retry-after", "retry-after-ms", "x-should-retry")
_KEPT_PREFIXES = ("anthropic-ratelimit-", "anthropic-priority-")
_STREAM_ERROR_STATUS = {
    "overloaded_error": 529,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "invalid_request_error": 400,
}


def _upgrade_usage(usage: Any) -> Any:
    tools = usage.get("server_tool_use") if isinstance(usage, dict) else None
    if not isinstance(tools, dict) or (
        "web_search_requests" in tools and "web_fetch_requests" in tools
    ):
        return usage
    return {
        **usage,
        "server_tool_use": {"web_search_requests": 0, "web_fetch_requests": 0, **tools},
    }


def upgrade(data: Any) -> Any:
    """Fill fields the current SDK requires that older recordings lack (``server_tool_use``
    gained ``web_fetch_requests``), so strict clients parse old cassettes. Other data unchanged."""
    if not isinstance(data, dict):
        return data
    if isinstance(data.get("usage"), dict):
        data = {**data, "usage": _upgrade_usage(data["usage"])}
    if data.get("type") == "message_start" and isinstance(data.get("message"), dict):
        data = {**data, "message": upgrade(data["message"])}
    return data


def retryable(status: int) -> bool:
    """Whether the SDK retries this status by default."""
    return status in (408, 409, 429) or status >= 500


def headers(
    recorded: Mapping[str, str], request_id: str, content_type: str, status: int, *, instant: bool
) -> dict[str, str]:
    """The replayed headers: content type, a fresh request id, retry and rate-limit headers."""
    out = {"content-type": content_type, "request-id": request_id}
    for name, value in recorded.items():
        if name in _KEPT or name.startswith(_KEPT_PREFIXES):
            out[name] = value
    if instant and (retryable(status) or "retry-after" in out or "retry-after-ms" in out):
        out.pop("retry-after", None)
        out["retry-after-ms"] = "1"
    return out


def _json(
    rec: fmt.RecordedResponse, body: Any, status: int, request_id: str, instant: bool
) -> FakeResponse:
    recorded_id = body.get("request_id") if isinstance(body, dict) else None
    if isinstance(recorded_id, str) and recorded_id:
        request_id = recorded_id  # the recorded answer, its request id included
    return TimedResponse(
        status=status,
        headers=headers(rec.headers, request_id, JSON_TYPE, status, instant=instant),
        body=render.message_json(body),
        source=AnsweredBy.REPLAYED,
        payload=body,
        timing=rec.timing,
    )


def _stream(
    rec: fmt.RecordedResponse, chunks: list[bytes], message: Any, request_id: str, instant: bool
) -> FakeResponse:
    return TimedResponse(
        status=rec.status,
        headers=headers(rec.headers, request_id, SSE_TYPE, rec.status, instant=instant),
        chunks=chunks,
        source=AnsweredBy.REPLAYED,
        payload=message,
        timing=rec.timing,
    )


def respond(
    interaction: fmt.Interaction, request: FakeRequest, request_id: str, *, instant: bool = True
) -> FakeResponse:
    """The answer a recorded interaction gives to ``request``."""
    rec = interaction.response
    if rec.events is not None and rec.status < 400:
        events = [(name, upgrade(data)) for name, data in rec.events]
        message = accumulate(events)
        if request.stream:
            chunks = [sse.encode(name, data) for name, data in events]
            return _stream(rec, chunks, message, request_id, instant)
        error = stream_error(events)
        if error is not None:
            kind = (error.get("error") or {}).get("type", "api_error")
            status = _STREAM_ERROR_STATUS.get(kind, 500)
            return _json(rec, {**error, "request_id": request_id}, status, request_id, instant)
        return _json(rec, message, rec.status, request_id, instant)
    if rec.body is not None:
        body = upgrade(rec.body)
        if request.stream and rec.status < 400 and _is_message(body):
            return _stream(rec, render.message_events(body), body, request_id, instant)
        return _json(rec, body, rec.status, request_id, instant)
    content_type = rec.headers.get("content-type", "text/plain; charset=utf-8")
    return TimedResponse(
        status=rec.status,
        headers=headers(rec.headers, request_id, content_type, rec.status, instant=instant),
        body=(rec.text or "").encode(),
        source=AnsweredBy.REPLAYED,
        payload=rec.text,
        timing=rec.timing,
    )


def _is_message(body: Any) -> bool:
    return isinstance(body, dict) and body.get("type") == "message" and "content" in body


def request_summary(req: fmt.RecordedRequest) -> str:
    """``POST /v1/messages claude-x "last user text" tools=[a, b]`` for one recorded request."""
    body = req.body if isinstance(req.body, dict) else {}
    parts = [req.method, req.path]
    if isinstance(body.get("model"), str):
        parts.append(body["model"])
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            text = content_text(message.get("content")).replace("\n", " ")
            parts.append(repr(text[:60] + ("…" if len(text) > 60 else "")))
            break
    tools = [t.get("name", "?") for t in body.get("tools") or [] if isinstance(t, dict)]
    if tools:
        parts.append(f"tools=[{', '.join(tools)}]")
    if body.get("stream") is True:
        parts.append("stream")
    return " ".join(parts)


# -- a stream folded into its Message, by the SDK's accumulator rules (WIRE.md §4.5) ----------
_USAGE_IF_SET = (
    "input_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "server_tool_use",
    "output_tokens_details",
    "iterations",
    "fallback_credit",
)


def _apply_delta(
    block: dict[str, Any], delta: Mapping[str, Any], partial: dict[int, str], i: int
) -> None:
    kind, btype = delta.get("type"), block.get("type")
    if kind == "text_delta" and btype == "text":
        block["text"] = block.get("text", "") + delta.get("text", "")
    elif kind == "input_json_delta" and btype in render.TOOL_BLOCKS:
        partial[i] = partial.get(i, "") + delta.get("partial_json", "")
    elif kind == "citations_delta" and btype == "text":
        block["citations"] = [*(block.get("citations") or []), delta.get("citation")]
    elif kind == "thinking_delta" and btype == "thinking":
        block["thinking"] = block.get("thinking", "") + delta.get("thinking", "")
    elif kind == "signature_delta" and btype == "thinking":
        block["signature"] = delta.get("signature", "")
    elif kind == "compaction_delta" and btype == "compaction":
        block["content"] = delta.get("content")
        block["encrypted_content"] = delta.get("encrypted_content")


def _apply_message_delta(snapshot: dict[str, Any], event: Mapping[str, Any]) -> None:
    delta = event.get("delta") or {}
    for key in ("stop_reason", "stop_sequence", "stop_details"):
        if key in delta:
            snapshot[key] = delta[key]
    if delta.get("container") is not None:
        snapshot["container"] = delta["container"]
    usage = dict(snapshot.get("usage") or {})
    new = event.get("usage") or {}
    if "output_tokens" in new:
        usage["output_tokens"] = new["output_tokens"]
    usage.update({k: new[k] for k in _USAGE_IF_SET if new.get(k) is not None})
    snapshot["usage"] = usage
    for key in ("context_management", "input_transformations"):
        if event.get(key) is not None:
            snapshot[key] = event[key]


def accumulate(events: Sequence[fmt.Event]) -> dict[str, Any] | None:
    """The Message a stream builds (None without ``message_start``), folded as the SDK does."""
    snapshot: dict[str, Any] | None = None
    partial: dict[int, str] = {}
    for _name, data in events:
        kind = data.get("type") if isinstance(data, Mapping) else None
        if kind == "message_start":
            snapshot = copy.deepcopy(dict(data.get("message") or {}))
            snapshot["content"] = []
        elif snapshot is None:
            continue
        elif kind == "content_block_start":
            block = copy.deepcopy(dict(data.get("content_block") or {}))
            snapshot["content"].append(block)
            if block.get("type") == "fallback" and isinstance(block.get("to"), Mapping):
                snapshot["model"] = block["to"].get("model", snapshot.get("model"))
        elif kind == "content_block_delta":
            index = data.get("index", -1)
            if isinstance(index, int) and 0 <= index < len(snapshot["content"]):
                _apply_delta(snapshot["content"][index], data.get("delta") or {}, partial, index)
        elif kind == "message_delta":
            _apply_message_delta(snapshot, data)
    if snapshot is not None:
        for index, text in partial.items():
            snapshot["content"][index]["input"] = _parse_input(text)
    return snapshot


def _parse_input(text: str) -> Any:
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        import jiter

        return jiter.from_json(text.encode(), partial_mode="trailing-strings")


def stream_error(events: Sequence[fmt.Event]) -> Any:
    """The data of the stream's ``error`` event, if it has one."""
    for name, data in events:
        if name == "error" or (isinstance(data, Mapping) and data.get("type") == "error"):
            return data
    return None
