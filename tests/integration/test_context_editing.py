"""Context editing through the real SDK (strict): the clear edits shrink what is counted, the
Message (and a stream's ``message_delta``) reports ``applied_edits``, and ``count_tokens``
reports ``original_input_tokens``. In-process and over the server."""

from __future__ import annotations

from typing import Any

import anthropic

from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
BETAS = ["context-management-2025-06-27"]
TOOLS = [{"name": "read_file", "input_schema": {"type": "object"}}]
FILE = "line of a long file that the tool returned " * 60  # ~650 tokens


def tool_history(calls: int) -> list[dict[str, Any]]:
    """A conversation of ``calls`` read_file calls, each answered with a long result."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Read the files."}]
    for n in range(calls):
        call = {"type": "tool_use", "id": f"toolu_0{n}", "name": "read_file", "input": {"n": n}}
        result = {"type": "tool_result", "tool_use_id": f"toolu_0{n}", "content": FILE}
        messages += [
            {"role": "assistant", "content": [call]},
            {"role": "user", "content": [result]},
        ]
    return messages


def clear_tool_uses(**options: Any) -> dict[str, Any]:
    """A context_management clearing tool uses past a small trigger, keeping one."""
    base = {
        "type": "clear_tool_uses_20250919",
        "trigger": {"type": "input_tokens", "value": 1_000},
        "keep": {"type": "tool_uses", "value": 1},
    }
    return {"edits": [{**base, **options}]}


def params(messages: list[Any], management: dict[str, Any]) -> dict[str, Any]:
    """Beta create / count_tokens params with context editing."""
    return {
        "model": MODEL,
        "messages": messages,
        "tools": TOOLS,
        "betas": BETAS,
        "context_management": management,
    }


def test_clearing_tool_results_is_reported_and_shrinks_the_input(
    client: anthropic.Anthropic,
) -> None:
    history = tool_history(4)
    counted = client.beta.messages.count_tokens(**params(history, clear_tool_uses()))
    answer = client.beta.messages.create(max_tokens=64, **params(history, clear_tool_uses()))
    assert answer.context_management is not None
    (applied,) = answer.context_management.applied_edits
    assert applied.type == "clear_tool_uses_20250919"
    assert applied.cleared_tool_uses == 3
    assert applied.cleared_input_tokens > 1_000
    assert answer.usage.input_tokens == counted.input_tokens
    assert counted.context_management is not None
    original = counted.context_management.original_input_tokens
    assert original - counted.input_tokens == applied.cleared_input_tokens


def test_a_stream_reports_the_edits_on_message_delta(client: anthropic.Anthropic) -> None:
    deltas = []
    with client.beta.messages.stream(
        max_tokens=64, **params(tool_history(3), clear_tool_uses(clear_tool_inputs=True))
    ) as stream:
        for event in stream:
            if event.type == "message_delta":
                deltas.append(event)
        final = stream.get_final_message()
    assert deltas[-1].context_management is not None
    (applied,) = deltas[-1].context_management.applied_edits
    assert applied.cleared_tool_uses == 2
    assert final.context_management == deltas[-1].context_management


def test_under_the_trigger_nothing_is_cleared(client: anthropic.Anthropic) -> None:
    management = clear_tool_uses(trigger={"type": "input_tokens", "value": 100_000})
    answer = client.beta.messages.create(max_tokens=64, **params(tool_history(4), management))
    assert answer.context_management is not None
    assert answer.context_management.applied_edits == []


def test_clear_at_least_holds_back_a_small_clearing(client: anthropic.Anthropic) -> None:
    management = clear_tool_uses(clear_at_least={"type": "input_tokens", "value": 50_000})
    answer = client.beta.messages.create(max_tokens=64, **params(tool_history(4), management))
    assert answer.context_management is not None
    assert answer.context_management.applied_edits == []


def test_excluded_tools_are_never_cleared(client: anthropic.Anthropic) -> None:
    management = clear_tool_uses(exclude_tools=["read_file"])
    answer = client.beta.messages.create(max_tokens=64, **params(tool_history(4), management))
    assert answer.context_management is not None
    assert answer.context_management.applied_edits == []


async def test_thinking_of_older_turns_is_cleared(
    fake: FakeClaude, aclient: anthropic.AsyncAnthropic
) -> None:
    thought = {"type": "thinking", "thinking": "Let me think about it. " * 40, "signature": "sig"}
    messages: list[Any] = []
    for n in range(3):
        messages += [
            {"role": "user", "content": f"Question {n}?"},
            {"role": "assistant", "content": [thought, {"type": "text", "text": f"Answer {n}."}]},
        ]
    messages.append({"role": "user", "content": "Last question?"})
    management = {
        "edits": [
            {"type": "clear_thinking_20251015", "keep": {"type": "thinking_turns", "value": 1}}
        ]
    }
    answer = await aclient.beta.messages.create(
        model=MODEL, max_tokens=64, messages=messages, betas=BETAS, context_management=management
    )
    assert answer.context_management is not None
    (applied,) = answer.context_management.applied_edits
    assert applied.type == "clear_thinking_20251015"
    assert applied.cleared_thinking_turns == 2
    counted = await aclient.beta.messages.count_tokens(
        model=MODEL, messages=messages, betas=BETAS, context_management=management
    )
    assert counted.context_management is not None
    assert counted.context_management.original_input_tokens - counted.input_tokens == (
        applied.cleared_input_tokens
    )
    keep_all = {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]}
    kept = await aclient.beta.messages.create(
        model=MODEL, max_tokens=64, messages=messages, betas=BETAS, context_management=keep_all
    )
    assert kept.context_management is not None
    assert kept.context_management.applied_edits == []
