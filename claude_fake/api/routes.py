"""Route table of the API paths the fake serves, and the small read-only endpoints."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from claude_fake.api import catalogue
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.wire.answer import api_error, json_response

# (method, compiled path) -> endpoint name. Order matters: specific before general.
ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"/v1/messages"), "messages"),
    ("POST", re.compile(r"/v1/messages/count_tokens"), "count_tokens"),
    ("GET", re.compile(r"/v1/models"), "models"),
    ("GET", re.compile(r"/v1/models/(?P<id>[^/]+)"), "model"),
    ("POST", re.compile(r"/v1/messages/batches"), "batch_create"),
    ("GET", re.compile(r"/v1/messages/batches"), "batch_list"),
    ("GET", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)"), "batch_get"),
    ("DELETE", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)"), "batch_delete"),
    ("POST", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)/cancel"), "batch_cancel"),
    ("GET", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)/results"), "batch_results"),
)


@functools.lru_cache(maxsize=1024)  # callers only read the params
def route(method: str, path: str) -> tuple[str, dict[str, str]] | str | None:
    """(endpoint, path params) for a request; "method" when only the method is wrong; else None."""
    path = path.rstrip("/") or "/"
    wrong_method = False
    for want, pattern, name in ROUTES:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        if want == method.upper():
            return name, match.groupdict()
        wrong_method = True
    return "method" if wrong_method else None


def not_found(request: FakeRequest, request_id: str) -> FakeResponse:
    """404 for a path the API does not have."""
    return api_error(404, "not_found_error", "Not Found", request_id)


def method_not_allowed(request: FakeRequest, request_id: str) -> FakeResponse:
    """405 for a known path called with the wrong method."""
    return api_error(
        405,
        "invalid_request_error",
        f"Method {request.method} is not allowed for {request.path}.",
        request_id,
        headers={
            "allow": ", ".join(
                sorted({m for m, p, _ in ROUTES if p.fullmatch(request.path.rstrip("/"))})
            )
        },
    )


def limit_param(params: Mapping[str, list[str]]) -> int | str:
    """The ``limit`` of a list endpoint (default 20), or the API's message for a bad one."""
    values = params.get("limit")
    if not values:
        return 20
    try:
        limit = int(values[-1])
    except ValueError:
        return "limit: Input should be a valid integer, unable to parse string as an integer"
    if not 1 <= limit <= 1000:
        return f"limit: Input should be between 1 and 1000, got {limit}"
    return limit


def models_list(request: FakeRequest, request_id: str) -> FakeResponse:
    """``GET /v1/models``: a page of the catalogue."""
    params = request.params
    limit = limit_param(params)
    if isinstance(limit, str):
        return api_error(400, "invalid_request_error", limit, request_id)
    lifecycles = params.get("lifecycle[]", []) + params.get("lifecycle", [])
    bad = [v for v in lifecycles if v not in ("active", "deprecated", "retired")]
    if bad:
        text = f"lifecycle: Input should be 'active', 'deprecated' or 'retired', got {bad[0]!r}"
        return api_error(400, "invalid_request_error", text, request_id)
    after, before = params.get("after_id"), params.get("before_id")
    page = catalogue.page(
        after_id=after[-1] if after else None,
        before_id=before[-1] if before else None,
        limit=limit,
        lifecycles=lifecycles,
    )
    return json_response(page, request_id)


def model_get(request: FakeRequest, request_id: str, model_id: str) -> FakeResponse:
    """``GET /v1/models/{id}``."""
    info: Any = catalogue.find(model_id)
    if info is None:
        return api_error(404, "not_found_error", f"model: {model_id}", request_id)
    return json_response(info, request_id)
