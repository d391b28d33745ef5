"""Reading a request off an ASGI connection (headers, a size-capped body, a client that left)
and writing the server's own JSON answers, with every ``sk-ant-`` key redacted."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from claude_fake.faces.delivery import Receive, Send
from claude_fake.faces.guard import Refused
from claude_fake.model import FakeResponse
from claude_fake.wire.credentials import REDACTED, SECRET

SECRET_BYTES = re.compile(SECRET.pattern.encode())
REDACTED_BYTES = REDACTED.encode()


class ClientGone(Exception):
    """The client closed the connection before its request body ended."""


def headers_of(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers with lower-case names; repeated ones joined with commas, as httpx does."""
    out = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in raw}
    if len(out) == len(raw):
        return out  # no name repeated: the common case, in one pass
    out = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


def too_large(path: str, limit: int) -> Refused:
    return Refused(
        413,
        "request_too_large",
        f"the body sent to {path} is over {limit} bytes.",
        why="The API refuses bodies over its limit (32 MB, 256 MB for batches) before "
        "reading them; so does the fake, so a huge body never fills its memory.",
        fix="Send a smaller body.",
    )


async def read_body(receive: Receive, headers: dict[str, str], path: str, limit: int) -> bytes:
    """The whole body, refused from ``Content-Length`` or once it passes ``limit``; ClientGone
    when the client leaves before it ends."""
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(path, limit)
    message = await receive()
    if message["type"] == "http.disconnect":
        raise ClientGone
    body: bytes = message.get("body", b"")
    if not message.get("more_body"):
        return body  # the whole body in one message: the common case
    chunks, size = [body], len(body)
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(path, limit)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def send_json(
    send: Send, status: int, payload: Any, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A JSON answer, with any ``sk-ant-`` key in it redacted."""
    body = json.dumps(payload).encode()
    if b"sk-ant-" in body:
        body = SECRET_BYTES.sub(REDACTED_BYTES, body)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += extra or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def redacted(response: FakeResponse) -> FakeResponse:
    """An error answer with any key it echoes replaced (messages quote what they refuse)."""
    if response.status < 400 or response.chunks is not None or b"sk-ant-" not in response.body:
        return response
    body = SECRET_BYTES.sub(REDACTED_BYTES, response.body)
    return FakeResponse(
        status=response.status,
        headers=response.headers,
        body=body,
        plan=response.plan,
        source=response.source,
        payload=response.payload,
        dropped=response.dropped,
    )


SLICE = 50  # records encoded between two returns to the event loop


def _split(payload: Any) -> tuple[list[Any], bytes, bytes] | None:
    """(records, what comes before them, after them) of a list, or of a page's "requests"."""
    if isinstance(payload, list):
        return payload, b"[", b"]"
    if isinstance(payload, dict) and isinstance(payload.get("requests"), list):
        rest = json.dumps({k: v for k, v in payload.items() if k != "requests"})
        comma = ", " if len(payload) > 1 else ""
        return payload["requests"], f'{rest[:-1]}{comma}"requests": ['.encode(), b"]}"
    return None


async def send_json_paced(send: Send, status: int, payload: Any) -> None:
    """A JSON answer holding many records (``GET /_fake/requests``), encoded and written
    ``SLICE`` records at a time with a return to the event loop in between, so a page of
    thousands never holds up the requests being served meanwhile."""
    parts = _split(payload)
    if parts is None or len(parts[0]) <= SLICE:
        await send_json(send, status, payload)
        return
    records, head, tail = parts
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    for start in range(0, len(records), SLICE):
        piece = ", ".join(json.dumps(r) for r in records[start : start + SLICE]).encode()
        if b"sk-ant-" in piece:
            piece = SECRET_BYTES.sub(REDACTED_BYTES, piece)
        prefix = head if start == 0 else b", "
        await send({"type": "http.response.body", "body": prefix + piece, "more_body": True})
        await asyncio.sleep(0)
    await send({"type": "http.response.body", "body": tail})
