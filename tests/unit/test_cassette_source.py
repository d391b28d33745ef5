"""CassetteSource end to end through the real SDK: replay rules, record modes against a local
upstream on 127.0.0.1 (never the internet), secrets scrubbing, live stream pass-through."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anthropic
import pytest
from sdk_helpers import sdk_client

from claude_fake.config import RecordMode
from claude_fake.errors import CassetteMismatch
from claude_fake.model import FakeRequest, content_text
from claude_fake.sources.cassette import store
from claude_fake.sources.cassette.source import CassetteSource
from claude_fake.wire import render

CANARY = "sk-ant-api03-CANARY0123456789abcdefXYZ"
MODEL = "claude-sonnet-4-6"


# -- a local upstream that answers like the Messages API -------------------------------------
class Upstream:
    """A tiny Messages API on 127.0.0.1: fixed JSON and SSE answers, optional gate mid-stream."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.counter = 0
        self.gate: threading.Event | None = None
        self.resumed_by_consumer: bool | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def message(self, body: dict[str, Any]) -> dict[str, Any]:
        self.counter += 1
        text = content_text(body["messages"][-1]["content"])
        answer = f"answer {self.counter} to {text}"
        if text == "say my key":
            answer = f"your key is {CANARY}"
        return {
            "id": f"msg_01UPSTREAM{self.counter:014d}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": answer}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
                self.send_response(status)
                base = {
                    "request-id": "req_011CUPSTREAM",
                    "anthropic-organization-id": "6f1c1a2e-1111-2222-3333-444455556666",
                    "cf-ray": "8f00-SJC",
                    "set-cookie": "_cfuvid=abc; Path=/",
                    "anthropic-ratelimit-requests-remaining": "49",
                }
                for name, value in {**base, **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length", "0")))
                body = json.loads(raw)
                upstream.seen.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if self.path.startswith("/v1/messages/count_tokens"):
                    self._send(200, {"content-type": "application/json"}, b'{"input_tokens":5}')
                elif content_text(body["messages"][-1]["content"]) == "please 429":
                    error = {
                        "type": "error",
                        "error": {"type": "rate_limit_error", "message": "slow"},
                        "request_id": "req_011CUPSTREAM",
                    }
                    headers = {"content-type": "application/json", "retry-after": "2"}
                    self._send(429, headers, json.dumps(error).encode())
                elif body.get("stream"):
                    self._stream(upstream.message(body))
                else:
                    payload = json.dumps(upstream.message(body)).encode()
                    self._send(200, {"content-type": "application/json"}, payload)

            def _stream(self, message: dict[str, Any]) -> None:
                self._send(200, {"content-type": "text/event-stream; charset=utf-8"})
                for number, chunk in enumerate(render.message_events(message)):
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if number == 0 and upstream.gate is not None:
                        upstream.resumed_by_consumer = upstream.gate.wait(10)

        return Handler


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    server = Upstream()
    yield server
    server.stop()


def ask(client: anthropic.Anthropic, text: str, *, stream: bool = False) -> anthropic.types.Message:
    messages: Any = [{"role": "user", "content": text}]
    if stream:
        with client.messages.stream(model=MODEL, max_tokens=64, messages=messages) as events:
            return events.get_final_message()
    return client.messages.create(model=MODEL, max_tokens=64, messages=messages)


def text_of(message: anthropic.types.Message) -> str:
    block = message.content[0]
    assert block.type == "text"
    return block.text


def miss(call: Callable[[], object]) -> CassetteMismatch:
    """The CassetteMismatch a call raised (the SDK wraps transport errors in APIConnectionError)."""
    with pytest.raises(anthropic.APIConnectionError) as caught:
        call()
    assert isinstance(caught.value.__cause__, CassetteMismatch)
    return caught.value.__cause__


@pytest.fixture
def sources() -> Iterator[Callable[..., CassetteSource]]:
    opened: list[CassetteSource] = []

    def make(path: Path, mode: str, **kw: Any) -> CassetteSource:
        source = CassetteSource(path, record_mode=RecordMode(mode), **kw)
        opened.append(source)
        return source

    yield make
    for source in opened:
        source.close()


def record(make: Callable[..., CassetteSource], path: Path, up: Upstream, *texts: str) -> list[str]:
    source = make(path, "rewrite", upstream=up.url)
    client = sdk_client(source.claim)
    answers = [text_of(ask(client, t, stream=t.startswith("stream"))) for t in texts]
    assert source.written
    return answers


# -- recording --------------------------------------------------------------------------------
def test_record_then_replay_offline_with_no_secret_on_disk(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    source = sources(path, "once", upstream=upstream.url)
    client = sdk_client(source.claim, api_key=CANARY, default_headers={"x-api-key": CANARY})
    live = [text_of(ask(client, "hello")), text_of(ask(client, "stream me", stream=True))]
    secret = text_of(ask(client, "say my key"))
    assert CANARY in secret
    assert source.stats == {"replayed": 0, "recorded": 3, "misses": 0}
    sent = upstream.seen[0]["headers"]
    assert sent["x-api-key"] == CANARY
    assert sent["authorization"] == f"Bearer {CANARY}"
    assert sent["accept-encoding"] == "identity"
    text = path.read_text()
    assert "CANARY" not in text
    assert "sk-ant-" not in text
    for gone in (
        "6f1c1a2e",
        "_cfuvid",
        "8f00-SJC",
        "req_011CUPSTREAM",
        "x-api-key",
        "authorization",
    ):
        assert gone not in text
    assert "anthropic-ratelimit-requests-remaining" in text
    assert "events:" in text
    assert "json:" in text
    upstream.stop()
    replayed = sources(path, "none")
    client = sdk_client(replayed.claim)
    assert [text_of(ask(client, "hello")), text_of(ask(client, "stream me", stream=True))] == live
    assert text_of(ask(client, "say my key")) == "your key is <redacted>"
    assert replayed.stats == {"replayed": 3, "recorded": 0, "misses": 0}


def test_stream_is_passed_through_as_it_arrives(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    upstream.gate = threading.Event()
    source = sources(tmp_path / "c.yaml", "rewrite", upstream=upstream.url)
    client = sdk_client(source.claim)
    kinds = []
    with client.messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "x"}], stream=True
    ) as events:
        for event in events:
            kinds.append(event.type)
            upstream.gate.set()  # the upstream sends the rest only once we hold the first event
    assert upstream.resumed_by_consumer is True
    assert kinds[0] == "message_start"
    assert kinds[-1] == "message_stop"
    assert source.written


