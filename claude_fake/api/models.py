"""The Models API as the generator answers it: ``GET /v1/models`` and ``GET /v1/models/{id}``."""

from __future__ import annotations

from typing import Any

from claude_fake.api import catalogue, paging
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.wire.responses import api_error, json_response

LIFECYCLES = ("active", "deprecated", "retired")


def listing(request: FakeRequest, request_id: str) -> FakeResponse:
    """``GET /v1/models``: a page of the catalogue."""
    params = request.params
    limit = paging.limit_param(params)
    if isinstance(limit, str):
        return api_error(400, "invalid_request_error", limit, request_id)
    lifecycles = params.get("lifecycle[]", []) + params.get("lifecycle", [])
    bad = [v for v in lifecycles if v not in LIFECYCLES]
    if bad:
        text = f"lifecycle: Input should be 'active', 'deprecated' or 'retired', got {bad[0]!r}"
        return api_error(400, "invalid_request_error", text, request_id)
    chosen, more = paging.page(catalogue.listed(lifecycles), params, limit, lambda m: m["id"])
    return json_response(paging.listing(chosen, more, dict), request_id)


def retrieve(request: FakeRequest, request_id: str, model_id: str) -> FakeResponse:
    """``GET /v1/models/{id}``."""
    info: Any = catalogue.find(model_id)
    if info is None:
        return api_error(404, "not_found_error", f"model: {model_id}", request_id)
    return json_response(info, request_id)
