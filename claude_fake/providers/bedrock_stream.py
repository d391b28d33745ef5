"""Bedrock's ``InvokeModelWithResponseStream`` answer: each event of the Messages stream framed as
an AWS event-stream ``chunk`` (its JSON in base64), ``message_stop`` carrying Bedrock's
``amazon-bedrock-invocationMetrics``, an error event as an ``exception`` message.

The engine's own stream (one ``event: NAME\\ndata: JSON\\n\\n`` per chunk, as ``wire/render``
writes it) is framed in one pass from the data lines; a replayed or piped stream is taken apart
event by event.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from claude_fake.model import AnsweredBy, FakeResponse
from claude_fake.providers import eventstream
from claude_fake.providers.base import Event, map_stream, whole_event
from claude_fake.wire.jsontext import compact

# API error type -> the ResponseStream member an error mid-stream arrives as.
STREAM_ERRORS: Mapping[str, str] = {
    "invalid_request_error": "validationException",
    "rate_limit_error": "throttlingException",
    "api_error": "internalServerException",
    "overloaded_error": "serviceUnavailableException",
    "timeout_error": "modelTimeoutException",
}
_STOP_DATA = b'{"type":"message_stop"}'
_STOP = b"event: message_stop\ndata: " + _STOP_DATA + b"\n\n"  # the engine's last chunk
_METRICS = (
    b'{"inputTokenCount":%d,"outputTokenCount":%d,"invocationLatency":0,"firstByteLatency":0}'
)


def usage_of(payload: Any) -> Mapping[str, Any]:
    """The ``usage`` of a Message payload; empty when it has none."""
    usage = payload.get("usage") if isinstance(payload, dict) else None
    return usage if isinstance(usage, dict) else {}


def streamed(
    response: FakeResponse, headers: Mapping[str, str], usage: Mapping[str, Any]
) -> FakeResponse:
    """``response``'s SSE stream as Bedrock's event-stream, one message out per event in."""
    engine_own = response.source is not AnsweredBy.REPLAYED
    return map_stream(
        response,
        lambda events: frames(events, usage),
        headers,
        (lambda chunks: engine_frames(chunks, usage)) if engine_own else None,
    )


def engine_frames(chunks: list[bytes], usage: Mapping[str, Any]) -> list[bytes]:
    """The engine's own chunks framed in one pass: their data lines, then ``message_stop``
    with the metrics; event by event when one is not a plain event on three lines."""
    stops = len(chunks) > 0 and chunks[-1] == _STOP
    datas = _plain_datas(chunks[:-1] if stops else chunks)
    if datas is None:
        return [frames(whole_event(chunk), usage) for chunk in chunks]
    if stops:
        datas.append(with_metrics(_STOP_DATA, usage))
    return eventstream.chunks(datas)


def _plain_datas(chunks: list[bytes]) -> list[bytes] | None:
    """The data of each chunk written as ``event: NAME\ndata: JSON\n\n``, read off their lines
    all at once; None when a chunk has more lines than these three (their number tells: each
    has at least three), or is an error (framed as an ``exception``)."""
    lines = b"".join(chunks).split(b"\n")
    if len(lines) != 3 * len(chunks) + 1 or b"event: error" in lines[::3]:
        return None
    return [line[6:] for line in lines[1::3]]  # after "data: "


def frames(events: list[Event], usage: Mapping[str, Any]) -> bytes:
    """The event-stream messages of some SSE events."""
    out = b""
    for name, data in events:
        if name == "error":
            error = json.loads(data).get("error", {})
            kind = STREAM_ERRORS.get(error.get("type"), "modelStreamErrorException")
            out += eventstream.exception(kind, str(error.get("message", "")))
        elif name == "message_stop":
            out += eventstream.chunk(with_metrics(data, usage))
        else:
            out += eventstream.chunk(data)
    return out


def with_metrics(data: bytes, usage: Mapping[str, Any]) -> bytes:
    """``message_stop`` as Bedrock ends a stream: with ``amazon-bedrock-invocationMetrics``."""
    tokens = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
    if type(tokens[0]) is int and type(tokens[1]) is int:
        metrics = _METRICS % tokens  # the engine's counts, without the JSON encoder
    else:
        counts = {"inputTokenCount": tokens[0], "outputTokenCount": tokens[1]}
        metrics = compact({**counts, "invocationLatency": 0, "firstByteLatency": 0}).encode()
    head = data.rstrip()[:-1].rstrip()  # the event object without its closing brace
    return head + b',"amazon-bedrock-invocationMetrics":' + metrics + b"}"
