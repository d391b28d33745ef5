"""Properties: validate_body never raises; it answers 400 for every body the API's JSON Schema
rejects (strict), every non-object (lenient), and nothing when off; fastcheck agrees with
jsonschema."""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude_fake.config import ValidateMode
from claude_fake.validation import validate

ENDPOINTS = ("messages", "count_tokens", "batches")
MODES = tuple(ValidateMode)
VERSIONS = (None, "2023-06-01", "2026-10-21", "garbage")
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = st.sampled_from(
    [
        "text",
        "image",
        "document",
        "tool_use",
        "tool_result",
        "thinking",
        "custom",
        "enabled",
        "user",
        "assistant",
        "system",
        "ephemeral",
        "bash_20250124",
        "web_search_20250305",
        "x",
    ]
)
SCALARS: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    TAGS,
    st.text(max_size=8),
)
KEYS = st.sampled_from(
    [
        "type",
        "role",
        "content",
        "text",
        "name",
        "input_schema",
        "source",
        "model",
        "max_tokens",
        "messages",
        "tools",
        "thinking",
        "budget_tokens",
        "citations",
        "requests",
        "custom_id",
        "params",
        "temperature",
        "compaction",
        "context_management",
        "cache_control",
        "id",
    ]
) | st.text(max_size=5)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)

SEED_MESSAGES: dict[str, Any] = {
    "model": "claude-opus-4-8",
    "max_tokens": 4096,
    "system": [{"type": "text", "text": "sys", "cache_control": {"type": "ephemeral"}}],
    "thinking": {"type": "enabled", "budget_tokens": 1024},
    "temperature": 0.5,
    "tools": [
        {"name": "get_weather", "input_schema": {"type": "object", "properties": {}}},
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
    ],
    "messages": [
        {"role": "user", "content": [{"type": "text", "text": "hi", "citations": []}]},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "t", "signature": "s"},
                {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}],
        },
    ],
}
SEEDS = {
    "messages": SEED_MESSAGES,
    "count_tokens": {k: v for k, v in SEED_MESSAGES.items() if k != "max_tokens"},
    "batches": {"requests": [{"custom_id": "a", "params": SEED_MESSAGES}]},
}


def paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (the root is ())."""
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*here, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, endpoint: str) -> Any:
    """A seed body with a few random edits: replace, delete or add somewhere inside."""
    document: Any = copy.deepcopy(SEEDS[endpoint])
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(document)))
        if not where:
            document = draw(JSON) if draw(st.booleans()) else document
            continue
        parent = document
        for step in where[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[where[-1]] = draw(JSON)
        elif action == "delete":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(JSON)
        else:
            parent.insert(where[-1], draw(JSON))
    return document


@functools.cache
def plain_validator(endpoint: str, beta: bool) -> Any:
    """jsonschema's own validator of the schema file, without the fake's fast check or wording."""
    name = f"{endpoint}_beta.json" if beta else f"{endpoint}.json"
    text = (resources.files(validate.__package__) / "schemas" / name).read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def assert_answer(
    found: validate.Violation | None,
    *,
    endpoint: Any,
    payload: Any,
    mode: ValidateMode,
    betas: tuple[str, ...],
) -> None:
    """The answer is right for the mode, judged by jsonschema; a rejection is a worded 400.

    The schema file without the sampling parameters (API 2026-10-21) is stricter still, so a body
    the file rejects is rejected on every version.
    """
    if mode is ValidateMode.OFF:
        assert found is None
        return
    if not isinstance(payload, dict):
        assert found is not None, "a body that is not a JSON object must be refused"
    if mode is ValidateMode.STRICT and not plain_validator(endpoint, bool(betas)).is_valid(payload):
        assert found is not None, "the schema rejects this body, so must the fake"
    if found is not None:
        assert (found.status, found.error_type) == (400, "invalid_request_error")
        assert found.message


@SETTINGS
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    payload=JSON,
    mode=st.sampled_from(MODES),
    version=st.sampled_from(VERSIONS),
    beta=st.booleans(),
)
def test_random_bodies_get_the_schemas_verdict(
    endpoint: Any, payload: Any, mode: ValidateMode, version: str | None, beta: bool
) -> None:
    betas = ("x",) if beta else ()
    assert_answer(
        validate.validate_body(endpoint, payload, api_version=version, betas=betas, mode=mode),
        endpoint=endpoint,
        payload=payload,
        mode=mode,
        betas=betas,
    )


@SETTINGS
@given(data=st.data(), endpoint=st.sampled_from(ENDPOINTS), mode=st.sampled_from(MODES))
def test_mutated_bodies_get_the_schemas_verdict(
    data: st.DataObject, endpoint: Any, mode: ValidateMode
) -> None:
    payload = data.draw(mutated(endpoint))
    version = data.draw(st.sampled_from(VERSIONS))
    betas = data.draw(st.sampled_from([(), ("compact-2026-09-04",)]))
    assert_answer(
        validate.validate_body(endpoint, payload, api_version=version, betas=betas, mode=mode),
        endpoint=endpoint,
        payload=payload,
        mode=mode,
        betas=betas,
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_seeds_are_valid(endpoint: Any) -> None:
    found = validate.validate_body(
        endpoint, SEEDS[endpoint], api_version="2023-06-01", betas=(), mode=ValidateMode.STRICT
    )
    assert found is None


@SETTINGS
@given(
    data=st.data(),
    endpoint=st.sampled_from(ENDPOINTS),
    beta=st.booleans(),
    new_version=st.booleans(),
)
def test_fastcheck_agrees_with_jsonschema(
    data: st.DataObject, endpoint: Any, beta: bool, new_version: bool
) -> None:
    payload = data.draw(mutated(endpoint) | JSON)
    fast = validate._fast_check(endpoint, beta, new_version)(payload)
    slow = validate._validator(endpoint, beta, new_version).is_valid(payload)
    assert fast == slow
