"""The scripting API under ``/_fake/``: replies, faults, requests, reset, health, as JSON.

Bodies are checked field by field; every bad script is a 400 whose message says what was wrong
and how to fix it, in the API's error envelope (``{"type": "error", "error": {...}}``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from claude_fake.errors import ClaudeFakeError
from claude_fake.faces import load_routes
from claude_fake.faces.journal_page import requests_answer
from claude_fake.faces.transport import Handler
from claude_fake.journal import Journal
from claude_fake.model import FakeRequest
from claude_fake.validation import jsonbody
from claude_fake.wire import render


class Script(Protocol):
    """A scripted reply or fault, as the scripting API reports it."""

    def describe(self) -> str: ...


class Reply(Script, Protocol):
    """A scripted reply: its description and the stop reason it settled on."""

    stop_reason: str


class Scriptable(Handler, load_routes.Paced, Protocol):
    """What the server and the scripting API use of the engine (a Protocol: no import of it)."""

    problems: list[str]
    journal: Journal

    @property
    def may_block(self) -> bool: ...

    @property
    def requests(self) -> Sequence[FakeRequest]: ...

    def reply(
        self,
        *content: object,
        stop_reason: str | None = ...,
        stop_sequence: str | None = ...,
        stop_details: Mapping[str, Any] | None = ...,
        usage: Mapping[str, Any] | None = ...,
        when: Callable[[FakeRequest], object] | None = ...,
        times: int | None = ...,
    ) -> Reply: ...

    def fail(
        self,
        status_or_error_type: int | str,
        *,
        times: int | None = ...,
        retry_after: float | None = ...,
        error_code: str | None = ...,
        after_events: int | None = ...,
        message: str | None = ...,
        should_retry: bool | None = ...,
        endpoint: str = ...,
        rate: float | None = ...,
    ) -> Script: ...

    def disconnect(
        self,
        *,
        after_events: int | None = ...,
        times: int | None = ...,
        after_bytes: int | None = ...,
        should_retry: bool | None = ...,
        endpoint: str = ...,
    ) -> Script: ...

    def latency(
        self,
        *,
        first_byte: float = ...,
        per_event: float = ...,
        times: int | None = ...,
        endpoint: str = ...,
    ) -> Script: ...

    def reset(self) -> None: ...

    def unused(self) -> list[str]: ...


Answer = tuple[int, Any]
REPLY_KEYS = {"content", "stop_reason", "stop_sequence", "stop_details", "usage", "when", "times"}
FAULT_KEYS = {
    "status",
    "error",
    "times",
    "retry_after",
    "after_events",
    "after_bytes",
    "disconnect",
    "error_code",
    "message",
    "should_retry",
    "first_byte_delay",
    "event_delay",
    "endpoint",
    "rate",
}
WHEN_KEYS = ("contains", "model", "path")
# The JSON type each field must have, as (python types, the word for the message).
REPLY_TYPES: Mapping[str, tuple[tuple[type, ...], str]] = {
    "stop_reason": ((str,), "a string"),
    "stop_sequence": ((str,), "a string"),
    "stop_details": ((dict,), "an object"),
    "usage": ((dict,), "an object"),
    "when": ((dict,), "an object"),
}
FAULT_TYPES: Mapping[str, tuple[tuple[type, ...], str]] = {
    "status": ((int,), "an integer"),
    "error": ((str,), "a string"),
    "error_code": ((str,), "a string"),
    "message": ((str,), "a string"),
    "disconnect": ((bool,), "true or false"),
    "should_retry": ((bool,), "true or false"),
    "endpoint": ((str,), "a string"),
}


class BadScript(ClaudeFakeError):
    """A scripting request over HTTP that cannot be carried out."""


def _problem(text: str) -> Answer:
    return 400, render.error_body("invalid_request_error", text, "")


def _object(raw: bytes, keys: set[str], what: str) -> dict[str, Any]:
    body = jsonbody.parse(raw) if raw.strip() else {}
    if isinstance(body, jsonbody.BadJson):
        raise BadScript(
            f"{what}: the body is not JSON: {body.problem}.",
            why="Scripts are JSON objects: finite numbers, valid UTF-8, no lone surrogates, "
            f"at most {jsonbody.DEPTH_LIMIT} levels deep.",
            fix="Send a JSON object. (Python: json.dumps(..., allow_nan=False).)",
        )
    if not isinstance(body, dict):
        raise BadScript(f"{what}: the body must be a JSON object.", fix="Send a JSON object.")
    unknown = sorted(set(body) - keys)
    if unknown:
        raise BadScript(
            f"{what}: unknown field(s) {', '.join(unknown)}.",
            fix=f"Allowed fields: {', '.join(sorted(keys))}.",
        )
    return body


def _check_types(
    body: Mapping[str, Any], types: Mapping[str, tuple[tuple[type, ...], str]], what: str
) -> None:
    for key, (allowed, word) in types.items():
        value = body.get(key)
        if value is None:
            continue
        if (bool not in allowed and isinstance(value, bool)) or not isinstance(value, allowed):
            raise BadScript(
                f"{what}: {key} must be {word}, got {json.dumps(value)}.",
                fix=f"Send {key} as {word}, or leave it out.",
            )


def _when(spec: dict[str, Any] | None) -> Callable[[FakeRequest], bool] | None:
    if spec is None:
        return None
    if not spec or set(spec) - set(WHEN_KEYS):
        raise BadScript(
            f"replies: when={json.dumps(spec)} is not a rule.",
            fix='Use {"contains": "text"} (and optionally "model", "path").',
        )
    for key, value in spec.items():
        if not isinstance(value, str):
            raise BadScript(f"replies: when.{key} must be a string.", fix='e.g. {"contains": "hi"}')
    contains, model, path = (spec.get(key) for key in WHEN_KEYS)

    def rule(request: FakeRequest) -> bool:
        return (
            (contains is None or contains in request.text)
            and (model is None or model == request.model)
            and (path is None or path == request.path)
        )

    return rule


def add_reply(engine: Scriptable, raw: bytes) -> Answer:
    """``POST /_fake/replies``."""
    body = _object(raw, REPLY_KEYS, "replies")
    _check_types(body, REPLY_TYPES, "replies")
    content = body.get("content")
    if content is None:
        raise BadScript("replies: content is required.", fix='e.g. {"content": "Hello"}')
    if not isinstance(content, str | list):
        raise BadScript(
            "replies: content must be a string or a list of blocks.",
            fix='e.g. {"content": [{"type": "tool_use", "name": "f", "input": {}}]}',
        )
    reply = engine.reply(
        *([content] if isinstance(content, str) else content),
        stop_reason=body.get("stop_reason"),
        stop_sequence=body.get("stop_sequence"),
        stop_details=body.get("stop_details"),
        usage=body.get("usage"),
        when=_when(body.get("when")),
        times=body.get("times", 1),
    )
    return 201, {"queued": reply.describe(), "stop_reason": reply.stop_reason}


def add_fault(engine: Scriptable, raw: bytes) -> Answer:
    """``POST /_fake/faults``."""
    body = _object(raw, FAULT_KEYS, "faults")
    _check_types(body, FAULT_TYPES, "faults")
    times = body.get("times", 1)
    endpoint = body.get("endpoint", "messages")
    kinds = [k for k in ("status", "error", "disconnect") if body.get(k) not in (None, False)]
    load_routes.check_rate(body)
    if len(kinds) > 1:
        raise BadScript(
            f"faults: {' and '.join(kinds)} cannot be combined in one fault.",
            fix='Give one of "status", "error" or "disconnect": true (one fault per POST).',
        )
    if "after_bytes" in body and not body.get("disconnect"):
        raise BadScript(
            "faults: after_bytes cuts a body only with a dropped connection.",
            fix='Add "disconnect": true, e.g. {"disconnect": true, "after_bytes": 40}.',
        )
    if body.get("disconnect"):
        fault = engine.disconnect(
            after_events=body.get("after_events"),
            times=times,
            after_bytes=body.get("after_bytes"),
            should_retry=body.get("should_retry"),
            endpoint=endpoint,
        )
    elif kinds:
        fault = engine.fail(
            body[kinds[0]],
            times=times,
            retry_after=body.get("retry_after"),
            error_code=body.get("error_code"),
            after_events=body.get("after_events"),
            message=body.get("message"),
            should_retry=body.get("should_retry"),
            endpoint=endpoint,
            rate=body.get("rate"),
        )
    elif "first_byte_delay" in body or "event_delay" in body:
        fault = engine.latency(
            first_byte=body.get("first_byte_delay", 0.0),
            per_event=body.get("event_delay", 0.0),
            times=times,
            endpoint=endpoint,
        )
    else:
        raise BadScript(
            "faults: say what should go wrong.",
            fix='Give "status" or "error", "disconnect": true, '
            'or "first_byte_delay" / "event_delay".',
        )
    return 201, {"queued": fault.describe()}


def _reset(engine: Scriptable, _: bytes) -> Answer:
    engine.reset()
    return 200, {"status": "reset"}


ROUTES: Mapping[tuple[str, str], Callable[[Scriptable, bytes], Answer]] = {
    ("POST", "replies"): add_reply,
    ("POST", "faults"): add_fault,
    ("GET", "requests"): lambda e, _: requests_answer(e, ""),
    ("GET", "unused"): lambda e, _: (200, {"unused": e.unused(), "problems": list(e.problems)}),
    ("POST", "reset"): _reset,
    ("POST", "latency"): load_routes.set_latency,
    ("GET", "latency"): load_routes.get_latency,
    ("GET", "resilience"): load_routes.resilience,
    ("GET", "health"): lambda e, _: (200, {"status": "ok"}),
}


def _no_route(method: str, name: str) -> Answer:
    allowed = [m for m, n in ROUTES if n == name]
    if allowed:
        text = f"claude_fake: {method} /_fake/{name} is not allowed; use {' or '.join(allowed)}."
        return 405, render.error_body("invalid_request_error", text, "")
    known = ", ".join(f"{m} /_fake/{n}" for m, n in ROUTES)
    text = f"claude_fake: no scripting route /_fake/{name}. Known: {known}."
    return 404, render.error_body("not_found_error", text, "")


def handle(engine: Scriptable, method: str, name: str, raw: bytes, query: str = "") -> Answer:
    """Answer one scripting call; every problem is a 400 that says how to fix it."""
    name = name.strip("/")
    action = ROUTES.get((method.upper(), name))
    if action is None:
        return _no_route(method.upper(), name)
    try:
        if name == "requests" and query:  # one page: ?after=ID&limit=N
            return requests_answer(engine, query)
        return action(engine, raw)
    except ClaudeFakeError as exc:
        return _problem(str(exc))
    except (TypeError, ValueError, KeyError, RecursionError) as exc:
        return _problem(f"claude_fake: {name}: {exc}")
