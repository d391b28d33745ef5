"""The record path: forward one request to the live API (or any upstream) and pass its answer on.

A streamed answer is handed on one SSE event at a time, as each arrives, read on a thread of its
own so each event's arrival is timed by the wire, not by its consumer (``Arrivals``); events the
consumer has not taken yet wait in a queue. Redaction and saving are the cassette source's job.

Recording never spends a request on the real API without a real key: a request that would go to
``api.anthropic.com`` with no key, or with the fake's placeholder key, is refused before it is
sent. What goes wrong upstream is named as the upstream's fault (``UpstreamFault``), never as a
bug of the fake: no connection, a body that cannot be decoded, a stream the upstream cut.
"""

from __future__ import annotations

import gzip
import json
import queue
import threading
import time
import zlib
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from claude_fake.errors import ClaudeFakeError
from claude_fake.model import FakeRequest
from claude_fake.sources.cassette.redact import HOP_RESPONSE_HEADERS
from claude_fake.wire.credentials import CONNECTION_HEADERS

# Request headers that belong to one connection; the client sets its own.
HOP_BY_HOP = CONNECTION_HEADERS | {"te", "upgrade", "proxy-connection"}
# Keys that are no keys: the fake's own placeholder (``engine.FAKE_KEY``, which clients of the
# fake hold), and nothing at all.
PLACEHOLDER_KEYS = frozenset({"", "sk-ant-fake-key"})
_RECORD_FIX = "Check --claude-upstream and your network, or replay with --claude-record-mode=none."


class UpstreamFault(ClaudeFakeError):
    """The upstream failed while recording: unreachable, an unreadable body, a cut stream."""


def is_real_api(upstream: str) -> bool:
    """Whether ``upstream`` is Anthropic's API (where a request costs money and needs a key)."""
    host = (urlsplit(upstream).hostname or "").lower()
    return host == "anthropic.com" or host.endswith(".anthropic.com")


def sent_key(headers: Mapping[str, str]) -> str:
    """The credential in outgoing headers (``x-api-key``, else a Bearer token); "" if none."""
    key = headers.get("x-api-key", "")
    bearer = headers.get("authorization", "")
    if not key and bearer.lower().startswith("bearer "):
        key = bearer[7:]
    return key.strip()


def missing_key(upstream: str) -> ClaudeFakeError:
    """The refusal to record against the real API without a real key."""
    return ClaudeFakeError(
        f"refusing to record: no API key for {upstream}.",
        why="Recording forwards each request to the real API, which would answer 401 without a "
        "real key (the client holds the fake's placeholder key, or none). Nothing was sent and "
        "nothing was written.",
        fix="Set ANTHROPIC_API_KEY to a real key before starting (pytest or claude-fake serve), "
        "or replay with record mode none.",
        anchor="recording",
    )


_BOUNDARIES = (b"\r\n\r\n", b"\n\n", b"\r\r")


