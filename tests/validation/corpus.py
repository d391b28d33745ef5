"""The validation corpus: requests real clients send (every one must be served), and requests the
API refuses (each with its status, error type and a message pattern), from docs/API_RULES.md."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "cassettes" / "real"
MODEL = "claude-sonnet-4-6"
OLD = {"anthropic-version": "2023-06-01", "x-api-key": "k"}
NEW = {"anthropic-version": "2026-10-21", "authorization": "Bearer k"}
EXTRA = "x_extra"


@dataclass(frozen=True)
class Case:
    """One request of the corpus and what the API answers it."""

    name: str
    path: str
    body: Any  # a JSON value, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=lambda: dict(OLD))
    status: int = 200
    error_type: str | None = None
    pattern: str | None = None  # a regex the error message must match (re.search)

    def raw(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


def recorded() -> Iterator[tuple[str, str, dict[str, Any], int, dict[str, Any]]]:
    """(name, path, body, recorded status, recorded error) for every real recorded request."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(REAL.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for index, item in enumerate(data.get("interactions", [])):
            request, response = item["request"], item["response"]
            body = request.get("parsed_body")
            if body is None:
                raw = request.get("body")
                raw = raw.get("string") if isinstance(raw, dict) else raw
                body = json.loads(raw)
            uri = request["uri"].split("api.anthropic.com", 1)[1]
            status = response["status"]["code"]
            error = response.get("parsed_body") if status >= 400 else {}
            yield f"{path.relative_to(REAL)}#{index}", uri, body, status, error or {}


def messages(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hello"}],
    }
    return {**base, **changes}


TOOL = {
    "name": "get_weather",
    "description": "Weather in a city",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
        "$defs": {"unit": {"enum": ["c", "f"]}},
    },
}
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
CACHED_SYSTEM = [{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}]

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


def valid() -> list[Case]:
    """Every recorded request the real API served, and the shaped bodies, on both versions."""
    cases = []
    for name, path, body, status, _ in recorded():
        if status < 400:
            cases.append(Case(f"real:{name}", path, body))
    for name, body in SHAPED.items():
        cases.append(Case(f"shaped:{name}", "/v1/messages", body))
        if "temperature" not in body:
            cases.append(Case(f"shaped-new:{name}", "/v1/messages", body, headers=dict(NEW)))
        counted = {
            k: v
            for k, v in body.items()
            if k not in ("max_tokens", "stream", "metadata", "stop_sequences", "service_tier")
        }
        cases.append(Case(f"shaped-count:{name}", "/v1/messages/count_tokens", counted))
    return cases


def _bad(name: str, body: Any, pattern: str, **options: Any) -> Case:
    options.setdefault("path", "/v1/messages")
    options.setdefault("status", 400)
    options.setdefault("error_type", "invalid_request_error")
    return Case(f"invalid:{name}", body=body, pattern=pattern, **options)


def invalid() -> list[Case]:
    """Requests the API refuses, with the answer each gets."""
    from corpus_rules import models, shapes

    return [*_recorded_refusals(), *_extra_everywhere(), *_json_level(), *shapes(), *models()]


def _recorded_refusals() -> Iterator[Case]:
    for name, path, body, status, error in recorded():
        if status >= 400:
            inner = error["error"]
            pattern = "^" + _escape(inner["message"]) + "$"
            yield Case(
                f"real:{name}", path, body, status=status, error_type=inner["type"], pattern=pattern
            )


def _escape(text: str) -> str:
    import re

    return re.escape(text)


def _extra_everywhere() -> Iterator[Case]:
    for version, headers in (("old", OLD), ("new", NEW)):
        for endpoint, path in (
            ("messages", "/v1/messages"),
            ("count", "/v1/messages/count_tokens"),
        ):
            for where, pick in NESTED:
                body = copy.deepcopy(NESTED_BASE)
                if endpoint == "count":
                    body = {k: v for k, v in body.items() if k not in ("max_tokens", "metadata")}
                    if where == "metadata":
                        continue
                    body["thinking"] = (
                        {"type": "adaptive"} if where != "thinking" else body["thinking"]
                    )
                pick(body)[EXTRA] = 1
                pattern = rf"(^|\.){EXTRA}: Extra inputs are not permitted$"
                for beta in (False, True):
                    url = path + ("?beta=true" if beta else "")
                    yield _bad(
                        f"extra-{where}-{endpoint}-{version}-{'beta' if beta else 'ga'}",
                        body,
                        pattern,
                        path=url,
                        headers=dict(headers),
                    )


def _json_level() -> Iterator[Case]:
    good = json.dumps(messages()).encode()
    raws = {
        "nan": good.replace(b'"max_tokens": 1024', b'"max_tokens": NaN'),
        "infinity": good.replace(b'"max_tokens": 1024', b'"max_tokens": Infinity'),
        "minus-infinity": good.replace(b'"max_tokens": 1024', b'"max_tokens": -Infinity'),
        "overflow": good.replace(b'"max_tokens": 1024', b'"max_tokens": 1e999'),
        "lone-high-surrogate": good.replace(b'"Hello"', b'"He\\ud800llo"'),
        "lone-low-surrogate": good.replace(b'"Hello"', b'"He\\udc00llo"'),
        "invalid-utf8": good.replace(b'"Hello"', b'"He\xff\xfello"'),
        "bom": b"\xef\xbb\xbf" + good,
        "truncated": good[:-5],
        "trailing-garbage": good + b"}",
        "trailing-comma": good[:-1] + b",}",
        "single-quotes": b"{'model': 'x'}",
        "deep-array": good[:-1] + b', "metadata": ' + b"[" * 300 + b"]" * 300 + b"}",
        "deep-object": good[:-1]
        + b', "metadata": '
        + b'{"a":' * 100_000
        + b"1"
        + b"}" * 100_000
        + b"}",
        "very-deep": b"[" * 100_000 + b"]" * 100_000,
    }
    problem = r"^The request body is not valid JSON: .+: line \d+ column \d+ \(char \d+\)$"
    for name, raw in raws.items():
        for where in ("/v1/messages", "/v1/messages/count_tokens", "/v1/messages/batches"):
            yield _bad(f"json-{name}{where.replace('/', '-')}", raw, problem, path=where)


VALID_BODIES: list[dict[str, Any]] = [
    case.body for case in valid() if isinstance(case.body, dict) and "messages" in case.body
]
