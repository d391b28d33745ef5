"""A connection dropped part-way through a JSON body (``fake.disconnect(after_bytes=N)``): the
answer's status and headers go out whole, then N bytes of its body, then the connection drops,
in-process and over the loopback server. What each SDK version makes of it (retried or not, by
``x-should-retry``) is asserted in tests/compat/test_sdk_semantics.py and tests/node."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from claude_fake import FakeClaude, ScriptError
from claude_fake.faces.transport import sync_transport
from claude_fake.wire.http import http_module

HTTP = http_module()
BODY: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 32,
    "messages": [{"role": "user", "content": "Hi"}],
}
HEADERS = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"}


@pytest.fixture
def raw(fake: FakeClaude, face: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A plain HTTP client on ``fake``: the SDK's own HTTP library, no SDK around it."""
    if face == "inprocess":
        client = HTTP.Client(transport=sync_transport(fake), base_url="http://fake")
    else:
        client = HTTP.Client(base_url=request.getfixturevalue("base_url"))
    with client:
        yield client


def read(raw: Any) -> tuple[Any, bytes, Exception | None]:
    """POST /v1/messages: the response, the body bytes that arrived, and the read's error."""
    got = bytearray()
    with raw.stream("POST", "/v1/messages", json=BODY, headers=HEADERS) as response:
        try:
            for chunk in response.iter_raw():
                got += chunk
        except HTTP.TransportError as error:
            return response, bytes(got), error
    return response, bytes(got), None


def whole() -> tuple[Any, bytes]:
    """The answer the cut one would have been: the same script on a fresh engine (seeded ids)."""
    fake = FakeClaude(seed=0)
    fake.reply("Paris, as ever.")
    with HTTP.Client(transport=sync_transport(fake), base_url="http://fake") as client:
        response = client.post("/v1/messages", json=BODY, headers=HEADERS)
        return response, response.content


@pytest.mark.parametrize("should_retry", [None, False, True])
def test_the_headers_then_n_bytes_then_the_drop(
    fake: FakeClaude, raw: Any, should_retry: bool | None
) -> None:
    fake.disconnect(after_bytes=40, should_retry=should_retry)
    fake.reply("Paris, as ever.")
    response, got, error = read(raw)
    expected, body = whole()
    assert response.status_code == 200
    assert got == body[:40]
    assert isinstance(error, HTTP.RemoteProtocolError)
    assert str(error).endswith(f"(received 40 bytes, expected {len(body)})")  # h11's words
    headers = dict(response.headers)
    assert headers.pop("x-should-retry", None) == (
        None if should_retry is None else str(should_retry).lower()
    )
    for name in ("content-type", "request-id", "content-length"):
        assert headers[name] == expected.headers[name]
    assert [r.source.value for r in fake.requests if r.source] == ["scripted"]
    assert fake.requests[0].response["content"][0]["text"] == "Paris, as ever."


def test_a_cut_leaves_the_body_a_byte_short_at_least(fake: FakeClaude, raw: Any) -> None:
    fake.disconnect(after_bytes=10**9)
    fake.reply("Paris, as ever.")
    _, got, error = read(raw)
    _, body = whole()
    assert got == body[:-1]
    assert str(error).endswith(f"(received {len(body) - 1} bytes, expected {len(body)})")


def test_a_stream_passes_a_body_cut_by(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    fake.disconnect(after_bytes=20)
    fake.reply("whole", times=3)
    with client.messages.stream(**BODY) as stream:
        assert stream.get_final_text() == "whole"
    assert any(line.startswith("fault disconnect after 20 body bytes") for line in fake.unused())
    assert client.messages.create(**BODY).content[0].text == "whole"  # after a retry
    assert [(r.stream, r.attempt) for r in fake.requests] == [(True, 0), (False, 0), (False, 1)]
    assert fake.unused() == []


def test_other_endpoints_are_cut_when_aimed_at(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    fake.disconnect(after_bytes=5, endpoint="count_tokens", times=3)
    assert client.messages.create(**BODY).type == "message"
    with pytest.raises(anthropic.APIConnectionError):
        client.messages.count_tokens(**{k: v for k, v in BODY.items() if k != "max_tokens"})
    assert [r.path for r in fake.requests] == ["/v1/messages"] + ["/v1/messages/count_tokens"] * 3


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"after_bytes": -1}, "must be a whole number >= 0"),
        ({"after_bytes": 1.5}, "must be a whole number >= 0"),
        ({"after_bytes": True}, "must be a whole number >= 0"),
        ({"after_bytes": 4, "after_events": 2}, "cannot be combined"),
        ({"should_retry": False}, "needs after_bytes or after_events"),
        ({"after_bytes": 4, "should_retry": "no"}, "must be True or False"),
    ],
)
def test_bad_body_cuts(options: dict[str, Any], says: str) -> None:
    with pytest.raises(ScriptError, match=re.escape(says)):
        FakeClaude().disconnect(**options)


