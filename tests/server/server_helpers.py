"""Helpers for the server tests: raw sockets (what an SDK will not send), a served engine."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from claude_fake import FakeClaude
from claude_fake.faces.limits import Limits
from claude_fake.faces.server import ServerOptions, running_server

MODEL = "claude-sonnet-4-6"
ASK = {"model": MODEL, "max_tokens": 32, "messages": [{"role": "user", "content": "hi"}]}
API_HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test"}


@contextmanager
def served(fake: FakeClaude, **options: Any) -> Iterator[str]:
    """``fake`` on a loopback server with ``ServerOptions(**options)`` (``limits`` as a dict)."""
    limits = options.pop("limits", {})
    with running_server(fake, options=ServerOptions(limits=Limits(**limits), **options)) as url:
        yield url


def address(url: str) -> tuple[str, int]:
    """(host, port) of a base URL."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


@dataclass
class Answer:
    """A raw HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def read_answer(sock: socket.socket) -> Answer | None:
    """One HTTP answer off ``sock`` (None when the server closed without one)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for item in lines[1:]:
        name, _, value = item.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return Answer(status=int(lines[0].split()[1]), headers=headers, body=body)


def head(method: str, path: str, host: str, headers: dict[str, str]) -> bytes:
    """A request line and headers."""
    lines = [f"{method} {path} HTTP/1.1", f"host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed ``sock`` (a read sees the end, or a reset)."""
    try:
        return sock.recv(65536) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
