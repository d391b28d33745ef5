"""One SDK call made one of four ways: sync or async, ``create`` or ``messages.stream()``."""

from __future__ import annotations

from typing import Any

MODES = ["sync", "async", "stream", "astream"]


async def send(
    mode: str,
    messages: Any,
    amessages: Any,
    params: dict[str, Any],
    events: list[str] | None = None,
) -> Any:
    """Call ``messages.create`` (or read a whole stream) on the sync or the async resource;
    ``events`` collects the types of a stream's events as they arrive."""
    seen = [] if events is None else events
    if mode == "sync":
        return messages.create(**params)
    if mode == "async":
        return await amessages.create(**params)
    if mode == "stream":
        with messages.stream(**params) as stream:
            seen.extend(event.type for event in stream)
            return stream.get_final_message()
    async with amessages.stream(**params) as astream:
        async for event in astream:
            seen.append(event.type)
        return await astream.get_final_message()
