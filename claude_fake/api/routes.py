"""The route table: each API path and method to the name of its endpoint; 404 and 405."""

from __future__ import annotations

import functools
import re

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.wire.responses import api_error

# (method, path, endpoint). Endpoint names are "family.action", so a fault can target one
# endpoint ("models.get") or a family ("models"). Order matters: specific before general.
ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"/v1/messages"), "messages"),
    ("POST", re.compile(r"/v1/messages/count_tokens"), "count_tokens"),
    ("GET", re.compile(r"/v1/models"), "models.list"),
    ("GET", re.compile(r"/v1/models/(?P<id>[^/]+)"), "models.get"),
    ("POST", re.compile(r"/v1/messages/batches"), "batches.create"),
    ("GET", re.compile(r"/v1/messages/batches"), "batches.list"),
    ("GET", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)"), "batches.get"),
    ("DELETE", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)"), "batches.delete"),
    ("POST", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)/cancel"), "batches.cancel"),
    ("GET", re.compile(r"/v1/messages/batches/(?P<id>[^/]+)/results"), "batches.results"),
    ("POST", re.compile(r"/v1/files"), "files.upload"),
    ("GET", re.compile(r"/v1/files"), "files.list"),
    ("GET", re.compile(r"/v1/files/(?P<id>[^/]+)"), "files.get"),
    ("DELETE", re.compile(r"/v1/files/(?P<id>[^/]+)"), "files.delete"),
    ("GET", re.compile(r"/v1/files/(?P<id>[^/]+)/content"), "files.content"),
)
ENDPOINTS = tuple(dict.fromkeys(name for _, _, name in ROUTES))
FAMILIES = tuple(dict.fromkeys(name.partition(".")[0] for name in ENDPOINTS))


def targets(endpoint: str, wanted: str) -> bool:
    """Whether a fault aimed at ``wanted`` (an endpoint, a family, or "*") hits ``endpoint``."""
    return wanted in ("*", endpoint) or endpoint.partition(".")[0] == wanted


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
    allowed = sorted({m for m, p, _ in ROUTES if p.fullmatch(request.path.rstrip("/"))})
    return api_error(
        405,
        "invalid_request_error",
        f"Method {request.method} is not allowed for {request.path}.",
        request_id,
        headers={"allow": ", ".join(allowed)},
    )
