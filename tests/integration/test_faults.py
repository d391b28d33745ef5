"""Faults through the real SDK: statuses and their exception classes, the SDK's retries, rate-limit
headers, errors mid-stream, dropped connections and delays. Sync, async and streams, in-process
and over the loopback server (the ``client`` / ``aclient`` fixtures, ``max_retries=2``)."""

from __future__ import annotations

import time
import typing
from dataclasses import dataclass
from typing import Any

import anthropic
import pytest
from anthropic.types.shared import ErrorType
from sdk_modes import MODES, send

from claude_fake import FakeClaude
from claude_fake.wire import render
from claude_fake.wire.http import http_module

MODEL = "claude-sonnet-4-6"
PARAMS: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 256,
    "messages": [{"role": "user", "content": "Hello"}],
}
LONG = "one two three four five six seven eight nine ten eleven twelve"
# WIRE.md §5.2: status -> the SDK exception class (exactly that class, not a subclass), and the
# error type in the body: the API's error table (https://docs.claude.com/en/api/errors) where it
# names the status, the fake's choice (the HTTP meaning) where it does not.
STATUS_CLASSES: list[tuple[int, type[anthropic.APIStatusError], str]] = [
    (400, anthropic.BadRequestError, "invalid_request_error"),  # documented
    (401, anthropic.AuthenticationError, "authentication_error"),  # documented
    (402, anthropic.PaymentRequiredError, "billing_error"),  # documented
    (403, anthropic.PermissionDeniedError, "permission_error"),  # documented
    (404, anthropic.NotFoundError, "not_found_error"),  # documented
    (408, anthropic.RequestTimeoutError, "timeout_error"),
    (409, anthropic.ConflictError, "conflict_error"),
    (412, anthropic.PreconditionFailedError, "memory_precondition_failed_error"),
    (413, anthropic.ContentTooLargeError, "request_too_large"),  # documented
    (418, anthropic.APIStatusError, "invalid_request_error"),  # other 4xx
    (422, anthropic.UnprocessableEntityError, "invalid_request_error"),
    (429, anthropic.RateLimitError, "rate_limit_error"),  # documented
    (431, anthropic.RequestHeaderFieldsTooLargeError, "invalid_request_error"),
    (499, anthropic.ClientClosedRequestError, "api_error"),
    (500, anthropic.InternalServerError, "api_error"),  # documented
    (501, anthropic.HTTPNotImplementedError, "api_error"),
    (502, anthropic.InternalServerError, "api_error"),  # other >= 500
    (503, anthropic.ServiceUnavailableError, "api_error"),
    (504, anthropic.GatewayTimeoutError, "timeout_error"),  # documented
    (529, anthropic.OverloadedError, "overloaded_error"),  # documented
]
ERROR_CODES = [
    (400, "image_dimensions_too_large", "ImageDimensionsTooLargeError"),
    (429, "ramp_limit_exceeded", "RampLimitExceededError"),
    (529, "compaction_unavailable", "CompactionUnavailableError"),
]
TRANSPORT_ERRORS = (anthropic.APIConnectionError, http_module().TransportError)


@dataclass
class Call:
    """One way of calling the SDK; ``events`` collects stream events as they arrive."""

    mode: str
    client: anthropic.Anthropic
    aclient: anthropic.AsyncAnthropic

    @property
    def streams(self) -> bool:
        return self.mode in ("stream", "astream")

    async def __call__(self, events: list[str] | None = None, **options: Any) -> Any:
        sync, native = self.client.with_options(**options), self.aclient.with_options(**options)
        return await send(self.mode, sync.messages, native.messages, PARAMS, events)


@pytest.fixture(params=MODES)
def call(
    request: pytest.FixtureRequest, client: anthropic.Anthropic, aclient: anthropic.AsyncAnthropic
) -> Call:
    """Call the SDK one of four ways, through the face the clients were built on."""
    return Call(str(request.param), client, aclient)


def attempts(fake: FakeClaude) -> list[int]:
    """The retry count of every request the fake saw."""
    return [request.attempt for request in fake.requests]


# -- retries -------------------------------------------------------------------------------
async def test_two_overloads_then_an_answer(fake: FakeClaude, call: Call) -> None:
    fake.fail(529, times=2)
    fake.reply("Made it.")
    message = await call()
    assert message.content[0].text == "Made it."
    assert attempts(fake) == [0, 1, 2]
    assert [r.source for r in fake.requests] == ["fault", "fault", "scripted"]


async def test_three_overloads_raise(fake: FakeClaude, call: Call) -> None:
    fake.fail(529, times=3)
    with pytest.raises(anthropic.OverloadedError) as caught:
        await call()
    assert attempts(fake) == [0, 1, 2]
    error = caught.value
    assert (error.status_code, error.type) == (529, "overloaded_error")
    assert error.api_message == "Overloaded"
    assert str(error.request_id).startswith("req_")
    assert error.body["request_id"] == error.request_id


