"""validation.validate: each rule rejected and accepted; real and SDK-built bodies all pass."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pydantic
import pytest
import yaml

from claude_fake.config import ValidateMode
from claude_fake.validation.validate import Violation, validate_body, validate_headers

STRICT, LENIENT, OFF = ValidateMode.STRICT, ValidateMode.LENIENT, ValidateMode.OFF
OLD, NEW = "2023-06-01", "2026-10-21"
MODEL = "claude-opus-4-8"
BETA = ("context-management-2025-06-27",)
ROOT = Path(__file__).resolve().parents[2]
REAL_CASSETTES = ROOT / "cassettes" / "real"

BASE: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 2048,
    "messages": [{"role": "user", "content": "Hello"}],
}


def body(**changes: Any) -> dict[str, Any]:
    """BASE with top-level keys replaced (a value of ... removes the key)."""
    out = {**BASE, **changes}
    return {k: v for k, v in out.items() if v is not ...}


def user(*blocks: Any) -> dict[str, Any]:
    return {"role": "user", "content": list(blocks)}


def assistant(*blocks: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": list(blocks)}


def text(value: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, **extra}


CITATION = {
    "type": "char_location",
    "cited_text": "x",
    "document_index": 0,
    "document_title": None,
    "start_char_index": 0,
    "end_char_index": 1,
}
SEARCH_CITATION = {
    "type": "search_result_location",
    "cited_text": "x",
    "search_result_index": 0,
    "source": "s",
    "title": "t",
    "start_block_index": 0,
    "end_block_index": 0,
}
DOCUMENT = {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "d"}}
TOOL = {"name": "get_weather", "input_schema": {"type": "object", "properties": {}}}
THINKING = {"type": "enabled", "budget_tokens": 1024}


def search_result(*texts: Any) -> dict[str, Any]:
    return {"type": "search_result", "source": "s", "title": "t", "content": list(texts)}


def batch(*params: dict[str, Any], ids: list[str] | None = None) -> dict[str, Any]:
    names = ids or [f"req-{i}" for i in range(len(params))]
    return {"requests": [{"custom_id": n, "params": p} for n, p in zip(names, params, strict=True)]}


def check(
    endpoint: str,
    payload: object,
    *,
    version: str = OLD,
    betas: tuple[str, ...] = (),
    mode: ValidateMode = STRICT,
) -> Violation | None:
    return validate_body(endpoint, payload, api_version=version, betas=betas, mode=mode)  # type: ignore[arg-type]


# id, endpoint, body, options, expected message prefix (path + ": ", or the whole message start)
REJECTED: list[tuple[str, str, object, dict[str, Any], str]] = [
    ("body-not-object", "messages", [BASE], {}, "Input should be a valid dictionary"),
    ("missing-model", "messages", body(model=...), {}, "model: Field required"),
    ("missing-max-tokens", "messages", body(max_tokens=...), {}, "max_tokens: Field required"),
    ("missing-messages", "messages", body(messages=...), {}, "messages: Field required"),
    ("top-level-type", "messages", body(max_tokens="10"), {}, "max_tokens: Input should be"),
    ("unknown-field", "messages", body(foo=1), {}, "foo: Extra inputs are not permitted"),
    ("header-param-in-body", "messages", body(betas=["x"]), {}, "betas: Extra inputs"),
    (
        "beta-field-without-beta-header",
        "messages",
        body(context_management={"edits": []}),
        {},
        "context_management: Extra inputs are not permitted",
    ),
    (
        "content-tag",
        "messages",
        body(messages=[user({"type": "foo"})]),
        {},
        "messages.0.content.0.type: Input tag 'foo' found using 'type' does not match any",
    ),
    (
        "content-tag-missing",
        "messages",
        body(messages=[user({"text": "x"})]),
        {},
        "messages.0.content.0.type: Field required",
    ),
    (
        "content-field-missing",
        "messages",
        body(messages=[user(text()), assistant({"type": "text"})]),
        {},
        "messages.1.content.0.text.text: Field required",
    ),
    (
        "role-missing",
        "messages",
        body(messages=[{"content": "x"}]),
        {},
        "messages.0.role: Field required",
    ),
    (
        "role-tag",
        "messages",
        body(messages=[{"role": "bot", "content": "x"}]),
        {},
        "messages.0.role: Input tag 'bot'",
    ),
    (
        "tool-type-tag",
        "messages",
        body(tools=[{"type": "bogus_20990101", "name": "x"}]),
        {},
        "tools.0.type: Input tag 'bogus_20990101'",
    ),
    (
        "tool-name-pattern",
        "messages",
        body(tools=[{**TOOL, "name": "get weather"}]),
        {},
        "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'",
    ),
    (
        "tool-name-too-long",
        "messages",
        body(tools=[{**TOOL, "name": "x" * 129}]),
        {},
        "tools.0.custom.name: String should match pattern",
    ),
    (
        "server-tool-field-type",
        "messages",
        body(tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": "3"}]),
        {},
        "tools.0.web_search_20250305.max_uses: Input should be a valid integer",
    ),
    (
        "image-media-type",
        "messages",
        body(
            messages=[
                user({"type": "image", "source": {"type": "base64", "media_type": "x", "data": ""}})
            ]
        ),
        {},
        "messages.0.content.0.image.source.base64.media_type: Input should be 'image/gif', 'image/",
    ),
    (
        "cache-control-ttl",
        "messages",
        body(system=[text(cache_control={"type": "ephemeral", "ttl": "2h"})]),
        {},
        "system.0.cache_control.ttl: Input should be '1h' or '5m'",
    ),
    (
        "thinking-budget-below-1024",
        "messages",
        body(thinking={"type": "enabled", "budget_tokens": 1023}),
        {},
        "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
    ),
    (
        "thinking-budget-not-below-max-tokens",
        "messages",
        body(max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 2048}),
        {},
        "`max_tokens` must be greater than `thinking.budget_tokens`.",
    ),
    (
        "temperature-new-version",
        "messages",
        body(temperature=1.0),
        {"version": NEW},
        "temperature: Extra inputs are not permitted",
    ),
    ("top-p-new-version", "messages", body(top_p=0.9), {"version": NEW}, "top_p: Extra inputs"),
    ("top-k-new-version", "messages", body(top_k=5), {"version": NEW}, "top_k: Extra inputs"),
    ("temperature-range", "messages", body(temperature=1.5), {}, "temperature: Input should be"),
    ("top-p-range", "messages", body(top_p=-0.1), {}, "top_p: Input should be greater"),
    ("top-k-range", "messages", body(top_k=-1), {}, "top_k: Input should be greater"),
    (
        "assistant-document-new-version",
        "messages",
        body(messages=[user(text()), assistant(DOCUMENT)]),
        {"version": NEW},
        "messages.1.content.0: `document` blocks are not allowed",
    ),
    (
        "user-citations-new-version",
        "messages",
        body(messages=[user(text(citations=[CITATION]))]),
        {"version": NEW},
        "messages.0.content.0.citations: `citations` are not allowed",
    ),
    (
        "user-search-result-citations-new-version",
        "messages",
        body(messages=[user(search_result(text(citations=[SEARCH_CITATION])))]),
        {"version": NEW},
        "messages.0.content.0.content.0.citations: ",
    ),
    (
        "compaction-with-context-management",
        "messages",
        body(compaction={"type": "summarize"}, context_management={"edits": []}),
        {"betas": ("compact-2026-09-04",)},
        "compaction: Cannot be combined with `context_management`",
    ),
    (
        "count-tokens-max-tokens",
        "count_tokens",
        body(),
        {},
        "max_tokens: Extra inputs are not permitted",
    ),
    (
        "count-tokens-thinking-budget",
        "count_tokens",
        body(max_tokens=..., thinking={"type": "enabled", "budget_tokens": 10}),
        {},
        "thinking.enabled.budget_tokens: ",
    ),
    ("batch-empty", "batches", {"requests": []}, {}, "requests: List should have at least 1"),
    ("batch-missing-requests", "batches", {}, {}, "requests: Field required"),
    ("batch-unknown-field", "batches", {**batch(BASE), "x": 1}, {}, "x: Extra inputs"),
    (
        "batch-custom-id-pattern",
        "batches",
        batch(BASE, ids=["has space"]),
        {},
        "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ),
    (
        "batch-custom-id-too-long",
        "batches",
        batch(BASE, ids=["x" * 65]),
        {},
        "requests.0.custom_id: String should match pattern",
    ),
    (
        "batch-custom-id-duplicate",
        "batches",
        batch(BASE, BASE, BASE, ids=["a", "b", "a"]),
        {},
        "requests.2.custom_id: Duplicate custom_id 'a'",
    ),
    (
        "batch-params-schema",
        "batches",
        batch(BASE, body(messages=[user({"type": "foo"})])),
        {},
        "requests.1.params.messages.0.content.0.type: Input tag 'foo'",
    ),
    (
        "batch-params-rule",
        "batches",
        batch(body(thinking={"type": "enabled", "budget_tokens": 5})),
        {},
        "requests.0.params.thinking.enabled.budget_tokens: ",
    ),
    (
        "batch-params-new-version",
        "batches",
        batch(body(temperature=0.5)),
        {"version": NEW},
        "requests.0.params.temperature: Extra inputs are not permitted",
    ),
    (  # extra inputs are refused at every depth (pi#7938: tools.3.cache_control)
        "tool-extra-field",
        "messages",
        body(tools=[{**TOOL, "x-vendor": 1}]),
        {},
        "tools.0.custom.x-vendor: Extra inputs are not permitted",
    ),
    (
        "content-block-extra-field",
        "messages",
        body(messages=[user(text(x=1))]),
        {},
        "messages.0.content.0.text.x: Extra inputs are not permitted",
    ),
]


@pytest.mark.parametrize(
    ("endpoint", "payload", "options", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in REJECTED],
)
def test_rejected(endpoint: str, payload: object, options: dict[str, Any], expected: str) -> None:
    found = check(endpoint, payload, **options)
    assert found is not None
    assert (found.status, found.error_type) == (400, "invalid_request_error")
    assert found.message.startswith(expected), found.message


def test_batch_over_limit_is_rejected_quickly() -> None:
    requests = [{"custom_id": f"r{i}", "params": BASE} for i in range(100_001)]
    start = time.perf_counter()
    found = check("batches", {"requests": requests})
    elapsed = time.perf_counter() - start
    # The size is checked before the schema: about 0.1 ms. jsonschema on the whole list takes
    # over 10 s, and even a valid batch of 100 000 takes seconds; 1 s is generous for slow CI.
    assert elapsed < 1.0
    assert found is not None
    assert found.message.startswith("requests: List should have at most 100000 items"), found


ACCEPTED: list[tuple[str, str, object, dict[str, Any]]] = [
    ("base", "messages", BASE, {}),
    ("base-new-version", "messages", BASE, {"version": NEW}),
    ("unknown-model-name", "messages", body(model="claude-next-99"), {}),
    ("max-tokens-zero", "messages", body(max_tokens=0), {}),
    ("integral-float-max-tokens", "messages", body(max_tokens=100.0), {}),
    ("sampling-at-bounds", "messages", body(temperature=0, top_p=1, top_k=0), {}),
    ("sampling-float-bounds", "messages", body(temperature=1.0, top_p=0.0), {}),
    ("thinking-budget-1024", "messages", body(max_tokens=1025, thinking=THINKING), {}),
    ("thinking-adaptive", "messages", body(thinking={"type": "adaptive"}), {"version": NEW}),
    ("thinking-disabled", "messages", body(thinking={"type": "disabled"}), {}),
    ("tool-name-128", "messages", body(tools=[{**TOOL, "name": "a" * 128}]), {}),
    ("tool-type-custom", "messages", body(tools=[{**TOOL, "type": "custom"}]), {}),
    ("tool-type-null", "messages", body(tools=[{**TOOL, "type": None}]), {}),
    (
        "server-tool-any-name",
        "messages",
        body(tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]),
        {},
    ),
    ("assistant-document-old", "messages", body(messages=[user(text()), assistant(DOCUMENT)]), {}),
    ("user-document-new", "messages", body(messages=[user(DOCUMENT, text())]), {"version": NEW}),
    ("user-citations-old", "messages", body(messages=[user(text(citations=[CITATION]))]), {}),
    (
        "user-citations-empty-new",
        "messages",
        body(messages=[user(text(citations=[])), user(text(citations=None))]),
        {"version": NEW},
    ),
    (
        "assistant-citations-new",
        "messages",
        body(messages=[user(text()), assistant(text(citations=[CITATION]))]),
        {"version": NEW},
    ),
    (
        "user-search-result-citations-old",
        "messages",
        body(messages=[user(search_result(text(citations=[SEARCH_CITATION])))]),
        {},
    ),
    ("compaction-alone", "messages", body(compaction={"type": "summarize"}), {"betas": BETA}),
    (
        "compaction-with-null-context-management",
        "messages",
        body(compaction={"type": "summarize"}, context_management=None),
        {"betas": BETA},
    ),
    (
        "context-management-beta",
        "messages",
        body(context_management={"edits": []}),
        {"betas": BETA},
    ),
    ("output-format-beta", "messages", body(output_format=None), {"betas": BETA}),
    ("count-tokens", "count_tokens", body(max_tokens=..., thinking=THINKING), {}),
    ("batch", "batches", batch(BASE, body(stream=False), ids=["a-1", "B_2"]), {}),
    ("batch-id-64", "batches", batch(BASE, ids=["x" * 64]), {}),
    ("batch-beta-params", "batches", batch(body(context_management=None)), {"betas": BETA}),
]


@pytest.mark.parametrize(
    ("endpoint", "payload", "options"), [pytest.param(*row[1:], id=row[0]) for row in ACCEPTED]
)
def test_accepted(endpoint: str, payload: object, options: dict[str, Any]) -> None:
    assert check(endpoint, payload, **options) is None


# ---- lenient and off -------------------------------------------------------------------------

LENIENT_REJECTED = [
    ("not-object", "messages", "text", "Input should be a valid dictionary"),
    ("missing-model", "messages", body(model=...), "model: Field required"),
    ("top-level-type", "messages", body(messages="hi"), "messages: Input should be a valid list"),
    ("batch-not-list", "batches", {"requests": {}}, "requests: Input should be a valid list"),
    ("batch-item-field", "batches", {"requests": [{"custom_id": "a"}]}, "requests.0.params: Field"),
    ("batch-params-required", "batches", batch(body(model=...)), "requests.0.params.model: Field"),
]


@pytest.mark.parametrize(
    ("endpoint", "payload", "expected"), [pytest.param(*r[1:], id=r[0]) for r in LENIENT_REJECTED]
)
def test_lenient_rejected(endpoint: str, payload: object, expected: str) -> None:
    found = check(endpoint, payload, mode=LENIENT)
    assert found is not None
    assert (found.status, found.error_type) == (400, "invalid_request_error")
    assert found.message.startswith(expected), found.message


LENIENT_ACCEPTED = [
    ("unknown-field", body(foo=1)),
    ("bad-content-tag", body(messages=[user({"type": "foo"})])),
    ("sampling-new-version", body(temperature=3)),
    ("thinking-budget", body(thinking={"type": "enabled", "budget_tokens": 1})),
]


@pytest.mark.parametrize("payload", [pytest.param(p, id=i) for i, p in LENIENT_ACCEPTED])
def test_lenient_accepted(payload: object) -> None:
    assert check("messages", payload, version=NEW, mode=LENIENT) is None


@pytest.mark.parametrize("payload", [None, [], "x", body(foo=1, model=...)])
@pytest.mark.parametrize("endpoint", ["messages", "count_tokens", "batches"])
def test_off_accepts_anything(endpoint: str, payload: object) -> None:
    assert check(endpoint, payload, mode=OFF) is None


# ---- headers ---------------------------------------------------------------------------------

HEADERS = {"anthropic-version": NEW, "content-type": "application/json"}
MB = 1024 * 1024
KEY = "sk-test-key"

HEADER_REJECTED: list[tuple[str, dict[str, str], dict[str, Any], tuple[int, str, str]]] = [
    ("too-large", HEADERS, {"body_size": 32 * MB + 1}, (413, "request_too_large", "Request")),
    (
        "batch-too-large",
        HEADERS,
        {"body_size": 256 * MB + 1, "endpoint": "batches"},
        (413, "request_too_large", "Request exceeds"),
    ),
    ("no-version", {}, {}, (400, "invalid_request_error", "anthropic-version: ")),
    ("no-version-lenient", {}, {"mode": LENIENT}, (400, "invalid_request_error", "anthropic")),
    ("no-key", HEADERS, {"require_api_key": KEY}, (401, "authentication_error", "x-api-key")),
    (
        "wrong-x-api-key",
        {**HEADERS, "x-api-key": "nope"},
        {"require_api_key": KEY},
        (401, "authentication_error", "invalid x-api-key"),
    ),
    (
        "wrong-bearer",
        {**HEADERS, "authorization": "Bearer nope"},
        {"require_api_key": KEY},
        (401, "authentication_error", "invalid x-api-key"),
    ),
    (
        "x-api-key-wins-over-bearer",
        {**HEADERS, "x-api-key": "nope", "authorization": f"Bearer {KEY}"},
        {"require_api_key": KEY},
        (401, "authentication_error", "invalid x-api-key"),
    ),
    (
        "key-checked-when-off",
        HEADERS,
        {"require_api_key": KEY, "mode": OFF},
        (401, "authentication_error", "x-api-key"),
    ),
]


def headers_check(headers: dict[str, str], **options: Any) -> Violation | None:
    options = {"body_size": 100, "endpoint": "messages", "require_api_key": None} | options
    return validate_headers(headers, **{"mode": STRICT, **options})


@pytest.mark.parametrize(
    ("headers", "options", "expected"), [pytest.param(*r[1:], id=r[0]) for r in HEADER_REJECTED]
)
def test_headers_rejected(
    headers: dict[str, str], options: dict[str, Any], expected: tuple[int, str, str]
) -> None:
    found = headers_check(headers, **options)
    assert found is not None
    assert (found.status, found.error_type) == expected[:2]
    assert found.message.startswith(expected[2]), found.message


HEADER_ACCEPTED: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    ("plain", HEADERS, {}),
    ("at-limit", HEADERS, {"body_size": 32 * MB}),
    ("big-batch", HEADERS, {"body_size": 200 * MB, "endpoint": "batches"}),
    ("engine-batch-name", HEADERS, {"body_size": 200 * MB, "endpoint": "batch_create"}),
    ("off-no-version-too-large", {}, {"mode": OFF, "body_size": 300 * MB}),
    ("x-api-key", {**HEADERS, "x-api-key": KEY}, {"require_api_key": KEY}),
    ("bearer", {**HEADERS, "authorization": f"Bearer {KEY}"}, {"require_api_key": KEY}),
    ("bearer-lowercase", {**HEADERS, "authorization": f"bearer {KEY}"}, {"require_api_key": KEY}),
    (
        "x-api-key-wins-over-wrong-bearer",
        {**HEADERS, "x-api-key": KEY, "authorization": "Bearer nope"},
        {"require_api_key": KEY},
    ),
]


@pytest.mark.parametrize(
    ("headers", "options"), [pytest.param(*r[1:], id=r[0]) for r in HEADER_ACCEPTED]
)
def test_headers_accepted(headers: dict[str, str], options: dict[str, Any]) -> None:
    assert headers_check(headers, **options) is None


# ---- every recorded real request passes strict -----------------------------------------------


@functools.cache
def recorded_requests() -> list[Any]:
    found = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(REAL_CASSETTES.rglob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for index, interaction in enumerate(data.get("interactions", [])):
            name = f"{path.relative_to(REAL_CASSETTES)}#{index}"
            found.append(pytest.param(interaction["request"], id=name))
    return found


def decoded_body(request: dict[str, Any]) -> object:
    if "parsed_body" in request:
        return request["parsed_body"]
    raw = request.get("body")
    raw = raw.get("string") if isinstance(raw, dict) else raw
    raw = raw.decode() if isinstance(raw, bytes) else raw
    return json.loads(raw) if raw else None


@pytest.mark.parametrize("request_", recorded_requests())
def test_real_cassette_bodies_pass_strict(request_: dict[str, Any]) -> None:
    uri = request_["uri"]
    headers = {k.lower(): v for k, v in (request_.get("headers") or {}).items()}
    recorded = [b for v in headers.get("anthropic-beta", []) for b in v.split(",")]
    # These used SDK <= 2.2's `?beta=true` path; most recorders dropped the anthropic-beta header.
    betas = recorded or (["(beta path, header not recorded)"] if "beta=true" in uri else [])
    endpoint = "count_tokens" if "count_tokens" in uri else "batches" if "batches" in uri else None
    payload = decoded_body(request_)
    assert payload is not None
    assert check(endpoint or "messages", payload, version=OLD, betas=tuple(betas)) is None


def test_real_cassettes_are_there() -> None:
    assert len(recorded_requests()) >= 70
    assert (REAL_CASSETTES / "SOURCES.md").is_file()


# ---- every request the SDK builds passes strict ----------------------------------------------


class Captured:
    """The requests a MockTransport saw; each is answered with a 400 so the SDK stops at once."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        error = {"type": "invalid_request_error", "message": "captured"}
        return httpx2.Response(400, json={"type": "error", "error": error})


