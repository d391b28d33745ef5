"""The engine on an HTTP server: a small ASGI app under uvicorn, safe to leave running and to
expose. Before any request reaches an engine: its ``Host`` and ``Origin`` are checked (403), the
key guards ``/_fake/*`` (401), scripting takes JSON only (415), and a body over the size limit is
refused (413) from ``Content-Length`` before it is read, or as soon as a chunked one passes it. A
client that leaves before its body ends is never answered: its request is not processed,
recorded, nor does it use a scripted reply. Timeouts and the connection limit live in the
protocol (``faces.limits``); sending answers in ``faces.delivery``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from claude_fake import providers
from claude_fake.faces import load_routes, scripting
from claude_fake.faces.access_log import install_redaction, line, request_logger
from claude_fake.faces.banner import base_url, bind
from claude_fake.faces.delivery import Receive, Scope, Send, deliver
from claude_fake.faces.exchange import (
    ClientGone,
    headers_of,
    read_body,
    redacted,
    send_json,
    send_json_paced,
)
from claude_fake.faces.guard import Guard, Refused, check_json, own_error
from claude_fake.faces.limits import BODY_LIMIT, body_limit
from claude_fake.faces.options import Hub, ServerOptions, uvicorn_config, uvicorn_options
from claude_fake.faces.ui import routes as ui
from claude_fake.model import FakeRequest
from claude_fake.wire import ids, render
from claude_fake.wire.envelope import MESSAGES

__all__ = ["App", "Hub", "ServerOptions", "build_app", "running_server", "uvicorn_options"]


class _Seen:
    """What ``--log-requests`` reports of one request; wraps ``send`` to see the status."""

    __slots__ = ("__self__", "send", "source", "status")

    def __init__(self, send: Send) -> None:
        self.send, self.status, self.source = send, 0, "-"
        self.__self__ = getattr(send, "__self__", None)  # delivery's drop reaches the transport

    async def __call__(self, message: Any) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        await self.send(message)


class App:
    """The ASGI app serving a Hub's engines: the API paths and the ``/_fake/`` scripting API."""

    def __init__(
        self, hub: Hub, guard: Guard, pool: Executor | None, log: logging.Logger | None = None
    ) -> None:
        self.hub, self.guard, self.pool, self.log = hub, guard, pool, log
        self._ids = itertools.count(1)
        self.workers = 1  # processes serving the port: above 1, scripting answers 409

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if self.log is None:
            await self._serve(scope, receive, send, None)
            return
        started, seen = time.perf_counter(), _Seen(send)
        await self._serve(scope, receive, seen, seen)
        client = scope.get("client") or ("-", 0)
        self.log.info(
            line(
                started=started,
                method=scope["method"],
                path=scope["path"],
                query=scope.get("query_string", b"").decode("latin-1"),
                status=seen.status,
                source=seen.source,
                client=f"{client[0]}:{client[1]}",
            )
        )

    async def _serve(self, scope: Scope, receive: Receive, send: Send, seen: _Seen | None) -> None:
        headers = headers_of(scope["headers"])
        engine, path = self.hub.resolve(scope["path"])
        source = "refused"
        try:
            self.guard.check_origin(headers)
            if engine is None:
                source = "none"
                await self._own_answer(send, 404, _unmounted(scope["path"]))
            elif path.startswith("/_fake/"):
                source = "scripting"
                await self._script(engine, scope, path, headers, receive, send)
            else:
                source = await self._api(engine, scope, path, headers, receive, send)
        except Refused as exc:
            await self._refuse(exc, path, send)
        except ClientGone:
            source = "gone"  # never processed: no answer, no journal entry, no reply used
        if seen is not None:
            seen.source = source

    async def _script(
        self,
        engine: scripting.Scriptable,
        scope: Scope,
        path: str,
        headers: dict[str, str],
        receive: Receive,
        send: Send,
    ) -> None:
        method = scope["method"]
        guard = self.guard
        key = guard.api_key or getattr(getattr(engine, "config", None), "require_api_key", None)
        if key != guard.api_key:
            guard = Guard(hosts=guard.hosts, api_key=key)
        if ui.handles(path):  # the traffic page: its files, feed and session (faces.ui)
            await ui.serve(engine, guard, scope, path, headers, receive, send, self.workers)
            return
        guard.check_key(method, path, headers)
        check_json(method, path, headers)
        raw = await read_body(receive, headers, path, BODY_LIMIT)
        if self.workers > 1 and path != "/_fake/health":
            await self._own_answer(send, 409, load_routes.several_workers(path, self.workers))
            return
        query = scope.get("query_string", b"").decode("latin-1")
        status, payload = scripting.handle(engine, method, path[7:], raw, query)
        if status >= 400:
            await self._own_answer(send, status, payload)
        else:
            await send_json_paced(send, status, payload)

    async def _api(
        self,
        engine: scripting.Scriptable,
        scope: Scope,
        path: str,
        headers: dict[str, str],
        receive: Receive,
        send: Send,
    ) -> str:
        arrived = asyncio.get_running_loop().time()  # planned waits count from here
        if engine.pacing.profile is not None:
            await asyncio.sleep(0)  # requests that came together are all stamped before any waits
        raw = await read_body(receive, headers, path, body_limit(path))
        request = FakeRequest(
            method=scope["method"],
            path=path,
            query=scope.get("query_string", b"").decode(),
            headers=headers,
            raw=raw,
            root_path=scope["path"][: len(scope["path"]) - len(path)],
        )
        if engine.may_block:  # may wait on the upstream: in the server's own pool
            loop = asyncio.get_running_loop()
            response = await loop.run_in_executor(self.pool, providers.answer, engine, request)
        else:
            response = providers.answer(engine, request)  # a provider's face, or engine.handle
        await deliver(send, receive, redacted(response), self.pool, arrived)
        return response.source.value

    async def _own_answer(
        self,
        send: Send,
        status: int,
        payload: Any,
        extra: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        """An error of our own (``/_fake/``, an unmounted path) in the API's envelope, with a
        ``request-id`` in the body and the header as every API error has."""
        request_id = ids.make_id("req", "claude-fake-server", next(self._ids))
        if isinstance(payload, dict) and payload.get("type") == "error":
            payload = {**payload, "request_id": request_id}
        headers = [(b"request-id", request_id.encode()), *(extra or [])]
        await send_json(send, status, payload, headers)

    async def _refuse(self, exc: Refused, path: str, send: Send) -> None:
        close = [(b"connection", b"close")] if exc.status == 413 else []  # its body is unread
        if path.startswith("/_fake/"):
            await self._own_answer(send, exc.status, own_error(exc, exc.error_type), close)
            return
        request_id = ids.make_id("req", "claude-fake-server", next(self._ids))
        message = MESSAGES["request_too_large"] if exc.status == 413 else str(exc)
        payload = render.error_body(exc.error_type, message, request_id)
        await send_json(send, exc.status, payload, [(b"request-id", request_id.encode()), *close])


def _unmounted(path: str) -> dict[str, Any]:
    message = f"No fake is mounted at {path}"
    return {"type": "error", "error": {"type": "not_found_error", "message": message}}


def build_app(hub: Hub, options: ServerOptions | None = None, bound: str = "127.0.0.1") -> App:
    """The ASGI app serving ``hub`` with ``options``. Recordings wait in the default thread pool
    here: ``running_server`` and ``claude-fake serve`` give it the server's own."""
    options = options or ServerOptions()
    return App(hub, options.guard(bound), None, _request_log(options))


def _request_log(options: ServerOptions) -> logging.Logger | None:
    install_redaction()
    return request_logger() if options.log_requests else None


@contextmanager
def serving(
    hub: Hub, sock: socket.socket, options: ServerOptions
) -> Iterator[tuple[Any, threading.Thread | None]]:
    """A uvicorn Server for ``hub`` on the bound ``sock``, with its own recording pool."""
    import uvicorn

    bound = sock.getsockname()[0]
    bound = f"[{bound}]" if ":" in bound else bound
    with ThreadPoolExecutor(options.recording_threads, "claude-fake-upstream") as pool:
        app = App(hub, options.guard(bound), pool, _request_log(options))
        app.workers = options.workers
        yield uvicorn.Server(uvicorn_config(app, options.limits)), None


def serve_forever(hub: Hub, sock: socket.socket, options: ServerOptions) -> None:
    """Serve until interrupted (``claude-fake serve``)."""
    with serving(hub, sock, options) as (server, _):
        server.run(sockets=[sock])


@contextmanager
def running_server(
    engine: scripting.Scriptable | None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    hub: Hub | None = None,
    options: ServerOptions | None = None,
) -> Iterator[str]:
    """Run a server for ``engine`` (or a whole ``hub``) in a thread; yields its base URL."""
    sock = bind(host, port)
    with serving(hub or Hub(engine), sock, options or ServerOptions()) as (server, _):
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="claude-fake-server", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise RuntimeError(f"claude_fake: the server on {host}:{port} did not start")
            time.sleep(0.002)
        try:
            yield base_url(sock) if host in ("0.0.0.0", "::") else _url(host, sock)
        finally:
            server.should_exit = True
            thread.join(timeout=5)
            sock.close()


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
