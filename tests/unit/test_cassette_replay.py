"""What a recorded interaction answers: JSON or stream either way, errors, headers, upgrades."""

from __future__ import annotations

import json
from typing import Any

from claude_fake.model import FakeRequest
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import replay
from claude_fake.wire import render, sse

MESSAGE: dict[str, Any] = {
    "id": "msg_01A",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-6",
    "content": [{"type": "text", "text": "Hello there, friend!"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 12,
        "output_tokens": 6,
        "server_tool_use": {"web_search_requests": 1},
    },
}


def request(stream: bool) -> FakeRequest:
    body = {"model": "m", "max_tokens": 5, "messages": [], "stream": stream}
    return FakeRequest(method="POST", path="/v1/messages", body=body)


def recorded(**response: Any) -> fmt.Interaction:
    req = fmt.RecordedRequest(method="POST", uri="https://api.anthropic.com/v1/messages")
    return fmt.Interaction(request=req, response=fmt.RecordedResponse(**response))


def events_of(message: dict[str, Any]) -> tuple[fmt.Event, ...]:
    return tuple(sse.decode(b"".join(render.message_events(message))))


def test_recorded_stream_answers_a_stream_event_for_event() -> None:
    events = events_of(MESSAGE)
    got = replay.respond(recorded(status=200, events=events), request(True), "req_x")
    assert got.chunks is not None
    assert got.headers["content-type"].startswith("text/event-stream")
    assert [name for name, _ in sse.decode(b"".join(got.chunks))] == [name for name, _ in events]
    assert got.payload["content"] == MESSAGE["content"]


def test_recorded_stream_answers_json_with_the_folded_message() -> None:
    got = replay.respond(recorded(status=200, events=events_of(MESSAGE)), request(False), "req_x")
    assert got.chunks is None
    assert got.headers["content-type"] == "application/json"
    assert json.loads(got.body)["content"] == MESSAGE["content"]


def test_recorded_message_answers_a_stream_through_render() -> None:
    got = replay.respond(recorded(status=200, body=MESSAGE), request(True), "req_x")
    assert got.chunks is not None
    folded = replay.accumulate(sse.decode(b"".join(got.chunks)))
    assert folded is not None
    assert folded["content"] == MESSAGE["content"]


def test_non_message_json_answers_a_stream_request_as_json() -> None:
    got = replay.respond(recorded(status=200, body={"input_tokens": 3}), request(True), "req_x")
    assert got.chunks is None
    assert got.body == b'{"input_tokens":3}'


def test_a_recorded_stream_error_answers_json_with_an_error_status() -> None:
    events = (
        *events_of(MESSAGE)[:2],
        (
            "error",
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        ),
    )
    streamed = replay.respond(recorded(status=200, events=events), request(True), "req_x")
    assert streamed.chunks is not None
    assert b"event: error" in b"".join(streamed.chunks)
    got = replay.respond(recorded(status=200, events=events), request(False), "req_x")
    assert got.status == 529
    assert json.loads(got.body) == {**events[-1][1], "request_id": "req_x"}


def test_text_bodies_replay_as_recorded() -> None:
    got = replay.respond(
        recorded(status=502, headers={"content-type": "text/html"}, text="<html/>"),
        request(False),
        "req_x",
    )
    assert (got.status, got.body, got.headers["content-type"]) == (502, b"<html/>", "text/html")
    assert got.headers["retry-after-ms"] == "1"


def test_headers_keep_behaviour_and_drop_the_rest() -> None:
    recorded_headers = {
        "retry-after": "30",
        "x-should-retry": "false",
        "anthropic-ratelimit-tokens-remaining": "0",
        "server": "cloudflare",
        "content-type": "application/json; charset=utf-8",
    }
    instant = replay.headers(recorded_headers, "req_1", "application/json", 429, instant=True)
    assert instant == {
        "content-type": "application/json",
        "request-id": "req_1",
        "retry-after-ms": "1",
        "x-should-retry": "false",
        "anthropic-ratelimit-tokens-remaining": "0",
    }
    kept = replay.headers(recorded_headers, "req_1", "application/json", 429, instant=False)
    assert kept["retry-after"] == "30"
    assert "retry-after-ms" not in kept
    ok = replay.headers({}, "req_1", "application/json", 200, instant=True)
    assert ok == {"content-type": "application/json", "request-id": "req_1"}


def test_old_usage_is_upgraded_for_strict_clients() -> None:
    got = replay.respond(recorded(status=200, body=MESSAGE), request(False), "req_x")
    usage = json.loads(got.body)["usage"]
    assert usage["server_tool_use"] == {"web_search_requests": 1, "web_fetch_requests": 0}
    assert MESSAGE["usage"]["server_tool_use"] == {"web_search_requests": 1}


def test_summary_names_model_text_tools_and_stream() -> None:
    body = {
        "model": "claude-x",
        "stream": True,
        "tools": [{"name": "a"}, {"name": "b"}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "line\nbreak " * 10}]}],
    }
    req = fmt.RecordedRequest(method="POST", uri="https://x/v1/messages?beta=true", body=body)
    line = replay.request_summary(req)
    assert line.startswith("POST /v1/messages claude-x 'line break line break")
    assert line.endswith("…' tools=[a, b] stream")
