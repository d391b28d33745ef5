"""The Message Batches endpoints as the generator answers them. Each handler is
``(host, request, request_id, params)``; ``host`` is what they need of the engine (a Protocol)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from claude_fake.api import paging
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.state.batches import Batch, BatchStore
from claude_fake.state.clock import Clock
from claude_fake.wire.responses import api_error, json_response

Params = Mapping[str, str]


class BatchHost(Protocol):
    """What the batch endpoints use of the engine: its store, clock, ids and request handler."""

    batches: BatchStore
    clock: Clock
    origin: str

    def new_id(self, kind: str) -> str: ...

    def handle(self, request: FakeRequest) -> FakeResponse: ...


def origin(engine: BatchHost, request: FakeRequest) -> str:
    """The fake's own origin as the client reached it: its Host header (plus any mount prefix
    the server stripped), or the in-process origin."""
    host = request.headers.get("host")
    root = str(getattr(request, "root_path", "") or "")
    return (f"http://{host}" if host else engine.origin) + root


def _missing(batch_id: str, request_id: str) -> FakeResponse:
    return api_error(
        404, "not_found_error", f"message_batch_id: no batch {batch_id!r} was found.", request_id
    )


def _find(engine: BatchHost, batch_id: str) -> Batch | None:
    engine.batches.process(engine.handle, engine.clock.now())
    return engine.batches.get(batch_id)


def _shown(engine: BatchHost, request: FakeRequest, batch: Batch, request_id: str) -> FakeResponse:
    return json_response(batch.to_json(origin(engine, request)), request_id)


def create(
    engine: BatchHost, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``POST /v1/messages/batches``."""
    body = request.body if isinstance(request.body, dict) else {}
    entries = body.get("requests")
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        text = "requests: Input should be a non-empty list of {custom_id, params} objects"
        return api_error(400, "invalid_request_error", text, request_id)
    batch = engine.batches.add(engine.new_id("msgbatch"), body, request.headers, engine.clock.now())
    engine.batches.process(engine.handle, engine.clock.now())
    return _shown(engine, request, batch, request_id)


def retrieve(
    engine: BatchHost, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/messages/batches/{id}``."""
    batch = _find(engine, params["id"])
    if batch is None:
        return _missing(params["id"], request_id)
    return _shown(engine, request, batch, request_id)


def listing(
    engine: BatchHost, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/messages/batches``: newest first, paged by ``after_id`` / ``before_id``."""
    query = request.params
    limit = paging.limit_param(query)
    if isinstance(limit, str):
        return api_error(400, "invalid_request_error", limit, request_id)
    engine.batches.process(engine.handle, engine.clock.now())
    chosen, more = paging.page(engine.batches.newest_first(), query, limit, lambda b: b.id)
    here = origin(engine, request)
    return json_response(paging.listing(chosen, more, lambda b: b.to_json(here)), request_id)


def cancel(
    engine: BatchHost, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``POST /v1/messages/batches/{id}/cancel``: ``canceling`` until the batch is next seen."""
    batch = _find(engine, params["id"])
    if batch is None:
        return _missing(params["id"], request_id)
    engine.batches.cancel(batch, engine.clock.now())
    return _shown(engine, request, batch, request_id)


DELETE_EARLY = (
    "Batch {id} cannot be deleted while it is {status}; cancel it and wait for "
    "processing_status 'ended' before deleting it."
)
RESULTS_EARLY = (
    "Batch {id} is still {status}; its results are available once processing_status is "
    "'ended' (poll the batch until then)."
)


def _ended(engine: BatchHost, batch_id: str, request_id: str, text: str) -> Batch | FakeResponse:
    """The batch if it has ended; else 404 for an unknown batch, or 400 (worded by ``text``) for
    one still processing."""
    batch = _find(engine, batch_id)
    if batch is None:
        return _missing(batch_id, request_id)
    if batch.ended_at is None:
        message = text.format(id=batch.id, status=batch.status)
        return api_error(400, "invalid_request_error", message, request_id)
    return batch


def delete(
    engine: BatchHost, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``DELETE /v1/messages/batches/{id}``: only a batch that has ended."""
    batch = _ended(engine, params["id"], request_id, DELETE_EARLY)
    if isinstance(batch, FakeResponse):
        return batch
    engine.batches.remove(batch.id)
    return json_response({"id": batch.id, "type": "message_batch_deleted"}, request_id)


def results(
    engine: BatchHost, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/messages/batches/{id}/results``: the JSONL file of an ended batch."""
    batch = _ended(engine, params["id"], request_id, RESULTS_EARLY)
    if isinstance(batch, FakeResponse):
        return batch
    headers = {"content-type": "application/binary", "request-id": request_id}
    return FakeResponse(status=200, headers=headers, body=batch.jsonl(), source=AnsweredBy.BATCH)


Handler = Callable[[BatchHost, FakeRequest, str, Params], FakeResponse]
HANDLERS: Mapping[str, Handler] = {
    "batches.create": create,
    "batches.list": listing,
    "batches.get": retrieve,
    "batches.cancel": cancel,
    "batches.delete": delete,
    "batches.results": results,
}
