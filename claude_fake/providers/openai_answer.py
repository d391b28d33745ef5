"""The engine's Messages answer as the OpenAI compatibility layer gives it: a ``chat.completion``,
``chat.completion.chunk`` events ending in ``data: [DONE]``, or an error in OpenAI's envelope.

Response fields as documented: one choice; ``finish_reason`` from the stop reason; text blocks
joined into ``content``; ``tool_use`` blocks as ``tool_calls`` (arguments as JSON text); usage
as ``prompt_tokens`` (input, cache writes and reads), ``completion_tokens``, ``total_tokens``;
``refusal``, ``logprobs``, ``system_fingerprint`` empty. Thinking is not returned.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from claude_fake.model import FakeResponse
from claude_fake.providers.base import Event, carried, error_parts, json_answer, map_stream
from claude_fake.wire.jsontext import compact

FINISH_REASONS: Mapping[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
HEADERS = {"openai-version": "2020-10-01"}
DONE = b"data: [DONE]\n\n"


def error(
    status: int, error_type: str, message: str, headers: Mapping[str, str] | None = None
) -> FakeResponse:
    """An error in OpenAI's envelope."""
    payload = error_payload(error_type, message)
    body = compact(payload).encode()
    all_headers = {"content-type": "application/json", **HEADERS, **(headers or {})}
    return FakeResponse(status=status, headers=all_headers, body=body, payload=payload)


def error_payload(error_type: str, message: str) -> dict[str, Any]:
    """OpenAI's error envelope."""
    return {"error": {"message": message, "type": error_type, "param": None, "code": None}}


def answer(response: FakeResponse, *, include_usage: bool) -> FakeResponse:
    """The engine's answer as a chat completion, its chunks, or an OpenAI error."""
    headers = {**carried(response), **HEADERS}
    failed = error_parts(response)
    if failed is not None:
        return json_answer(response, response.status, error_payload(*failed), headers)
    if response.chunks is None:
        return json_answer(response, response.status, completion(response.payload), headers)
    headers["content-type"] = "text/event-stream; charset=utf-8"
    state = Chunks(include_usage=include_usage)
    return map_stream(response, state.convert, headers)


def usage(message_usage: Mapping[str, Any]) -> dict[str, int]:
    """OpenAI usage from a Messages usage."""
    prompt = sum(
        int(message_usage.get(name) or 0)
        for name in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    output = int(message_usage.get("output_tokens") or 0)
    return {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output}


def completion(message: Mapping[str, Any]) -> dict[str, Any]:
    """A ``chat.completion`` from a Message."""
    blocks = message.get("content") or []
    text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
    calls = [
        {
            "id": b["id"],
            "type": "function",
            "function": {"name": b["name"], "arguments": compact(b.get("input", {}))},
        }
        for b in blocks
        if b.get("type") == "tool_use"
    ]
    reply: dict[str, Any] = {"role": "assistant", "content": text or (None if calls else "")}
    if calls:
        reply["tool_calls"] = calls
    reply["refusal"] = None
    stop = message.get("stop_reason")
    return {
        "id": message.get("id"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": message.get("model"),
        "choices": [
            {
                "index": 0,
                "message": reply,
                "finish_reason": FINISH_REASONS.get(stop or "", "stop"),
                "logprobs": None,
            }
        ],
        "usage": usage(message.get("usage") or {}),
    }


class Chunks:
    """Converts one Messages stream, event by event, into ``chat.completion.chunk`` events."""

    def __init__(self, *, include_usage: bool) -> None:
        self.include_usage = include_usage
        self.head: dict[str, Any] = {"object": "chat.completion.chunk", "created": int(time.time())}
        self.tools: dict[int, int] = {}  # content block index -> tool call index
        self.usage: dict[str, Any] = {}

    def convert(self, events: list[Event]) -> bytes:
        """The OpenAI chunks for these Messages events (b"" for events with none)."""
        return b"".join(self._one(name, json.loads(data)) for name, data in events)

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return b"data: " + compact({**self.head, "choices": [choice]}).encode() + b"\n\n"

    def _one(self, name: str, event: dict[str, Any]) -> bytes:
        if name == "message_start":
            message = event["message"]
            self.head = {"id": message.get("id"), **self.head, "model": message.get("model")}
            self.usage.update(message.get("usage") or {})
            return self._chunk({"role": "assistant", "content": ""})
        if name == "content_block_start":
            return self._block_start(event)
        if name == "content_block_delta":
            return self._delta(event)
        if name == "message_delta":
            self.usage.update(event.get("usage") or {})
            stop = (event.get("delta") or {}).get("stop_reason") or ""
            return self._chunk({}, FINISH_REASONS.get(stop, "stop"))
        if name == "message_stop":
            return self._usage_chunk() + DONE
        if name == "error":
            failed = event.get("error") or {}
            payload = error_payload(failed.get("type", "api_error"), failed.get("message", ""))
            return b"data: " + compact(payload).encode() + b"\n\n"
        return b""  # ping, content_block_stop

    def _block_start(self, event: dict[str, Any]) -> bytes:
        block = event.get("content_block") or {}
        if block.get("type") != "tool_use":
            return b""
        index = self.tools[event["index"]] = len(self.tools)
        function = {"name": block.get("name"), "arguments": ""}
        call = {"index": index, "id": block.get("id"), "type": "function", "function": function}
        return self._chunk({"tool_calls": [call]})

    def _delta(self, event: dict[str, Any]) -> bytes:
        delta = event.get("delta") or {}
        if delta.get("type") == "text_delta":
            return self._chunk({"content": delta.get("text", "")})
        if delta.get("type") == "input_json_delta" and event.get("index") in self.tools:
            function = {"arguments": delta.get("partial_json", "")}
            call = {"index": self.tools[event["index"]], "function": function}
            return self._chunk({"tool_calls": [call]})
        return b""  # thinking and signatures are not returned

    def _usage_chunk(self) -> bytes:
        if not self.include_usage:
            return b""
        payload = {**self.head, "choices": [], "usage": usage(self.usage)}
        return b"data: " + compact(payload).encode() + b"\n\n"
