"""SSE encode/decode round trip (the SDK's parser reads the same events) and the grammar of rendered
messages."""

from __future__ import annotations

from typing import Any

import pytest
from anthropic._streaming import SSEDecoder

from claude_fake.wire import render, sse


@pytest.mark.parametrize(
    "events",
    [
        [("ping", {"type": "ping"})],
        [("message_stop", {"type": "message_stop"}), ("error", {"type": "error", "x": "é\n"})],
        [("content_block_delta", {"type": "content_block_delta", "delta": {"text": "a\r\nb"}})],
    ],
)
def test_round_trip(events: list[tuple[str, dict]]) -> None:
    body = b"".join(sse.encode(name, data) for name, data in events)
    assert sse.decode(body) == events
    assert sdk_decode(body) == events  # the SDK's own parser reads the same events


def sdk_decode(body: bytes) -> list[tuple[str | None, Any]]:
    """What the SDK's SSE parser reads from ``body`` (fed in small chunks, as a socket would)."""
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    return [(event.event, event.json()) for event in SSEDecoder().iter_bytes(iter(chunks))]


def test_the_wire_form_of_an_event() -> None:
    """One ``event:`` line, one ``data:`` line of JSON, a blank line (the streaming docs' form)."""
    assert sse.encode("message_stop", {"type": "message_stop"}) == (
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    )


def test_decode_tolerates_crlf_comments_padding_and_multiline_data() -> None:
    body = (
        ': comment\r\nevent: message_stop\r\ndata: {"type":"message_stop"      }\r\n\r\n'
        'event: x\ndata: {"a":\ndata: 1}\n\n'
    )
    assert sse.decode(body) == [("message_stop", {"type": "message_stop"}), ("x", {"a": 1})]
    assert sdk_decode(body.encode()) == sse.decode(body)


def test_text_chunks_rejoin() -> None:
    text = "one two  three\nfour five six seven "
    assert "".join(render.text_chunks(text)) == text
    assert len(render.text_chunks("x " * 3000)) == 1000
    assert render.text_chunks("") == [""]


def test_every_event_line_matches_data_type() -> None:
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "m",
        "content": [
            {"type": "text", "text": "hi there you"},
            {"type": "redacted_thinking", "data": "x"},
        ],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "stop_details": None,
        "usage": {"input_tokens": 1, "output_tokens": 2},
    }
    events = sse.decode(b"".join(render.message_events(message)))
    assert all(name == data["type"] for name, data in events)
    start = [d for n, d in events if n == "content_block_start"]
    assert start[1]["content_block"] == {"type": "redacted_thinking", "data": "x"}
    assert events[0][1]["message"]["usage"]["output_tokens"] == 1
    assert events[-2][1]["usage"]["output_tokens"] == 2
