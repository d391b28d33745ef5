"""Vertex AI's face: ``POST .../projects/{p}/locations/{l}/publishers/anthropic/models/{m}`` with
``:rawPredict`` (JSON), ``:streamRawPredict`` (SSE), and ``models/count-tokens:rawPredict``, as
the SDK's ``AnthropicVertex`` sends them (with or without the ``/v1`` of Google's base URL).

Requests: the model is in the path (``claude-sonnet-4-5@20250929`` names
``claude-sonnet-4-5-20250929`` to the engine), ``anthropic_version`` in the body, a Google bearer
token or none (Claude Code's ``CLAUDE_CODE_SKIP_VERTEX_AUTH``). Answers: the Messages JSON and SSE
as they are; errors Google's own front end gives (401, 403, 404, 429) in Google's envelope
``{"error": {"code", "message", "status"}}``, the model's own errors in the API's envelope.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.providers.base import (
    COUNT_TOKENS_PATH,
    MESSAGES_PATH,
    Translation,
    carried,
    error_parts,
    json_answer,
    json_body,
    messages_request,
)
from claude_fake.wire.responses import api_error

NAME = "vertex"
PATH = re.compile(
    r"/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)/publishers/anthropic/models/"
    r"(?P<model>[^/:]+):(?P<specifier>rawPredict|streamRawPredict)$"
)
COUNT_TOKENS = "count-tokens"
VERSIONS = {"vertex-2023-10-16": "2023-06-01"}
# The statuses Google's front end answers itself, and their canonical status names.
GOOGLE_STATUSES: Mapping[int, str] = {
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
}


def first_party_model(model_id: str) -> str:
    """The first-party id of a Vertex model id (``claude-opus-4-1@20250805`` ->
    ``claude-opus-4-1-20250805``)."""
    return model_id.replace("@", "-")


def translate(request: FakeRequest) -> Translation | FakeResponse | None:
    """The Messages form of a Vertex request; None when the path is not Vertex's."""
    found = PATH.search(request.path)
    if found is None or request.method != "POST":
        return None
    body = json_body(request.raw)
    if not isinstance(body, dict):
        return api_error(400, "invalid_request_error", "The request body is not valid JSON.", "")
    version = body.pop("anthropic_version", None)
    if not isinstance(version, str) or not version:
        return api_error(400, "invalid_request_error", "anthropic_version: Field required", "")
    headers = {"anthropic-version": VERSIONS.get(version, version)}
    if found["model"] == COUNT_TOKENS:
        path = COUNT_TOKENS_PATH
    else:
        path = MESSAGES_PATH
        body = {"model": first_party_model(found["model"]), **body}
        if found["specifier"] == "streamRawPredict":
            body["stream"] = True
    out = messages_request(request, provider=NAME, path=path, body=body, headers=headers)
    return Translation(out, answer)


def answer(response: FakeResponse) -> FakeResponse:
    """The engine's answer as Vertex gives it: unchanged, but for Google's own errors."""
    status = GOOGLE_STATUSES.get(response.status)
    error = error_parts(response)
    if status is None or error is None:
        return response
    payload = {"error": {"code": response.status, "message": error[1], "status": status}}
    return json_answer(response, response.status, payload, carried(response))
