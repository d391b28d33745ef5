"""The engine on a loopback HTTP server: a small ASGI app (Starlette-compatible) under uvicorn."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from claude_fake.faces import scripting
from claude_fake.faces.scripting import Scriptable
from claude_fake.model import DISCONNECT, AnsweredBy, FakeRequest, FakeResponse, pace

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
WRITE_BYTES = 64 * 1024


class Dropped(Exception):
    """Raised inside the app to drop a connection on purpose (a scripted disconnect)."""


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], Dropped))


class Hub:
    """Engines served by one server: one at the root, others under ``/_t/<key>``."""

    def __init__(self, default: Scriptable | None = None) -> None:
        self.default = default
        self.engines: dict[str, Scriptable] = {}
        self._keys = iter(range(1, 1 << 62))

    def mount(self, engine: Scriptable) -> str:
        """Serve ``engine`` under a fresh prefix; returns the prefix."""
        key = str(next(self._keys))
        self.engines[key] = engine
        return f"/_t/{key}"

    def unmount(self, prefix: str) -> None:
        """Stop serving the engine under ``prefix``."""
        self.engines.pop(prefix.rsplit("/", 1)[-1], None)

    def resolve(self, path: str) -> tuple[Scriptable | None, str]:
        """The engine for ``path`` and the path below its prefix."""
        if path.startswith("/_t/"):
            key, _, rest = path[4:].partition("/")
            return self.engines.get(key), "/" + rest
        return self.default, path


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers with lower-case names; repeated ones joined with commas, as httpx does."""
    out = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in raw}
    if len(out) == len(raw):
        return out  # no name repeated: the common case, in one pass
    out = {}
    for key, value in raw:
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


async def _body(receive: Receive) -> bytes:
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body"):
        return body  # the whole body in one message: the common case
    chunks = [body]
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send_json(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _passthrough(send: Send, response: FakeResponse) -> None:
    """A stream whose chunks may block (a recording in progress): each goes out as it comes."""
    items = iter(pace(response))
    while True:
        item = await asyncio.to_thread(next, items, None)
        if item is None:
            break
        if isinstance(item, bytes):
            await send({"type": "http.response.body", "body": item, "more_body": True})
        elif item is DISCONNECT:
            raise Dropped("scripted disconnect")
        else:
            await asyncio.sleep(item)  # type: ignore[arg-type]
    await send({"type": "http.response.body", "body": b""})


async def _stream(send: Send, response: FakeResponse) -> None:
    """Send a stream's events as planned. Events with no pause between them leave in one write
    of up to ``WRITE_BYTES`` (TCP keeps no event boundaries; a write per event costs ~100 us);
    every planned delay, cut and drop happens exactly after the event it follows."""
    if response.source is AnsweredBy.RECORDED:
        await _passthrough(send, response)
        return
    pending: list[bytes] = []
    size = 0
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
            await asyncio.sleep(item)
    await send({"type": "http.response.body", "body": b"".join(pending)})


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


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def deliver(send: Send, receive: Receive, response: FakeResponse) -> None:
    """Send ``response``, and stop (no more sleeps or writes) when the client goes away."""
    if response.chunks is None and not response.plan.first_byte_delay and not response.dropped:
        await send_response(send, response)  # nothing to wait on: skip the watcher task
        return
    sending = asyncio.ensure_future(send_response(send, response))
    gone = asyncio.ensure_future(_until_disconnect(receive))
    done, _ = await asyncio.wait({sending, gone}, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    if sending in done:
        sending.result()
    else:
        sending.cancel()


async def send_response(send: Send, response: FakeResponse) -> None:
    """Write a FakeResponse to the ASGI connection, pacing streams as planned."""
    if response.dropped:
        await _drop(send)
        return
    headers = [(k.encode(), v.encode()) for k, v in response.headers.items()]
    if response.plan.first_byte_delay and response.chunks is None:
        await asyncio.sleep(response.plan.first_byte_delay)
    if response.chunks is None:
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})
        return
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await _stream(send, response)


def build_app(hub: Hub) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI app serving ``hub``: the API paths and the ``/_fake/`` scripting API."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        engine, path = hub.resolve(scope["path"])
        raw = await _body(receive)
        if engine is None:
            await _send_json(
                send,
                404,
                {
                    "type": "error",
                    "error": {
                        "type": "not_found_error",
                        "message": f"No fake is mounted at {scope['path']}",
                    },
                },
            )
            return
        if path.startswith("/_fake/"):
            status, payload = scripting.handle(engine, scope["method"], path[7:], raw)
            await _send_json(send, status, payload)
            return
        request = FakeRequest(
            method=scope["method"],
            path=path,
            query=scope.get("query_string", b"").decode(),
            headers=_headers(scope["headers"]),
            raw=raw,
            root_path=scope["path"][: len(scope["path"]) - len(path)],
        )
        if engine.may_block:
            response = await asyncio.to_thread(engine.handle, request)  # may wait on upstream
        else:
            response = engine.handle(request)
        await deliver(send, receive, response)

    return app


def uvicorn_options() -> dict[str, Any]:
    """The uvicorn settings of every server here (``running_server`` and ``claude-fake serve``).

    ``http`` and ``loop`` stay ``"auto"``: httptools and uvloop (dependencies; no uvloop on
    Windows), else h11 and asyncio. Against h11 and asyncio they cut the server's CPU time per
    ``messages.create`` by 40-50% (httptools most of it). Off: ``lifespan`` (no start-up work),
    websockets (none served, so no websocket library is imported), proxy headers (nothing stands
    in front of the fake; uvicorn would wrap every request in a middleware to read them) and
    uvicorn's ``server`` header (the real API sends ``server: cloudflare``). ``date`` stays on: the
    real API sends it. Installs the filter that keeps scripted drops out of uvicorn's error log."""
    logging.getLogger("uvicorn.error").addFilter(_QUIET)
    return {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "off",
        "ws": "none",
        "proxy_headers": False,
        "server_header": False,
        # longer than the SDK's 5 s keep-alive, so a connection it reuses is never one being closed
        "timeout_keep_alive": 75,
    }


@contextmanager
def running_server(
    engine: Scriptable | None, *, host: str = "127.0.0.1", port: int = 0, hub: Hub | None = None
) -> Iterator[str]:
    """Run a server for ``engine`` (or a whole ``hub``) in a thread; yields its base URL."""
    import uvicorn

    hub = hub or Hub(engine)
    config = uvicorn.Config(
        build_app(hub), host=host, port=port, timeout_graceful_shutdown=1, **uvicorn_options()
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="claude-fake-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"claude_fake: the server on {host}:{port} did not start")
        time.sleep(0.002)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


_QUIET = _QuietDrops()
