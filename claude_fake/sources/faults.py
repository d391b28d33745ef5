"""Scripted faults: HTTP errors by status or type, errors mid-stream, drops (before the answer,
mid-stream, or part-way through a JSON body), delays."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from claude_fake import checks
from claude_fake.api import routes
from claude_fake.errors import ScriptError
from claude_fake.model import AnsweredBy, FakeResponse, StreamPlan
from claude_fake.sources import fault_rates
from claude_fake.sources.replies import call_site
from claude_fake.wire import envelope, render, responses, sse

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass(slots=True, kw_only=True)
class Fault:
    """One scripted fault; ``times`` counts the attempts it answers (None: every one)."""

    status: int = 0
    error_type: str = ""
    message: str | None = None
    error_code: str | None = None
    retry_after: float | None = None
    should_retry: bool | None = None
    after_events: int | None = None
    after_bytes: int | None = None  # a drop after this many bytes of a JSON body
    disconnect: bool = False
    first_byte_delay: float = 0.0
    event_delay: float = 0.0
    times: int | None = 1
    used: int = 0
    where: str = ""
    endpoint: str = "messages"
    rate: float | None = None  # answer each matching request with this probability, for ever

    def __post_init__(self) -> None:
        if self.message is not None and not isinstance(self.message, str):
            raise ScriptError(
                f"fail(message={self.message!r}) must be a string.", fix="e.g. message='Overloaded'"
            )
        if self.should_retry is not None and not isinstance(self.should_retry, bool):
            raise ScriptError(
                f"{'disconnect' if self.disconnect else 'fail'}(should_retry="
                f"{self.should_retry!r}) must be True or False.",
                fix="True sends x-should-retry: true, False sends false.",
            )
        aims = ("*", *routes.FAMILIES, *routes.ENDPOINTS)
        if not isinstance(self.endpoint, str) or self.endpoint not in aims:
            raise ScriptError(
                f"fault endpoint={self.endpoint!r}: no such endpoint.",
                why="A fault targets one endpoint, a family of them, or every one ('*').",
                fix=f"Use one of: {', '.join(aims)}.",
            )
        if self.latency_only and not (self.first_byte_delay or self.event_delay):
            raise ScriptError(
                "latency() with no delay does nothing.",
                fix="Give first_byte=seconds and/or per_event=seconds.",
            )

    @property
    def left(self) -> bool:
        """Whether it still has attempts to answer."""
        return self.times is None or self.used < self.times

    @property
    def pacing(self) -> bool:
        """Whether it only shapes an answer another source gives (a delay, a cut mid-stream or
        part-way through a JSON body) rather than answering the request itself."""
        return self.latency_only or self.mid_stream or self.cuts_body

    @property
    def mid_stream(self) -> bool:
        """Whether it waits for a streamed answer and cuts into it."""
        return self.after_events is not None

    @property
    def cuts_body(self) -> bool:
        """Whether it waits for a JSON (not streamed) answer and drops part-way through its body."""
        return self.after_bytes is not None

    def fits(self, response: FakeResponse) -> bool:
        """Whether it can shape ``response`` (else it waits for an answer it can cut)."""
        if self.mid_stream:
            return response.chunks is not None
        return not self.cuts_body or response.chunks is None

    @property
    def latency_only(self) -> bool:
        """Whether it only slows the answer down."""
        return not self.status and not self.disconnect

    def describe(self) -> str:
        """A one-line description for reports."""
        if self.disconnect:
            what = "disconnect" + (f" after {self.after_events} events" if self.mid_stream else "")
            what += f" after {self.after_bytes} body bytes" if self.cuts_body else ""
            if self.should_retry is not None:
                what += f" (x-should-retry: {str(self.should_retry).lower()})"
        elif self.latency_only:
            what = f"latency first_byte={self.first_byte_delay}s per_event={self.event_delay}s"
        else:
            what = f"{self.status} {self.error_type}"
            what += f" ({self.error_code})" if self.error_code else ""
            what += f" after {self.after_events} events" if self.mid_stream else ""
        aim = "" if self.endpoint == "messages" else f" on {self.endpoint}"
        aim += f" at rate {self.rate:g}" if self.rate is not None else ""
        return f"fault {what}{aim}{self.where}"


def _status_and_type(status_or_type: int | str) -> tuple[int, str]:
    if isinstance(status_or_type, bool) or not isinstance(status_or_type, int | str):
        raise ScriptError(
            f"fail() takes a status code or an error type, got {status_or_type!r}.",
            fix="e.g. fake.fail(529) or fake.fail('rate_limit_error').",
        )
    if isinstance(status_or_type, str):
        if status_or_type not in envelope.TYPE_STATUS:
            raise ScriptError(
                f"fail({status_or_type!r}): unknown error type.",
                fix=f"Use a status code or one of: {', '.join(envelope.TYPE_STATUS)}.",
            )
        return envelope.TYPE_STATUS[status_or_type], status_or_type
    if not 400 <= status_or_type <= 599:
        raise ScriptError(
            f"fail({status_or_type}): a fault must be an error status (400-599).",
            fix="Script a successful answer with fake.reply(...) instead.",
        )
    default = "api_error" if status_or_type >= 500 else "invalid_request_error"
    return status_or_type, envelope.STATUS_TYPES.get(status_or_type, default)


def make_fault(status_or_type: int | str, **options: Any) -> Fault:
    """A Fault from a status (529) or an error type ('overloaded_error'), checked."""
    status, error_type = _status_and_type(status_or_type)
    check_error_code(status, options.get("error_code"))
    return Fault(status=status, error_type=error_type, **options)


def check_error_code(status: int, code: object) -> None:
    """Raise a ScriptError for an ``error_code`` the SDK does not pair with ``status``."""
    if code is None:
        return
    known = envelope.error_code_statuses()
    if not isinstance(code, str) or (known and status not in known.get(code, ())):
        right = sorted(known.get(code, ())) if isinstance(code, str) else []
        mine = sorted(c for c, statuses in known.items() if status in statuses)
        hint = f"{code!r} goes with status {right[0]}. " if right else ""
        raise ScriptError(
            f"fail({status}, error_code={code!r}): the SDK knows no such code for {status}.",
            why="The SDK picks the exception class from (status, details.error_code).",
            fix=hint
            + (
                f"Codes for {status}: {', '.join(mine)}."
                if mine
                else f"Status {status} has no error codes; drop error_code."
            ),
        )


def error_headers(fault: Fault, request_id: str) -> dict[str, str]:
    """Headers of an error answer: retry hints, rate-limit state, x-should-retry."""
    headers = {"content-type": "application/json", "request-id": request_id}
    if fault.retry_after is not None:
        headers["retry-after"] = str(math.ceil(fault.retry_after))
        headers["retry-after-ms"] = f"{fault.retry_after * 1000:g}"
    elif fault.status in (429, 529, 500, 503, 408, 409, 504) or fault.should_retry:
        headers["retry-after-ms"] = "1"
    if fault.status == 429:
        headers.update(envelope.ratelimit_headers(remaining=0))
    if fault.should_retry is not None:
        headers["x-should-retry"] = "true" if fault.should_retry else "false"
    return headers


def _error_payload(fault: Fault, request_id: str) -> dict[str, Any]:
    details = envelope.error_details(fault.error_code) if fault.error_code else None
    message = fault.message or envelope.MESSAGES.get(fault.error_type, "Error")
    return render.error_body(fault.error_type, message, request_id, details)


def error_response(fault: Fault, request_id: str) -> FakeResponse:
    """The HTTP error answer of a fault."""
    return responses.json_response(
        _error_payload(fault, request_id),
        request_id,
        status=fault.status,
        source=AnsweredBy.FAULT,
        plan=StreamPlan(first_byte_delay=fault.first_byte_delay),
        headers=error_headers(fault, request_id),
    )


def shaped(fault: Fault, response: FakeResponse, request_id: str) -> FakeResponse:
    """``response`` shaped by a pacing ``fault`` that ``fits`` it: delayed, cut mid-stream, or
    its JSON body cut after ``after_bytes`` (at least its last byte missing: the plan's
    ``cut_after`` counts bytes when there is no stream), with the fault's ``x-should-retry``."""
    cut = fault.after_bytes  # kept as asked: the face cuts the body it finally sends (body_cut)
    if cut is None:
        plan = stream_plan(fault, request_id)
    else:
        plan = StreamPlan(first_byte_delay=fault.first_byte_delay, cut_after=cut, disconnect=True)
    if fault.should_retry is None:
        return dataclasses.replace(response, plan=plan)
    headers = {**response.headers, "x-should-retry": "true" if fault.should_retry else "false"}
    return dataclasses.replace(response, headers=headers, plan=plan)


