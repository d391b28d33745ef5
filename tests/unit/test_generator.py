"""sources.generator.draft: the seeded default answer honours the request the way the API does:
``max_tokens`` (stop_reason max_tokens), ``stop_sequences`` (stop_sequence, the text stops
before it), ``tool_choice`` (tool_use with input valid against the tool's input_schema),
``thinking`` (a signed thinking block first), ``output_config.format`` (JSON text valid against
the schema), and the same seed gives the same draft."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from claude_fake.sources.generator.draft import Draft, choose_tool, draft
from claude_fake.state import tokens

VOCAB = ("amber", "cedar", "delta", "ember", "harbor", "iris", "lumen", "maple", "nova", "river")
USER = "Tell me something."
BASE: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": USER}],
}
WEATHER = {
    "name": "get_weather",
    "input_schema": {
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 1},
            "unit": {"enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer", "minimum": 1, "maximum": 7},
        },
        "required": ["city", "unit", "days"],
        "additionalProperties": False,
    },
}
SEARCH = {
    "name": "search",
    "input_schema": {
        "type": "object",
        "properties": {
            "query": {"type": "string", "pattern": "^[a-z]+-[0-9]{3}$"},
            "filters": {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "properties": {"field": {"type": "string"}, "value": {"type": "number"}},
                    "required": ["field", "value"],
                },
            },
            "limit": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "null"}]},
        },
        "required": ["query", "filters", "limit"],
    },
}
EMPTY = {"name": "ping", "input_schema": {"type": "object"}}


def run(body: dict[str, Any], seed: int = 0, user_text: str = USER) -> Draft:
    """The draft for ``body``; the words come from the same seeded rng, as the engine's do."""
    rng = random.Random(seed)

    def words(count: int) -> str:
        return " ".join(rng.choice(VOCAB) for _ in range(count)).capitalize() + "."

    return draft(body, user_text, rng, words)


