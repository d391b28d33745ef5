"""The Files API as the generator answers it (GA and beta paths are the same; SDKs before 2.3
add ``?beta=true``): upload (multipart), list (paged by cursor), retrieve, content, delete.

Each handler is ``(store, request, request_id, params)``. Uploaded files are not downloadable,
as on the API (only files a tool made are: ``fake.files.add(..., downloadable=True)``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from claude_fake.api import paging
from claude_fake.model import AnsweredBy, FakeRequest, FakeResponse
from claude_fake.state.batches import timestamp
from claude_fake.state.files import (
    EXPIRED,
    MAX_EXPIRY,
    MIN_EXPIRY,
    NOT_FOUND,
    FileStore,
    Upload,
    parse_upload,
)
from claude_fake.wire.responses import api_error, json_response

Params = Mapping[str, str]


class FileHost(Protocol):
    """What the file endpoints use of the engine: its files (``fake.files``)."""

    files: FileStore


CURSOR = "page_"
MAX_IDS = 100
NOT_DOWNLOADABLE = (
    "The file {id} is not downloadable: only files a tool created (such as the code execution "
    "tool) can be downloaded."
)


def _missing(file_id: str, request_id: str) -> FakeResponse:
    return api_error(404, "not_found_error", NOT_FOUND.format(id=file_id), request_id)


def _bad(text: str, request_id: str) -> FakeResponse:
    return api_error(400, "invalid_request_error", text, request_id)


def _expiry(upload: Upload) -> float | str | None:
    """The upload's ``expires_in_seconds``, or the API's message for a bad one."""
    if upload.expires_in_seconds is None:
        return None
    try:
        seconds = int(upload.expires_in_seconds)
    except ValueError:
        return "expires_in_seconds: Input should be a valid integer"
    if not MIN_EXPIRY <= seconds <= MAX_EXPIRY:
        return f"expires_in_seconds: Input should be between {MIN_EXPIRY} and {MAX_EXPIRY}"
    return float(seconds)


def upload(store: FileStore, request: FakeRequest, request_id: str, params: Params) -> FakeResponse:
    """``POST /v1/files``: a ``multipart/form-data`` body with a ``file`` part."""
    found = parse_upload(request)
    if isinstance(found, str):
        return _bad(found, request_id)
    expiry = _expiry(found)
    if isinstance(expiry, str):
        return _bad(expiry, request_id)
    stored = store.add(
        found.content, filename=found.filename, mime_type=found.mime_type, expires_in=expiry
    )
    return json_response(stored.to_json(), request_id)


def listing(
    store: FileStore, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/files``: newest first; ``ids[]`` picks files (one page), ``limit`` and the
    ``page`` cursor (``next_page``) page; ``after_id``/``before_id`` as older SDKs page."""
    query = request.params
    limit = paging.limit_param(query)
    if isinstance(limit, str):
        return _bad(limit, request_id)
    newest = list(reversed(list(store)))
    ids = query.get("ids[]", []) + query.get("ids", [])
    if ids:
        if len(set(ids)) > MAX_IDS:
            return _bad(f"ids: at most {MAX_IDS} ids may be given", request_id)
        chosen = [f for f in newest if f.id in set(ids)]
        body = paging.listing(chosen, False, lambda f: f.to_json())
        return json_response({**body, "next_page": None}, request_id)
    cursor = (query.get("page") or [""])[-1]
    if cursor:
        after = cursor.removeprefix(CURSOR)
        query = {**query, "after_id": [after if after in store else "\x00"]}
    chosen, more = paging.page(newest, query, limit, lambda f: f.id)
    body = paging.listing(chosen, more, lambda f: f.to_json())
    next_page = CURSOR + chosen[-1].id if more and chosen else None
    return json_response({**body, "next_page": next_page}, request_id)


def retrieve(
    store: FileStore, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/files/{id}``: the metadata (an expired file's too)."""
    found = store.get(params["id"])
    if found is None:
        return _missing(params["id"], request_id)
    return json_response(found.to_json(), request_id)


def content(
    store: FileStore, request: FakeRequest, request_id: str, params: Params
) -> FakeResponse:
    """``GET /v1/files/{id}/content``: the bytes of a downloadable file that has not expired."""
    found = store.get(params["id"])
    if found is None:
        return _missing(params["id"], request_id)
    if found.expired(store.now()):
        assert found.expires_at is not None
        text = EXPIRED.format(id=found.id, when=timestamp(found.expires_at))
        details = {"error_code": "file_expired"}
        return api_error(404, "not_found_error", text, request_id, details=details)
    if not found.downloadable:
        details = {"error_code": "file_not_downloadable"}
        text = NOT_DOWNLOADABLE.format(id=found.id)
        return api_error(400, "invalid_request_error", text, request_id, details=details)
    headers = {
        "content-type": found.mime_type,
        "content-disposition": f'attachment; filename="{found.filename}"',
        "request-id": request_id,
    }
    return FakeResponse(
        status=200,
        headers=headers,
        body=found.content,
        source=AnsweredBy.GENERATED,
        payload={"file": found.id, "size_bytes": len(found.content)},
    )


def delete(store: FileStore, request: FakeRequest, request_id: str, params: Params) -> FakeResponse:
    """``DELETE /v1/files/{id}``."""
    if not store.remove(params["id"]):
        return _missing(params["id"], request_id)
    return json_response({"id": params["id"], "type": "file_deleted"}, request_id)


Handler = Callable[[FileStore, FakeRequest, str, Params], FakeResponse]
HANDLERS: Mapping[str, Handler] = {
    "files.upload": upload,
    "files.list": listing,
    "files.get": retrieve,
    "files.content": content,
    "files.delete": delete,
}