def fault(raw: Any, body: dict[str, Any]) -> tuple[int, Any]:
    """``POST /_fake/faults``: its status and JSON."""
    response = raw.post("/_fake/faults", json=body)
    return response.status_code, response.json()


@pytest.mark.parametrize("face", ["server"])
def test_scripted_over_http(fake: FakeClaude, raw: Any) -> None:
    asked = {"disconnect": True, "after_bytes": 40, "should_retry": False}
    queued = "fault disconnect after 40 body bytes (x-should-retry: false) (scripted over HTTP)"
    assert fault(raw, asked) == (201, {"queued": queued})
    response, got, error = read(raw)
    assert response.headers["x-should-retry"] == "false"
    assert len(got) == 40
    assert isinstance(error, HTTP.RemoteProtocolError)


@pytest.mark.parametrize("face", ["server"])
@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"disconnect": True, "after_bytes": -1}, "must be a whole number >= 0"),
        ({"after_bytes": 40}, "after_bytes cuts a body only with a dropped connection"),
        ({"status": 529, "after_bytes": 40}, 'Add "disconnect": true'),
        ({"disconnect": True, "should_retry": False}, "needs after_bytes or after_events"),
        ({"disconnect": True, "after_bytes": 4, "after_events": 1}, "cannot be combined"),
    ],
)
def test_bad_body_cuts_over_http(raw: Any, body: dict[str, Any], says: str) -> None:
    status, answer = fault(raw, body)
    assert status == 400
    assert says in answer["error"]["message"]


def test_a_translated_body_is_cut_short_too(fake: FakeClaude, base_url: str) -> None:
    """The OpenAI-compatible face translates the answer after the fault is planned: the cut
    counts on the body that goes out, so even a cut past its end leaves it a byte short."""
    fake.disconnect(after_bytes=10**6)
    fake.reply("Paris, as ever.")
    chat = {"model": "claude-sonnet-4-6", "messages": [{"role": "user", "content": "Hi"}]}
    got, error = bytearray(), None
    with (
        HTTP.Client(base_url=base_url) as client,
        client.stream("POST", "/v1/chat/completions", json=chat, headers=HEADERS) as response,
    ):
        try:
            for chunk in response.iter_raw():
                got += chunk
        except HTTP.RemoteProtocolError as cut:
            error = cut
        size = int(response.headers["content-length"])
    assert response.status_code == 200
    assert len(got) == size - 1
    assert str(error).endswith(f"(received {size - 1} bytes, expected {size})")


def test_the_resilience_report_counts_a_cut_and_what_the_client_did(fake: FakeClaude) -> None:
    """A cut body is a fault the client meets: its retry (or not) is in the report, and a retry
    of an answer that said ``x-should-retry: false`` is one against advice."""
    fake.disconnect(after_bytes=40, should_retry=False)
    fake.reply("first")
    fake.reply("second", optional=True)
    client = fake.client(max_retries=1)
    with contextlib.suppress(anthropic.APIConnectionError):  # 2.17 honours the header: stops
        client.messages.create(**BODY)
    attempts = [r.attempt for r in fake.requests]
    [fault] = fake.resilience().faults
    assert fault.status == 0  # a dropped connection
    assert fault.outcome == ("retried against advice" if attempts == [0, 1] else "gave up")