def stream_plan(fault: Fault, request_id: str) -> StreamPlan:
    """How a mid-stream fault or latency cuts into a streamed answer."""
    error_event = None
    if fault.status:
        payload = _error_payload(fault, request_id)
        error_event = sse.encode("error", payload)
    return StreamPlan(
        first_byte_delay=fault.first_byte_delay,
        event_delay=fault.event_delay,
        cut_after=fault.after_events,
        error_event=error_event,
        disconnect=fault.disconnect,
    )


class Drop(TypedDict, total=False):
    """``disconnect()``'s keywords besides ``after_events`` and ``times``: ``after_bytes``, a
    JSON answer's status and headers sent, then that many bytes of its body (always at least
    one short), then the drop; ``should_retry``, the ``x-should-retry`` header of an answer cut
    after its headers; ``endpoint``, the one it targets ("messages" by default)."""

    after_bytes: int | None
    should_retry: bool | None
    endpoint: str


def make_disconnect(*, after_events: int | None, times: int | None, **cut: Unpack[Drop]) -> Fault:
    """A checked dropped connection: before any answer, after ``after_events`` events of a
    stream, or after ``after_bytes`` bytes of a JSON body."""
    checks.times(times, "disconnect()")
    after_bytes, should_retry = cut.get("after_bytes"), cut.get("should_retry")
    if after_events is not None:
        checks.count(after_events, "disconnect(after_events=...)")
    if after_bytes is not None:
        checks.count(after_bytes, "disconnect(after_bytes=...)")
    if after_events is not None and after_bytes is not None:
        raise ScriptError(
            "disconnect(): after_events and after_bytes cannot be combined.",
            why="after_events cuts a stream, after_bytes the body of a JSON (not streamed) answer.",
            fix="Script one disconnect for each.",
        )
    if should_retry is not None and after_events is None and after_bytes is None:
        raise ScriptError(
            f"disconnect(should_retry={should_retry!r}) needs after_bytes or after_events.",
            why="x-should-retry is a header: a connection dropped before any answer sends none.",
            fix="Give after_bytes=N (a JSON body cut after N bytes) or after_events=N (a stream).",
        )
    return Fault(
        disconnect=True,
        after_events=after_events,
        after_bytes=after_bytes,
        should_retry=should_retry,
        times=times,
        endpoint=cut.get("endpoint", "messages"),
        where=call_site(),
    )


