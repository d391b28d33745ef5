"""Writing an engine's answer to an ASGI connection: whole JSON bodies, paced streams, scripted
drops (before the answer, mid-stream, part-way through a body), and a stop (no more sleeps or
writes) when the client goes away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Executor
from typing import Any

from claude_fake.model import DISCONNECT, AnsweredBy, FakeResponse, body_cut, pace

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
WRITE_BYTES = 64 * 1024


class Dropped(Exception):
    """Raised inside the app to drop a connection on purpose (a scripted disconnect)."""


class QuietDrops(logging.Filter):
    """Keeps scripted drops out of uvicorn's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], Dropped))


async def _passthrough(send: Send, response: FakeResponse, pool: Executor | None) -> None:
    """A stream whose chunks may block (a recording in progress): each goes out as it comes,
    read in ``pool`` (the server's own, sized for concurrent recordings)."""
    items = iter(pace(response))
    loop = asyncio.get_running_loop()
    start = loop.time()
    while True:
        item = await loop.run_in_executor(pool, next, items, None)
        if item is None:
            break
        if isinstance(item, bytes):
            await send({"type": "http.response.body", "body": item, "more_body": True})
        elif item is DISCONNECT:
            raise Dropped("scripted disconnect")
        else:
            await until(loop, start + float(item))  # type: ignore[arg-type]  # a due time
    await send({"type": "http.response.body", "body": b""})


async def _stream(
    send: Send, response: FakeResponse, pool: Executor | None, since: float | None = None
) -> None:
    """Send a stream's events as planned, each due time counted from ``since`` (the loop time
    the request arrived; now if None). Events with no pause between them leave in one write
    of up to ``WRITE_BYTES`` (TCP keeps no event boundaries; a write per event costs ~100 us);
    every planned delay, cut and drop happens exactly after the event it follows."""
    if response.source is AnsweredBy.RECORDED:
        await _passthrough(send, response, pool)
        return
    pending: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    start = loop.time() if since is None else since
    for item in pace(response):
        if isinstance(item, bytes):
            pending.append(item)
            size += len(item)
            if size < WRITE_BYTES:
                continue
        if pending:
            await send({"type": "http.response.body", "body": b"".join(pending), "more_body": True})
            pending, size = [], 0
        if item is DISCONNECT:
            raise Dropped("scripted disconnect")
        if isinstance(item, float | int):
            await until(loop, start + item)
    await send({"type": "http.response.body", "body": b"".join(pending)})


async def until(loop: asyncio.AbstractEventLoop, due: float) -> None:
    """Sleep (without holding the event loop) until ``loop.time()`` reaches ``due``."""
    wait = due - loop.time()
    if wait > 0:
        await asyncio.sleep(wait)


async def _drop(send: Send) -> None:
    """Close the connection before any byte of the answer, as a dropped connection does, so the
    client sees a connection error it retries (not a 200 whose body breaks off)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:  # not uvicorn's send: fall back to an answer cut after its headers
        start = [(b"content-type", b"application/json"), (b"content-length", b"64")]
        await send({"type": "http.response.start", "status": 200, "headers": start})
        raise Dropped("scripted disconnect before the answer")
    transport.abort()
    await asyncio.sleep(0)  # let uvicorn see the connection lost, so it sends no 500


async def _cut_body(send: Send, part: bytes) -> None:
    """Send ``part``, the start of a body its ``content-length`` promised whole, then drop the
    connection: the client reads the headers, then fails reading the body."""
    await send({"type": "http.response.body", "body": part, "more_body": True})
    raise Dropped("scripted disconnect part-way through the body")


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def deliver(
    send: Send,
    receive: Receive,
    response: FakeResponse,
    pool: Executor | None = None,
    since: float | None = None,
) -> None:
    """Send ``response``, and stop (no more sleeps or writes) when the client goes away. Planned
    waits count from ``since``, the loop time the request arrived (so a wait includes the time
    the request queued for the engine, as a real time to first token does)."""
    if response.chunks is None and not response.plan.first_byte_delay and not response.dropped:
        await send_response(send, response, pool)  # nothing to wait on: skip the watcher task
        return
    sending = asyncio.ensure_future(send_response(send, response, pool, since))
    gone = asyncio.ensure_future(_until_disconnect(receive))
    done, _ = await asyncio.wait({sending, gone}, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    if sending in done:
        sending.result()
    else:
        sending.cancel()


async def send_response(
    send: Send, response: FakeResponse, pool: Executor | None = None, since: float | None = None
) -> None:
    """Write a FakeResponse to the ASGI connection, pacing streams as planned."""
    if response.dropped:
        await _drop(send)
        return
    headers = [(k.encode(), v.encode()) for k, v in response.headers.items()]
    if response.plan.first_byte_delay and response.chunks is None:
        loop = asyncio.get_running_loop()
        await until(
            loop, (loop.time() if since is None else since) + response.plan.first_byte_delay
        )
    if response.chunks is None:
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        part = body_cut(response)
        if part is not None:  # a scripted drop part-way through the body
            await _cut_body(send, part)
        await send({"type": "http.response.body", "body": response.body})
        return
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await _stream(send, response, pool, since)
