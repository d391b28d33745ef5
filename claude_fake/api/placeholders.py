"""Placeholder ids in ``--validate lenient``: what the SDK's own mock server (Prism, then Steady)
answers for an id nobody created (``model_id``, ``message_batch_id``, ``file_id``): an object of
the right shape that carries the id asked for, instead of the 404 the API gives. So the SDK's own
``tests/api_resources`` suite runs against ``claude-fake serve --validate lenient``.

Only the generator's own 404s for an unknown id are replaced: a scripted fault, a cassette's
answer and every other error stay as they are. The endpoints the fake does not serve at all
(agents, sessions, skills, ...) are answered in lenient mode by ``api.sdk_surface``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from claude_fake.api import catalogue
from claude_fake.api.routes import route
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.state.batches import DAY, timestamp
from claude_fake.wire.responses import json_response

EXAMPLE_MODEL = "claude-sonnet-4-5"


def _model(model_id: str, request: FakeRequest) -> Any:
    found = catalogue.find(EXAMPLE_MODEL) or next(iter(catalogue.listed(())), {})
    return {**found, "id": model_id, "display_name": model_id}


def _batch(batch_id: str, request: FakeRequest, status: str = "ended") -> Any:
    now = time.time()
    host = request.headers.get("host")
    origin = (f"http://{host}" if host else "http://claude-fake.local") + request.root_path
    ended = status == "ended"
    return {
        "id": batch_id,
        "type": "message_batch",
        "processing_status": status,
        "request_counts": {
            "processing": 0 if ended else 1,
            "succeeded": 1 if ended else 0,
            "errored": 0,
            "canceled": 0,
            "expired": 0,
        },
        "created_at": timestamp(now),
        "expires_at": timestamp(now + DAY),
        "ended_at": timestamp(now) if ended else None,
        "archived_at": None,
        "cancel_initiated_at": None if ended else timestamp(now),
        "results_url": f"{origin}/v1/messages/batches/{batch_id}/results" if ended else None,
    }


def _file(file_id: str, request: FakeRequest) -> Any:
    return {
        "id": file_id,
        "type": "file",
        "filename": "placeholder.txt",
        "mime_type": "text/plain",
        "size_bytes": 0,
        "created_at": timestamp(time.time()),
        "downloadable": True,
    }


def _results(batch_id: str, request: FakeRequest) -> bytes:
    line = {"custom_id": "placeholder", "result": {"type": "canceled"}}
    return json.dumps(line, separators=(",", ":")).encode() + b"\n"


Build = Callable[[str, FakeRequest], Any]
OBJECTS: Mapping[str, Build] = {
    "models.get": _model,
    "batches.get": _batch,
    "batches.cancel": lambda i, r: _batch(i, r, "canceling"),
    "batches.delete": lambda i, r: {"id": i, "type": "message_batch_deleted"},
    "files.get": _file,
    "files.delete": lambda i, r: {"id": i, "type": "file_deleted"},
}


def instead(
    request: FakeRequest, endpoint: str, request_id: str, response: FakeResponse
) -> FakeResponse:
    """``response``, or the placeholder answer when it is the generator's 404 for an id."""
    if response.status != 404 or response.source is not AnsweredBy.ERROR:
        return response
    found = route(request.method, request.path)
    item_id = found[1].get("id") if isinstance(found, tuple) else None
    if item_id is None:
        return response
    if endpoint == "batches.results":
        return _binary(_results(item_id, request), "application/binary", request_id)
    if endpoint == "files.content":
        return _binary(b"placeholder file content\n", "text/plain", request_id)
    build = OBJECTS.get(endpoint)
    if build is None:
        return response
    return json_response(build(item_id, request), request_id)


def _binary(body: bytes, content_type: str, request_id: str) -> FakeResponse:
    headers = {"content-type": content_type, "request-id": request_id}
    return FakeResponse(status=200, headers=headers, body=body, source=AnsweredBy.GENERATED)
