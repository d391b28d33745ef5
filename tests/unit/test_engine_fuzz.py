"""Properties of the whole engine: random and mutated bodies, in-process and over the server,
always get a 2xx or a 4xx in the API's envelope; never a 5xx, never a crash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_validate_fuzz import JSON, mutated

from claude_fake import FakeClaude
from claude_fake.faces.server import running_server
from claude_fake.faces.transport import sync_transport

PATHS = {
    "messages": "/v1/messages",
    "count_tokens": "/v1/messages/count_tokens",
    "batches": "/v1/messages/batches",
}
HEADERS = (
    {"anthropic-version": "2023-06-01", "x-api-key": "k"},
    {"anthropic-version": "2026-10-21", "authorization": "Bearer k"},
    {"anthropic-version": "2026-10-21", "anthropic-beta": "compact-2026-01-12"},
)
RAW = st.one_of(
    st.binary(max_size=40),
    JSON.map(lambda value: json.dumps(value).encode()),
    st.sampled_from(sorted(PATHS)).flatmap(mutated).map(lambda value: json.dumps(value).encode()),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def engines() -> Iterator[tuple[FakeClaude, httpx2.Client, httpx2.Client]]:
    """One engine, reached in-process and over a loopback server."""
    fake = FakeClaude(seed=1)
    with running_server(fake) as url:
        inprocess = httpx2.Client(transport=sync_transport(fake), base_url="http://fake")
        with inprocess, httpx2.Client(base_url=url, timeout=10) as server:
            yield fake, inprocess, server


# The API's error table (https://docs.claude.com/en/api/errors), the 4xx rows.
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
}
# What a 2xx JSON answer of each endpoint is (the API reference's response objects).
ANSWER_TYPES = {"messages": "message", "batches": "message_batch"}


def check(response: httpx2.Response, endpoint: str, raw: bytes) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        payload = response.json()
        assert payload["type"] == "error"
        assert payload["error"]["type"] == ERROR_TYPES[response.status_code]
        assert payload["error"]["message"]
        assert payload["request_id"] == response.headers["request-id"]
        return
    try:
        sent = json.loads(raw)
    except ValueError:
        sent = None
    assert isinstance(sent, dict), "only a JSON object can be answered 2xx"
    if response.headers["content-type"].startswith("text/event-stream"):
        assert sent.get("stream") is True
        assert response.text.startswith("event: message_start")
        return
    answer = response.json()
    if endpoint == "count_tokens":  # {"input_tokens": int}, context_management for its beta
        assert type(answer["input_tokens"]) is int
        assert answer["input_tokens"] > 0
        assert set(answer) <= {"input_tokens", "context_management"}
    else:
        assert answer["type"] == ANSWER_TYPES[endpoint]


def _streamed(raw: bytes) -> bytes:
    """``raw`` asking for a stream, when it is a JSON object (a broken body stays as it is)."""
    try:
        body: Any = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(body, dict):
        return raw
    return json.dumps({**body, "stream": True}).encode()


@SETTINGS
@given(
    endpoint=st.sampled_from(sorted(PATHS)),
    raw=RAW,
    headers=st.sampled_from(HEADERS),
    face=st.sampled_from([1, 2]),
    stream=st.booleans(),
)
def test_every_answer_is_2xx_or_4xx_with_the_envelope(
    engines: tuple[FakeClaude, httpx2.Client, httpx2.Client],
    endpoint: str,
    raw: bytes,
    headers: dict[str, str],
    face: int,
    stream: bool,
) -> None:
    if stream and endpoint == "messages":
        raw = _streamed(raw)
    client = engines[face]
    response = client.post(
        PATHS[endpoint], content=raw, headers={**headers, "content-type": "application/json"}
    )
    check(response, endpoint, raw)
