"""``GET /_fake/events``: the journal as server-sent events, for the traffic page and any tool.

Each subscriber is one loop that reads the journal from its own cursor: no queue is kept for it
(the journal is the buffer, and it is bounded), it never blocks the event loop (it waits with
``asyncio``; a slow reader only slows its own writes), and it ends as soon as the client leaves.
Events: ``hello`` (on connect), ``request`` (one summary per journal entry, ``id: EPOCH/ID``),
``state`` (scripts still unused, problems, requests let go) when it changes, ``reset`` (the
journal was cleared: ids restart), and a ``: keep-alive`` comment every 15 s.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qsl

from claude_fake.errors import ClaudeFakeError
from claude_fake.faces.delivery import Receive, Send
from claude_fake.faces.exchange import REDACTED_BYTES, SECRET_BYTES
from claude_fake.faces.ui.records import summary
from claude_fake.journal import Journal

POLL = 0.1  # seconds between two looks at the journal
STATE_EVERY = 5  # polls between two looks at the unused scripts when no request came
BATCH = 10  # requests per write: a backlog goes out a batch at a time, the loop free between
# (a bounded journal parses each entry read: 10 of 200 KB agent conversations take ~8 ms)
KEEP_ALIVE = 15.0  # seconds of silence before a comment line
LISTED = 200  # at most this many unused scripts and problems in a state event
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
]


class Watched(Protocol):
    """What the feed reads of an engine."""

    journal: Journal

    def unused(self) -> list[str]: ...


class BadFeed(ClaudeFakeError):
    """Feed parameters that cannot be used."""


def event(name: str, data: Any, event_id: str | None = None) -> bytes:
    """One server-sent event, with any ``sk-ant-`` key redacted."""
    body = json.dumps(data, separators=(",", ":")).encode()
    if b"sk-ant-" in body:
        body = SECRET_BYTES.sub(REDACTED_BYTES, body)
    head = f"event: {name}\n" + (f"id: {event_id}\n" if event_id else "")
    return head.encode() + b"data: " + body + b"\n\n"


def start(query: str, last_event_id: str | None, journal: Journal) -> int:
    """The id to read after: ``Last-Event-ID`` of this journal's epoch (a reconnect), else
    ``after=ID`` and ``tail=N`` (at most the last N kept requests); 0 reads all."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(params) - {"after", "tail"})
    bad: list[str] = [k for k in ("after", "tail") if k in params and not params[k].isdigit()]
    if unknown or bad:
        raise BadFeed(
            f"events: {', '.join(unknown + bad)} is not a parameter it takes as given.",
            why="GET /_fake/events takes after=ID (the last id already read) and tail=N "
            "(start with at most the last N requests), both whole numbers.",
            fix="e.g. GET /_fake/events?tail=500, or GET /_fake/events?after=0.",
        )
    epoch, _, seen = (last_event_id or "").partition("/")
    if epoch == journal.epoch and seen.isdigit():
        return int(seen)
    after = int(params.get("after", "0"))
    if "tail" in params:
        after = max(after, journal.next_id - 1 - int(params["tail"]))
    return after


def _state(engine: Watched) -> dict[str, Any]:
    journal = engine.journal
    unused = engine.unused()
    problems = list(journal.problems[-LISTED:])
    return {
        "unused": unused[:LISTED],
        "unused_count": len(unused),
        "problems": problems,
        "dropped": journal.dropped,
        "count": journal.next_id - 1,
    }


class Subscriber:
    """One client of the feed: its cursor in the journal and what it was sent last."""

    def __init__(self, engine: Watched, send: Send, after: int) -> None:
        self.engine, self.send, self.cursor = engine, send, after
        self.epoch = engine.journal.epoch
        self.state: dict[str, Any] | None = None
        self.wrote = asyncio.get_running_loop().time()

    async def write(self, data: bytes) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": True})
        self.wrote = asyncio.get_running_loop().time()

    async def hello(self) -> None:
        journal = self.engine.journal
        data = {"epoch": self.epoch, "after": self.cursor, "last_id": journal.next_id - 1}
        await self.write(b"retry: 1000\n" + event("hello", data, f"{self.epoch}/{self.cursor}"))

    async def tick(self, look_at_state: bool) -> bool:
        """Send what is new; True when more is waiting (a backlog)."""
        journal = self.engine.journal
        out: list[bytes] = []
        if journal.epoch != self.epoch:
            self.epoch, self.cursor, self.state = journal.epoch, 0, None
            out.append(event("reset", {"epoch": self.epoch}, f"{self.epoch}/0"))
        page = journal.page(after=self.cursor, limit=BATCH)
        for (entry_id, record), outcome in zip(page.items, page.outcomes, strict=True):
            row = summary(entry_id, record, outcome)
            out.append(event("request", row, f"{self.epoch}/{entry_id}"))
        if page.items:
            self.cursor = page.items[-1][0]
        if look_at_state or page.items or self.state is None:
            state = _state(self.engine)
            if state != self.state:
                self.state = state
                out.append(event("state", state))
        if out:
            await self.write(b"".join(out))
        return page.next_after is not None


async def _until_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _closing(send: Send) -> Callable[[], bool]:
    """Whether the server is shutting down: uvicorn then turns the open request's keep-alive
    off (its ``send`` is a method of that request cycle). Without it, an open feed would hold
    the shutdown for its whole grace period."""
    cycle = getattr(send, "__self__", None)
    if not getattr(cycle, "keep_alive", False):
        return lambda: False  # not uvicorn, or a client that asked to close: never flips
    return lambda: not cycle.keep_alive  # type: ignore[union-attr]  # checked just above


async def stream(engine: Watched, send: Send, receive: Receive, after: int) -> None:
    """Serve the feed until the client leaves or the server shuts down."""
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    subscriber = Subscriber(engine, send, after)
    gone = asyncio.ensure_future(_until_gone(receive))
    loop = asyncio.get_running_loop()
    closing = _closing(send)
    try:
        await subscriber.hello()
        polls = 0
        while not gone.done():
            if closing():
                await send({"type": "http.response.body", "body": b""})
                return
            polls += 1
            if await subscriber.tick(polls % STATE_EVERY == 0):
                await asyncio.sleep(0)  # a backlog: the next batch at once, others served between
                continue
            if loop.time() - subscriber.wrote > KEEP_ALIVE:
                await subscriber.write(b": keep-alive\n\n")
            await asyncio.wait({gone}, timeout=POLL)
    finally:
        gone.cancel()
