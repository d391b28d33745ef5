"""The sources of answers, asked in order for every API request: a fault, a scripted reply, the
cassette, the generator. Each claims the request (answers it) or declines (None); the first claim
is the answer. Nothing is undone: a script is counted as used only once it has answered.

A fault that only shapes an answer (a delay, a cut mid-stream or in a JSON body) declines, and is
applied to the answer a later source gives: a mid-stream fault only when that answer is a stream,
a body cut only when it is not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from claude_fake.api import batches, files, models
from claude_fake.api.messages import Messages
from claude_fake.api.routes import not_found
from claude_fake.errors import ScenarioExhausted
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.sources import faults, replies
from claude_fake.sources.generator.drafter import Drafter
from claude_fake.sources.latency import Pacing
from claude_fake.state import turn

if TYPE_CHECKING:
    from claude_fake.sources.cassette.source import CassetteSource


@dataclass(slots=True, kw_only=True)
class Call:
    """One API request on its way to an answer: the endpoint it was routed to, and its id."""

    request: FakeRequest
    endpoint: str
    params: Mapping[str, str]
    request_id: str
    shaping: faults.Fault | None = None  # a pacing fault waiting for the answer


class Source(Protocol):
    """A way to answer: claims a request with a response, or declines with None."""

    def claim(self, call: Call) -> FakeResponse | None: ...


def decide(call: Call, fault_source: FaultSource, sources: Sequence[Source]) -> FakeResponse:
    """The answer of the first source that claims ``call``, shaped by any pacing fault."""
    response = fault_source.claim(call)
    if response is not None:
        return response
    for source in sources:
        response = source.claim(call)
        if response is not None:
            return fault_source.shape(call, response)
    return not_found(call.request, call.request_id)  # unreachable: the generator claims all


class FaultSource:
    """Scripted faults: an error or a dropped connection claims the request. The answer a later
    source gives is shaped by a pacing fault, else by the latency profile (``pacing``)."""

    def __init__(
        self, book: faults.FaultBook, lock: threading.RLock, pacing: Pacing | None = None
    ) -> None:
        self.book, self._lock, self.pacing = book, lock, pacing

    def claim(self, call: Call) -> FakeResponse | None:
        with self._lock:
            fault = self.book.next_for(call.endpoint, call.request.stream)
            if fault is not None and not fault.pacing:
                self.book.use(fault)
        if fault is None:
            return None
        if fault.pacing:
            call.shaping = fault
            return None
        if fault.disconnect:
            return FakeResponse(status=200, headers={}, source=AnsweredBy.FAULT, dropped=True)
        return faults.error_response(fault, call.request_id)

    def shape(self, call: Call, response: FakeResponse) -> FakeResponse:
        """``response`` paced or cut by the call's pacing fault, which is then used."""
        fault = call.shaping
        if fault is not None and fault.fits(response):
            with self._lock:
                if self.book.use(fault):  # else a concurrent request took its last use
                    response = faults.shaped(fault, response, call.request_id)
        # (a mid-stream fault with no stream to cut waits for the next stream; a body cut, for
        # the next JSON answer)
        if self.pacing is not None and call.endpoint == "messages":
            return self.pacing.apply(response, call.request_id)
        return response


class ReplySource:
    """Scripted replies: the Messages requests the test queued answers (or rules) for."""

    def __init__(
        self,
        book: replies.ReplyBook,
        lock: threading.RLock,
        api: Messages,
        number: Callable[[], int],
    ) -> None:
        self.book, self._lock, self._api, self._number = book, lock, api, number

    def claim(self, call: Call) -> FakeResponse | None:
        if call.endpoint != "messages":
            return None
        request = call.request
        with self._lock:
            reply = self.book.peek(request)
            if reply is None and self.book.scripted:
                raise ScenarioExhausted(
                    f"no scripted reply is left for request #{self._number()} "
                    f"(POST {request.path}, last user text {request.text[:60]!r}).",
                    why="This test scripted replies, so the generator is off and every answer "
                    "must be scripted.",
                    fix="Script one more fake.reply(...), or use times=/when= to reuse replies.",
                    anchor="scripting",
                )
            if reply is None:
                return None
            try:
                answer = replies.resolve(reply, request)  # maybe a copy: the use counts on reply
            except Exception:
                self.book.use(reply)  # a reply that cannot answer is spent, and says why once
                raise
        response, used = self._api.answer(request, call.request_id, turn.outline_of_reply(answer))
        if used:
            with self._lock:
                self.book.use(reply)
        return response


class CassetteClaim:
    """The cassette, when one is set up: it answers every API request (replay or record)."""

    def __init__(self, cassette: Callable[[], CassetteSource] | None) -> None:
        self._cassette = cassette

    def claim(self, call: Call) -> FakeResponse | None:
        if self._cassette is None:
            return None
        request = call.request  # a thread `continue` as it was sent, not its whole conversation
        sent = request if request.sent is None else request.with_body(request.sent)
        return self._cassette().claim(sent, call.request_id)


class Host(batches.BatchHost, files.FileHost, Protocol):
    """What the generator's endpoints use of the engine."""


class Generator:
    """The seeded default: answers every endpoint as the API would, from the fake's own state."""

    def __init__(self, api: Messages, host: Host, drafter: Drafter) -> None:
        self._api, self._host, self._drafter = api, host, drafter

    def claim(self, call: Call) -> FakeResponse | None:
        request, request_id, endpoint = call.request, call.request_id, call.endpoint
        if endpoint == "messages":
            draft = self._drafter.for_request(request)
            return self._api.answer(request, request_id, None, draft)[0]
        if endpoint == "count_tokens":
            return self._api.count(request, request_id)
        if endpoint == "models.list":
            return models.listing(request, request_id)
        if endpoint == "models.get":
            return models.retrieve(request, request_id, call.params["id"])
        if endpoint in files.HANDLERS:
            return files.HANDLERS[endpoint](self._host.files, request, request_id, call.params)
        handler = batches.HANDLERS.get(endpoint)
        if handler is None:
            return not_found(request, request_id)
        return handler(self._host, request, request_id, call.params)
