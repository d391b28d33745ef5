"""The record path: forward one request to the live API (or any upstream) and pass its answer on.

A streamed answer is handed on one SSE event at a time, as each arrives; nothing is buffered
beyond the event being read. Redaction and saving are the cassette source's job.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from claude_fake.errors import ClaudeFakeError
from claude_fake.model import FakeRequest
from claude_fake.sources.cassette.redact import HOP_RESPONSE_HEADERS
from claude_fake.wire.credentials import CONNECTION_HEADERS

# Request headers that belong to one connection; the client sets its own.
HOP_BY_HOP = CONNECTION_HEADERS | {"te", "upgrade", "proxy-connection"}
_BOUNDARIES = (b"\r\n\r\n", b"\n\n", b"\r\r")


@dataclass(frozen=True, slots=True, kw_only=True)
class Upstream:
    """What the upstream answered: a whole body, or its SSE events one by one."""

    status: int
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    events: Generator[bytes, None, None] | None = None


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
        from claude_fake.faces.transport import http_module

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
        headers["accept-encoding"] = "identity"
        content = request.raw
        if not content and request.body is not None:
            content = json.dumps(request.body, ensure_ascii=False, separators=(",", ":")).encode()
        outgoing = self._client.build_request(
            request.method, self.url(request), headers=headers, content=content or None
        )
        try:
            response = self._client.send(outgoing, stream=True)
        except self._http.HTTPError as exc:
            raise ClaudeFakeError(
                f"recording failed: could not reach {self.url(request)}.",
                why=f"{type(exc).__name__}: {exc}",
                fix="Check --claude-upstream and your network, or replay with "
                "--claude-record-mode=none.",
                anchor="recording",
            ) from exc
        kept = {
            k.lower(): v
            for k, v in response.headers.items()
            if k.lower() not in HOP_RESPONSE_HEADERS
        }
        status, reason = response.status_code, response.reason_phrase
        streaming = "text/event-stream" in response.headers.get("content-type", "")
        if streaming and status == 200:
            events = self._events(response)
            return Upstream(status=status, reason=reason, headers=kept, events=events)
        try:
            body = response.read()
        finally:
            response.close()
        return Upstream(status=status, reason=reason, headers=kept, body=body)

    @staticmethod
    def _events(response: Any) -> Generator[bytes, None, None]:
        try:
            yield from split_stream(response.iter_bytes())
        finally:
            response.close()

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()
