"""validation.rules: each API rule a JSON Schema cannot say, one rejected and one accepted body,
with the path and the message the API answers (WIRE.md §2.5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from claude_fake.validation import rules

MODEL = "claude-sonnet-4-6"
BASE: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 2048,
    "messages": [{"role": "user", "content": "Hello"}],
}
DOCUMENT = {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "d"}}
CITATION = {
    "type": "char_location",
    "cited_text": "x",
    "document_index": 0,
    "document_title": None,
    "start_char_index": 0,
    "end_char_index": 1,
}
EPHEMERAL = {"type": "ephemeral"}


def body(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


def text(value: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, **extra}


def cited(value: str = "hi") -> dict[str, Any]:
    return text(value, citations=[CITATION])


def search_result(*texts: Any) -> dict[str, Any]:
    return {"type": "search_result", "source": "s", "title": "t", "content": list(texts)}


def marked(count: int) -> list[dict[str, Any]]:
    """``count`` system text blocks, each a cache_control breakpoint."""
    return [text(f"part {n}", cache_control=EPHEMERAL) for n in range(count)]


def batch(*custom_ids: str) -> dict[str, Any]:
    return {"requests": [{"custom_id": c, "params": BASE} for c in custom_ids]}


Rule = Callable[[Any], "rules.Problem | None"]

# rule, a body it rejects, the path it names, words the message holds
REJECTED: list[tuple[str, Rule, Any, rules.Path, str]] = [
    (
        "budget-below-1024",
        rules.thinking_budget,
        body(thinking={"type": "enabled", "budget_tokens": 1023}),
        ("thinking", "enabled", "budget_tokens"),
        "Input should be greater than or equal to 1024",
    ),
    (
        "budget-equal-to-max-tokens",
        rules.thinking_budget,
        body(max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 2048}),
        (),
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our "
        "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
        "#max-tokens-and-context-window-size",
    ),
    (
        "compaction-and-context-management",
        rules.compaction_with_context_management,
        body(compaction={"type": "summarize"}, context_management={"edits": []}),
        ("compaction",),
        "Cannot be combined with `context_management`",
    ),
    (
        "document-in-assistant",
        rules.assistant_documents,
        body(messages=[BASE["messages"][0], {"role": "assistant", "content": [text(), DOCUMENT]}]),
        ("messages", 1, "content", 1),
        "`document` blocks are not allowed in `assistant` messages",
    ),
    (
        "citations-on-user-text",
        rules.user_citations,
        body(messages=[{"role": "user", "content": [text(), cited()]}]),
        ("messages", 0, "content", 1, "citations"),
        "`citations` are not allowed on `user` text blocks",
    ),
    (
        "citations-in-user-search-result",
        rules.user_citations,
        body(messages=[{"role": "user", "content": [search_result(text(), cited())]}]),
        ("messages", 0, "content", 0, "content", 1, "citations"),
        "only assistant text blocks may carry citations",
    ),
    (
        "citations-in-tool-result-search-result",
        rules.user_citations,
        body(
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_1",
                            "content": [search_result(cited())],
                        }
                    ],
                }
            ]
        ),
        ("messages", 0, "content", 0, "content", 0, "content", 0, "citations"),
        "`citations` are not allowed",
    ),
    (
        "batch-over-100000",
        rules.batch_size,
        {"requests": [{}] * 100_001},
        ("requests",),
        "List should have at most 100000 items after validation, not 100001",
    ),
    (
        "duplicate-custom-id",
        rules.unique_custom_ids,
        batch("a", "b", "a"),
        ("requests", 2, "custom_id"),
        "Duplicate custom_id 'a' (also used by requests.0)",
    ),
    (
        "five-breakpoints",
        rules.cache_breakpoints,
        body(system=marked(5)),
        (),
        "A maximum of 4 blocks with cache_control may be provided. Found 5.",
    ),
    (
        "breakpoints-across-tools-system-messages",
        rules.cache_breakpoints,
        body(
            tools=[{"name": "t", "input_schema": {"type": "object"}, "cache_control": EPHEMERAL}],
            system=marked(2),
            messages=[{"role": "user", "content": marked(2)}],
        ),
        (),
        "Found 5.",
    ),
]


@pytest.mark.parametrize(
    ("rule", "payload", "path", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in REJECTED],
)
def test_a_rule_rejects(rule: Rule, payload: Any, path: rules.Path, words: str) -> None:
    problem = rule(payload)
    assert problem is not None
    assert problem[0] == path
    assert words in problem[1]


# rule, a body it lets through
ACCEPTED: list[tuple[str, Rule, Any]] = [
    (
        "budget-1024",
        rules.thinking_budget,
        body(thinking={"type": "enabled", "budget_tokens": 1024}),
    ),
    ("thinking-disabled", rules.thinking_budget, body(thinking={"type": "disabled"})),
    ("thinking-adaptive", rules.thinking_budget, body(thinking={"type": "adaptive"})),
    ("compaction-alone", rules.compaction_with_context_management, body(compaction={})),
    (
        "context-management-alone",
        rules.compaction_with_context_management,
        body(context_management={"edits": []}),
    ),
    (
        "document-in-user",
        rules.assistant_documents,
        body(messages=[{"role": "user", "content": [DOCUMENT]}]),
    ),
    (
        "citations-on-assistant-text",
        rules.user_citations,
        body(messages=[BASE["messages"][0], {"role": "assistant", "content": [cited()]}]),
    ),
    (
        "empty-citations-on-user-text",
        rules.user_citations,
        body(messages=[{"role": "user", "content": [text(citations=[])]}]),
    ),
    ("batch-of-100000", rules.batch_size, {"requests": [{}] * 100_000}),
    ("unique-custom-ids", rules.unique_custom_ids, batch("a", "b", "c")),
    ("four-breakpoints", rules.cache_breakpoints, body(system=marked(4))),
    (
        "null-cache-control-is-no-breakpoint",
        rules.cache_breakpoints,
        body(system=[*marked(4), text(cache_control=None)]),
    ),
]


@pytest.mark.parametrize(("rule", "payload"), [pytest.param(*c[1:], id=c[0]) for c in ACCEPTED])
def test_a_rule_accepts(rule: Rule, payload: Any) -> None:
    assert rule(payload) is None


@pytest.mark.parametrize(
    ("version", "new"),
    [
        ("2026-10-21", True),
        ("2027-01-01", True),
        ("2023-06-01", False),
        ("2026-10-20", False),
        (None, False),
        ("latest", False),
    ],
)
def test_the_new_api_version(version: str | None, new: bool) -> None:
    assert rules.is_new_api_version(version) is new


NEW_ONLY = body(messages=[BASE["messages"][0], {"role": "assistant", "content": [DOCUMENT]}])
COMPACTION_AND_CM = body(compaction={"type": "summarize"}, context_management={"edits": []})


@pytest.mark.parametrize(
    ("payload", "endpoint", "new_version", "path"),
    [
        pytest.param(NEW_ONLY, "messages", True, ("messages", 1, "content", 0), id="new-version"),
        pytest.param(NEW_ONLY, "messages", False, None, id="old-version-allows-documents"),
        pytest.param(COMPACTION_AND_CM, "messages", False, ("compaction",), id="messages-only"),
        pytest.param(COMPACTION_AND_CM, "count_tokens", False, None, id="count-tokens-ignores"),
        pytest.param(body(system=marked(5)), "count_tokens", False, (), id="breakpoints-always"),
    ],
)
def test_check_params_runs_the_rules_of_the_endpoint_and_version(
    payload: dict[str, Any], endpoint: str, new_version: bool, path: rules.Path | None
) -> None:
    problem = rules.check_params(payload, endpoint=endpoint, new_version=new_version)
    assert (problem[0] if problem else None) == path


def test_the_first_problem_wins() -> None:
    both = body(thinking={"type": "enabled", "budget_tokens": 10}, system=marked(5), messages=[])
    problem = rules.check_params(both, endpoint="messages", new_version=True)
    assert problem == (
        ("thinking", "enabled", "budget_tokens"),
        "Input should be greater than or equal to 1024",
    )
