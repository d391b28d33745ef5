"""Every API endpoint goes through the same sources: a cassette records and replays count_tokens
and the Models API, and a scripted fault can target them (the SDK retries it as in production).

The upstream answers figures the fake's own estimator and catalogue would never give, so a
replayed answer can only have come from the recording."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
MESSAGES: Any = [{"role": "user", "content": "How many tokens is this?"}]
UPSTREAM_COUNT = 4242  # the estimator gives a dozen or so for this body
UPSTREAM_MODEL = {
    "type": "model",
    "id": "claude-upstream-only-1",
    "display_name": "Upstream Only 1",
    "created_at": "2025-05-14T00:00:00Z",
    "lifecycle": "active",
}
UPSTREAM_REQUEST_ID = "req_011CUpstreamCountTokens"


class Upstream:
    """A tiny stand-in for the real API on 127.0.0.1, answering count_tokens and models."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def _send(self, payload: object) -> None:
                body = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("request-id", UPSTREAM_REQUEST_ID)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                upstream.paths.append(self.path)
                self._send({"input_tokens": UPSTREAM_COUNT})

            def do_GET(self) -> None:
                upstream.paths.append(self.path)
                page = {"data": [UPSTREAM_MODEL], "has_more": False}
                self._send(
                    {**page, "first_id": UPSTREAM_MODEL["id"], "last_id": UPSTREAM_MODEL["id"]}
                )

        return Handler


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.stop()


def strict(fake: FakeClaude, **options: Any) -> anthropic.Anthropic:
    return fake.client(_strict_response_validation=True, **options)


def test_count_tokens_and_models_are_recorded_then_replayed_offline(
    tmp_path: Path, upstream: Upstream
) -> None:
    path = tmp_path / "endpoints.yaml"
    recording = FakeClaude(cassette=str(path), record_mode="rewrite", upstream=upstream.url)
    client = strict(recording)
    assert client.messages.count_tokens(model=MODEL, messages=MESSAGES).input_tokens == 4242
    assert [m.id for m in client.models.list()] == ["claude-upstream-only-1"]
    recording.close()
    assert upstream.paths == ["/v1/messages/count_tokens", "/v1/models"]
    upstream.stop()

    replaying = FakeClaude(cassette=str(path), record_mode="none")
    client = strict(replaying)
    counted = client.messages.with_raw_response.count_tokens(model=MODEL, messages=MESSAGES)
    assert json.loads(counted.http_response.content) == {
        "input_tokens": 4242
    }  # the recording, not an estimate
    listed = client.models.list()
    assert [m.id for m in listed] == ["claude-upstream-only-1"]
    assert listed.data[0].display_name == "Upstream Only 1"
    assert [r.source for r in replaying.requests] == ["replayed", "replayed"]


def test_the_generator_would_have_answered_otherwise() -> None:
    client = strict(FakeClaude())
    assert client.messages.count_tokens(model=MODEL, messages=MESSAGES).input_tokens != 4242
    assert "claude-upstream-only-1" not in [m.id for m in client.models.list()]


def test_a_fault_on_count_tokens_is_retried_by_the_sdk() -> None:
    fake = FakeClaude()
    fake.fail(529, endpoint="count_tokens")
    client = strict(fake, max_retries=2)
    client.messages.create(model=MODEL, max_tokens=16, messages=MESSAGES)  # not its target
    counted = client.messages.count_tokens(model=MODEL, messages=MESSAGES)
    assert counted.input_tokens > 0
    shown = [(r.path, r.attempt, r.source) for r in fake.requests]
    assert shown == [
        ("/v1/messages", 0, "generated"),
        ("/v1/messages/count_tokens", 0, "fault"),
        ("/v1/messages/count_tokens", 1, "generated"),
    ]
    assert fake.unused() == []


def test_a_fault_with_no_retries_left_raises_the_sdk_class() -> None:
    fake = FakeClaude()
    fake.fail(529, endpoint="count_tokens", times=3)
    with pytest.raises(anthropic.OverloadedError):
        strict(fake, max_retries=2).messages.count_tokens(model=MODEL, messages=MESSAGES)


@pytest.mark.parametrize(
    ("endpoint", "call"),
    [
        ("models", lambda c: c.models.list()),
        ("models.get", lambda c: c.models.retrieve(MODEL)),
        ("batches", lambda c: c.messages.batches.list()),
        ("*", lambda c: c.models.list()),
    ],
)
def test_a_fault_can_target_any_endpoint(endpoint: str, call: Any) -> None:
    fake = FakeClaude()
    fake.fail(429, endpoint=endpoint)
    with pytest.raises(anthropic.RateLimitError):
        call(strict(fake, max_retries=0))


def test_a_fault_on_an_unknown_endpoint_is_refused_when_scripted() -> None:
    with pytest.raises(Exception, match="no such endpoint") as caught:
        FakeClaude().fail(529, endpoint="count-tokens")
    assert "count_tokens" in str(caught.value)  # the fix lists the names


def test_the_http_scripting_api_takes_the_endpoint(base_url: str) -> None:
    answer = httpx2.post(
        f"{base_url}/_fake/faults", json={"status": 529, "endpoint": "count_tokens"}
    )
    assert answer.status_code == 201, answer.text
    with anthropic.Anthropic(base_url=base_url, api_key="sk-ant-x", max_retries=2) as client:
        assert client.messages.count_tokens(model=MODEL, messages=MESSAGES).input_tokens > 0
        seen = httpx2.get(f"{base_url}/_fake/requests").json()
        assert [(r["path"], r["source"]) for r in seen] == [
            ("/v1/messages/count_tokens", "fault"),
            ("/v1/messages/count_tokens", "generated"),
        ]
