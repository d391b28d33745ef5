"""validation.explain: jsonschema's best error for a failing body, worded as the API words it:
pydantic-style ``<dotted.path>: <problem>``, with a tagged union's tag inside the path
(``tools.0.custom.name``), WIRE.md §2.5."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.protocols import Validator

from claude_fake.validation.explain import ApiValidator, first_problem

BASE: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Hello"}],
}


@functools.cache
def validator(name: str) -> Validator:
    """ApiValidator over a packaged schema (``messages``, ``messages_beta``, ``batches``, ...)."""
    text = (resources.files("claude_fake.validation") / "schemas" / f"{name}.json").read_text()
    return ApiValidator(json.loads(text))


def body(**changes: Any) -> dict[str, Any]:
    """BASE with top-level keys replaced (a value of ... removes the key)."""
    return {k: v for k, v in {**BASE, **changes}.items() if v is not ...}


def user(*blocks: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": list(blocks)}]


def worded(schema: str, payload: Any) -> str | None:
    """The API's message for ``payload``: ``path: problem`` (just the problem at the root)."""
    found = first_problem(validator(schema).iter_errors(payload))
    if found is None:
        return None
    path, problem = found
    where = ".".join(str(part) for part in path)
    return f"{where}: {problem}" if where else problem


TOOL = {"name": "get_weather", "input_schema": {"type": "object"}}
B64_IMAGE = {"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": "x"}}

# schema, body, the whole message
WORDED: list[tuple[str, str, Any, str]] = [
    ("not-an-object", "messages", [BASE], "Input should be a valid dictionary"),
    ("missing-model", "messages", body(model=...), "model: Field required"),
    ("missing-max-tokens", "messages", body(max_tokens=...), "max_tokens: Field required"),
    (
        "max-tokens-string",
        "messages",
        body(max_tokens="9"),
        "max_tokens: Input should be a valid integer",
    ),
    (
        "max-tokens-bool",
        "messages",
        body(max_tokens=True),
        "max_tokens: Input should be a valid integer",
    ),
    (
        "max-tokens-float",
        "messages",
        body(max_tokens=1.5),
        "max_tokens: Input should be a valid integer",
    ),
    ("extra-field", "messages", body(colour="red"), "colour: Extra inputs are not permitted"),
    (
        "beta-field-on-ga",
        "messages",
        body(context_management={"edits": []}),
        "context_management: Extra inputs are not permitted",
    ),
    ("messages-object", "messages", body(messages={}), "messages: Input should be a valid list"),
    (
        "content-number",
        "messages",
        body(messages=[{"role": "user", "content": 5}]),
        "messages.0.content: Input should be a valid list or string",
    ),
    (
        "text-block-without-text",
        "messages",
        body(messages=user({"type": "text", "text": "a"}, {"type": "text"})),
        "messages.0.content.1.text.text: Field required",
    ),
    (
        "block-without-type",
        "messages",
        body(messages=user({"text": "x"})),
        "messages.0.content.0.type: Field required",
    ),
    (
        "unknown-role",
        "messages",
        body(messages=[{"role": "robot", "content": "hi"}]),
        "messages.0.role: Input tag 'robot' found using 'role' does not match any of the "
        "expected tags: 'assistant', 'system', 'user'",
    ),
    (
        "tool-without-name",
        "messages",
        body(tools=[{"input_schema": {"type": "object"}}]),
        "tools.0.custom.name: Field required",
    ),
    (
        "tool-name-number",
        "messages",
        body(tools=[{**TOOL, "name": 5}]),
        "tools.0.custom.name: Input should be a valid string",
    ),
    (
        "tool-choice-tag",
        "messages",
        body(tool_choice={"type": "sometimes"}),
        "tool_choice.type: Input tag 'sometimes' found using 'type' does not match any of the "
        "expected tags: 'any', 'auto', 'none', 'tool'",
    ),
    (
        "budget-string",
        "messages",
        body(thinking={"type": "enabled", "budget_tokens": "x"}),
        "thinking.enabled.budget_tokens: Input should be a valid integer",
    ),
    (
        "stop-sequence-number",
        "messages",
        body(stop_sequences=["ok", 1]),
        "stop_sequences.1: Input should be a valid string",
    ),
    (
        "cache-ttl",
        "messages",
        body(
            system=[
                {"type": "text", "text": "s", "cache_control": {"type": "ephemeral", "ttl": "2h"}}
            ]
        ),
        "system.0.cache_control.ttl: Input should be '1h' or '5m'",
    ),
    (
        "service-tier",
        "messages",
        body(service_tier="fastest"),
        "service_tier: Input should be 'auto' or 'standard_only'",
    ),
    (
        "image-media-type",
        "messages",
        body(messages=user(B64_IMAGE)),
        "messages.0.content.0.image.source.base64.media_type: Input should be 'image/gif', "
        "'image/jpeg', 'image/png' or 'image/webp'",
    ),
    (
        "tool-use-input-list",
        "messages",
        body(
            messages=[
                {
                    "role": "assistant",
                    "content": [{"type": "tool_use", "id": "t", "name": "n", "input": [1]}],
                }
            ]
        ),
        "messages.0.content.0.tool_use.input: Input should be a valid dictionary",
    ),
    (
        "beta-edit-tag",
        "messages_beta",
        body(context_management={"edits": [{"type": "nope"}]}),
        "context_management.edits.0.type: Input tag 'nope' found using 'type' does not match any "
        "of the expected tags: 'clear_thinking_20251015', 'clear_tool_uses_20250919', "
        "'compact_20260112'",
    ),
    ("count-tokens-missing-model", "count_tokens", {"messages": []}, "model: Field required"),
    (
        "batch-empty",
        "batches",
        {"requests": []},
        "requests: List should have at least 1 item after validation, not 0",
    ),
    (
        "batch-custom-id-pattern",
        "batches",
        {"requests": [{"custom_id": "a b", "params": BASE}]},
        "requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'",
    ),
    (
        "batch-custom-id-missing",
        "batches",
        {"requests": [{"params": BASE}]},
        "requests.0.custom_id: Field required",
    ),
]


