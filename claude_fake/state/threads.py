"""Server-held message threads (the ``thread`` parameter, beta ``message-threads-2026-08-12``).

A Messages request with ``thread: {"type": "create"}`` asks the server to hold the conversation
under the response's ``id``; ``{"type": "continue", "previous_message_id": ID}`` sends only the new
turn. The fake holds each answered turn's whole conversation (and the ``system`` and ``tools`` the
thread was created with) under its response id, and answers a ``continue`` as if the whole
conversation had been sent: counting, caching, compaction, context editing, ``when`` rules and the
generator all see it. The request keeps what was sent in ``FakeRequest.sent``.

As the API does: an unknown, forgotten or evicted id is a 404 ``thread_not_found``; a response
continued once is a 400 ``thread_already_continued``; one being continued right now a 400
``thread_continue_in_flight``; a ``continue`` that names another ``model`` a 400
``thread_fingerprint_mismatch``. A reply cut mid-stream, dropped or refused with an error is not
held (the server holds a whole reply or none of it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.wire.responses import api_error

CREATE_ONLY = ("system", "tools")  # the thread keeps these; a `continue` must not send them
DEFAULT_SIZE = 10_000  # responses held; the oldest goes first (then: thread_not_found)

NOT_FOUND = (
    "thread.previous_message_id: no Thread state was found for {id!r}. Replay the full "
    'conversation with `thread: {{"type": "create"}}` to start a new Thread.'
)
CONTINUED = (
    "thread.previous_message_id: the response {id!r} has already been continued, and each "
    "response can be continued only once. Continue from the Thread's most recent response `id`."
)
IN_FLIGHT = (
    "thread.previous_message_id: another request is still continuing from {id!r}. Wait for it to "
    "complete and continue from its response `id`."
)
REPEATED = (
    "{field}: cannot be sent with `thread.type` 'continue': the Thread keeps the `{field}` it was "
    'created with. Leave it out, or replay the full conversation with `thread: {{"type": '
    '"create"}}` to change it.'
)
MISMATCH = (
    "model: {sent!r} differs from the Thread's {held!r}. Send the stored value, or replay the "
    'full conversation with `thread: {{"type": "create"}}` to change it.'
)


@dataclass(frozen=True, slots=True)
class Held:
    """One answered turn of a thread: the conversation it answered, the thread's create-only
    fields, its model, and the reply (the response's JSON; a recorded stream fills it in place
    when it ends)."""

    model: str | None
    fields: Mapping[str, Any]
    messages: tuple[Any, ...]
    reply: Any

    @property
    def conversation(self) -> list[Any] | None:
        """The messages a ``continue`` from this reply adds its own to; None when the reply is
        not a whole Message (a stream that never ended)."""
        reply = self.reply
        if not isinstance(reply, dict) or reply.get("type") != "message":
            return None
        content = reply.get("content")
        if not isinstance(content, list) or reply.get("stop_reason") is None:
            return None
        blocks = [_as_sent(b) for b in content]
        return [*self.messages, {"role": reply.get("role", "assistant"), "content": blocks}]


def _as_sent(block: Any) -> Any:
    """A response block as the SDKs send it back: without its null fields."""
    if isinstance(block, dict):
        return {k: v for k, v in block.items() if v is not None}
    return block


def _thread(body: Any) -> Mapping[str, Any] | None:
    thread = body.get("thread") if isinstance(body, dict) else None
    return thread if isinstance(thread, dict) else None


class Threads:
    """The threads an engine holds, by response id (the last ``size``). Thread-safe."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._held: OrderedDict[str, Held] = OrderedDict()
        self._continued: set[str] = set()
        self._in_flight: set[str] = set()

    def __len__(self) -> int:
        return len(self._held)

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._held

    def conversation(self, message_id: str) -> list[Any] | None:
        """The whole conversation held under ``message_id`` (its reply last), or None."""
        with self._lock:
            held = self._held.get(message_id)
        return None if held is None else held.conversation

    def forget(self, message_id: str | None = None) -> None:
        """Drop one held response, or every one: a later ``continue`` from it gets
        ``thread_not_found``, as when the server lost or expired the thread."""
        with self._lock:
            if message_id is None:
                self._held.clear()
                self._continued.clear()
            else:
                self._held.pop(message_id, None)

    clear = forget

    def answer(
        self,
        request: FakeRequest,
        request_id: str,
        decide: Callable[[FakeRequest], FakeResponse],
    ) -> tuple[FakeRequest, FakeResponse]:
        """The request as the model sees it (a ``continue`` expanded to the whole
        conversation) and its answer from ``decide``; the answered turn is then held."""
        thread = _thread(request.body)
        if thread is None:
            return request, decide(request)
        previous = thread.get("previous_message_id") if thread.get("type") == "continue" else None
        if not isinstance(previous, str):
            response = decide(request)
            self._keep(request, response)
            return request, response
        expanded = self._expand(request, previous, request_id)
        if isinstance(expanded, FakeResponse):
            return request, expanded
        try:
            response = decide(expanded)
        finally:
            with self._lock:
                self._in_flight.discard(previous)
        if self._keep(expanded, response):
            with self._lock:
                self._continued.add(previous)
        return expanded, response

    def _expand(self, request: FakeRequest, previous: str, request_id: str) -> Any:
        body: dict[str, Any] = request.body
        with self._lock:
            held = self._held.get(previous)
            history = None if held is None else held.conversation
            if held is None or history is None:
                return _refuse(404, "thread_not_found", NOT_FOUND.format(id=previous), request_id)
            refusal = _check(body, held, previous, request_id, self._continued, self._in_flight)
            if refusal is not None:
                return refusal
            self._in_flight.add(previous)
        sent = body.get("messages")
        messages = [*history, *(sent if isinstance(sent, list) else [])]
        expanded = {**body, **held.fields, "messages": messages}
        return request.with_body(expanded).with_sent(body)

    def _keep(self, request: FakeRequest, response: FakeResponse) -> bool:
        """Hold the turn ``response`` answered, if it is a whole reply; whether it was held."""
        payload = response.payload
        if response.status != 200 or response.dropped or response.plan.cut_after is not None:
            return False
        message_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(message_id, str):
            return False
        body: dict[str, Any] = request.body
        fields = {k: body[k] for k in CREATE_ONLY if k in body}
        messages = body.get("messages")
        held = Held(
            model=request.model,
            fields=fields,
            messages=tuple(messages) if isinstance(messages, Sequence) else (),
            reply=payload,
        )
        with self._lock:
            self._held[message_id] = held
            self._held.move_to_end(message_id)
            while len(self._held) > self.size:
                gone, _ = self._held.popitem(last=False)
                self._continued.discard(gone)
        return True


def _check(
    body: Mapping[str, Any],
    held: Held,
    previous: str,
    request_id: str,
    continued: set[str],
    in_flight: set[str],
) -> FakeResponse | None:
    """The API's refusal of a ``continue`` from ``held``, or None when it may go on."""
    if previous in continued:
        return _refuse(400, "thread_already_continued", CONTINUED.format(id=previous), request_id)
    if previous in in_flight:
        return _refuse(400, "thread_continue_in_flight", IN_FLIGHT.format(id=previous), request_id)
    for field in CREATE_ONLY:
        if field in body:
            return api_error(400, "invalid_request_error", REPEATED.format(field=field), request_id)
    model = body.get("model")
    if held.model is not None and model != held.model:
        text = MISMATCH.format(sent=model, held=held.model)
        return _refuse(400, "thread_fingerprint_mismatch", text, request_id)
    return None


def _refuse(status: int, code: str, text: str, request_id: str) -> FakeResponse:
    error_type = "not_found_error" if status == 404 else "invalid_request_error"
    return api_error(status, error_type, text, request_id, details={"error_code": code})
