"""Server-sent events: encode one event to bytes, and split a recorded body back into events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from claude_fake.wire.jsontext import compact as _dumps


def encode(name: str, data: Any) -> bytes:
    """One SSE event: ``event:`` line, one ``data:`` line of compact JSON, a blank line."""
    return b"event: " + name.encode() + b"\ndata: " + _dumps(data).encode() + b"\n\n"


def split_events(body: str | bytes) -> Iterator[tuple[str | None, str]]:
    """The (event name, data text) pairs of an SSE body, by the WHATWG rules the SDK uses."""
    text = body.decode() if isinstance(body, bytes) else body
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for block in text.split("\n\n"):
        name: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        if name is not None or data:
            yield name, "\n".join(data)


def decode(body: str | bytes) -> list[tuple[str, Any]]:
    """The events of an SSE body as (name, parsed JSON); events with no data are dropped."""
    out: list[tuple[str, Any]] = []
    for name, data in split_events(body):
        if not data:
            continue
        parsed = json.loads(data)
        event = name or (parsed.get("type") if isinstance(parsed, dict) else None) or "message"
        out.append((event, parsed))
    return out