def make_latency(*, first_byte: float, per_event: float, times: int | None, endpoint: str) -> Fault:
    """A checked delay: before the first byte, and between stream events."""
    checks.times(times, "latency()")
    return Fault(
        first_byte_delay=checks.seconds(first_byte, "latency(first_byte=...)"),
        event_delay=checks.seconds(per_event, "latency(per_event=...)"),
        times=times,
        endpoint=endpoint,
        where=call_site(),
    )


def make_error(status_or_type: int | str, **options: Any) -> Fault:
    """A checked error fault (``fake.fail``): an HTTP error, or an error event mid-stream."""
    checks.times(options.get("times", 1), "fail()")
    if options.get("rate") is not None:
        options["rate"] = fault_rates.check(options["rate"], options.get("times", 1))
        options["times"] = None
    if options.get("retry_after") is not None:
        options["retry_after"] = checks.seconds(options["retry_after"], "fail(retry_after=...)")
    if options.get("after_events") is not None:
        checks.count(options["after_events"], "fail(after_events=...)")
    return make_fault(status_or_type, where=call_site(), **options)


class FaultBook:
    """The scripted faults of one engine, in the order they were scripted. Not thread-safe:
    the engine locks around it."""

    def __init__(self, seed: int = 0) -> None:
        self.faults: list[Fault] = []
        self.rates = fault_rates.Rates(seed)  # faults with a rate: drawn for, never used up

    def add(self, fault: Fault) -> Fault:
        """Script ``fault`` after the ones already there."""
        if fault.rate is not None:
            self.rates.add(fault, fault.describe())
        else:
            self.faults.append(fault)
        return fault

    def next_for(self, endpoint: str, stream: bool) -> Fault | None:
        """The first fault with attempts left that targets this request (a mid-stream one only
        when a stream was asked for, a body cut only when none was), not yet used."""
        for fault in self.faults:
            if fault.left and routes.targets(endpoint, fault.endpoint):
                if (fault.mid_stream and not stream) or (fault.cuts_body and stream):
                    continue
                return fault
        picked = self.rates.pick(endpoint, stream)
        return picked if isinstance(picked, Fault) else None

    @staticmethod
    def use(fault: Fault) -> bool:
        """Count one attempt answered by ``fault``; False when it had none left (a concurrent
        request took the last one)."""
        if not fault.left:
            return False
        fault.used += 1
        return True

    def unused(self) -> list[str]:
        """Descriptions of faults with attempts left."""
        return [
            f"{f.describe()}: used {f.used} of {f.times}"
            for f in self.faults
            if f.times is not None and f.used < f.times
        ]
