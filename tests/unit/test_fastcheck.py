"""validation.fastcheck: the compiled check gives jsonschema's verdict on the packaged request
schemas, and refuses to compile a keyword it does not support (so it can never silently pass
what jsonschema would reject)."""

from __future__ import annotations

import functools
import json
import math
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from claude_fake.validation.fastcheck import Check, compile_schema

SCHEMAS = ("messages", "messages_beta", "count_tokens", "count_tokens_beta", "batches")
BASE: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "Hello"}],
}
TOOL = {"name": "get_weather", "input_schema": {"type": "object", "properties": {}}}
COMPACT = {"type": "compact_20260112", "trigger": {"type": "input_tokens", "value": 50_000}}


@functools.cache
def schema(name: str) -> dict[str, Any]:
    text = (resources.files("claude_fake.validation") / "schemas" / f"{name}.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def fast(name: str) -> Check:
    return compile_schema(schema(name))


@functools.cache
def reference(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema(name))


def body(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in {**BASE, **changes}.items() if v is not ...}


def user(*blocks: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": list(blocks)}]


BODIES: list[tuple[str, Any]] = [
    ("base", BASE),
    ("not-an-object", [BASE]),
    ("null", None),
    ("missing-model", body(model=...)),
    ("extra-field", body(colour="red")),
    ("max-tokens-string", body(max_tokens="9")),
    ("max-tokens-bool", body(max_tokens=True)),
    ("max-tokens-whole-float", body(max_tokens=8.0)),
    ("max-tokens-fraction", body(max_tokens=8.5)),
    ("system-string", body(system="Be brief.")),
    ("system-blocks", body(system=[{"type": "text", "text": "Be brief."}])),
    ("system-number", body(system=5)),
    ("content-blocks", body(messages=user({"type": "text", "text": "hi"}))),
    ("content-unknown-tag", body(messages=user({"type": "nonsense"}))),
    ("content-null-tag", body(messages=user({"type": None, "text": "hi"}))),
    ("content-number-tag", body(messages=user({"type": 3, "text": "hi"}))),
    ("content-no-tag", body(messages=user({"text": "hi"}))),
    ("text-without-text", body(messages=user({"type": "text"}))),
    ("role-tag", body(messages=[{"role": "robot", "content": "hi"}])),
    ("system-role-message", body(messages=[{"role": "system", "content": "x"}, *BASE["messages"]])),
    ("tools", body(tools=[TOOL], tool_choice={"type": "any"})),
    ("tool-choice-tool-without-name", body(tools=[TOOL], tool_choice={"type": "tool"})),
    ("tool-without-schema", body(tools=[{"name": "t"}])),
    ("server-tool", body(tools=[{"type": "web_search_20250305", "name": "web_search"}])),
    ("server-tool-wrong-name", body(tools=[{"type": "web_search_20250305", "name": "search"}])),
    ("thinking", body(thinking={"type": "enabled", "budget_tokens": 1024})),
    ("thinking-tag", body(thinking={"type": "sometimes"})),
    ("cache-ttl", body(cache_control={"type": "ephemeral", "ttl": "1h"})),
    ("cache-ttl-bad", body(cache_control={"type": "ephemeral", "ttl": "2h"})),
    ("stop-sequences", body(stop_sequences=["END"])),
    ("stop-sequences-number", body(stop_sequences=[1])),
    ("metadata-null-user", body(metadata={"user_id": None})),
    ("output-format", body(output_config={"format": {"type": "json_schema", "schema": {}}})),
    ("context-management", body(context_management={"edits": [COMPACT]})),
    ("context-management-bad-edit", body(context_management={"edits": [{"type": "nope"}]})),
    ("compaction-param", body(compaction={"type": "summarize"})),
    ("count-tokens", body(max_tokens=...)),
    ("count-tokens-tools", body(max_tokens=..., tools=[TOOL])),
    ("count-tokens-no-messages", body(max_tokens=..., messages=...)),
    ("batch", {"requests": [{"custom_id": "a-1", "params": BASE}]}),
    ("batch-empty", {"requests": []}),
    ("batch-custom-id-pattern", {"requests": [{"custom_id": "a b", "params": BASE}]}),
    ("batch-bad-params", {"requests": [{"custom_id": "a", "params": {"model": 1}}]}),
]


@pytest.mark.parametrize("name", SCHEMAS)
@pytest.mark.parametrize(("payload"), [pytest.param(p, id=i) for i, p in BODIES])
def test_the_verdict_is_jsonschemas(name: str, payload: Any) -> None:
    expected = reference(name).is_valid(payload)
    assert fast(name)(payload) is expected


def test_the_table_has_both_verdicts_for_every_schema() -> None:
    for name in SCHEMAS:
        verdicts = {fast(name)(payload) for _, payload in BODIES}
        assert verdicts == {True, False}, name


# a small schema, the instances to try: each keyword fastcheck supports, edge values included
KEYWORDS: list[tuple[str, dict[str, Any], list[Any]]] = [
    ("integer", {"type": "integer"}, [1, 1.0, 1.5, True, "1", None]),
    ("number", {"type": "number"}, [1, 1.5, math.inf, True, "1"]),
    ("boolean", {"type": "boolean"}, [True, 0, "true"]),
    ("null", {"type": "null"}, [None, 0, ""]),
    ("const", {"const": "a"}, ["a", "b", 1, None]),
    ("enum", {"enum": ["a", "b"]}, ["a", "c", 1]),
    ("minimum", {"minimum": 2}, [2, 1, 1.99, math.nan, "1"]),
    ("maximum", {"maximum": 2}, [2, 3, 2.5, "9"]),
    ("pattern", {"pattern": "^[a-z]{1,3}$"}, ["ab", "abcd", "", 5]),
    ("pattern-unanchored", {"pattern": "b"}, ["abc", "xyz"]),
    ("items", {"items": {"type": "string"}}, [["a"], ["a", 1], [], "ab", {}]),
    ("min-max-items", {"type": "array", "minItems": 1, "maxItems": 2}, [[], [1], [1, 2, 3], {}]),
    (
        "object",
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}},
            "required": ["a"],
            "additionalProperties": False,
        },
        [{"a": 1}, {}, {"a": "x"}, {"a": 1, "b": 2}, [1]],
    ),
    (
        "additional-schema",
        {"additionalProperties": {"type": "string"}},
        [{"x": "y"}, {"x": 1}, "not an object"],
    ),
    (
        "any-of",
        {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]},
        ["s", 3, -1, None],
    ),
    (
        "ref-cycle",
        {
            "$ref": "#/$defs/Node",
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {"next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}},
                }
            },
        },
        [{"next": {"next": None}}, {"next": {"next": 1}}, {"next": "x"}],
    ),
]