def test_a_stream_the_consumer_abandons_is_not_saved(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    source = sources(tmp_path / "c.yaml", "rewrite", upstream=upstream.url)
    response = source.claim(
        FakeRequest(
            method="POST",
            path="/v1/messages",
            headers={"anthropic-version": "2023-06-01", "content-type": "application/json"},
            raw=json.dumps(
                {
                    "model": MODEL,
                    "max_tokens": 5,
                    "stream": True,
                    "messages": [{"role": "user", "content": "x"}],
                }
            ).encode(),
            body={
                "model": MODEL,
                "max_tokens": 5,
                "stream": True,
                "messages": [{"role": "user", "content": "x"}],
            },
        ),
        "req_1",
    )
    assert response.chunks is not None
    chunks = iter(response.chunks)
    assert next(chunks).startswith(b"event: message_start")
    chunks.close()  # type: ignore[attr-defined]
    assert not source.written
    assert not (tmp_path / "c.yaml").exists()


# -- record modes -----------------------------------------------------------------------------
def test_mode_none_never_touches_the_network(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    source = sources(tmp_path / "absent.yaml", "none", upstream=upstream.url)
    assert "does not exist" in str(miss(lambda: ask(sdk_client(source.claim), "hello")))
    assert upstream.seen == []
    assert source.stats["misses"] == 1
    assert not (tmp_path / "absent.yaml").exists()


def test_mode_once_records_a_new_file_then_only_replays(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    first = sources(path, "once", upstream=upstream.url)
    recorded = text_of(ask(sdk_client(first.claim), "hello"))
    assert len(upstream.seen) == 1
    again = sources(path, "once", upstream=upstream.url)
    client = sdk_client(again.claim)
    assert text_of(ask(client, "hello")) == recorded
    assert "record mode: once" in str(miss(lambda: ask(client, "something new")))
    assert len(upstream.seen) == 1


def test_mode_new_episodes_replays_matches_and_records_misses(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    [old] = record(sources, path, upstream, "hello")
    source = sources(path, "new_episodes", upstream=upstream.url)
    client = sdk_client(source.claim)
    assert text_of(ask(client, "hello")) == old
    new = text_of(ask(client, "new question"))
    assert len(upstream.seen) == 2
    assert source.stats == {"replayed": 1, "recorded": 1, "misses": 0}
    assert [i.response.body["content"][0]["text"] for i in store.load(path) or []] == [old, new]


def test_mode_all_always_forwards_and_replaces_matches(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    first, other = record(sources, path, upstream, "hello", "other")
    source = sources(path, "all", upstream=upstream.url)
    fresh = text_of(ask(sdk_client(source.claim), "hello"))
    assert fresh != first
    assert len(upstream.seen) == 3
    kept = [i.response.body["content"][0]["text"] for i in store.load(path) or []]
    assert kept == [other, fresh]


def test_mode_rewrite_starts_from_an_empty_cassette(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    record(sources, path, upstream, "hello", "other")
    path.write_text(path.read_text())  # still a valid cassette with two entries
    source = sources(path, "rewrite", upstream=upstream.url)
    fresh = text_of(ask(sdk_client(source.claim), "hello"))
    assert [i.response.body["content"][0]["text"] for i in store.load(path) or []] == [fresh]


def test_rewrite_ignores_a_corrupt_file(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("interactions: [")
    source = sources(path, "rewrite", upstream=upstream.url)
    ask(sdk_client(source.claim), "hello")
    assert len(store.load(path) or []) == 1


# -- replay rules -----------------------------------------------------------------------------
def test_identical_requests_replay_in_recorded_order_once_each(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    first, second = record(sources, path, upstream, "same", "same")
    upstream.stop()
    source = sources(path, "none")
    client = sdk_client(source.claim)
    assert len(source.path.read_text().split("- request:")) == 3  # two recorded
    assert text_of(ask(client, "same", stream=True)) == first
    assert source.stats["replayed"] == 1
    assert text_of(ask(client, "same")) == second
    assert "already played" in str(miss(lambda: ask(client, "same")))


def test_a_miss_names_the_nearest_entry_and_how_to_rerecord(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    record(sources, path, upstream, "hello", "count to three please")
    source = sources(
        path, "none", retest_command="pytest tests/test_x.py::test_y --claude-record-mode=rewrite"
    )
    client = sdk_client(source.claim)
    messages: Any = [{"role": "user", "content": "count to four please"}]
    text = str(miss(lambda: client.messages.create(model=MODEL, max_tokens=99, messages=messages)))
    assert f"in {path} (record mode: none)" in text
    assert "Closest entry #2 (POST /v1/messages)" in text
    assert "$.max_tokens (64 recorded, 99 sent)" in text
    assert (
        '$.messages[0].content ("count to three please" recorded, "count to four please" sent)'
        in text
    )
    assert "pytest tests/test_x.py::test_y --claude-record-mode=rewrite" in text
    assert "ANTHROPIC_API_KEY" in text


def test_recorded_errors_replay_with_status_and_instant_retry(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    source = sources(path, "rewrite", upstream=upstream.url)
    for _attempt in range(2):  # what a client with max_retries=1 sends
        with pytest.raises(anthropic.RateLimitError):
            ask(sdk_client(source.claim), "please 429")
    assert "retry-after:\n      - '2'" in path.read_text()
    replayed = sources(path, "none")
    client = sdk_client(replayed.claim, max_retries=1)
    started = time.monotonic()
    with pytest.raises(anthropic.RateLimitError) as caught:
        ask(client, "please 429")
    assert time.monotonic() - started < 1.0
    assert caught.value.response.headers["retry-after-ms"] == "1"
    assert "retry-after" not in caught.value.response.headers
    assert caught.value.response.headers["request-id"] == "req_011CUPSTREAM"  # as recorded
    assert caught.value.body["request_id"] == caught.value.response.headers["request-id"]  # type: ignore[index]


def test_recorded_timing_keeps_retry_after(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    source = sources(path, "rewrite", upstream=upstream.url)
    with pytest.raises(anthropic.RateLimitError):
        ask(sdk_client(source.claim), "please 429")
    replayed = sources(path, "none", replay_timing="recorded")
    request = upstream.seen[0]
    response = replayed.claim(
        FakeRequest(
            method="POST",
            path="/v1/messages",
            headers={"anthropic-version": request["headers"]["anthropic-version"]},
            body=request["body"],
        ),
        "req_fresh",
    )
    assert response.status == 429
    assert response.headers["retry-after"] == "2"
    assert "retry-after-ms" not in response.headers
    assert response.headers["request-id"] == "req_011CUPSTREAM"  # the recorded answer's
    assert response.headers["anthropic-ratelimit-requests-remaining"] == "49"
    assert response.headers["content-type"] == "application/json"
    assert response.source == "replayed"


def test_beta_header_takes_part_in_matching(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    source = sources(path, "rewrite", upstream=upstream.url)
    client = sdk_client(source.claim)
    messages: Any = [{"role": "user", "content": "hi"}]
    client.beta.messages.create(model=MODEL, max_tokens=5, messages=messages, betas=["b1", "b2"])
    replayed = sources(path, "none")
    client = sdk_client(replayed.claim)
    error = miss(
        lambda: client.beta.messages.create(
            model=MODEL, max_tokens=5, messages=messages, betas=["b1"]
        )
    )
    assert 'header anthropic-beta ("b1,b2" recorded, "b1" sent)' in str(error)
    reply = client.beta.messages.create(
        model=MODEL, max_tokens=5, messages=messages, betas=["b2", "b1"]
    )
    assert reply.content[0].type == "text"


def test_a_real_key_replaces_the_fake_one_when_recording(
    tmp_path: Path, upstream: Upstream, sources: Callable[..., CassetteSource]
) -> None:
    path = tmp_path / "c.yaml"
    source = sources(path, "rewrite", upstream=upstream.url, api_key=CANARY)
    ask(sdk_client(source.claim, api_key="sk-ant-fake-key"), "hello")
    assert upstream.seen[0]["headers"]["authorization"] == f"Bearer {CANARY}"
    assert "x-api-key" not in upstream.seen[0]["headers"]
    legacy = sources(tmp_path / "d.yaml", "rewrite", upstream=upstream.url, api_key=CANARY)
    client = sdk_client(legacy.claim, default_headers={"x-api-key": "sk-ant-fake-key"})
    ask(client, "hello")
    assert upstream.seen[1]["headers"]["x-api-key"] == CANARY
    assert "CANARY" not in path.read_text() + (tmp_path / "d.yaml").read_text()
