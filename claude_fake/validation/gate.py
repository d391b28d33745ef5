"""The gate every API request passes before a source answers it: headers, the JSON body, and the
endpoint's schema and rules, as strictly as the mode says. A refusal is the API's own answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from claude_fake.config import ValidateMode
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.validation import jsonbody, validate
from claude_fake.wire.responses import api_error

# The endpoints whose bodies have a schema, and the schema each uses.
BODY_KINDS: Mapping[str, Literal["messages", "count_tokens", "batches"]] = {
    "messages": "messages",
    "count_tokens": "count_tokens",
    "batches.create": "batches",
}
WITH_BODY = ("POST", "PUT", "PATCH")


def admit(
    request: FakeRequest,
    endpoint: str,
    request_id: str,
    *,
    mode: ValidateMode,
    require_api_key: str | None,
) -> tuple[FakeRequest, FakeResponse | None]:
    """The request with its body parsed, and the API's error answer when it is refused."""
    violation = validate.validate_headers(
        request.headers,
        body_size=len(request.raw),
        endpoint=endpoint,
        require_api_key=require_api_key,
        mode=mode,
    )
    if violation is None and request.method in WITH_BODY and request.raw:
        body = jsonbody.parse(request.raw)
        if isinstance(body, jsonbody.BadJson):
            return request, api_error(400, "invalid_request_error", body.message, request_id)
        request = request.with_body(body)
    kind = BODY_KINDS.get(endpoint)
    if violation is None and kind is not None:
        violation = validate.validate_body(
            kind,
            request.body,
            api_version=request.api_version,
            betas=request.betas,
            beta=request.is_beta,
            mode=mode,
        )
    if violation is None:
        return request, None
    details = dict(violation.details or {})
    if violation.error_code:
        details["error_code"] = violation.error_code
    refused = api_error(
        violation.status,
        violation.error_type,
        violation.message,
        request_id,
        details=details or None,
    )
    return request, refused