def capture(call: Callable[[anthropic.Anthropic], object]) -> list[httpx2.Request]:
    seen = Captured()
    transport = httpx2.MockTransport(seen.handler)
    client = anthropic.Anthropic(api_key="x", http_client=httpx2.Client(transport=transport))
    with pytest.raises(anthropic.BadRequestError):
        call(client.with_options(max_retries=0))
    return seen.requests


def endpoint_of(request: httpx2.Request) -> str:
    path = request.url.path
    return (
        "count_tokens"
        if path.endswith("count_tokens")
        else "batches"
        if "batch" in path
        else "messages"
    )


PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAA"
    + "AABJRU5ErkJggg=="
)
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
CUSTOM_TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": SCHEMA,
    "cache_control": {"type": "ephemeral", "ttl": "1h"},
    "strict": True,
    "input_examples": [{"city": "Paris"}],
    "allowed_callers": ["direct", "code_execution_20250825"],
    "eager_input_streaming": True,
    "defer_loading": False,
}
GA_TOOLS: list[Any] = [
    CUSTOM_TOOL,
    {"type": "custom", "name": "t2", "input_schema": {"type": "object"}},
    {"type": "bash_20250124", "name": "bash"},
    {"type": "code_execution_20250825", "name": "code_execution"},
    {"type": "code_execution_20260120", "name": "code_execution"},
    {"type": "memory_20250818", "name": "memory"},
    {"type": "text_editor_20250124", "name": "str_replace_editor"},
    {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 10},
    {
        "type": "web_search_20250305",
        "name": "web_search",
        "max_uses": 3,
        "allowed_domains": ["example.com"],
        "user_location": {"type": "approximate", "city": "Paris", "country": "FR"},
    },
    {
        "type": "web_fetch_20250910",
        "name": "web_fetch",
        "max_uses": 2,
        "citations": {"enabled": True},
    },
    {"type": "tool_search_tool_bm25_20251119", "name": "tool_search_tool_bm25"},
    {"type": "tool_search_tool_regex", "name": "tool_search_tool_regex"},
]
TOOL_USE = {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}}
TOOL_RESULT = {
    "type": "tool_result",
    "tool_use_id": "toolu_01",
    "content": [
        {"type": "text", "text": "Sunny"},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
    ],
    "is_error": False,
}
RICH_USER = {
    "role": "user",
    "content": [
        {"type": "text", "text": "Look", "cache_control": {"type": "ephemeral"}},
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
        {"type": "image", "source": {"type": "file", "file_id": "file_01"}},
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="},
            "title": "Doc",
            "context": "ctx",
            "citations": {"enabled": True},
        },
        {"type": "document", "source": {"type": "url", "url": "https://example.com/a.pdf"}},
        {
            "type": "document",
            "source": {"type": "content", "content": [{"type": "text", "text": "a"}]},
        },
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}},
        search_result(text("result")),
        {"type": "container_upload", "file_id": "file_02"},
    ],
}
RESPONSE_JSON = {
    "id": "msg_01",
    "type": "message",
    "role": "assistant",
    "model": MODEL,
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 10, "output_tokens": 5},
    "content": [
        {"type": "thinking", "thinking": "Hmm", "signature": "sig"},
        {"type": "redacted_thinking", "data": "abc"},
        {"type": "text", "text": "See", "citations": [CITATION]},
        {
            "type": "server_tool_use",
            "id": "srvtoolu_01",
            "name": "web_search",
            "input": {"query": "weather"},
        },
        {
            "type": "web_search_tool_result",
            "tool_use_id": "srvtoolu_01",
            "content": [
                {
                    "type": "web_search_result",
                    "url": "https://example.com",
                    "title": "Example",
                    "encrypted_content": "enc",
                    "page_age": None,
                }
            ],
        },
        TOOL_USE,
    ],
}


