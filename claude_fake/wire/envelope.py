"""The API's error envelope: each error type's status and default message, the ``details`` the
SDK maps to exception classes, and the rate-limit headers."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, get_args, get_origin

STATUS_TYPES: Mapping[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    409: "conflict_error",
    412: "memory_precondition_failed_error",
    413: "request_too_large",
    422: "invalid_request_error",
    429: "rate_limit_error",
    431: "invalid_request_error",
    499: "api_error",
    500: "api_error",
    501: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


TYPE_STATUS: Mapping[str, int] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "conflict_error": 409,
    "memory_path_conflict_error": 409,
    "memory_precondition_failed_error": 412,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}


MESSAGES: Mapping[str, str] = {
    "invalid_request_error": "Invalid request.",
    "authentication_error": "invalid x-api-key",
    "billing_error": "Your credit balance is too low to access the Anthropic API.",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found.",
    "conflict_error": "Conflict.",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Number of request tokens has exceeded your per-minute rate limit "
    "(https://docs.claude.com/en/api/rate-limits); see the response headers for current usage. "
    "Please reduce the prompt length or the maximum tokens requested, or try again later.",
    "api_error": "Internal server error",
    "timeout_error": "Request timed out.",
    "overloaded_error": "Overloaded",
}


@cache
def error_code_statuses() -> Mapping[str, frozenset[int]]:
    """Each ``details.error_code`` the SDK maps to an exception class, with its statuses."""
    try:
        from anthropic._error_classes import ERROR_CLASSES
    except ImportError:  # SDKs before error codes: any code is passed through
        return {}
    out: dict[str, set[int]] = {}
    for status, code in ERROR_CLASSES:
        if code is not None:
            out.setdefault(code, set()).add(status)
    return {code: frozenset(statuses) for code, statuses in out.items()}


def ratelimit_headers(*, remaining: int) -> dict[str, str]:
    """The ``anthropic-ratelimit-*`` headers, with ``remaining`` of each limit left."""
    reset = "2026-01-01T00:00:01Z"
    out: dict[str, str] = {}
    for name, limit in (
        ("requests", 4000),
        ("tokens", 2_000_000),
        ("input-tokens", 1_600_000),
        ("output-tokens", 400_000),
    ):
        out[f"anthropic-ratelimit-{name}-limit"] = str(limit)
        out[f"anthropic-ratelimit-{name}-remaining"] = str(remaining)
        out[f"anthropic-ratelimit-{name}-reset"] = reset
    return out


@cache
def _details_models() -> Mapping[str, Any]:
    try:
        from anthropic.types.shared.error_details import ErrorDetails
    except ImportError:
        return {}
    members = get_args(get_args(ErrorDetails)[0])
    return {get_args(m.model_fields["error_code"].annotation)[0]: m for m in members}


DETAIL_EXAMPLES: Mapping[str, Any] = {
    "max_side_length_pixels": 8000,
    "paths": ["messages.0.content.0"],
}


def error_details(code: str) -> dict[str, Any]:
    """``error.details`` for ``code``, its required fields filled with plausible values."""
    details: dict[str, Any] = {"error_code": code}
    model = _details_models().get(code)
    for name, info in model.model_fields.items() if model else ():
        if name in details or not info.is_required():
            continue
        origin = get_origin(info.annotation)
        empty: Any = [] if origin is list else 0 if info.annotation is int else ""
        details[name] = DETAIL_EXAMPLES.get(name, empty)
    return details
