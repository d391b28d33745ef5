"""The traffic page's routes, under the same Host/Origin checks as every path (the server runs
them first). The page and its script and style are static package data, open like
``/_fake/health`` (they hold no data), sent with a strict Content-Security-Policy; the feed and
``GET /_fake/requests/ID`` need the key or the page's cookie (``session``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources

from claude_fake.faces.delivery import Receive, Scope, Send
from claude_fake.faces.exchange import read_body, send_json
from claude_fake.faces.guard import Guard, Refused, check_json, own_error
from claude_fake.faces.load_routes import several_workers
from claude_fake.faces.ui import feed, records, session

PAGE = "/_fake/ui"
SESSION = "/_fake/ui/session"
FEED = "/_fake/events"
ONE = re.compile(r"/_fake/requests/(\d{1,18})")
FILES: Mapping[str, tuple[str, bytes]] = {
    PAGE: ("index.html", b"text/html; charset=utf-8"),
    PAGE + "/app.js": ("app.js", b"text/javascript; charset=utf-8"),
    PAGE + "/app.css": ("app.css", b"text/css; charset=utf-8"),
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def handles(path: str) -> bool:
    """Whether ``path`` (below the engine's prefix) is one of the page's routes."""
    return path in FILES or path in (SESSION, FEED, PAGE + "/") or ONE.fullmatch(path) is not None


def _method(method: str, path: str, allowed: tuple[str, ...]) -> None:
    if method not in allowed:
        raise Refused(
            405,
            "invalid_request_error",
            f"{method} {path} is not allowed; use {' or '.join(allowed)}.",
            why="The traffic page's routes only read, but for the session it opens.",
            fix=f"Send {' or '.join(allowed)} {path}.",
        )


async def _file(send: Send, name: str, kind: bytes) -> None:
    body = resources.files("claude_fake.faces.ui").joinpath("static").joinpath(name).read_bytes()
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers + PAGE_HEADERS})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, scope: Scope) -> None:
    location = scope["path"].rstrip("/").encode("latin-1")
    headers = [(b"location", location), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 308, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _session(
    guard: Guard, method: str, headers: dict[str, str], receive: Receive, send: Send, workers: int
) -> None:
    if method == "GET":
        keyed = guard.api_key is not None
        open_ = session.has_session(guard, headers)
        await send_json(send, 200, {"keyed": keyed, "authorized": open_, "workers": workers})
        return
    check_json(method, SESSION, headers)
    await read_body(receive, headers, SESSION, 64 * 1024)
    guard.check_key(method, SESSION, headers)
    answer = {"keyed": guard.api_key is not None, "authorized": True, "workers": workers}
    await send_json(send, 200, answer, session.set_cookie(guard))


async def _one(engine: feed.Watched, path: str, send: Send) -> None:
    match = ONE.fullmatch(path)
    assert match is not None
    found = engine.journal.entry(int(match.group(1)))
    if found is None:
        text = (
            f"claude_fake: no request {match.group(1)} is kept (ids count from 1 since the last "
            "reset; a bounded journal lets the oldest go). GET /_fake/requests lists those kept."
        )
        await send_json(
            send, 404, {"type": "error", "error": {"type": "not_found_error", "message": text}}
        )
        return
    await send_json(send, 200, records.detail(int(match.group(1)), *found))


async def serve(
    engine: feed.Watched,
    guard: Guard,
    scope: Scope,
    path: str,
    headers: dict[str, str],
    receive: Receive,
    send: Send,
    workers: int = 1,
) -> None:
    """Answer one of the page's routes (``handles(path)``); raises Refused (the server answers
    it) for a wrong method or a missing key. With several worker processes the feed and the
    requests answer 409, as the scripting API does: each would show one worker's share."""
    method: str = scope["method"]
    if path == SESSION:
        _method(method, path, ("GET", "POST"))
        await _session(guard, method, headers, receive, send, workers)
        return
    _method(method, path, ("GET",))
    if path in FILES:
        await _file(send, *FILES[path])
    elif path == PAGE + "/":
        await _redirect(send, scope)
    else:
        session.admit(guard, method, path, headers)
        if workers > 1:
            await send_json(send, 409, several_workers(path, workers))
        elif path == FEED:
            query = scope.get("query_string", b"").decode("latin-1")
            try:
                after = feed.start(query, headers.get("last-event-id"), engine.journal)
            except feed.BadFeed as exc:
                await send_json(send, 400, own_error(exc, "invalid_request_error"))
                return
            await feed.stream(engine, send, receive, after)
        else:
            await _one(engine, path, send)