class Weather(pydantic.BaseModel):
    city: str
    celsius: float


def _echo_response(client: anthropic.Anthropic) -> object:
    message = anthropic.types.Message.model_validate(RESPONSE_JSON)
    history: list[Any] = [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": message.content},
        {"role": "user", "content": [TOOL_RESULT]},
    ]
    return client.messages.create(model=MODEL, max_tokens=4096, messages=history, tools=GA_TOOLS)


def _beta_echo_response(client: anthropic.Anthropic) -> object:
    message = anthropic.types.beta.BetaMessage.model_validate(RESPONSE_JSON)
    history: list[Any] = [
        {"role": "user", "content": "Weather?"},
        {"role": "assistant", "content": message.content},
        {"role": "user", "content": [TOOL_RESULT]},
    ]
    return client.beta.messages.create(
        model=MODEL, max_tokens=4096, messages=history, betas=list(BETA)
    )


@anthropic.beta_tool
def get_weather(city: str) -> str:
    """Weather for a city.

    Args:
        city: The city.
    """
    return f"Sunny in {city}"


def _tool_runner(client: anthropic.Anthropic) -> object:
    runner = client.beta.messages.tool_runner(
        model=MODEL, max_tokens=256, tools=[get_weather], messages=CONVERSATION[1:]
    )
    return runner.until_done()


