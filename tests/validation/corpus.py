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
    cases = [*_recorded_refusals(), *_extra_everywhere(), *_json_level(), *_shapes(), *_models()]
    return cases


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


def _shapes() -> Iterator[Case]:
    rows: list[tuple[str, Any, str]] = [
        (
            "no-model",
            {k: v for k, v in messages().items() if k != "model"},
            r"^model: Field required$",
        ),
        (
            "no-max-tokens",
            {k: v for k, v in messages().items() if k != "max_tokens"},
            r"^max_tokens: Field required$",
        ),
        (
            "no-messages",
            {k: v for k, v in messages().items() if k != "messages"},
            r"^messages: Field required$",
        ),
        ("empty-messages", messages(messages=[]), r"^messages: List should have at least 1 item"),
        (
            "negative-max-tokens",
            messages(max_tokens=-1),
            r"^max_tokens: Input should be greater than or equal to 0$",
        ),
        (
            "max-tokens-string",
            messages(max_tokens="10"),
            r"^max_tokens: Input should be a valid integer$",
        ),
        (
            "max-tokens-float",
            messages(max_tokens=10.5),
            r"^max_tokens: Input should be a valid integer$",
        ),
        (
            "temperature-high",
            messages(temperature=1.5),
            r"^temperature: Input should be less than or equal to 1$",
        ),
        (
            "temperature-low",
            messages(temperature=-0.1),
            r"^temperature: Input should be greater than or equal to 0$",
        ),
        ("top-p-high", messages(top_p=2), r"^top_p: Input should be less than or equal to 1$"),
        (
            "top-k-negative",
            messages(top_k=-1),
            r"^top_k: Input should be greater than or equal to 0$",
        ),
        (
            "bad-role",
            messages(messages=[{"role": "bot", "content": "x"}]),
            r"^messages\.0\.role: Input tag 'bot'",
        ),
        ("no-role", messages(messages=[{"content": "x"}]), r"^messages\.0\.role: Field required$"),
        (
            "no-content",
            messages(messages=[{"role": "user"}]),
            r"^messages\.0\.user\.content: Field required$|^messages\.0\.content: Field required$",
        ),
        (
            "content-number",
            messages(messages=[{"role": "user", "content": 5}]),
            r"^messages\.0\.(user\.)?content: Input should be",
        ),
        (
            "bad-block-type",
            messages(messages=[{"role": "user", "content": [{"type": "nope"}]}]),
            r"^messages\.0\.(user\.)?content\.0\.type: Input tag 'nope'",
        ),
        (
            "text-block-no-text",
            messages(messages=[{"role": "user", "content": [{"type": "text"}]}]),
            r"^messages\.0\.(user\.)?content\.0\.text\.text: Field required$",
        ),
        (
            "empty-text-block",
            messages(messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}]),
            r"^messages: text content blocks must be non-empty$",
        ),
        (
            "empty-message",
            messages(
                messages=[{"role": "user", "content": ""}, {"role": "assistant", "content": "x"}]
            ),
            r"^messages\.0: all messages must have non-empty content",
        ),
        (
            "bad-cache-ttl",
            messages(
                system=[
                    {
                        "type": "text",
                        "text": "s",
                        "cache_control": {"type": "ephemeral", "ttl": "2h"},
                    }
                ]
            ),
            r"^system\.0\.cache_control\.ttl: Input should be",
        ),
        (
            "bad-cache-type",
            messages(system=[{"type": "text", "text": "s", "cache_control": {"type": "forever"}}]),
            r"^system\.0\.cache_control\.type: Input should be 'ephemeral'$",
        ),
        (
            "bad-tool-choice",
            messages(tool_choice={"type": "sometimes"}),
            r"^tool_choice\.type: Input tag 'sometimes'",
        ),
        (
            "tool-choice-no-name",
            messages(tools=[TOOL], tool_choice={"type": "tool"}),
            r"^tool_choice\.tool\.name: Field required$",
        ),
        ("tool-no-schema", messages(tools=[{"name": "f"}]), r"input_schema: Field required$"),
        (
            "tool-bad-name",
            messages(tools=[{**TOOL, "name": "has space"}]),
            r"^tools\.0\.custom\.name: String should match pattern",
        ),
        (
            "bad-thinking-type",
            messages(thinking={"type": "sometimes"}),
            r"^thinking\.type: Input tag 'sometimes'",
        ),
        (
            "thinking-small-budget",
            messages(thinking={"type": "enabled", "budget_tokens": 100}),
            r"^thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024$",
        ),
        (
            "thinking-budget-over-max",
            messages(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 4000}),
            r"^`max_tokens` must be greater than `thinking\.budget_tokens`",
        ),
        (
            "bad-effort",
            messages(output_config={"effort": "extreme"}),
            r"^output_config\.effort: Input should be",
        ),
        ("bad-service-tier", messages(service_tier="premium"), r"^service_tier: Input should be"),
        ("bad-speed", messages(speed="ludicrous"), r"^speed: Input should be"),
        (
            "stop-sequences-string",
            messages(stop_sequences="END"),
            r"^stop_sequences: Input should be a valid list$",
        ),
        ("stream-string", messages(stream="yes"), r"^stream: Input should be a valid boolean$"),
        (
            "metadata-user-id-number",
            messages(metadata={"user_id": 5}),
            r"^metadata\.user_id: Input should be",
        ),
        (
            "image-bad-media-type",
            messages(
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "image",
                                "source": {
                                    "type": "base64",
                                    "media_type": "image/bmp",
                                    "data": "x",
                                },
                            }
                        ],
                    }
                ]
            ),
            r"media_type: Input should be",
        ),
        (
            "tool-use-input-list",
            messages(
                messages=[
                    {"role": "user", "content": "x"},
                    {
                        "role": "assistant",
                        "content": [{"type": "tool_use", "id": "t", "name": "f", "input": []}],
                    },
                ]
            ),
            r"input: Input should be a valid dictionary$",
        ),
        ("body-array", [messages()], r"^Input should be a valid dictionary$"),
        ("body-string", "hello", r"^Input should be a valid dictionary$"),
        (
            "sampling-new-version",
            messages(temperature=0.5),
            r"^temperature: Extra inputs are not permitted$",
        ),
    ]
    for name, body, pattern in rows:
        headers = dict(NEW) if name == "sampling-new-version" else dict(OLD)
        yield _bad(name, body, pattern, headers=headers)
    batch = {
        "requests": [
            {"custom_id": "a", "params": messages()},
            {"custom_id": "a", "params": messages()},
        ]
    }
    yield _bad(
        "batch-duplicate-id",
        batch,
        r"^requests\.1\.custom_id: Duplicate custom_id",
        path="/v1/messages/batches",
    )
    yield _bad(
        "batch-empty",
        {"requests": []},
        r"^requests: List should have at least 1 item",
        path="/v1/messages/batches",
    )
    yield _bad(
        "batch-bad-id",
        {"requests": [{"custom_id": "a b", "params": messages()}]},
        r"^requests\.0\.custom_id: String should match pattern",
        path="/v1/messages/batches",
    )
    yield _bad(
        "batch-extra-in-params",
        {"requests": [{"custom_id": "a", "params": messages(x_extra=1)}]},
        r"^requests\.0\.params\.x_extra: Extra inputs are not permitted$",
        path="/v1/messages/batches",
    )
    yield _bad(
        "batch-extra-in-request",
        {"requests": [{"custom_id": "a", "params": messages(), "x_extra": 1}]},
        r"^requests\.0\.x_extra: Extra inputs are not permitted$",
        path="/v1/messages/batches",
    )