async def test_a_rate_limit_is_waited_out_for_retry_after(fake: FakeClaude, call: Call) -> None:
    fake.reply("warm-up", times=2)
    await call()  # first calls pay for imports and connections; time the second
    start = time.monotonic()
    await call()
    baseline = time.monotonic() - start
    fake.fail(429, retry_after=0.05)
    fake.reply("ok")
    start = time.monotonic()
    assert (await call()).content[0].text == "ok"
    elapsed = time.monotonic() - start
    assert attempts(fake) == [0, 0, 0, 1]
    assert elapsed >= 0.05
    assert elapsed - baseline < 0.3  # the SDK's own backoff would be 0.375-0.5 s


async def test_rate_limit_headers(fake: FakeClaude, call: Call) -> None:
    fake.fail(429, retry_after=2.5)
    with pytest.raises(anthropic.RateLimitError) as caught:
        await call(max_retries=0)
    headers = caught.value.response.headers
    assert headers["retry-after"] == "3"
    assert headers["retry-after-ms"] == "2500"
    for limit in ("requests", "tokens", "input-tokens", "output-tokens"):
        assert int(headers[f"anthropic-ratelimit-{limit}-limit"]) > 0
        assert headers[f"anthropic-ratelimit-{limit}-remaining"] == "0"
        assert headers[f"anthropic-ratelimit-{limit}-reset"].endswith("Z")


async def test_x_should_retry_false_stops_the_retries(fake: FakeClaude, call: Call) -> None:
    fake.fail(529, should_retry=False)
    with pytest.raises(anthropic.OverloadedError) as caught:
        await call()
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert attempts(fake) == [0]


async def test_x_should_retry_true_retries_a_400(fake: FakeClaude, call: Call) -> None:
    fake.fail(400, should_retry=True)
    fake.reply("second time lucky")
    assert (await call()).content[0].text == "second time lucky"
    assert attempts(fake) == [0, 1]


# -- statuses and error types --------------------------------------------------------------
STATUS_IDS = [str(status) for status, *_ in STATUS_CLASSES]


@pytest.mark.parametrize(("status", "cls", "error_type"), STATUS_CLASSES, ids=STATUS_IDS)
def test_the_class_table_is_the_sdks(
    status: int, cls: type[anthropic.APIStatusError], error_type: str
) -> None:
    """Each class is the SDK's own for that status (its ``status_code``), or its fallback."""
    assert getattr(anthropic._exceptions, cls.__name__) is cls
    declared = cls.__dict__.get("status_code")
    if cls is anthropic.APIStatusError:
        assert 400 <= status < 500
        assert not any(s == status for s, c, _ in STATUS_CLASSES if c is not cls)
    elif cls is anthropic.InternalServerError:
        assert declared is None
        assert status >= 500
    else:
        assert declared == status


@pytest.mark.parametrize(("status", "cls", "error_type"), STATUS_CLASSES, ids=STATUS_IDS)
async def test_each_status_raises_its_sdk_class(
    fake: FakeClaude,
    call: Call,
    status: int,
    cls: type[anthropic.APIStatusError],
    error_type: str,
) -> None:
    fake.fail(status)
    with pytest.raises(anthropic.APIStatusError) as caught:
        await call(max_retries=0)
    assert type(caught.value) is cls
    assert caught.value.status_code == status
    assert caught.value.type == error_type
    assert caught.value.body["type"] == "error"
    assert caught.value.body["error"]["type"] == error_type


@pytest.mark.parametrize("error_type", typing.get_args(ErrorType))
def test_every_sdk_error_type_can_be_scripted(fake: FakeClaude, error_type: str) -> None:
    client = fake.client(max_retries=0, _strict_response_validation=True)
    fake.fail(error_type)
    with pytest.raises(anthropic.APIStatusError) as caught:
        client.messages.create(**PARAMS)
    assert caught.value.type == error_type


@pytest.mark.parametrize(("status", "code", "cls"), ERROR_CODES)
async def test_error_code_picks_the_sdk_subclass(
    fake: FakeClaude, call: Call, status: int, code: str, cls: str
) -> None:
    fake.fail(status, error_code=code)
    with pytest.raises(anthropic.APIStatusError) as caught:
        await call(max_retries=0)
    assert type(caught.value).__name__ == cls
    assert caught.value.error_code == code
    assert caught.value.details is not None
    assert caught.value.details.error_code == code


