"""In-process transports: the SDK's HTTP client hands each request to the engine, no sockets.

One implementation serves ``httpx2`` (anthropic 2.x) and ``httpx`` (anthropic 1.x): the classes
are built for whichever module the installed SDK uses. Streams go to the SDK one chunk per SSE
event, with the fault plan's delays, cuts and drops applied as they happen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from claude_fake.model import DISCONNECT, FakeRequest, FakeResponse, body_cut, pace
from claude_fake.wire.http import http_module

if TYPE_CHECKING:
    import anthropic

DROPPED = "peer closed connection without sending complete message body (incomplete chunked read)"
CUT = DROPPED.replace("incomplete chunked read", "received {} bytes, expected {}")  # h11's words
NO_RESPONSE = "Server disconnected without sending a response."


class Handler(Protocol):
    """What a face needs of the engine: one request in, one answer out."""

    def handle(self, request: FakeRequest) -> FakeResponse: ...


def sdk_client(handler: Handler, options: dict[str, Any]) -> anthropic.Anthropic:
    """An ``anthropic.Anthropic`` whose requests ``handler`` answers in-process."""
    import anthropic

    http_client = http_module().Client(transport=sync_transport(handler))
    return anthropic.Anthropic(http_client=http_client, **options)


def async_sdk_client(handler: Handler, options: dict[str, Any]) -> anthropic.AsyncAnthropic:
    """An ``anthropic.AsyncAnthropic`` whose requests ``handler`` answers in-process."""
    import anthropic

    http_client = http_module().AsyncClient(transport=async_transport(handler))
    return anthropic.AsyncAnthropic(http_client=http_client, **options)


def to_fake_request(request: Any, body: bytes) -> FakeRequest:
    """A FakeRequest from an httpx/httpx2 request whose body has been read."""
    url = request.url
    query = url.query.decode() if isinstance(url.query, bytes) else str(url.query)
    return FakeRequest(
        method=request.method,
        path=url.path,
        query=query,
        headers=_header_dict(request.headers),
        raw=body,
    )


def _header_dict(headers: Any) -> dict[str, str]:
    """Names lower-cased, repeats comma-joined: ``dict(headers.items())``, at half the cost (the
    public ``items()`` looks the encoding up twice per header)."""
    entries = getattr(headers, "_list", None)  # (raw name, lower name, value), httpx and httpx2
    if not isinstance(entries, list):
        return dict(headers.items())
    encoding = headers.encoding
    out = {key.decode(encoding): value.decode(encoding) for _, key, value in entries}
    if len(out) == len(entries):
        return out
    out = {}  # a name sent twice: its values comma-joined, in order
    for _, key, value in entries:
        name, text = key.decode(encoding), value.decode(encoding)
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


def _read_timeout(request: Any) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read")
    return float(value) if value is not None else None


@cache
def transport_classes(http: ModuleType) -> tuple[type, type]:
    """(sync transport, async transport) classes for ``http`` (httpx or httpx2)."""

    def wait(seconds: float, limit: float | None) -> None:
        if limit is not None and seconds > limit:
            time.sleep(limit)
            raise http.ReadTimeout("The read operation timed out")
        time.sleep(seconds)

    async def await_wait(seconds: float, limit: float | None) -> None:
        if limit is not None and seconds > limit:
            await asyncio.sleep(limit)
            raise http.ReadTimeout("The read operation timed out")
        await asyncio.sleep(seconds)

    # ``pace`` yields due times (seconds after the stream starts): each wait is what is left
    class SyncStream(http.SyncByteStream):  # type: ignore[name-defined, misc]
        def __init__(self, response: FakeResponse, limit: float | None) -> None:
            self._items, self._limit = pace(response), limit

        def __iter__(self) -> Iterator[bytes]:
            start = time.monotonic()
            for item in self._items:
                if isinstance(item, bytes):
                    yield item
                elif item is DISCONNECT:
                    raise http.RemoteProtocolError(DROPPED)
                else:
                    left = start + item - time.monotonic()  # type: ignore[operator]
                    if left > 0:
                        wait(left, self._limit)

    class AsyncStream(http.AsyncByteStream):  # type: ignore[name-defined, misc]
        def __init__(self, response: FakeResponse, limit: float | None) -> None:
            self._items, self._limit = pace(response), limit

        async def __aiter__(self) -> AsyncIterator[bytes]:
            start = time.monotonic()
            for item in self._items:
                if isinstance(item, bytes):
                    yield item
                elif item is DISCONNECT:
                    raise http.RemoteProtocolError(DROPPED)
                else:
                    left = start + item - time.monotonic()  # type: ignore[operator]
                    if left > 0:
                        await await_wait(left, self._limit)

    class CutBody(http.SyncByteStream, http.AsyncByteStream):  # type: ignore[name-defined, misc]
        """A body that breaks off after ``part``, short of the ``size`` promised: what reading
        it raises when the connection drops part-way through."""

        def __init__(self, part: bytes, size: int) -> None:
            self._part, self._size = part, size

        def __iter__(self) -> Iterator[bytes]:
            yield self._part
            raise http.RemoteProtocolError(CUT.format(len(self._part), self._size))

        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield self._part
            raise http.RemoteProtocolError(CUT.format(len(self._part), self._size))

    def build(response: FakeResponse, request: Any, stream: Any) -> Any:
        if response.dropped:
            raise http.RemoteProtocolError(NO_RESPONSE)
        headers = list(response.headers.items())
        if response.chunks is not None:
            return http.Response(response.status, headers=headers, stream=stream, request=request)
        part = body_cut(response)
        if part is not None:  # a scripted drop part-way through the body
            body = CutBody(part, len(response.body))
            headers.append(("content-length", str(len(response.body))))
            return http.Response(response.status, headers=headers, stream=body, request=request)
        return http.Response(
            response.status, headers=headers, content=response.body, request=request
        )

    class FakeTransport(http.BaseTransport):  # type: ignore[name-defined, misc]
        def __init__(self, engine: Handler) -> None:
            self.engine = engine

        def handle_request(self, request: Any) -> Any:
            response = self.engine.handle(to_fake_request(request, request.read()))
            limit = _read_timeout(request)
            if response.plan.first_byte_delay and response.chunks is None:
                wait(response.plan.first_byte_delay, limit)
            return build(response, request, SyncStream(response, limit))

    class AsyncFakeTransport(http.AsyncBaseTransport):  # type: ignore[name-defined, misc]
        def __init__(self, engine: Handler) -> None:
            self.engine = engine

        async def handle_async_request(self, request: Any) -> Any:
            response = self.engine.handle(to_fake_request(request, await request.aread()))
            limit = _read_timeout(request)
            if response.plan.first_byte_delay and response.chunks is None:
                await await_wait(response.plan.first_byte_delay, limit)
            return build(response, request, AsyncStream(response, limit))

    return FakeTransport, AsyncFakeTransport


def sync_transport(engine: Handler, http: ModuleType | None = None) -> Any:
    """A sync transport for ``engine`` (for ``httpx2.Client(transport=...)``)."""
    return transport_classes(http or http_module())[0](engine)


def async_transport(engine: Handler, http: ModuleType | None = None) -> Any:
    """An async transport for ``engine`` (for ``httpx2.AsyncClient(transport=...)``)."""
    return transport_classes(http or http_module())[1](engine)