def _stream(client: anthropic.Anthropic) -> object:
    with client.messages.stream(model=MODEL, max_tokens=64, messages=[RICH_USER]) as stream:
        return stream.get_final_message()


CONVERSATION: list[Any] = [
    {"role": "system", "content": "Be brief."},
    RICH_USER,
    {"role": "assistant", "content": [{"type": "text", "text": "Ok"}, TOOL_USE]},
    {"role": "user", "content": [TOOL_RESULT, {"type": "text", "text": "Go on"}]},
]
BETA_EDITS: list[Any] = [
    {
        "type": "clear_tool_uses_20250919",
        "trigger": {"type": "input_tokens", "value": 30000},
        "keep": {"type": "tool_uses", "value": 3},
        "clear_at_least": {"type": "input_tokens", "value": 5000},
        "clear_tool_inputs": ["get_weather"],
        "exclude_tools": ["memory"],
    },
    {"type": "clear_thinking_20251015", "keep": {"type": "thinking_turns", "value": 2}},
    {
        "type": "compact_20260112",
        "trigger": {"type": "input_tokens", "value": 150000},
        "pause_after_compaction": True,
        "instructions": None,
    },
]
COMPACTION_BLOCK = {"type": "compaction", "content": "Summary", "encrypted_content": "enc"}