@pytest.mark.parametrize(
    ("schema", "payload", "message"), [pytest.param(*c[1:], id=c[0]) for c in WORDED]
)
def test_the_message_for_a_failing_body(schema: str, payload: Any, message: str) -> None:
    assert worded(schema, payload) == message


@pytest.mark.parametrize(
    ("schema", "payload"),
    [
        ("messages", BASE),
        ("messages", body(tools=[TOOL], tool_choice={"type": "tool", "name": "get_weather"})),
        ("messages_beta", body(context_management={"edits": [{"type": "compact_20260112"}]})),
        ("count_tokens", {"model": "m", "messages": []}),
        ("batches", {"requests": [{"custom_id": "a-1", "params": BASE}]}),
    ],
)
def test_a_valid_body_has_no_problem(schema: str, payload: Any) -> None:
    assert worded(schema, payload) is None


def test_no_errors_give_no_problem() -> None:
    assert first_problem([]) is None


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        pytest.param(
            body(messages=user({"type": "nonsense"})),
            ("messages", 0, "content", 0, "type"),
            id="bad-tag",
        ),
        pytest.param(
            body(tools=[{"type": "custom", "name": "f"}]),
            ("tools", 0, "custom", "input_schema"),
            id="good-tag",
        ),
    ],
)
def test_a_bad_union_names_one_branch_and_agrees_with_jsonschema(
    payload: dict[str, Any], path: tuple[Any, ...]
) -> None:
    """The x-discriminator picks the branch; plain jsonschema agrees the body is invalid."""
    found = first_problem(validator("messages").iter_errors(payload))
    assert found is not None
    assert found[0] == path
    assert not Draft202012Validator(validator("messages").schema).is_valid(payload)


def test_the_shallowest_error_is_reported_first() -> None:
    deep = ValidationError("deep", validator="type", validator_value="string", path=("a", 0, "b"))
    shallow = ValidationError("shallow", validator="required", validator_value=["x"], instance={})
    assert first_problem([deep, shallow]) == (("x",), "Field required")


@pytest.mark.parametrize(
    ("keyword", "value", "instance", "problem"),
    [
        ("minimum", 1, 0, "Input should be greater than or equal to 1"),
        ("maximum", 5, 9, "Input should be less than or equal to 5"),
        ("exclusiveMinimum", 1, 1, "Input should be greater than 1"),
        ("exclusiveMaximum", 5, 5, "Input should be less than 5"),
        ("minLength", 2, "a", "String should have at least 2 characters"),
        ("maxLength", 1, "ab", "String should have at most 1 characters"),
        ("maxItems", 1, [1, 2], "List should have at most 1 items after validation, not 2"),
        ("const", "x", "y", "Input should be 'x'"),
        ("enum", ["a", "b", "c"], "d", "Input should be 'a', 'b' or 'c'"),
        ("type", ["string", "null"], 1, "Input should be a valid string or None"),
    ],
)
def test_each_keyword_is_worded_as_pydantic_words_it(
    keyword: str, value: Any, instance: Any, problem: str
) -> None:
    errors = ApiValidator({"properties": {"f": {keyword: value}}}).iter_errors({"f": instance})
    assert first_problem(errors) == (("f",), problem)
