"""The Message Batches endpoints, registered in ``FakeClaude.extensions`` under the names
``endpoints.ROUTES`` gives them. Each handler is ``(engine, request, request_id, params)``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from claude_fake.api.routes import limit_param
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.state.batches import Batch
from claude_fake.wire.answer import api_error, json_response

if TYPE_CHECKING:
    from claude_fake.engine import FakeClaude

Params = Mapping[str, str]


def origin(engine: FakeClaude, request: FakeRequest) -> str:
    """The fake's own origin as the client reached it: its Host header (plus any mount prefix
    the server stripped), or the in-process origin."""
    host = request.headers.get("host")
    root = str(getattr(request, "root_path", "") or "")
    return (f"http://{host}" if host else engine.origin) + root


def _missing(batch_id: str, request_id: str) -> FakeResponse:
    return api_error(
        404, "not_found_error", f"message_batch_id: no batch {batch_id!r} was found.", request_id
    )


def _find(engine: FakeClaude, batch_id: str) -> Batch | None:
    engine.batches.process(engine.handle, engine.clock.now())
    return engine.batches.get(batch_id)


def _shown(engine: FakeClaude, request: FakeRequest, batch: Batch, request_id: str) -> FakeResponse:
    return json_response(batch.to_json(origin(engine, request)), request_id)


def create(
    engine: FakeClaude, request: FakeRequest, request_id: str, params: Params
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
    engine: FakeClaude, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/messages/batches/{id}``."""
    batch = _find(engine, params["id"])
    if batch is None:
        return _missing(params["id"], request_id)
    return _shown(engine, request, batch, request_id)


def _page(items: list[Batch], request: FakeRequest, limit: int) -> tuple[list[Batch], bool]:
    ids = [b.id for b in items]
    after, before = request.params.get("after_id"), request.params.get("before_id")
    if after:
        start = ids.index(after[-1]) + 1 if after[-1] in ids else len(ids)
        return items[start : start + limit], start + limit < len(items)
    if before:
        end = ids.index(before[-1]) if before[-1] in ids else 0
        return items[max(0, end - limit) : end], end - limit > 0
    return items[:limit], limit < len(items)


def listing(
    engine: FakeClaude, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/messages/batches``: newest first, paged by ``after_id`` / ``before_id``."""
    limit = limit_param(request.params)
    if isinstance(limit, str):
        return api_error(400, "invalid_request_error", limit, request_id)
    engine.batches.process(engine.handle, engine.clock.now())
    chosen, has_more = _page(engine.batches.newest_first(), request, limit)
    here = origin(engine, request)
    return json_response(
        {
            "data": [b.to_json(here) for b in chosen],
            "has_more": has_more,
            "first_id": chosen[0].id if chosen else None,
            "last_id": chosen[-1].id if chosen else None,
        },
        request_id,
    )


def cancel(
    engine: FakeClaude, request: FakeRequest, request_id: str, params: Params
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


def _ended(engine: FakeClaude, batch_id: str, request_id: str, text: str) -> Batch | FakeResponse:
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
    engine: FakeClaude, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``DELETE /v1/messages/batches/{id}``: only a batch that has ended."""
    batch = _ended(engine, params["id"], request_id, DELETE_EARLY)
    if isinstance(batch, FakeResponse):
        return batch
    engine.batches.remove(batch.id)
    return json_response({"id": batch.id, "type": "message_batch_deleted"}, request_id)


def results(
    engine: FakeClaude, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/messages/batches/{id}/results``: the JSONL file of an ended batch."""
    batch = _ended(engine, params["id"], request_id, RESULTS_EARLY)
    if isinstance(batch, FakeResponse):
        return batch
    headers = {"content-type": "application/binary", "request-id": request_id}
    return FakeResponse(status=200, headers=headers, body=batch.jsonl(), source="batch")


HANDLERS: dict[str, Any] = {
    "batch_create": create,
    "batch_list": listing,
    "batch_get": retrieve,
    "batch_cancel": cancel,
    "batch_delete": delete,
    "batch_results": results,
}