SDK_CALLS: dict[str, Callable[[anthropic.Anthropic], object]] = {
    "minimal": lambda c: c.messages.create(
        model=MODEL, max_tokens=16, messages=[BASE["messages"][0]]
    ),
    "everything-ga": lambda c: c.messages.create(
        model=MODEL,
        max_tokens=8192,
        messages=CONVERSATION,
        system=[{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}],
        tools=GA_TOOLS,
        tool_choice={"type": "auto", "disable_parallel_tool_use": True},
        thinking={"type": "enabled", "budget_tokens": 2048, "display": "summarized"},
        output_config={"effort": "high"},
        metadata={"user_id": "u1"},
        stop_sequences=["END"],
        service_tier="auto",
        cache_control={"type": "ephemeral", "ttl": "5m"},
        container={"id": None, "skills": [{"skill_id": "pdf", "type": "anthropic"}]},
        inference_geo=None,
        speed="standard",
        diagnostics={"previous_message_id": None},
    ),
    "adaptive-thinking": lambda c: c.messages.create(
        model=MODEL, max_tokens=100, messages=CONVERSATION, thinking={"type": "adaptive"}
    ),
    "tool-choice-tool": lambda c: c.messages.create(
        model=MODEL,
        max_tokens=100,
        messages=CONVERSATION,
        tools=[CUSTOM_TOOL],
        tool_choice={"type": "tool", "name": "get_weather"},
    ),
    "tool-choice-none": lambda c: c.messages.create(
        model=MODEL, max_tokens=100, messages=CONVERSATION, tool_choice={"type": "none"}
    ),
    "output-format": lambda c: c.messages.create(
        model=MODEL,
        max_tokens=100,
        messages=CONVERSATION,
        output_config={"format": {"type": "json_schema", "schema": SCHEMA}, "effort": None},
    ),
    "parse": lambda c: c.messages.parse(
        model=MODEL, max_tokens=100, messages=CONVERSATION, output_format=Weather
    ),
    "stream": _stream,
    "create-stream-true": lambda c: c.messages.create(
        model=MODEL, max_tokens=10, messages=CONVERSATION, stream=True
    ),
    "echo-response-content": _echo_response,
    "count-tokens": lambda c: c.messages.count_tokens(
        model=MODEL,
        messages=CONVERSATION,
        system="sys",
        tools=GA_TOOLS,
        thinking={"type": "enabled", "budget_tokens": 1024},
        output_config={"effort": "low"},
        cache_control={"type": "ephemeral"},
    ),
    "batches-create": lambda c: c.messages.batches.create(
        requests=[
            {
                "custom_id": "first",
                "params": {"model": MODEL, "max_tokens": 10, "messages": CONVERSATION},
            },
            {
                "custom_id": "second-2",
                "params": {
                    "model": MODEL,
                    "max_tokens": 2000,
                    "messages": CONVERSATION,
                    "tools": GA_TOOLS,
                },
            },
        ]
    ),
    "beta-context-management": lambda c: c.beta.messages.create(
        model=MODEL,
        max_tokens=4096,
        messages=CONVERSATION,
        context_management={"edits": BETA_EDITS},
        betas=["context-management-2025-06-27", "compact-2026-01-12"],
    ),
    "beta-compaction": lambda c: c.beta.messages.create(
        model=MODEL,
        max_tokens=4096,
        messages=[{"role": "assistant", "content": [COMPACTION_BLOCK]}, *CONVERSATION[1:]],
        compaction={"type": "summarize", "instructions": "Keep names"},
        betas=["compact-2026-09-04"],
    ),
    "beta-everything": lambda c: c.beta.messages.create(
        model=MODEL,
        max_tokens=4096,
        messages=CONVERSATION,
        system="sys",
        tools=[
            *GA_TOOLS,
            {
                "type": "computer_20251124",
                "name": "computer",
                "display_width_px": 1024,
                "display_height_px": 768,
            },
            {"type": "bash_20241022", "name": "bash"},
            {"type": "advisor_20260301", "name": "advisor", "model": MODEL},
            {"type": "mcp_toolset", "mcp_server_name": "srv", "default_config": {"enabled": True}},
        ],
        mcp_servers=[{"type": "url", "name": "srv", "url": "https://example.com/mcp"}],
        thinking={"type": "enabled", "budget_tokens": 1024, "display": "updates"},
        output_config={"effort": "max", "task_budget": {"type": "tokens", "total": 10000}},
        fallbacks=[{"model": "claude-sonnet-5", "max_tokens": 1000}],
        billing_policy={"type": "billing_policy", "bill_to": "self"},
        container="container_01",
        betas=["mcp-client-2025-11-20", "advisor-tool-2026-03-01", "task-budgets-2026-03-13"],
    ),
    "beta-thread": lambda c: c.beta.messages.create(
        model=MODEL,
        max_tokens=100,
        messages=CONVERSATION,
        thread={"type": "continue", "previous_message_id": "msg_01"},
        betas=["message-threads-2026-08-12"],
    ),
    "beta-echo-response-content": _beta_echo_response,
    "beta-without-betas": lambda c: c.beta.messages.create(
        model=MODEL, max_tokens=100, messages=CONVERSATION, system="sys", tools=GA_TOOLS
    ),
    "beta-tool-runner": _tool_runner,
    "beta-count-tokens": lambda c: c.beta.messages.count_tokens(
        model=MODEL,
        messages=CONVERSATION,
        context_management={"edits": BETA_EDITS[:2]},
        compaction={"type": "summarize"},  # count_tokens accepts and ignores it
    ),
    "beta-batches-create": lambda c: c.beta.messages.batches.create(
        requests=[
            {
                "custom_id": "b1",
                "params": {
                    "model": MODEL,
                    "max_tokens": 100,
                    "messages": CONVERSATION,
                    "context_management": {"edits": BETA_EDITS[:1]},
                },
            }
        ],
        betas=["context-management-2025-06-27"],
    ),
}


@pytest.mark.parametrize("call", [pytest.param(c, id=name) for name, c in SDK_CALLS.items()])
def test_sdk_built_bodies_pass_strict(call: Callable[[anthropic.Anthropic], object]) -> None:
    requests = capture(call)
    assert requests
    for request in requests:
        betas = tuple(b for b in request.headers.get("anthropic-beta", "").split(",") if b)
        version = request.headers["anthropic-version"]
        payload = json.loads(request.content)
        found = check(endpoint_of(request), payload, version=version, betas=betas)
        assert found is None, found.message
        headers = {k.lower(): v for k, v in request.headers.items()}
        assert headers_check(headers, body_size=len(request.content)) is None
