"""The scripting API under ``/_fake/``: replies, faults, requests, reset, health, as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from . import render
from .errors import ClaudeFakeError

if TYPE_CHECKING:
    from .engine import FakeClaude
    from .model import FakeRequest

Answer = tuple[int, Any]
REPLY_KEYS = {"content", "stop_reason", "stop_sequence", "stop_details", "usage", "when", "times"}
FAULT_KEYS = {
    "status", "error", "times", "retry_after", "after_events", "disconnect", "error_code",
    "message", "should_retry", "first_byte_delay", "event_delay",
}


class BadScript(ClaudeFakeError):
    """A scripting request over HTTP that cannot be carried out."""


def _problem(text: str) -> Answer:
    return 400, render.error_body("invalid_request_error", text, "")


def _object(raw: bytes, keys: set[str], what: str) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        raise BadScript(f"{what}: the body is not JSON ({exc}).", fix="Send a JSON object.") from None
    if not isinstance(body, dict):
        raise BadScript(f"{what}: the body must be a JSON object.", fix="Send a JSON object.")
    unknown = sorted(set(body) - keys)
    if unknown:
        raise BadScript(
            f"{what}: unknown field(s) {', '.join(unknown)}.",
            fix=f"Allowed fields: {', '.join(sorted(keys))}.",
        )
    return body


def _when(spec: object) -> Callable[[FakeRequest], bool] | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or set(spec) - {"contains", "model", "path"} or not spec:
        raise BadScript(
            f"replies: when={spec!r} is not a rule.",
            fix='Use {"contains": "text"} (and optionally "model", "path").',
        )
    for key, value in spec.items():
        if not isinstance(value, str):
            raise BadScript(f"replies: when.{key} must be a string.", fix='e.g. {"contains": "hi"}')

    def rule(request: FakeRequest) -> bool:
        return (
            spec.get("contains", "") in request.text
            and spec.get("model", request.model) == request.model
            and spec.get("path", request.path) == request.path
        )

    return rule


def add_reply(engine: FakeClaude, raw: bytes) -> Answer:
    """``POST /_fake/replies``."""
    body = _object(raw, REPLY_KEYS, "replies")
    content = body.get("content")
    if content is None:
        raise BadScript("replies: content is required.", fix='e.g. {"content": "Hello"}')
    items = [content] if isinstance(content, str) else content
    if not isinstance(items, list):
        raise BadScript("replies: content must be a string or a list of blocks.", fix="")
    reply = engine.reply(
        *items, stop_reason=body.get("stop_reason"), stop_sequence=body.get("stop_sequence"),
        stop_details=body.get("stop_details"), usage=body.get("usage"),
        when=_when(body.get("when")), times=body.get("times", 1),
    )
    return 201, {"queued": reply.describe(), "stop_reason": reply.stop_reason}


def add_fault(engine: FakeClaude, raw: bytes) -> Answer:
    """``POST /_fake/faults``."""
    body = _object(raw, FAULT_KEYS, "faults")
    times = body.get("times", 1)
    if body.get("disconnect"):
        fault = engine.disconnect(after_events=body.get("after_events"), times=times)
    elif "status" in body or "error" in body:
        fault = engine.fail(
            body.get("status") or body["error"], times=times, retry_after=body.get("retry_after"),
            error_code=body.get("error_code"), after_events=body.get("after_events"),
            message=body.get("message"), should_retry=body.get("should_retry"),
        )
    elif "first_byte_delay" in body or "event_delay" in body:
        fault = engine.latency(
            first_byte=body.get("first_byte_delay", 0.0), per_event=body.get("event_delay", 0.0),
            times=times,
        )
    else:
        raise BadScript(
            "faults: say what should go wrong.",
            fix='Give "status" or "error", "disconnect": true, or "first_byte_delay"/"event_delay".',
        )
    return 201, {"queued": fault.describe()}


def request_json(request: FakeRequest) -> dict[str, Any]:
    """One logged request as JSON."""
    return {
        "method": request.method, "path": request.path, "query": request.query,
        "headers": dict(request.headers), "body": request.body, "stream": request.stream,
        "attempt": request.attempt, "source": request.source, "response": request.response,
    }


ROUTES: Mapping[tuple[str, str], Callable[[FakeClaude, bytes], Answer]] = {
    ("POST", "replies"): add_reply,
    ("POST", "faults"): add_fault,
    ("GET", "requests"): lambda e, _: (200, [request_json(r) for r in e.requests]),
    ("GET", "unused"): lambda e, _: (200, {"unused": e.unused(), "problems": e.problems}),
    ("POST", "reset"): lambda e, _: (e.reset(), (200, {"status": "reset"}))[1],
    ("GET", "health"): lambda e, _: (200, {"status": "ok"}),
}


def handle(engine: FakeClaude, method: str, name: str, raw: bytes) -> Answer:
    """Answer one scripting call; every problem is a 400 that says how to fix it."""
    action = ROUTES.get((method.upper(), name.strip("/")))
    if action is None:
        known = ", ".join(f"{m} /_fake/{n}" for m, n in ROUTES)
        return 404, render.error_body("not_found_error", f"No scripting route here. Known: {known}", "")
    try:
        return action(engine, raw)
    except ClaudeFakeError as exc:
        return _problem(str(exc))
    except (TypeError, ValueError, KeyError) as exc:
        return _problem(f"claude_fake: {name}: {exc}")
