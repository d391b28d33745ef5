"""The requests and replies every benchmark uses, so all sides measure the same work."""

from __future__ import annotations

from typing import Any

MODEL = "claude-sonnet-4-6"
HELLO: list[dict[str, Any]] = [{"role": "user", "content": "Hello, who are you?"}]
SHORT_REPLY = "I am a helpful assistant. How can I help you today?"
STREAM_DELTAS = 1_000
WORDS_PER_DELTA = 3  # render.TEXT_CHUNK_WORDS: the fake splits text 3 words per text_delta
_VOCAB = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "while",
    "seven",
    "curious",
    "otters",
    "watch",
    "from",
    "riverbank",
    "reeds",
    "and",
    "count",
    "every",
    "ripple",
    "before",
    "sunset",
    "paints",
    "distant",
    "hills",
    "gold",
]


def long_text(words: int = STREAM_DELTAS * WORDS_PER_DELTA) -> str:
    """Plain prose of ``words`` words (3,000 by default: 1,000 text_delta chunks in the fake)."""
    return " ".join(_VOCAB[(i * 7) % len(_VOCAB)] for i in range(words))


def create_args(messages: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """Keyword arguments of ``messages.create`` / ``messages.stream``."""
    return {"model": MODEL, "max_tokens": 1024, "messages": messages or HELLO, **extra}


def tools(count: int = 10) -> list[dict[str, Any]]:
    """``count`` tool definitions with small, realistic input schemas."""
    return [
        {
            "name": f"tool_{i}",
            "description": f"Look up record kind {i} by id and return its fields as JSON.",
            "input_schema": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "description": "record id"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
                    "fields": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["id"],
            },
        }
        for i in range(count)
    ]


def _turn(i: int) -> list[dict[str, Any]]:
    """One user/assistant pair; every fifth pair is a tool call and its result."""
    if i % 5 == 4:
        call_id = f"toolu_{i:04d}"
        call = {
            "type": "tool_use",
            "id": call_id,
            "name": f"tool_{i % 10}",
            "input": {"id": str(i)},
        }
        return [
            {"role": "assistant", "content": [{"type": "text", "text": "Let me look."}, call]},
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": call_id, "content": "ok"}],
            },
        ]
    return [
        {"role": "assistant", "content": f"Answer {i}: {long_text(20)}"},
        {"role": "user", "content": [{"type": "text", "text": f"Question {i}: {long_text(15)}"}]},
    ]


def conversation(messages: int = 50) -> list[dict[str, Any]]:
    """A ``messages``-long conversation (user first and last) with text and tool turns."""
    out: list[dict[str, Any]] = [{"role": "user", "content": "Let us begin. " + long_text(10)}]
    i = 0
    while len(out) < messages:
        out.extend(_turn(i))
        i += 1
    return [*out[: messages - 1], {"role": "user", "content": "And finally, sum it up."}]


def big_request() -> dict[str, Any]:
    """The validation benchmark's body: 50 messages and 10 tools."""
    return {
        "model": MODEL,
        "max_tokens": 1024,
        "system": "You are a careful assistant.",
        "tools": tools(),
        "messages": conversation(),
    }
