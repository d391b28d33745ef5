"""Amazon Bedrock's InvokeModel face: ``POST /model/{id}/invoke``, ``/invoke-with-response-stream``
(AWS event-stream) and ``/count-tokens``, as the SDK's ``AnthropicBedrock`` and boto3 send them.

Requests: the model is in the path (a Bedrock id, inference profile or ARN, named to the engine by
its first-party id), ``anthropic_version`` and ``anthropic_beta`` in the body; SigV4, a Bedrock
API key (Bearer) or no auth at all (Claude Code's ``CLAUDE_CODE_SKIP_BEDROCK_AUTH``). With
``require_api_key``, a SigV4 request's access key id is the key it presents. Errors: Bedrock's
``{"message": ...}`` with ``x-amzn-ErrorType`` and the status of the botocore error shape
(``bedrock-runtime`` service model), mid-stream as event-stream ``exception`` messages.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.providers import aws, bedrock_stream, eventstream
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
from claude_fake.wire.jsontext import compact

NAME = "bedrock"
OPERATIONS = frozenset(("invoke", "invoke-with-response-stream", "count-tokens"))
_VERSION_SUFFIX = re.compile(r"-v\d+(:\d+)?$")
ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
# API error type -> (Bedrock exception, its HTTP status), from the bedrock-runtime error shapes.
ERRORS: Mapping[str, tuple[str, int]] = {
    "invalid_request_error": ("ValidationException", 400),
    "request_too_large": ("ValidationException", 400),
    "authentication_error": ("AccessDeniedException", 403),
    "permission_error": ("AccessDeniedException", 403),
    "billing_error": ("AccessDeniedException", 403),
    "not_found_error": ("ResourceNotFoundException", 404),
    "timeout_error": ("ModelTimeoutException", 408),
    "rate_limit_error": ("ThrottlingException", 429),
    "api_error": ("InternalServerException", 500),
    "overloaded_error": ("ServiceUnavailableException", 503),
}
MALFORMED = "Malformed input request, please reformat your input and try again."
NO_VERSION = (
    "Malformed input request: #: required key [anthropic_version] not found, please reformat "
    "your input and try again."
)
# InvokeModel fields that count_tokens does not take (CountTokens wraps a whole InvokeModel body).
NOT_COUNTED = frozenset(
    ("max_tokens", "stop_sequences", "stream", "metadata", "service_tier", "container")
)
VERSIONS = {"bedrock-2023-05-31": "2023-06-01"}


def first_party_model(model_id: str) -> str:
    """The first-party id of a Bedrock model id, inference profile or ARN
    (``us.anthropic.claude-sonnet-4-5-20250929-v1:0`` -> ``claude-sonnet-4-5-20250929``)."""
    name = model_id.rsplit("/", 1)[-1]
    name = name.split("anthropic.", 1)[-1]
    return _VERSION_SUFFIX.sub("", name)


@lru_cache(maxsize=256)
def route(path: str) -> tuple[str, str] | None:
    """(first-party model, operation) of a Bedrock path, ``.../model/{id}/{operation}``; None
    for another path. The id runs from the first ``/model/`` to the last slash (an ARN has its
    own). Remembered: a client asks for the same few paths again and again."""
    start, end = path.find("/model/"), path.rfind("/")
    operation = path[end + 1 :]
    if start < 0 or end <= start + 7 or operation not in OPERATIONS:
        return None
    return first_party_model(path[start + 7 : end]), operation


def translate(request: FakeRequest) -> Translation | FakeResponse | None:
    """The Messages form of a Bedrock request; None when the path is not Bedrock's."""
    found = route(request.path)
    if found is None or request.method != "POST":
        return None
    model, operation = found
    counting = operation == "count-tokens"
    body = json_body(request.raw)
    if counting:
        body = _count_tokens_body(body)
    if not isinstance(body, dict):
        return _error(400, "ValidationException", MALFORMED)
    version = body.pop("anthropic_version", None)
    if not isinstance(version, str) or not version:
        return _error(400, "ValidationException", NO_VERSION)
    headers = _headers(request, version, body)
    body = {"model": model, **body}
    if counting:
        body = {k: v for k, v in body.items() if k not in NOT_COUNTED}
    else:
        body["stream"] = operation == "invoke-with-response-stream"
    path = COUNT_TOKENS_PATH if counting else MESSAGES_PATH
    drop = ("authorization",) if "x-api-key" in headers else ()
    out = messages_request(request, provider=NAME, path=path, body=body, headers=headers, drop=drop)
    return Translation(out, lambda response: _answer(response, counting=counting))


def _headers(request: FakeRequest, version: str, body: dict[str, Any]) -> dict[str, str]:
    """The Messages headers of a Bedrock request: its version, its betas and user profile (taken
    out of ``body``), and a SigV4 access key id as its API key."""
    headers = {"anthropic-version": VERSIONS.get(version, version)}
    if request.headers.get("authorization", "").startswith("AWS4-"):
        headers.update(aws.signed(request)[1])
    betas = body.pop("anthropic_beta", None)
    if isinstance(betas, list):
        headers["anthropic-beta"] = ",".join(str(b) for b in betas)
    profile = body.pop("user_profile_id", None)
    if isinstance(profile, str):
        headers["anthropic-user-profile-id"] = profile
    return headers


def _count_tokens_body(body: Any) -> Any:
    """The InvokeModel body inside a CountTokens request (``input.invokeModel.body``, base64)."""
    try:
        raw = base64.b64decode(body["input"]["invokeModel"]["body"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        return None
    return json_body(raw)


def _error(
    status: int, exception_name: str, message: str, headers: Mapping[str, str] | None = None
) -> FakeResponse:
    """Bedrock's error answer: ``{"message": ...}`` named by ``x-amzn-ErrorType``."""
    headers = {
        "content-type": "application/json",
        "x-amzn-errortype": exception_name + ERROR_TYPE_SUFFIX,
        **(headers or {}),
    }
    headers["x-amzn-requestid"] = headers.get("request-id", "")
    body = compact({"message": message}).encode()
    return FakeResponse(status=status, headers=headers, body=body, payload={"message": message})


def _answer(response: FakeResponse, *, counting: bool) -> FakeResponse:
    error = error_parts(response)
    if error is not None:
        name, status = ERRORS.get(error[0]) or _other_error(response.status)
        wrapped = _error(status, name, error[1], carried(response))
        return json_answer(response, status, wrapped.payload, wrapped.headers)
    usage = bedrock_stream.usage_of(response.payload)
    headers = _success_headers(response, usage)
    if counting:
        payload = response.payload if isinstance(response.payload, dict) else {}
        return json_answer(response, 200, {"inputTokens": payload.get("input_tokens", 0)}, headers)
    if response.chunks is None:
        return replace(response, headers={**headers, "content-type": "application/json"})
    headers["content-type"] = eventstream.CONTENT_TYPE
    headers["x-amzn-bedrock-content-type"] = "application/json"
    return bedrock_stream.streamed(response, headers, usage)


def _other_error(status: int) -> tuple[str, int]:
    return ("InternalServerException", 500) if status >= 500 else ("ValidationException", status)


def _success_headers(response: FakeResponse, usage: Mapping[str, Any]) -> dict[str, str]:
    headers = carried(response)
    headers["x-amzn-requestid"] = headers.get("request-id", "")
    headers["x-amzn-bedrock-invocation-latency"] = "0"
    if usage:
        headers["x-amzn-bedrock-input-token-count"] = str(usage.get("input_tokens", 0))
        headers["x-amzn-bedrock-output-token-count"] = str(usage.get("output_tokens", 0))
    return headers
