"""Fault specs: status and type mapping, error codes, headers, details, stream plans, misuse."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from anthropic.types.shared import ErrorType

from claude_fake import FakeClaude, ScriptError
from claude_fake.sources import faults
from claude_fake.wire import envelope, sse

# The API's error table (https://docs.claude.com/en/api/errors): HTTP status -> error type.
DOCUMENTED: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
# The SDK's ErrorType names three more; their statuses are the HTTP meanings of their names
# (the SDK documents a 409 ``conflict_error`` for concurrent edits).
SDK_ONLY: dict[str, int] = {
    "conflict_error": 409,
    "memory_path_conflict_error": 409,
    "memory_precondition_failed_error": 412,
}


def test_the_tables_cover_every_sdk_error_type() -> None:
    # request_too_large is documented but not in the SDK's ErrorType
    sdk_types = set(typing.get_args(ErrorType))
    assert sdk_types | {"request_too_large"} == set(DOCUMENTED.values()) | set(SDK_ONLY)


@pytest.mark.parametrize(("status", "error_type"), DOCUMENTED.items())
def test_each_documented_status_has_its_documented_type(status: int, error_type: str) -> None:
    fault = faults.make_fault(status)
    assert (fault.status, fault.error_type) == (status, error_type)
    fault = faults.make_fault(error_type)
    assert (fault.status, fault.error_type) == (status, error_type)


@pytest.mark.parametrize(("error_type", "status"), SDK_ONLY.items())
def test_each_other_sdk_error_type_has_its_status(error_type: str, status: int) -> None:
    fault = faults.make_fault(error_type)
    assert (fault.status, fault.error_type) == (status, error_type)


@pytest.mark.parametrize(
    ("given", "status", "error_type"),
    [
        (529, 529, "overloaded_error"),
        (429, 429, "rate_limit_error"),
        (418, 418, "invalid_request_error"),
        (502, 502, "api_error"),
        ("overloaded_error", 529, "overloaded_error"),
        ("request_too_large", 413, "request_too_large"),
    ],
)
def test_status_and_type(given: int | str, status: int, error_type: str) -> None:
    fault = faults.make_fault(given)
    assert (fault.status, fault.error_type) == (status, error_type)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (200, "must be an error status"),
        (600, "must be an error status"),
        (True, "takes a status code or an error type"),
        (5.29, "takes a status code or an error type"),
        ("overloaded", "unknown error type"),
        ("529", "unknown error type"),
    ],
)
def test_bad_status(given: Any, message: str) -> None:
    with pytest.raises(ScriptError, match=message) as caught:
        FakeClaude().fail(given)
    assert caught.value.fix


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"times": 0}, "times=0"),
        ({"times": 1.5}, "times=1.5"),
        ({"retry_after": -1}, "number of seconds"),
        ({"retry_after": "soon"}, "number of seconds"),
        ({"after_events": -2}, "whole number"),
        ({"error_code": "no_such_code"}, "no such code for 529"),
        ({"error_code": "image_dimensions_too_large"}, "goes with status 400"),
        ({"error_code": 7}, "no such code"),
        ({"message": 7}, "must be a string"),
        ({"should_retry": "no"}, "True or False"),
    ],
)
def test_bad_fail_options(options: dict[str, Any], message: str) -> None:
    fake = FakeClaude()
    with pytest.raises(ScriptError, match=message):
        fake.fail(529, **options)
    assert fake.unused() == []


def test_status_without_codes_says_so() -> None:
    with pytest.raises(ScriptError, match="Status 408 has no error codes"):
        FakeClaude().fail(408, error_code="anything")


def test_bad_latency_and_disconnect() -> None:
    fake = FakeClaude()
    with pytest.raises(ScriptError, match="no delay does nothing"):
        fake.latency()
    with pytest.raises(ScriptError, match="number of seconds"):
        fake.latency(first_byte=-1)
    with pytest.raises(ScriptError, match="whole number"):
        fake.disconnect(after_events=1.5)  # type: ignore[arg-type]
    with pytest.raises(ScriptError, match="times"):
        fake.disconnect(times=0)


def test_headers_of_a_rate_limit() -> None:
    headers = faults.error_headers(faults.make_fault(429, retry_after=0.05), "req_1")
    assert (headers["retry-after"], headers["retry-after-ms"]) == ("1", "50")
    assert headers["request-id"] == "req_1"
    assert headers["anthropic-ratelimit-requests-remaining"] == "0"
    assert "x-should-retry" not in headers


def test_headers_default_retry_hint_and_should_retry() -> None:
    assert faults.error_headers(faults.make_fault(529), "r")["retry-after-ms"] == "1"
    assert "retry-after-ms" not in faults.error_headers(faults.make_fault(400), "r")
    no = faults.error_headers(faults.make_fault(500, should_retry=False), "r")
    assert no["x-should-retry"] == "false"
    assert "anthropic-ratelimit-requests-limit" not in no


def test_error_body_and_details() -> None:
    fault = faults.make_fault(400, error_code="image_dimensions_too_large", message="too big")
    response = faults.error_response(fault, "req_9")
    body = json.loads(response.body)
    assert body["type"] == "error"
    assert body["request_id"] == "req_9"
    assert body["error"]["message"] == "too big"
    details = body["error"]["details"]
    assert details["error_code"] == "image_dimensions_too_large"
    assert details["max_side_length_pixels"] == 8000
    assert details["paths"] == ["messages.0.content.0"]
    assert response.status == 400
    assert response.source == "fault"


def test_details_of_codes_without_extra_fields() -> None:
    code = "compaction_unavailable"
    assert envelope.error_details(code) == {"error_code": code}


def test_stream_plan_of_a_mid_stream_error() -> None:
    fault = faults.make_fault("overloaded_error", after_events=3)
    plan = faults.stream_plan(fault, "req_1")
    assert plan.cut_after == 3
    assert not plan.disconnect
    assert plan.error_event is not None
    ((name, data),) = sse.decode(plan.error_event)
    assert name == "error"
    assert data["error"] == {"type": "overloaded_error", "message": "Overloaded"}


def test_stream_plan_of_a_drop_and_of_latency() -> None:
    drop = faults.stream_plan(faults.Fault(disconnect=True, after_events=2), "r")
    assert (drop.cut_after, drop.disconnect, drop.error_event) == (2, True, None)
    slow = faults.stream_plan(faults.Fault(first_byte_delay=0.5, event_delay=0.1), "r")
    assert (slow.first_byte_delay, slow.event_delay, slow.cut_after) == (0.5, 0.1, None)


def test_describe_and_unused() -> None:
    fake = FakeClaude()
    fake.fail(529, error_code="compaction_unavailable", times=2)
    fake.disconnect(after_events=4)
    fake.latency(per_event=0.1)
    unused = fake.unused()
    assert unused[0].startswith("fault 529 overloaded_error (compaction_unavailable)")
    assert "used 0 of 2" in unused[0]
    assert unused[1].startswith("fault disconnect after 4 events")
    assert unused[2].startswith("fault latency")
    assert all("test_fault_specs.py" in line for line in unused)
