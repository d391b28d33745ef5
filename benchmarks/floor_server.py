"""The loopback floor: a server that does no work at all, for ``bench_loopback.py``.

It answers every ``POST /v1/messages`` with canned bytes: the whole HTTP response (status line,
headers and body, chunked framing included) that ``claude-fake serve`` gave to the same request,
captured in the same run. The create answer, or the stream answer when the JSON body has
``"stream": true``. Whatever a loopback server does, the same SDK client cannot be served faster
than this by much, so it shows what part of a loopback call is the client's own.

Standard library only (``asyncio.Protocol``), 127.0.0.1 only; keep-alive and pipelined requests,
bodies split across reads (``Content-Length`` only; a chunked request body is refused).
``python benchmarks/floor_server.py --port PORT --create FILE --stream FILE``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from pathlib import Path

HOST = "127.0.0.1"
PATH = "/v1/messages"
_MISSING = b'{"type":"error","error":{"type":"not_found_error","message":"not found"}}'
NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_MISSING), _MISSING)
)
BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"
MAX_HEAD = 64 * 1024


def wants_stream(body: bytes) -> bool:
    """Whether a request body is a JSON object with ``"stream": true``."""
    if b'"stream"' not in body:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("stream") is True


class Floor(asyncio.Protocol):
    """One connection: parse requests as they arrive, answer each with its canned bytes."""

    def __init__(self, create: bytes, stream: bytes) -> None:
        self.create = create
        self.stream = stream
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None and self._answer_one(self.transport):
            pass

    def _answer_one(self, transport: asyncio.Transport) -> bool:
        """Answer the first whole request in the buffer; False when none is whole yet."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEAD:
                self._refuse(transport)
            return False
        request_line, *lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        parts = request_line.split(" ")
        length = headers.get("content-length", "0")
        if len(parts) != 3 or "transfer-encoding" in headers or not length.isdigit():
            self._refuse(transport)
            return False
        start = end + 4
        stop = start + int(length)
        if len(self.buffer) < stop:
            return False  # the rest of the body is still on its way
        body = bytes(self.buffer[start:stop])
        del self.buffer[:stop]
        method, target, version = parts
        if method == "POST" and target.partition("?")[0] == PATH:
            transport.write(self.stream if wants_stream(body) else self.create)
        else:
            transport.write(NOT_FOUND)
        if version != "HTTP/1.1" or headers.get("connection", "").lower() == "close":
            transport.close()
            self.transport = None
            return False
        return True

    def _refuse(self, transport: asyncio.Transport) -> None:
        transport.write(BAD_REQUEST)
        transport.close()
        self.transport = None


async def serve(port: int, create: bytes, stream: bytes) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Floor(create, stream), HOST, port)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--create", type=Path, required=True, help="raw HTTP response: create")
    parser.add_argument("--stream", type=Path, required=True, help="raw HTTP response: stream")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.create.read_bytes(), args.stream.read_bytes()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