def body(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def texts(result: Draft) -> list[str]:
    return [b["text"] for b in result.content if b["type"] == "text"]


def test_a_plain_request_gets_one_text_block_and_end_turn() -> None:
    result = run(BASE)
    assert [b["type"] for b in result.content] == ["text"]
    assert result.content[0]["text"].strip()
    assert (result.stop_reason, result.stop_sequence) == ("end_turn", None)


@pytest.mark.parametrize("max_tokens", [1, 3, 8])
def test_max_tokens_cuts_the_text(max_tokens: int) -> None:
    result = run(body(max_tokens=max_tokens))
    assert result.stop_reason == "max_tokens"
    assert result.stop_sequence is None
    assert sum(tokens.block_tokens(b) for b in result.content) <= max_tokens
    assert all(text != "" for text in texts(result))  # never an empty text block
    assert texts(result)
    assert run(BASE).content[0]["text"].startswith(texts(result)[0])


@pytest.mark.parametrize("max_tokens", [8, 16])
def test_max_tokens_bounds_thinking_too(max_tokens: int) -> None:
    """Thinking counts toward max_tokens (budget_tokens < max_tokens, WIRE.md §2.1)."""
    result = run(body(max_tokens=max_tokens, thinking={"type": "adaptive"}))
    assert result.stop_reason == "max_tokens"
    assert sum(tokens.block_tokens(b) for b in result.content) <= max_tokens


@pytest.mark.parametrize(
    "stops",
    [["STOP"], ["\n\nHuman:"], ["###", "END"], ["", "END"]],
)
def test_a_stop_sequence_ends_the_turn_before_it(stops: list[str]) -> None:
    result = run(body(stop_sequences=stops))
    assert result.stop_reason == "stop_sequence"
    assert result.stop_sequence in [s for s in stops if s]
    (text,) = texts(result)
    assert all(s not in text for s in stops if s)


def test_no_stop_sequences_is_end_turn() -> None:
    result = run(body(stop_sequences=[]))
    assert (result.stop_reason, result.stop_sequence) == ("end_turn", None)


@pytest.mark.parametrize(
    ("tools", "choice", "called"),
    [
        pytest.param([WEATHER, SEARCH], {"type": "any"}, "get_weather", id="any-first"),
        pytest.param([WEATHER, SEARCH], {"type": "tool", "name": "search"}, "search", id="tool"),
        pytest.param(
            [EMPTY], {"type": "any", "disable_parallel_tool_use": True}, "ping", id="no-properties"
        ),
    ],
)
def test_a_forced_tool_is_called_with_valid_input(
    tools: list[dict[str, Any]], choice: dict[str, Any], called: str
) -> None:
    result = run(body(tools=tools, tool_choice=choice))
    assert result.stop_reason == "tool_use"
    (call,) = [b for b in result.content if b["type"] == "tool_use"]
    assert call["name"] == called
    schema = next(t["input_schema"] for t in tools if t["name"] == called)
    assert isinstance(call["input"], dict)
    Draft202012Validator(schema).validate(call["input"])


@pytest.mark.parametrize("seed", range(8))
def test_tool_input_is_valid_for_any_seed(seed: int) -> None:
    result = run(body(tools=[SEARCH], tool_choice={"type": "any"}), seed=seed)
    Draft202012Validator(SEARCH["input_schema"]).validate(result.content[-1]["input"])


@pytest.mark.parametrize(
    ("choice", "user_text", "called"),
    [
        pytest.param({"type": "none"}, "get_weather in Paris", None, id="none"),
        pytest.param({"type": "auto"}, "What is the weather?", None, id="auto-not-mentioned"),
        pytest.param({"type": "auto"}, "Call GET_WEATHER please", "get_weather", id="auto-named"),
        pytest.param(None, "use search", "search", id="default-is-auto"),
        pytest.param({"type": "tool", "name": "missing"}, "hi", None, id="unknown-tool"),
    ],
)
def test_choose_tool(choice: dict[str, Any] | None, user_text: str, called: str | None) -> None:
    request = body(tools=[WEATHER, SEARCH], tool_choice=choice)
    chosen = choose_tool(request, user_text)
    assert (chosen["name"] if chosen else None) == called


def test_auto_never_calls_again_right_after_a_tool_result() -> None:
    messages = [
        {"role": "user", "content": "get_weather in Paris"},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1"}]},
    ]
    result = run(body(tools=[WEATHER], messages=messages), user_text="get_weather in Paris")
    assert result.stop_reason == "end_turn"
    assert [b["type"] for b in result.content] == ["text"]


@pytest.mark.parametrize(
    "thinking",
    [
        {"type": "enabled", "budget_tokens": 1024},
        {"type": "enabled", "budget_tokens": 16_000},
        {"type": "adaptive"},
    ],
)
def test_thinking_comes_first_with_a_signature(thinking: dict[str, Any]) -> None:
    result = run(body(max_tokens=32_000, thinking=thinking))
    first, *rest = result.content
    assert first["type"] == "thinking"
    assert first["thinking"].strip()
    assert isinstance(first["signature"], str)
    assert first["signature"]
    assert [b["type"] for b in rest] == ["text"]
    assert result.stop_reason == "end_turn"


def test_thinking_then_a_tool_call() -> None:
    result = run(
        body(
            thinking={"type": "enabled", "budget_tokens": 1024},
            tools=[WEATHER],
            tool_choice={"type": "auto"},
        ),
        user_text="get_weather for Oslo",
    )
    assert [b["type"] for b in result.content] == ["thinking", "tool_use"]
    assert result.stop_reason == "tool_use"


@pytest.mark.parametrize("thinking", [None, {"type": "disabled"}])
def test_no_thinking_block_unless_asked(thinking: dict[str, Any] | None) -> None:
    assert all(b["type"] != "thinking" for b in run(body(thinking=thinking)).content)


FORMATS = [
    {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["name", "tags", "score"],
        "additionalProperties": False,
    },
    {
        "type": "object",
        "properties": {"answer": {"enum": ["yes", "no"]}, "why": {"type": ["string", "null"]}},
        "required": ["answer", "why"],
        "additionalProperties": False,
    },
    {"type": "array", "items": {"type": "integer"}, "minItems": 1},
]


@pytest.mark.parametrize("schema", FORMATS)
@pytest.mark.parametrize("where", ["output_config", "output_format"])
def test_structured_output_is_json_valid_against_the_schema(
    schema: dict[str, Any], where: str
) -> None:
    fmt = {"type": "json_schema", "schema": schema}
    request = (
        body(output_config={"format": fmt}) if where == "output_config" else body(output_format=fmt)
    )
    result = run(request)
    assert result.stop_reason == "end_turn"
    (text,) = texts(result)
    Draft202012Validator(schema).validate(json.loads(text))


def test_structured_output_is_not_broken_by_a_stop_sequence() -> None:
    fmt = {"type": "json_schema", "schema": FORMATS[0]}
    result = run(body(output_config={"format": fmt}, stop_sequences=["STOP"]))
    Draft202012Validator(FORMATS[0]).validate(json.loads(texts(result)[0]))


SEEDED = [
    pytest.param(BASE, id="text"),
    pytest.param(body(tools=[SEARCH], tool_choice={"type": "any"}), id="tool"),
    pytest.param(
        body(output_config={"format": {"type": "json_schema", "schema": FORMATS[0]}}), id="json"
    ),
    pytest.param(body(thinking={"type": "enabled", "budget_tokens": 2048}), id="thinking"),
]


@pytest.mark.parametrize("request_body", SEEDED)
def test_the_same_seed_gives_the_same_draft(request_body: dict[str, Any]) -> None:
    assert run(request_body, seed=7) == run(request_body, seed=7)


@pytest.mark.parametrize("request_body", SEEDED)
def test_another_seed_gives_another_draft(request_body: dict[str, Any]) -> None:
    drafts = {json.dumps(run(request_body, seed=seed).content) for seed in range(4)}
    assert len(drafts) > 1


def test_the_request_is_left_alone() -> None:
    request = body(tools=[WEATHER], tool_choice={"type": "any"}, stop_sequences=["x"])
    before = json.dumps(request, sort_keys=True)
    run(request)
    assert json.dumps(request, sort_keys=True) == before
