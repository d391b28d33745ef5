"""The record path's pure parts: re-cutting a byte stream into events, swapping credentials."""

from __future__ import annotations

import itertools
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claude_fake.errors import ClaudeFakeError
from claude_fake.model import FakeRequest
from claude_fake.sources.cassette.recorder import Recorder, split_stream, with_key

EVENTS = [
    b'event: message_start\ndata: {"type":"message_start"}\n\n',
    b'event: ping\ndata: {"type": "ping"}\n\n',
    b'event: content_block_delta\ndata: {"text":"a\\n\\nb"}\n\n',
    b'event: message_stop\ndata: {"type":"message_stop"}\n\n',
]
BODY = b"".join(EVENTS)


@settings(max_examples=200, database=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=len(BODY)), max_size=12))
def test_any_chunking_gives_back_whole_events(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(BODY)]
    pieces = [BODY[a:b] for a, b in itertools.pairwise(bounds)]
    assert list(split_stream(iter(pieces))) == EVENTS


def test_crlf_boundaries_and_a_trailing_event_without_blank_line() -> None:
    body = b"event: a\r\ndata: {}\r\n\r\nevent: b\ndata: {}"
    assert list(split_stream(iter([body]))) == [
        b"event: a\r\ndata: {}\r\n\r\n",
        b"event: b\ndata: {}\n\n",
    ]
    assert list(split_stream(iter([b"\n\n", b""]))) == []


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ({"authorization": "Bearer fake"}, {"authorization": "Bearer REAL"}),
        ({"x-api-key": "fake"}, {"x-api-key": "REAL"}),
        (
            {"x-api-key": "fake", "authorization": "Bearer fake"},
            {"x-api-key": "REAL", "authorization": "Bearer REAL"},
        ),
        ({}, {"x-api-key": "REAL"}),
        ({"authorization": "Basic abc"}, {"authorization": "Basic abc", "x-api-key": "REAL"}),
    ],
)
def test_with_key_keeps_the_header_style(sent: dict[str, str], expected: dict[str, str]) -> None:
    assert with_key({"accept": "x", **sent}, "REAL") == {"accept": "x", **expected}
    assert with_key(sent, None) == sent


def test_an_unreachable_upstream_is_a_clear_error() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder(f"http://127.0.0.1:{port}/", timeout=5)
    try:
        request = FakeRequest(method="POST", path="/v1/messages", query="beta=true", body={})
        assert recorder.url(request) == f"http://127.0.0.1:{port}/v1/messages?beta=true"
        with pytest.raises(ClaudeFakeError, match="recording failed: could not reach"):
            recorder.forward(request)
    finally:
        recorder.close()
