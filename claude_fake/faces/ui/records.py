"""What the traffic page shows of a request: a one-line summary for the list (the feed sends
these) and the whole record for the detail view: the request and answer as the journal keeps
them, with the status, timing, the stream's events and where a fault cut it, and a cassette
miss's nearest recording."""

from __future__ import annotations

import json
from typing import Any

from claude_fake.faces.journal_page import record_json
from claude_fake.journal import Outcome
from claude_fake.model import FakeRequest, StreamPlan, content_text
from claude_fake.wire import render

TEXT_CLIP = 240  # characters of the last user text in a summary
EVENTS_SHOWN = 2000  # a longer stream lists its first events only


def _error_type(payload: Any) -> str | None:
    if isinstance(payload, dict) and payload.get("type") == "error":
        error = payload.get("error")
        if isinstance(error, dict) and isinstance(error.get("type"), str):
            return str(error["type"])
    return None


def _blocks_text(request: FakeRequest) -> str:
    """The last user message's other blocks, in words: ``[tool_result: {...}] [image]``."""
    for message in reversed(request.messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        words = []
        for block in content if isinstance(content, list) else []:
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "tool_result":
                inner = block.get("content")
                inner = content_text(inner) if not isinstance(inner, str) else inner
                words.append(f"[tool_result: {inner}]" if inner else "[tool_result]")
            elif isinstance(kind, str) and kind != "text":
                words.append(f"[{kind}]")
        return " ".join(words)
    return ""


def summary(entry_id: int, request: FakeRequest, outcome: Outcome) -> dict[str, Any]:
    """One row of the list."""
    text = request.text or _blocks_text(request)
    payload = request.response
    stop = payload.get("stop_reason") if isinstance(payload, dict) else None
    return {
        "id": entry_id,
        "method": request.method,
        "path": request.path,
        "model": request.model,
        "text": text if len(text) <= TEXT_CLIP else text[:TEXT_CLIP] + "…",
        "source": request.source.value if request.source else None,
        "status": outcome.status,
        "took_ms": None if outcome.seconds is None else round(outcome.seconds * 1000, 2),
        "at": outcome.at,
        "stream": outcome.streamed,
        "cut": outcome.dropped or outcome.plan.cut_after is not None,
        "attempt": request.attempt,
        "provider": request.provider,
        "error": _error_type(payload),
        "stop_reason": stop if isinstance(stop, str) else None,
    }


def _event_name(chunk: bytes) -> str:
    first = chunk.partition(b"\n")[0]
    return first.removeprefix(b"event:").strip().decode("utf-8", "replace") or "message"


def _error_event(raw: bytes | None) -> Any:
    if raw is None:
        return None
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.startswith("data:"):
            try:
                return json.loads(line[5:])
            except ValueError:
                return line[5:].strip()
    return None


def _events(payload: Any) -> list[str] | None:
    """The event names of a streamed Message, as the fake renders it (None: not a Message)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("content"), list):
        return None
    try:
        return [_event_name(chunk) for chunk in render.message_events(payload)]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def stream_view(payload: Any, outcome: Outcome) -> dict[str, Any] | None:
    """How the answer went out: its events, delays, and where a fault cut it."""
    plan: StreamPlan = outcome.plan
    if not outcome.streamed and not outcome.dropped and plan.first_byte_delay == 0:
        return None
    events = _events(payload) if outcome.streamed else None
    cut = plan.cut_after
    if cut is not None and events:
        cut = min(cut, len(events) - 1)  # as model.pace: a fault always lands before the stop
    then = None
    if outcome.dropped or (cut is not None and plan.disconnect):
        then = "disconnect"
    elif cut is not None and plan.error_event is not None:
        then = "error"
    return {
        "events": None if events is None else events[:EVENTS_SHOWN],
        "event_count": None if events is None else len(events),
        "cut_after": 0 if outcome.dropped else cut,
        "then": then,
        "error_event": _error_event(plan.error_event),
        "first_byte_delay": plan.first_byte_delay,
        "event_delay": plan.event_delay,
        "scheduled": getattr(plan, "schedule", None) is not None,
    }


def miss_view(payload: Any, source: str | None) -> dict[str, str] | None:
    """A cassette miss's message in its parts: what, the nearest recording and how it differs,
    and how to record it."""
    if source != "miss" or not isinstance(payload, dict):
        return None
    error = payload.get("error")
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str):
        return None
    lines = message.split("\n")
    return {
        "what": lines[0].removeprefix("claude_fake: "),
        "nearest": lines[1] if len(lines) > 2 else "",
        "fix": lines[-1] if len(lines) > 1 else "",
    }


def detail(entry_id: int, request: FakeRequest, outcome: Outcome) -> dict[str, Any]:
    """The whole record of one request, for ``GET /_fake/requests/ID``."""
    record = record_json(request, entry_id)
    record.update(summary(entry_id, request, outcome))
    record["text"] = request.text
    record["system"] = request.system
    record["stream_view"] = stream_view(request.response, outcome)
    record["miss"] = miss_view(request.response, record["source"])
    if request.sent is not None:
        record["sent"] = request.sent
    return record
