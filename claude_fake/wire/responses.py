"""Answers in the API's shape: a Message as JSON or SSE, any JSON payload, the error envelope."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claude_fake.model import NO_PLAN, AnsweredBy, FakeRequest, FakeResponse, StreamPlan
from claude_fake.wire import render


def message_response(
    request: FakeRequest,
    msg: Mapping[str, Any],
    request_id: str,
    source: AnsweredBy,
    plan: StreamPlan,
) -> FakeResponse:
    """Serve ``msg`` as JSON, or as SSE when the request asked for a stream."""
    if request.stream:
        return FakeResponse(
            status=200,
            headers={
                "content-type": "text/event-stream; charset=utf-8",
                "cache-control": "no-cache",
                "request-id": request_id,
            },
            chunks=render.message_events(msg),
            plan=plan,
            source=source,
            payload=msg,
        )
    return json_response(msg, request_id, source=source, plan=plan)


def json_response(
    payload: Any,
    request_id: str,
    *,
    status: int = 200,
    source: AnsweredBy = AnsweredBy.GENERATED,
    plan: StreamPlan | None = None,
    headers: Mapping[str, str] | None = None,
) -> FakeResponse:
    """A JSON answer with the API's headers."""
    return FakeResponse(
        status=status,
        headers={"content-type": "application/json", "request-id": request_id, **(headers or {})},
        body=render.message_json(payload),
        plan=plan or NO_PLAN,
        source=source,
        payload=payload,
    )


def api_error(
    status: int,
    error_type: str,
    text: str,
    request_id: str,
    *,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
    source: AnsweredBy = AnsweredBy.ERROR,
) -> FakeResponse:
    """An error in the API's envelope."""
    payload = render.error_body(error_type, text, request_id, details)
    return json_response(payload, request_id, status=status, source=source, headers=headers)
