"""SSE encode/decode round trip and the grammar of rendered messages."""

from __future__ import annotations

import pytest

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


def test_decode_tolerates_crlf_comments_padding_and_multiline_data() -> None:
    body = (
        ': comment\r\nevent: message_stop\r\ndata: {"type":"message_stop"      }\r\n\r\n'
        'event: x\ndata: {"a":\ndata: 1}\n\n'
    )
    assert sse.decode(body) == [("message_stop", {"type": "message_stop"}), ("x", {"a": 1})]


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