async def test_image_too_large_details_are_complete(fake: FakeClaude, call: Call) -> None:
    fake.fail(400, error_code="image_dimensions_too_large", message="image exceeds 8000 px")
    with pytest.raises(anthropic.BadRequestError) as caught:
        await call()
    details: Any = caught.value.details
    assert details.max_side_length_pixels > 0
    assert details.paths == ["messages.0.content.0"]
    assert caught.value.api_message == "image exceeds 8000 px"


# -- mid-stream ----------------------------------------------------------------------------
@pytest.mark.parametrize("after", [1, 2])
async def test_an_error_mid_stream_raises_from_the_stream(
    fake: FakeClaude, call: Call, after: int
) -> None:
    if not call.streams:
        pytest.skip("mid-stream faults only cut into streamed answers")
    fake.fail("overloaded_error", after_events=after)
    fake.reply(LONG)
    events: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        await call(events)
    assert type(caught.value) is anthropic.APIStatusError  # WIRE §4.5: the stream's own status
    assert caught.value.status_code == 200
    assert caught.value.body["error"]["type"] == "overloaded_error"
    assert events == ["message_start", "content_block_start"][:after]
    assert attempts(fake) == [0]  # never retried


def test_a_mid_stream_fault_waits_for_a_stream_to_break(fake: FakeClaude) -> None:
    fake.fail("overloaded_error", after_events=1)
    fake.reply(LONG, when=lambda request: "go" in request.text, times=None)
    client = fake.client(max_retries=0)
    args: dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 64}

    def stream(text: str) -> None:
        with client.messages.stream(messages=[{"role": "user", "content": text}], **args) as s:
            s.get_final_message()

    with pytest.raises(anthropic.InternalServerError):  # no reply for it: no stream to break
        stream("stop")
    with pytest.raises(anthropic.APIStatusError) as caught:  # the fault lands on the next stream
        stream("go")
    assert caught.value.status_code == 200
    fake.problems.clear()


async def test_a_drop_mid_stream_raises_and_never_hangs(fake: FakeClaude, call: Call) -> None:
    if not call.streams:
        pytest.skip("a drop after N events needs a stream")
    fake.disconnect(after_events=3)
    fake.reply(LONG)
    events: list[str] = []
    start = time.monotonic()
    with pytest.raises(TRANSPORT_ERRORS):
        await call(events, timeout=5.0)
    assert time.monotonic() - start < 2.0
    assert events[:2] == ["message_start", "content_block_start"]
    assert "message_stop" not in events


async def test_a_drop_before_the_answer_is_retried(fake: FakeClaude, call: Call) -> None:
    fake.disconnect(times=1)
    fake.reply("reconnected")
    message = await call(timeout=5.0)
    assert message.content[0].text == "reconnected"
    assert attempts(fake) == [0, 1]


async def test_a_drop_before_the_answer_raises_without_retries(
    fake: FakeClaude, call: Call
) -> None:
    fake.disconnect()
    start = time.monotonic()
    with pytest.raises(anthropic.APIConnectionError):
        await call(max_retries=0, timeout=5.0)
    assert time.monotonic() - start < 2.0


# -- latency -------------------------------------------------------------------------------
async def test_a_first_byte_delay_past_the_timeout_raises(fake: FakeClaude, call: Call) -> None:
    if call.streams:
        pytest.skip("for streams the delay comes after the headers (see test below)")
    fake.latency(first_byte=1.5)
    start = time.monotonic()
    with pytest.raises(anthropic.APITimeoutError):
        await call(timeout=0.1, max_retries=0)
    assert time.monotonic() - start < 1.2


async def test_a_first_byte_delay_within_the_timeout_is_waited(
    fake: FakeClaude, call: Call
) -> None:
    fake.latency(first_byte=0.1)
    fake.reply("late")
    start = time.monotonic()
    assert (await call(timeout=5.0)).content[0].text == "late"
    assert time.monotonic() - start >= 0.1


async def test_a_per_event_delay_slows_a_stream(fake: FakeClaude, call: Call) -> None:
    if not call.streams:
        pytest.skip("per-event delays pace streams")
    fake.latency(per_event=0.02)
    fake.reply(LONG)
    events: list[str] = []
    start = time.monotonic()
    await call(events)
    elapsed = time.monotonic() - start
    wire_events = len(render.message_events(fake.requests[0].response))
    assert wire_events > 8
    assert elapsed >= 0.02 * (wire_events - 1) * 0.9
    assert elapsed < 2.0


async def test_a_slow_stream_past_the_read_timeout_raises(fake: FakeClaude, call: Call) -> None:
    if not call.streams:
        pytest.skip("per-event delays pace streams")
    fake.latency(per_event=0.4)
    fake.reply(LONG)
    start = time.monotonic()
    with pytest.raises((anthropic.APITimeoutError, http_module().TimeoutException)):
        await call(timeout=0.1, max_retries=0)
    assert time.monotonic() - start < 2.0  # the whole stream would take over 5 s
