"""Attacking a served fake: huge and slow bodies, slow headers, slowloris sockets, clients that
leave mid-body, 200 concurrent streams. Each over a real loopback server."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import pytest
from server_helpers import (
    API_HEADERS,
    ASK,
    MODEL,
    Answer,
    address,
    closed_by_server,
    head,
    read_answer,
    served,
)

from claude_fake import FakeClaude

MB = 1024 * 1024


def _connect(url: str, timeout: float = 5.0) -> socket.socket:
    return socket.create_connection(address(url), timeout=timeout)


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/v1/messages", 32 * MB),
        ("/v1/messages/count_tokens", 32 * MB),
        ("/_fake/replies", 32 * MB),
        ("/v1/messages/batches", 256 * MB),
    ],
)
def test_a_body_over_the_limit_is_refused_from_its_content_length(
    fake: FakeClaude, path: str, limit: int
) -> None:
    with served(fake) as url, _connect(url) as sock:
        headers = {**API_HEADERS, "content-type": "application/json"}
        headers["content-length"] = str(limit + 1)
        sock.sendall(head("POST", path, "127.0.0.1", headers) + b'{"model": ')  # and no more
        answer = read_answer(sock)  # answered at once, without waiting for the body
        assert answer is not None
        assert closed_by_server(sock)  # the rest is never read
    assert answer.status == 413
    assert answer.headers["connection"] == "close"
    error = answer.json()["error"]
    assert error["type"] == "request_too_large"
    if path.startswith("/v1"):
        assert error["message"] == "Request exceeds the maximum allowed number of bytes."
        assert answer.json()["request_id"] == answer.headers["request-id"]
    else:
        assert error["what"] == f"the body sent to {path} is over {limit} bytes."
    assert fake.requests == []
    assert fake.unused() == []


def test_the_sdk_gets_its_413(fake: FakeClaude) -> None:
    huge = "x" * (32 * MB)
    with (
        served(fake) as url,
        anthropic.Anthropic(base_url=url, api_key="sk-ant-test", max_retries=0) as client,
        pytest.raises(anthropic.APIStatusError) as caught,
    ):
        client.messages.create(
            model=MODEL, max_tokens=5, messages=[{"role": "user", "content": huge}]
        )
    assert caught.value.status_code == 413
    assert caught.value.type == "request_too_large"  # type: ignore[attr-defined]
    assert fake.requests == []


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(fake: FakeClaude) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        piece = b" " * MB
        for _ in range(300):  # 300 MB, if the server read it all
            sent += len(piece)
            yield piece

    with served(fake) as url:
        try:
            answer = httpx2.post(
                f"{url}/_fake/replies",
                content=chunks(),
                headers={"content-type": "application/json"},
                timeout=30,
            )
            status = answer.status_code
        except httpx2.TransportError:  # the server closed while the client still wrote
            status = 413
        assert status == 413
        assert sent < 100 * MB  # refused after ~32 MB, not after reading 300
        assert httpx2.get(f"{url}/_fake/health").status_code == 200
    assert fake.unused() == []


def test_a_slow_body_times_out_unanswered(fake: FakeClaude) -> None:
    fake.reply("for a real request")
    with served(fake, limits={"body_timeout": 0.5}) as url, _connect(url) as sock:
        body = json.dumps(ASK).encode()
        headers = {**API_HEADERS, "content-type": "application/json"}
        headers["content-length"] = str(len(body))
        sock.sendall(head("POST", "/v1/messages", "127.0.0.1", headers) + body[:10])
        started = time.monotonic()
        answer = read_answer(sock)
        took = time.monotonic() - started
        assert answer is not None
        assert answer.status == 408
        assert "did not arrive within 0.5 s" in answer.json()["error"]["message"]
        assert 0.4 < took < 3
        assert closed_by_server(sock)
        assert fake.requests == []
        assert len(fake.unused()) == 1  # the scripted reply is still there for a real request
        with anthropic.Anthropic(base_url=url, api_key="sk-ant-test") as client:
            message = client.messages.create(**ASK)  # type: ignore[call-overload]
            assert message.content[0].text == "for a real request"


def test_slow_headers_are_closed(fake: FakeClaude) -> None:
    with served(fake, limits={"header_timeout": 0.5}) as url, _connect(url) as sock:
        sock.sendall(b"POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\n")  # never ends
        started = time.monotonic()
        assert closed_by_server(sock)
        assert 0.4 < time.monotonic() - started < 3


def test_an_idle_connection_is_closed_after_the_header_timeout(fake: FakeClaude) -> None:
    with served(fake, limits={"header_timeout": 0.5}) as url, _connect(url) as sock:
        assert closed_by_server(sock)  # connected, sent nothing


def _endless_headers(url: str) -> Answer | None:
    """The answer to a request whose headers never end (200 KB of them)."""
    with _connect(url) as sock:
        sock.sendall(b"GET /_fake/health HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        try:
            for n in range(200):
                sock.sendall(f"x-filler-{n}: {'y' * 1000}\r\n".encode())
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_answer(sock)


def test_endless_headers_are_refused(fake: FakeClaude) -> None:
    with served(fake) as url:
        answer = _endless_headers(url)
    assert answer is not None
    assert answer.status == 431
    assert "headers are over 65536 bytes" in answer.json()["error"]["message"]


def test_a_body_answered_early_is_not_read_as_the_next_requests_headers(
    fake: FakeClaude,
) -> None:
    """An early refusal (415 before the body is read) and then the rest of a long body on the
    same kept-alive connection: the next request there is answered, never a 431 (found by the
    fuzzer: the body's bytes were counted as the next request's headers)."""
    body = b"x" * 300_000
    with served(fake) as url, _connect(url) as sock:
        headers = {"content-type": "text/plain", "content-length": str(len(body))}
        sock.sendall(head("POST", "/_fake/replies", "127.0.0.1", headers))
        refused = read_answer(sock)
        assert refused is not None
        assert refused.status == 415
        sock.sendall(body)
        sock.sendall(head("GET", "/_fake/health", "127.0.0.1", {}))
        answer = read_answer(sock)
    assert answer is not None
    assert (answer.status, answer.json()) == (200, {"status": "ok"})


def test_a_protocol_level_refusal_carries_a_request_id(fake: FakeClaude) -> None:
    with served(fake) as url:
        answer = _endless_headers(url)
    assert answer is not None
    assert answer.status == 431
    assert answer.headers["request-id"].startswith("req_")
    assert answer.json()["request_id"] == answer.headers["request-id"]


def test_slow_sockets_do_not_starve_real_requests(fake: FakeClaude) -> None:
    """200 slowloris sockets against a limit of 100 connections: the real request is answered
    (the sockets waiting longest for their headers make room)."""
    with served(fake, limits={"max_connections": 100, "header_timeout": 60}) as url:
        slow = []
        try:
            for _ in range(200):
                sock = _connect(url)
                sock.sendall(b"POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-a: ")
                slow.append(sock)
            with anthropic.Anthropic(base_url=url, api_key="sk-ant-test", max_retries=0) as client:
                started = time.monotonic()
                for _ in range(5):
                    assert client.messages.create(**ASK).model == MODEL  # type: ignore[call-overload]
                assert time.monotonic() - started < 5
                assert sum(closed_by_server(s) for s in slow[:100]) >= 90  # the oldest were closed
        finally:
            for sock in slow:
                sock.close()
    assert len(fake.requests) == 5


def test_a_client_that_leaves_mid_body_is_never_answered(fake: FakeClaude) -> None:
    fake.reply("kept for a real request")
    with served(fake) as url:
        for _ in range(3):
            with _connect(url) as sock:
                body = json.dumps(ASK).encode()
                headers = {**API_HEADERS, "content-type": "application/json"}
                headers["content-length"] = str(len(body))
                sock.sendall(head("POST", "/v1/messages", "127.0.0.1", headers) + body[:-5])
        time.sleep(0.3)
        assert fake.requests == []
        assert len(fake.unused()) == 1


def test_a_client_that_leaves_mid_body_is_never_recorded(tmp_path: Path) -> None:
    upstream = FakeClaude(seed=1)
    cassette = tmp_path / "c.yaml"
    with upstream.serve() as upstream_url:
        recorder = FakeClaude(cassette=str(cassette), record_mode="all", upstream=upstream_url)
        with served(recorder) as url, _connect(url) as sock:
            body = json.dumps(ASK).encode()
            headers = {**API_HEADERS, "content-type": "application/json"}
            headers["content-length"] = str(len(body))
            sock.sendall(head("POST", "/v1/messages", "127.0.0.1", headers) + body[:-5])
            sock.close()
            time.sleep(0.3)
        recorder.close()
    assert upstream.requests == []
    assert recorder.requests == []
    assert not cassette.exists()


def test_200_concurrent_streams(fake: FakeClaude) -> None:
    fake.latency(per_event=0.01, times=None)

    async def run(url: str) -> list[str]:
        async with anthropic.AsyncAnthropic(
            base_url=url, api_key="sk-ant-test", max_retries=0
        ) as client:

            async def one(n: int) -> str:
                ask = {**ASK, "messages": [{"role": "user", "content": f"stream {n}"}]}
                async with client.messages.stream(**ask) as stream:  # type: ignore[arg-type]
                    return (await stream.get_final_message()).stop_reason or ""

            return await asyncio.gather(*(one(n) for n in range(200)))

    with served(fake) as url:
        started = time.monotonic()
        reasons = asyncio.run(run(url))
        took = time.monotonic() - started
    assert len(reasons) == 200
    assert set(reasons) <= {"end_turn", "max_tokens"}
    assert len(fake.requests) == 200
    assert took < 30