def _models() -> Iterator[Case]:
    for model in ("claude-does-not-exist", "gpt-4o", "claude-opus-9", "claude-sonnet-4-6-20990101"):
        yield _bad(
            f"unknown-model-{model}",
            messages(model=model),
            f"^model: {model}$",
            status=404,
            error_type="not_found_error",
        )
        body = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
        yield _bad(
            f"unknown-model-count-{model}",
            body,
            f"^model: {model}$",
            path="/v1/messages/count_tokens",
            status=404,
            error_type="not_found_error",
        )
    for model, effort in (
        ("claude-opus-4-6", "xhigh"),
        ("claude-sonnet-4-6", "xhigh"),
        ("claude-opus-4-5", "max"),
        ("claude-mythos-preview", "xhigh"),
    ):
        yield _bad(
            f"effort-{model}-{effort}",
            messages(model=model, output_config={"effort": effort}),
            rf"^This model does not support effort level '{effort}'\. Supported levels: ",
        )
    for model in ("claude-haiku-4-5", "claude-sonnet-4-5"):
        yield _bad(
            f"effort-{model}",
            messages(model=model, output_config={"effort": "low"}),
            r"effort: This model does not support the effort parameter\.$",
        )
    for model, ceiling in (
        ("claude-haiku-4-5", 64000),
        ("claude-sonnet-4-5-20250929", 64000),
        ("claude-opus-5", 128000),
    ):
        wanted = ceiling + 1
        yield _bad(
            f"max-tokens-over-{model}",
            messages(model=model, max_tokens=wanted, stream=True),
            rf"^max_tokens: {wanted} > {ceiling}, which is the maximum allowed number of output "
            rf"tokens for {model}$",
        )


VALID_BODIES: list[dict[str, Any]] = [
    case.body for case in valid() if isinstance(case.body, dict) and "messages" in case.body
]
