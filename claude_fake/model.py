"""Internal values passed between the faces (transport, server) and the engine."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

JSON = Any


class AnsweredBy(str, enum.Enum):
    """Which source answered a request: the closed set the journal and the summary count."""

    SCRIPTED = "scripted"
    REPLAYED = "replayed"
    RECORDED = "recorded"
    GENERATED = "generated"
    FAULT = "fault"
    ERROR = "error"
    MISS = "miss"
    BATCH = "batch"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class FakeRequest:
    """One HTTP request as the fake saw it. ``body`` is the parsed JSON (None when absent or bad).

    ``response`` is filled in on the copy kept in ``FakeClaude.requests``: what was answered.
    ``sent`` is the body as the client sent it when the fake answered another one: a thread
    ``continue`` (``state.threads``) is answered as its whole conversation, in ``body``.
    """

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes = b""
    body: JSON = None
    response: JSON = None
    source: AnsweredBy | None = None
    root_path: str = ""
    provider: str | None = None  # the cloud face it came through ("vertex", "bedrock", ...)
    sent: JSON = None  # the body as sent, when ``body`` is a thread's whole conversation

    def __repr__(self) -> str:
        """One line: method, path, model, stream, last user text, and what answered."""
        parts = [f"{self.method} {self.path}"] + (
            [f"provider={self.provider}"] if self.provider else []
        )
        if self.model:
            parts.append(f"model={self.model!r}")
        if self.stream:
            parts.append("stream=True")
        text = self.text
        if text:
            parts.append(f"text={text[:40] + '...' if len(text) > 40 else text!r}")
        if self.source is not None:
            parts.append(f"source={self.source.value}")
        return f"FakeRequest({', '.join(parts)})"

    def with_body(self, body: JSON) -> FakeRequest:
        """This request with its parsed body (built directly: ``dataclasses.replace`` costs twice
        as much on every request)."""
        return FakeRequest(
            method=self.method,
            path=self.path,
            query=self.query,
            headers=self.headers,
            raw=self.raw,
            body=body,
            response=self.response,
            source=self.source,
            root_path=self.root_path,
            provider=self.provider,
            sent=self.sent,
        )

    def with_sent(self, sent: JSON) -> FakeRequest:
        """This request noting ``sent``, the body as the client sent it."""
        return dataclasses.replace(self, sent=sent)

    @property
    def params(self) -> dict[str, list[str]]:
        """The query string as a mapping of name to values."""
        out: dict[str, list[str]] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            out.setdefault(key, []).append(value)
        return out

    @property
    def betas(self) -> tuple[str, ...]:
        """The ``anthropic-beta`` values, in the order sent."""
        raw = self.headers.get("anthropic-beta")
        if not raw:
            return ()
        return tuple(b.strip() for b in raw.split(",") if b.strip())

    @property
    def is_beta(self) -> bool:
        """A beta request: an ``anthropic-beta`` header, or ``?beta=true`` (SDKs before 2.3)."""
        return bool(self.betas) or "beta=true" in self.query

    @property
    def api_version(self) -> str | None:
        """The ``anthropic-version`` header."""
        return self.headers.get("anthropic-version")

    @property
    def attempt(self) -> int:
        """The SDK's attempt number (0 first), from ``x-stainless-retry-count``."""
        try:
            return int(self.headers.get("x-stainless-retry-count", "0"))
        except ValueError:
            return 0

    @property
    def stream(self) -> bool:
        """Whether the body asked for a stream."""
        return isinstance(self.body, dict) and self.body.get("stream") is True

    @property
    def model(self) -> str | None:
        """The ``model`` of the body, if any."""
        value = self.body.get("model") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None

    @property
    def messages(self) -> list[JSON]:
        """The ``messages`` of the body ([] when absent)."""
        value = self.body.get("messages") if isinstance(self.body, dict) else None
        return value if isinstance(value, list) else []

    @property
    def text(self) -> str:
        """The text of the last user message (its text blocks joined by newlines)."""
        for message in reversed(self.messages):
            if isinstance(message, dict) and message.get("role") == "user":
                return content_text(message.get("content"))
        return ""

    @property
    def system(self) -> str:
        """The system prompt as text."""
        value = self.body.get("system") if isinstance(self.body, dict) else None
        return content_text(value)


def content_text(content: JSON) -> str:
    """The text of a message content: a string, or its text blocks joined with newlines."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            b["text"]
            for b in content
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        )
    return ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamPlan:
    """How a streamed body is paced and cut: delays, a mid-stream error event, a dropped line.

    ``schedule`` (a latency profile's): when each chunk is due, in seconds after the stream
    starts; it takes the place of ``first_byte_delay`` and ``event_delay``."""

    first_byte_delay: float = 0.0
    event_delay: float = 0.0
    cut_after: int | None = None
    error_event: bytes | None = None
    disconnect: bool = False
    schedule: tuple[float, ...] | None = None


NO_PLAN = StreamPlan()  # no delays, no cut: shared, as plans are frozen


@dataclass(frozen=True, slots=True, kw_only=True)
class FakeResponse:
    """What the engine answers: a status, headers, and a whole body or a list of SSE chunks;
    ``payload`` is the answer as JSON (for the journal); ``dropped``: close the connection
    before any byte instead."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    chunks: Iterable[bytes] | None = None
    plan: StreamPlan = NO_PLAN
    source: AnsweredBy = AnsweredBy.GENERATED
    payload: JSON = None
    dropped: bool = False


class Disconnect:
    """Marker yielded by ``pace`` where the connection must drop."""


DISCONNECT = Disconnect()


def body_cut(response: FakeResponse) -> bytes | None:
    """The part of a JSON body that a scripted drop lets through, measured on the body as it is
    finally sent (a provider's face may have translated it since the fault was planned): at
    least its last byte missing. None when the body goes whole."""
    cut = response.plan.cut_after
    if cut is None or response.chunks is not None:
        return None
    return response.body[: max(0, min(cut, len(response.body) - 1))]


def pace(response: FakeResponse) -> Iterable[bytes | float | Disconnect]:
    """The chunks of a streamed response with its plan applied: bytes, a drop, and floats: the
    time (seconds after the stream started) the bytes that follow are due. Every wait is counted
    from the start, never summed from the waits before it, so a busy server never drifts."""
    plan = response.plan
    assert response.chunks is not None
    cut = plan.cut_after
    if cut is not None and isinstance(response.chunks, list):
        cut = min(cut, len(response.chunks) - 1)  # a fault always lands before message_stop
    schedule, due = plan.schedule, plan.first_byte_delay
    if due:
        yield due
    for count, chunk in enumerate(response.chunks):
        if cut is not None and count >= cut:
            break
        if schedule is not None:
            if count < len(schedule) and schedule[count] > due:
                due = schedule[count]
                yield due
        elif count and plan.event_delay:
            due += plan.event_delay
            yield due
        yield chunk
    if plan.cut_after is None:
        return
    if plan.error_event is not None:
        yield plan.error_event
    if plan.disconnect:
        yield DISCONNECT
