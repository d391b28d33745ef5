"""What one connection or request may cost the server: body sizes, read timeouts, and how many
connections are open at once.

uvicorn times out only idle keep-alive connections: a client that sends its headers (or body) a
byte at a time holds a connection, a task and a descriptor for ever, and 300 such sockets under a
256-descriptor limit stop the server accepting real requests. ``guarded_protocol`` wraps
uvicorn's HTTP protocol (httptools or h11, whichever ``auto`` picks) so that:

- headers must be complete within ``header_timeout`` of the connection opening (or of the first
  byte of the next request on a kept-alive one), and within ``max_header_bytes``;
- a body must be complete within ``body_timeout`` of its headers, else the client gets a 408 and
  the connection closes (the app then sees the client gone: the request is never answered);
- at most ``max_connections`` are open (never more than the descriptor limit allows): a new
  connection beyond it closes the one waiting longest for its headers, or an idle kept-alive one,
  so slow or idle sockets never starve a real request.

Sizes are checked by the app (``body_limit``), from ``Content-Length`` before any byte is read.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
# The API's limits (Cloudflare answers 413 before the API sees the body): 32 MB for Messages and
# count_tokens, 256 MB for Message Batches; the Files API takes files up to 500 MB.
BODY_LIMIT = 32 * MB
BATCH_BODY_LIMIT = 256 * MB
FILE_BODY_LIMIT = 500 * MB
DESCRIPTORS_SPARE = 64  # kept free under the descriptor limit: logs, cassettes, upstream sockets


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The server's limits (seconds and counts); ``claude-fake serve`` has a flag for each."""

    header_timeout: float = 10.0
    body_timeout: float = 30.0
    keep_alive: float = 75.0  # longer than the SDK's 5 s, so a reused connection is never closing
    max_connections: int = 1000
    max_header_bytes: int = 64 * 1024

    def connections(self) -> int:
        """``max_connections``, lowered to what the process's descriptor limit allows."""
        try:
            import resource

            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        except (ImportError, OSError, ValueError):  # no resource module on Windows
            return self.max_connections
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        return max(8, min(self.max_connections, soft - DESCRIPTORS_SPARE))


def body_limit(path: str) -> int:
    """The largest body the API takes on ``path`` (bytes)."""
    if "/batches" in path:
        return BATCH_BODY_LIMIT
    if path.startswith("/v1/files"):
        return FILE_BODY_LIMIT
    return BODY_LIMIT


def raw_answer(status: int, reason: str, error_type: str, message: str) -> bytes:
    """A whole HTTP/1.1 error answer in the API's envelope that closes the connection: for the
    protocol layer, which answers before (or instead of) the app."""
    request_id = f"req_011C{uuid.uuid4().hex[:22]}"
    error = {"type": error_type, "message": message}
    body = json.dumps({"type": "error", "error": error, "request_id": request_id})
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"request-id: {request_id}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return (head + body).encode()


def _body_late_answer(seconds: float) -> bytes:
    return raw_answer(
        408,
        "Request Timeout",
        "timeout_error",
        f"claude_fake: the request body did not arrive within {seconds:g} s, so the request was "
        "dropped unanswered (a client this slow holds a connection others need). Send the body "
        "at once, or raise claude-fake serve --body-timeout.",
    )


def _headers_too_large(size: int) -> bytes:
    return raw_answer(
        431,
        "Request Header Fields Too Large",
        "invalid_request_error",
        f"claude_fake: the request headers are over {size} bytes. Send fewer or shorter headers.",
    )


class Connections:
    """The open connections of one server, oldest first, and which may be closed to admit one."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: dict[Any, None] = {}  # insertion-ordered set of protocols
        self.evicted = 0
        self.refused = 0

    def admit(self, protocol: Any) -> bool:
        """Track ``protocol``; at the limit, first close the connection waiting longest for its
        headers (or idle longest). False when every open one is busy: refuse the new one."""
        if len(self.open) >= self.limit:
            victim = next((p for p in self.open if p.evictable()), None)
            if victim is None:
                self.refused += 1
                return False
            self.evicted += 1
            self.drop(victim)
            victim.transport.close()
        self.open[protocol] = None
        return True

    def drop(self, protocol: Any) -> None:
        """Stop tracking ``protocol``."""
        self.open.pop(protocol, None)


def guarded_protocol(limits: Limits, connections: Connections) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol class with header and body timeouts and the connection limit."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    base: Any = AutoHTTPProtocol

    class Guarded(base):  # type: ignore[misc]  # uvicorn's protocol classes are untyped to mypy
        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(transport)
            self._timer: asyncio.TimerHandle | None = None
            self._body_timer: asyncio.TimerHandle | None = None
            self._waiting_since: float | None = None
            self._header_bytes = 0
            self._seen_cycle: Any = None
            if connections.admit(self):
                self._await_headers()
            else:
                transport.close()

        def evictable(self) -> bool:
            """Waiting for headers, or idle between requests: closing it loses no request."""
            cycle = self.cycle
            return self._waiting_since is not None or cycle is None or cycle.response_complete

        def _await_headers(self) -> None:
            self._waiting_since = time.monotonic()
            self._header_bytes = 0
            self._timer = self.loop.call_later(limits.header_timeout, self._headers_late)

        def _headers_late(self) -> None:
            self._timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def _body_late(self) -> None:
            self._body_timer = None
            cycle = self.cycle
            if self.transport.is_closing() or cycle is None or not cycle.more_body:
                return
            if not cycle.response_started:
                self.transport.write(_body_late_answer(limits.body_timeout))
            self.transport.close()

        def data_received(self, data: bytes) -> None:
            previous = self.cycle
            idle = previous is None or (previous.response_complete and not previous.more_body)
            if idle and self._waiting_since is None:
                self._await_headers()  # the first byte of the next request on a kept-alive one
            super().data_received(data)
            cycle = self.cycle
            if cycle is not self._seen_cycle and cycle is not None:
                self._seen_cycle = cycle
                self._headers_done()
                if cycle.more_body and not self.transport.is_closing():
                    self._body_timer = self.loop.call_later(limits.body_timeout, self._body_late)
            elif self._waiting_since is not None:
                self._header_bytes += len(data)
                if self._header_bytes > limits.max_header_bytes:
                    self.transport.write(_headers_too_large(limits.max_header_bytes))
                    self.transport.close()
            if self._body_timer is not None and (cycle is None or not cycle.more_body):
                self._body_timer.cancel()
                self._body_timer = None

        def _headers_done(self) -> None:
            self._waiting_since = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def connection_lost(self, exc: Exception | None) -> None:
            connections.drop(self)
            for timer in (self._timer, self._body_timer):
                if timer is not None:
                    timer.cancel()
            super().connection_lost(exc)

    return Guarded
