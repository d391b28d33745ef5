"""The gate every API request passes before a source answers it: headers, the JSON body, and the
endpoint's schema and rules, as strictly as the mode says. A refusal is the API's own answer."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

from claude_fake.config import ValidateMode
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.validation import jsonbody, model_rules, validate
from claude_fake.wire.responses import api_error

# The endpoints whose bodies have a schema, and the schema each uses.
BODY_KINDS: Mapping[str, Literal["messages", "count_tokens", "batches"]] = {
    "messages": "messages",
    "count_tokens": "count_tokens",
    "batches.create": "batches",
}
WITH_BODY = ("POST", "PUT", "PATCH")
NOT_JSON = ("files.upload",)  # multipart/form-data: read by its endpoint (state/files.py)
MODEL_ENDPOINTS = ("messages", "count_tokens")


def admit(
    request: FakeRequest,
    endpoint: str,
    request_id: str,
    *,
    mode: ValidateMode,
    require_api_key: str | None,
    models: Collection[str] | None = None,
) -> tuple[FakeRequest, FakeResponse | None]:
    """The request with its body parsed, and the API's error answer when it is refused.

    ``models``: ids known beyond the catalogue; in strict mode a body naming another model is
    refused as the API refuses it. None skips the model check (a cassette answers: a recording
    made with a model since retired still replays)."""
    violation = _header_violation(request, endpoint, mode, require_api_key)
    json_body = request.method in WITH_BODY and request.raw and endpoint not in NOT_JSON
    if violation is None and json_body:
        body = jsonbody.parse(request.raw)
        if isinstance(body, jsonbody.BadJson):
            return request, api_error(400, "invalid_request_error", body.message, request_id)
        request = request.with_body(body)
    if violation is None:
        violation = _body_violation(request, endpoint, mode, models)
    return request, None if violation is None else _refusal(violation, request_id)


def admit_headers(
    request: FakeRequest,
    endpoint: str,
    request_id: str,
    *,
    mode: ValidateMode,
    require_api_key: str | None,
) -> FakeResponse | None:
    """The API's error answer when the headers alone are refused (size, key, version): for an
    endpoint whose body the fake does not read."""
    violation = _header_violation(request, endpoint, mode, require_api_key)
    return None if violation is None else _refusal(violation, request_id)


def _header_violation(
    request: FakeRequest, endpoint: str, mode: ValidateMode, require_api_key: str | None
) -> validate.Violation | None:
    return validate.validate_headers(
        request.headers,
        body_size=len(request.raw),
        endpoint=endpoint,
        require_api_key=require_api_key,
        mode=mode,
    )


def _body_violation(
    request: FakeRequest, endpoint: str, mode: ValidateMode, models: Collection[str] | None
) -> validate.Violation | None:
    """What the endpoint's schema and rules, then the model's, say of the parsed body."""
    kind = BODY_KINDS.get(endpoint)
    violation = None
    if kind is not None:
        violation = validate.validate_body(
            kind,
            request.body,
            api_version=request.api_version,
            betas=request.betas,
            beta=request.is_beta,
            mode=mode,
        )
    if violation is None and models is not None and mode is ValidateMode.STRICT:
        violation = _model_violation(request, endpoint, models)
    return violation


def _refusal(violation: validate.Violation, request_id: str) -> FakeResponse:
    """The API's error answer for ``violation``, its error code among the details."""
    details = dict(violation.details or {})
    if violation.error_code:
        details["error_code"] = violation.error_code
    return api_error(
        violation.status,
        violation.error_type,
        violation.message,
        request_id,
        details=details or None,
    )


def _model_violation(
    request: FakeRequest, endpoint: str, models: Collection[str]
) -> validate.Violation | None:
    if endpoint not in MODEL_ENDPOINTS or not isinstance(request.body, dict):
        return None
    found = model_rules.check(request.body, endpoint=endpoint, extra=models, betas=request.betas)
    if found is None:
        return None
    status, error_type, message = found
    return validate.Violation(status=status, error_type=error_type, message=message)
