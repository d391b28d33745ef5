"""Valid bodies of the corpus shaped like those the official SDKs, Claude Code,
langchain-anthropic and pydantic-ai send, and the body whose every object gets an unknown key."""

from __future__ import annotations

from typing import Any

from corpus_base import TOOL, messages

TOOL_TURN = [
    {"role": "user", "content": "Weather in Paris?"},
    {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Checking."},
            {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "P"}},
        ],
    },
    {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": "Sunny"}],
    },
]
SIGNED = {"type": "thinking", "thinking": "Let me think.", "signature": "EqQBCgIYAhIM"}

# Bodies shaped like those the official SDKs, Claude Code, langchain-anthropic and pydantic-ai
# send (field sets as each client builds them), on top of every recorded real request.
SHAPED: dict[str, dict[str, Any]] = {
    "sdk-plain": messages(),
    "sdk-stream": messages(stream=True),
    "sdk-system-string": messages(system="Be brief."),
    "sdk-metadata": messages(metadata={"user_id": "user-123"}),
    "sdk-stop-sequences": messages(stop_sequences=["\n\nHuman:", "END"]),
    "sdk-tools": messages(tools=[TOOL], tool_choice={"type": "auto"}),
    "sdk-tool-choice-tool": messages(
        tools=[TOOL], tool_choice={"type": "tool", "name": "get_weather"}
    ),
    "sdk-tool-choice-any-no-parallel": messages(
        tools=[TOOL], tool_choice={"type": "any", "disable_parallel_tool_use": True}
    ),
    "sdk-tool-loop": messages(messages=TOOL_TURN, tools=[TOOL]),
    "sdk-thinking-enabled": messages(
        max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 2048}
    ),
    "sdk-thinking-adaptive": messages(thinking={"type": "adaptive"}),
    "sdk-thinking-disabled": messages(thinking={"type": "disabled"}),
    "sdk-thinking-echoed": messages(
        thinking={"type": "adaptive"},
        messages=[
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [SIGNED, {"type": "text", "text": "Hello"}]},
            {"role": "user", "content": "again"},
        ],
    ),
    "sdk-redacted-thinking-echoed": messages(
        messages=[
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "redacted_thinking", "data": "abc"}]},
            {"role": "user", "content": "again"},
        ]
    ),
    "sdk-effort": messages(output_config={"effort": "low"}),
    "sdk-structured-output": messages(
        output_config={
            "format": {
                "type": "json_schema",
                "schema": {
                    "type": "object",
                    "properties": {"answer": {"type": "string"}},
                    "required": ["answer"],
                    "additionalProperties": False,
                },
            }
        }
    ),
    "sdk-image-base64": messages(
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {
                            "type": "base64",
                            "media_type": "image/png",
                            "data": "iVBORw0KGgo=",
                        },
                    },
                    {"type": "text", "text": "What is this?"},
                ],
            }
        ]
    ),
    "sdk-image-url": messages(
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "image", "source": {"type": "url", "url": "https://e.com/a.png"}}
                ],
            }
        ]
    ),
    "sdk-document-text": messages(
        messages=[
            {
                "role": "user",
                "content": [
                    {
                        "type": "document",
                        "source": {"type": "text", "media_type": "text/plain", "data": "Doc"},
                        "title": "T",
                        "citations": {"enabled": True},
                    },
                    {"type": "text", "text": "Summarise"},
                ],
            }
        ]
    ),
    "sdk-cache-control-ttl": messages(
        system=[{"type": "text", "text": "S", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    ),
    "sdk-top-level-cache": messages(cache_control={"type": "ephemeral"}),
    "sdk-service-tier": messages(service_tier="auto"),
    "sdk-prefill": messages(
        messages=[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello"}]
    ),
    "sdk-max-tokens-zero": messages(max_tokens=0),
    "sdk-web-search": messages(
        tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]
    ),
    "claude-code-turn": messages(
        model="claude-opus-4-8",
        max_tokens=32000,
        stream=True,
        system=[
            {"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude."},
            {"type": "text", "text": "Project notes", "cache_control": {"type": "ephemeral"}},
        ],
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "<system-reminder>ctx</system-reminder>"},
                    {"type": "text", "text": "fix the bug", "cache_control": {"type": "ephemeral"}},
                ],
            }
        ],
        tools=[
            {
                "name": "Bash",
                "description": "Run a command",
                "input_schema": {
                    "type": "object",
                    "properties": {"command": {"type": "string"}},
                    "required": ["command"],
                    "additionalProperties": False,
                    "$schema": "http://json-schema.org/draft-07/schema#",
                },
            }
        ],
        metadata={"user_id": "user_abc_account__session_123"},
        thinking={"type": "adaptive"},
    ),
    "langchain-anthropic": messages(
        model="claude-sonnet-4-5-20250929",
        max_tokens=1024,
        messages=[{"role": "user", "content": [{"type": "text", "text": "Hi"}]}],
        tools=[
            {
                **TOOL,
                "input_schema": {
                    "type": "object",
                    "properties": {"city": {"type": "string", "description": "c"}},
                    "required": ["city"],
                },
            }
        ],
        stream=False,
    ),
    "pydantic-ai": messages(
        model="claude-sonnet-4-5",
        max_tokens=4096,
        stream=False,
        system="You are a helpful assistant.",
        tool_choice={"type": "auto"},
        tools=[{**TOOL, "strict": True}],
    ),
}

# Where an unknown key is put in a valid body, as (what, the body): each gives one invalid case.
NESTED = [
    ("root", lambda b: b),
    ("message", lambda b: b["messages"][0]),
    ("text-block", lambda b: b["messages"][0]["content"][0]),
    ("cache-control", lambda b: b["messages"][0]["content"][0]["cache_control"]),
    ("metadata", lambda b: b["metadata"]),
    ("thinking", lambda b: b["thinking"]),
    ("tool-choice", lambda b: b["tool_choice"]),
    ("tool", lambda b: b["tools"][0]),
    ("output-config", lambda b: b["output_config"]),
    ("system-block", lambda b: b["system"][0]),
]
NESTED_BASE = messages(
    messages=[
        {
            "role": "user",
            "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}],
        }
    ],
    metadata={"user_id": "u"},
    thinking={"type": "enabled", "budget_tokens": 1024},
    max_tokens=2048,
    tool_choice={"type": "auto"},
    tools=[TOOL],
    output_config={"effort": "low"},
    system=[{"type": "text", "text": "s"}],
)