@pytest.mark.parametrize(("node", "instances"), [pytest.param(*k[1:], id=k[0]) for k in KEYWORDS])
def test_each_keyword_agrees_with_jsonschema(node: dict[str, Any], instances: list[Any]) -> None:
    check = compile_schema(node)
    reference = Draft202012Validator(node)
    for value in instances:
        assert check(value) is reference.is_valid(value), value


@pytest.mark.parametrize(
    ("node", "words"),
    [
        ({"type": "string", "format": "date-time"}, "unsupported schema keywords ['format']"),
        ({"type": "string", "minLength": 1}, "unsupported schema keywords ['minLength']"),
        ({"oneOf": [{"type": "string"}]}, "unsupported schema keywords ['oneOf']"),
        ({"properties": {"a": {"uniqueItems": True}}}, "['uniqueItems']"),
        ({"$defs": {"X": {"not": {}}}, "$ref": "#/$defs/X"}, "['not']"),
        ({"const": 1}, "only string const/enum values are supported"),
        ({"enum": ["a", None]}, "only string const/enum values are supported"),
    ],
)
def test_an_unsupported_keyword_raises_at_compile_time(node: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=r"^fastcheck: ") as caught:
        compile_schema(node)
    assert words in str(caught.value)


def test_annotations_are_ignored() -> None:
    node = {"title": "T", "description": "d", "default": "x", "type": "string"}
    assert compile_schema(node)("s") is True
    assert compile_schema(node)(1) is False