class Arrivals:
    """A stream's events read off the wire on a thread of their own, each with the time it
    arrived (seconds after ``sent``), whatever pace its consumer keeps: a consumer slow to start
    (an SDK building its parsers) or to read never moves the times recorded. Iterate for
    ``(seconds, event)``; ``total`` is when the stream ended. ``close()`` stops the reading at
    the next event (it closes the upstream connection from its own thread)."""

    _END = object()

    def __init__(self, events: Generator[bytes, None, None], sent: float) -> None:
        self._events, self._sent = events, sent
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stop = threading.Event()
        self.total = 0.0
        threading.Thread(target=self._read, name="claude-fake-recording", daemon=True).start()

    def _read(self) -> None:
        try:
            for event in self._events:
                self._queue.put((time.monotonic() - self._sent, event))
                if self._stop.is_set():
                    break
        except BaseException as exc:  # the consumer raises it (an UpstreamFault)
            self._queue.put(exc)
        finally:
            self.total = time.monotonic() - self._sent
            self._events.close()  # releases the upstream connection
            self._queue.put(self._END)

    def __iter__(self) -> Iterator[tuple[float, bytes]]:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop reading (at the next event: a read cannot be interrupted from here)."""
        self._stop.set()


@dataclass(frozen=True, slots=True, kw_only=True)
class Upstream:
    """What the upstream answered: a whole body, or its SSE events one by one as they arrive;
    and when: its headers came ``first_byte`` seconds after it was sent, a whole body ``total``
    seconds after."""

    status: int
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: Arrivals | None = None
    first_byte: float = 0.0
    total: float = 0.0


def split_stream(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """Re-cut arbitrary byte pieces into whole SSE events (each with its blank line)."""
    buffer = b""
    for piece in pieces:
        buffer += piece
        while True:
            cuts = [(buffer.find(sep), sep) for sep in _BOUNDARIES if sep in buffer]
            if not cuts:
                break
            at, sep = min(cuts)
            event, buffer = buffer[: at + len(sep)], buffer[at + len(sep) :]
            if event.strip():
                yield event
    if buffer.strip():
        yield buffer + b"\n\n"


def with_key(headers: Mapping[str, str], api_key: str | None) -> dict[str, str]:
    """The headers with their credentials replaced by ``api_key`` (kept as sent when None).

    The client under test usually holds a fake key; recording needs the real one. The header
    style the client used is kept: ``Authorization: Bearer`` and/or ``x-api-key``.
    """
    out = dict(headers)
    if not api_key:
        return out
    bearer = out.get("authorization", "").lower().startswith("bearer ")
    if bearer:
        out["authorization"] = f"Bearer {api_key}"
    if "x-api-key" in out or not bearer:
        out["x-api-key"] = api_key
    return out


class Recorder:
    """Forwards requests to ``upstream`` with one reusable HTTP client; ``close()`` when done."""

    def __init__(
        self, upstream: str, *, api_key: str | None = None, timeout: float = 600.0
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self._api_key = api_key
        from claude_fake.wire.http import http_module

        self._http = http = http_module()
        self._client = http.Client(
            timeout=http.Timeout(timeout, connect=10.0), follow_redirects=False
        )

    def url(self, request: FakeRequest) -> str:
        """The upstream URL for a request: upstream + path (+ query)."""
        return self.upstream + request.path + (f"?{request.query}" if request.query else "")

    def forward(self, request: FakeRequest) -> Upstream:
        """Send the request upstream; a 200 event stream comes back as a live event iterator."""
        headers = {k.lower(): v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        headers = with_key(headers, self._api_key)
        if is_real_api(self.upstream) and sent_key(headers) in PLACEHOLDER_KEYS:
            raise missing_key(self.upstream)
        headers["accept-encoding"] = "identity"
        content = request.raw
        if not content and request.body is not None:
            content = json.dumps(request.body, ensure_ascii=False, separators=(",", ":")).encode()
        outgoing = self._client.build_request(
            request.method, self.url(request), headers=headers, content=content or None
        )
        sent = time.monotonic()
        try:
            response = self._client.send(outgoing, stream=True)
        except self._http.HTTPError as exc:
            raise UpstreamFault(
                f"recording failed: could not reach {self.url(request)}.",
                why=f"{type(exc).__name__}: {exc}",
                fix=_RECORD_FIX,
                anchor="recording",
            ) from None
        return self._answer(request, response, sent)

    def _answer(self, request: FakeRequest, response: Any, sent: float) -> Upstream:
        """The upstream's answer whose headers just came: its events as they come, or its body
        read whole; timed from ``sent``."""
        kept = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() not in HOP_RESPONSE_HEADERS
        }
        status, reason = response.status_code, response.reason_phrase
        first_byte = time.monotonic() - sent
        streaming = "text/event-stream" in response.headers.get("content-type", "")
        if streaming and status == 200:
            events = Arrivals(self._events(request, response), sent)
            return Upstream(
                status=status, reason=reason, headers=kept, events=events, first_byte=first_byte
            )
        try:
            body = self._body(request, response)
        finally:
            response.close()
        return Upstream(
            status=status,
            reason=reason,
            headers=kept,
            body=body,
            first_byte=first_byte,
            total=time.monotonic() - sent,
        )

    def _body(self, request: FakeRequest, response: Any) -> bytes:
        """The whole body, decoded strictly (a gzip body is checked to its CRC), and checked to
        parse when it says it is JSON: a broken answer is the upstream's fault, never recorded."""
        try:
            raw = b"".join(response.iter_raw())
        except self._http.HTTPError as exc:
            raise self._fault(request, "its answer could not be read", exc) from None
        encoding = response.headers.get("content-encoding", "").lower()
        try:
            if "gzip" in encoding:
                raw = gzip.decompress(raw)
            elif "deflate" in encoding:
                raw = zlib.decompress(raw)
            if "json" in response.headers.get("content-type", "") and raw.strip():
                json.loads(raw)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise self._fault(request, f"its {encoding or 'JSON'} body is broken", exc) from None
        return bytes(raw)

    def _fault(self, request: FakeRequest, what: str, exc: BaseException) -> UpstreamFault:
        return UpstreamFault(
            f"recording failed: the upstream {self.upstream} broke off: {what}.",
            why=f"{type(exc).__name__}: {exc} (on {request.method} {request.path}). This is the "
            "upstream's fault, not the fake's; nothing was written to the cassette.",
            fix="Try again; if it persists, check the upstream. " + _RECORD_FIX,
            anchor="recording",
        )

    def _events(self, request: FakeRequest, response: Any) -> Generator[bytes, None, None]:
        try:
            yield from split_stream(response.iter_bytes())
        except self._http.HTTPError as exc:
            raise self._fault(request, "it cut the stream short", exc) from None
        finally:
            response.close()

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()
