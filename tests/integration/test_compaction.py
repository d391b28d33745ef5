"""Compaction through the real SDK (strict): threshold compaction (``compact_20260112``),
on-demand compaction (top-level ``compaction``), the tool runner's compaction cycle, and every
``compaction_*`` error code with the SDK class it raises. In-process and over the server."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import anthropic.types as errors
import pytest
from anthropic import beta_tool

import claude_fake
from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
THRESHOLD = ["compact-2026-01-12"]
ON_DEMAND = ["compact-2026-09-04"]
TRIGGER = 1_000
LONG = "Tell me about the history of the harbour and its lighthouses. " * 80  # ~1,200 tokens


def edit(**options: Any) -> dict[str, Any]:
    """A context_management with the compaction edit at a small trigger."""
    compact = {"type": "compact_20260112", "trigger": {"type": "input_tokens", "value": TRIGGER}}
    return {"edits": [{**compact, **options}]}


def ask(client: anthropic.Anthropic, messages: list[Any], **params: Any) -> Any:
    """A beta create with the threshold edit (unless params replace it)."""
    params.setdefault("betas", THRESHOLD)
    params.setdefault("context_management", edit())
    return client.beta.messages.create(model=MODEL, max_tokens=256, messages=messages, **params)


def test_past_the_trigger_the_answer_starts_with_a_compaction_block(
    client: anthropic.Anthropic,
) -> None:
    first = ask(client, [{"role": "user", "content": LONG}])
    assert [b.type for b in first.content] == ["compaction", "text"]
    assert first.stop_reason == "end_turn"
    block = first.content[0]
    assert block.content
    assert block.encrypted_content
    assert block.signature
    kinds = [i.type for i in first.usage.iterations or []]
    assert kinds == ["compaction", "message"]
    compaction, message = first.usage.iterations  # type: ignore[misc]
    assert compaction.input_tokens > TRIGGER
    assert first.usage.input_tokens == message.input_tokens < compaction.input_tokens
    assert first.usage.output_tokens == message.output_tokens


def test_sending_the_block_back_shrinks_the_next_input(client: anthropic.Anthropic) -> None:
    history: list[Any] = [{"role": "user", "content": LONG}]
    first = ask(client, history)
    history += [first.to_param(), {"role": "user", "content": "And the lighthouse keepers?"}]
    counted = client.beta.messages.count_tokens(
        model=MODEL, messages=history, betas=THRESHOLD, context_management=edit()
    )
    second = ask(client, history)
    assert second.content[0].type == "text"  # under the trigger again: no new compaction
    assert second.usage.input_tokens == counted.input_tokens
    assert second.usage.input_tokens < first.usage.iterations[0].input_tokens  # type: ignore[index]
    assert counted.context_management is not None
    assert counted.context_management.original_input_tokens > counted.input_tokens


async def test_a_stream_carries_the_block_in_one_compaction_delta(
    aclient: anthropic.AsyncAnthropic,
) -> None:
    events: list[Any] = []
    async with aclient.beta.messages.stream(
        model=MODEL,
        max_tokens=256,
        messages=[{"role": "user", "content": LONG}],
        betas=THRESHOLD,
        context_management=edit(),
    ) as stream:
        async for event in stream:
            events.append(event)
        final = await stream.get_final_message()
    start = next(e for e in events if e.type == "content_block_start")
    assert start.content_block.type == "compaction"
    assert start.content_block.content is None
    assert start.content_block.encrypted_content is None
    deltas = [e for e in events if e.type == "content_block_delta" and e.index == 0]
    assert [d.delta.type for d in deltas] == ["compaction_delta"]
    assert final.content[0].content == deltas[0].delta.content
    assert final.content[0].signature  # travels in the start event
    assert [i.type for i in final.usage.iterations or []] == ["compaction", "message"]


def test_pause_after_compaction_stops_and_keeps_the_scripted_reply(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    fake.reply("The keepers lived in the tower.")
    history: list[Any] = [{"role": "user", "content": LONG}]
    paused = ask(client, history, context_management=edit(pause_after_compaction=True))
    assert paused.stop_reason == "compaction"
    assert [b.type for b in paused.content] == ["compaction"]
    assert [i.type for i in paused.usage.iterations or []] == ["compaction"]
    history.append(paused.to_param())
    resumed = ask(client, history, context_management=edit(pause_after_compaction=True))
    assert resumed.content[0].text == "The keepers lived in the tower."
    assert fake.unused() == []


def test_a_scripted_reply_with_its_own_block_is_served_as_scripted(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    fake.reply(claude_fake.compaction("my summary"), "next answer")
    answer = ask(client, [{"role": "user", "content": LONG}])
    assert [b.type for b in answer.content] == ["compaction", "text"]
    assert answer.content[0].content == "my summary"


def test_on_demand_compaction_answers_only_the_signed_block(client: anthropic.Anthropic) -> None:
    tools = [{"name": "lookup", "input_schema": {"type": "object"}}]
    history = [
        {"role": "user", "content": "Find the harbour records."},
        {"role": "assistant", "content": "Looking."},
        {
            "role": "user",
            "content": [
                {"type": "tool_addition", "tool": {"type": "tool_reference", "name": "lookup"}},
                {"type": "text", "text": "Use lookup."},
            ],
        },
    ]
    tools_later = [{**tools[0], "defer_loading": True}]
    answer = client.beta.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=history,
        tools=tools_later,
        betas=ON_DEMAND,
        compaction={"type": "summarize", "instructions": "Keep the record ids."},
    )
    assert answer.stop_reason == "compaction"
    (block,) = answer.content
    assert block.type == "compaction"
    assert block.signature
    assert "Keep the record ids." in (block.content or "")
    assert [c.type for c in block.tool_changes or []] == ["tool_addition"]
    assert [i.type for i in answer.usage.iterations or []] == ["compaction"]
    follow = client.beta.messages.create(
        model=MODEL,
        max_tokens=256,
        betas=ON_DEMAND,
        tools=tools_later,
        messages=[answer.to_param(), {"role": "user", "content": "Go on."}],
    )
    assert follow.stop_reason == "end_turn"


def test_blocks_verify_across_engines_of_the_same_seed(client: anthropic.Anthropic) -> None:
    issued = (
        client.beta.messages.create(
            model=MODEL,
            max_tokens=64,
            betas=ON_DEMAND,
            compaction={"type": "summarize"},
            messages=[{"role": "user", "content": "Summarise me."}],
        )
        .content[0]
        .to_dict()
    )
    follow = [{"role": "assistant", "content": [issued]}, {"role": "user", "content": "Next."}]
    params = {"model": MODEL, "max_tokens": 64, "messages": follow, "betas": ON_DEMAND}
    same_seed = FakeClaude(seed=0).client(_strict_response_validation=True)
    assert same_seed.beta.messages.create(**params).stop_reason == "end_turn"
    with pytest.raises(errors.CompactionSignatureInvalidError):
        FakeClaude(seed=1).client(max_retries=0).beta.messages.create(**params)


def _issued(client: anthropic.Anthropic) -> dict[str, Any]:
    tools = [{"name": "lookup", "input_schema": {"type": "object"}}]
    return (
        client.beta.messages.create(
            model=MODEL,
            max_tokens=64,
            betas=ON_DEMAND,
            compaction={"type": "summarize"},
            tools=tools,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_removal",
                            "tool": {"type": "tool_reference", "name": "lookup"},
                        },
                        {"type": "text", "text": "Summarise me."},
                    ],
                }
            ],
        )
        .content[0]
        .to_dict()
    )


USER = {"role": "user", "content": "Hello there."}
CASES: dict[str, tuple[type[anthropic.BadRequestError], Any]] = {
    "compaction_block_misplaced": (
        errors.CompactionBlockMisplacedError,
        lambda b: {"messages": [USER, {"role": "assistant", "content": [b]}, USER]},
    ),
    "compaction_block_ambiguous": (
        errors.CompactionBlockAmbiguousError,
        lambda b: {
            "messages": [
                {"role": "assistant", "content": [b]},
                USER,
                {"role": "assistant", "content": [b]},
                USER,
            ]
        },
    ),
    "compaction_signature_invalid": (
        errors.CompactionSignatureInvalidError,
        lambda b: {
            "messages": [
                {"role": "assistant", "content": [{**b, "signature": "EjA" + "A" * 69}]},
                USER,
            ]
        },
    ),
    "compaction_content_mismatch": (
        errors.CompactionContentMismatchError,
        lambda b: {
            "messages": [{"role": "assistant", "content": [{**b, "content": "edited"}]}, USER]
        },
    ),
    "compaction_tool_changes_mismatch": (
        errors.CompactionToolChangesMismatchError,
        lambda b: {
            "messages": [{"role": "assistant", "content": [{**b, "tool_changes": []}]}, USER]
        },
    ),
    "compaction_nothing_to_summarize": (
        errors.CompactionNothingToSummarizeError,
        lambda b: {
            "compaction": {"type": "summarize"},
            "messages": [
                {"role": "assistant", "content": [{"type": "compaction", "content": None}]}
            ],
        },
    ),
    "compaction_incomplete_turn": (
        errors.CompactionIncompleteTurnError,
        lambda b: {
            "compaction": {"type": "summarize"},
            "messages": [
                USER,
                {
                    "role": "assistant",
                    "content": [
                        {"type": "tool_use", "id": "toolu_01A", "name": "lookup", "input": {}},
                    ],
                },
            ],
        },
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_error_code_raises_its_sdk_class(
    fake: FakeClaude, client: anthropic.Anthropic, code: str
) -> None:
    error_class, build = CASES[code]
    block = _issued(client)
    params = {"model": MODEL, "max_tokens": 64, "betas": ON_DEMAND, **build(block)}
    params["tools"] = [{"name": "lookup", "input_schema": {"type": "object"}}]
    with pytest.raises(error_class) as caught:
        client.with_options(max_retries=0).beta.messages.create(**params)
    assert caught.value.status_code == 400
    assert caught.value.error_code == code
    assert caught.value.body["error"]["message"]  # type: ignore[index]


def test_a_refused_request_does_not_use_up_the_scripted_reply(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    fake.reply("kept for later")
    bad = [
        {
            "role": "assistant",
            "content": [{"type": "compaction", "content": "x", "signature": "bad"}],
        }
    ]
    with pytest.raises(errors.CompactionSignatureInvalidError):
        client.with_options(max_retries=0).beta.messages.create(
            model=MODEL, max_tokens=64, betas=ON_DEMAND, messages=[*bad, USER]
        )
    answer = client.messages.create(model=MODEL, max_tokens=64, messages=[USER])
    assert answer.content[0].text == "kept for later"  # type: ignore[union-attr]


@beta_tool
def harbour_log(day: str) -> str:
    """The harbour master's log for a day."""
    return json.dumps({"day": day, "ships": 3})


def test_the_tool_runner_completes_a_compaction_cycle(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    runner = client.beta.messages.tool_runner(
        model=MODEL,
        max_tokens=256,
        tools=[harbour_log],
        betas=ON_DEMAND,
        thread=False,
        messages=[{"role": "user", "content": "Read the harbour_log for Monday."}],
    )
    seen = []
    for message in runner:
        seen.append(message.stop_reason)
        if len(seen) == 1:
            runner.compact_before_next_turn()
    assert seen == ["tool_use", "compaction", "end_turn"]
    bodies = [r.body for r in fake.requests]
    assert bodies[1]["compaction"] == {"type": "summarize"}
    assert bodies[2]["messages"][0]["content"][0]["type"] == "compaction"
    assert len(bodies[2]["messages"]) == 1


async def test_the_async_tool_runner_completes_a_compaction_cycle(
    fake: FakeClaude, aclient: anthropic.AsyncAnthropic
) -> None:
    @anthropic.beta_async_tool
    async def tide(port: str) -> str:
        """High tide at a port."""
        return "06:12"

    runner = aclient.beta.messages.tool_runner(
        model=MODEL,
        max_tokens=256,
        tools=[tide],
        betas=ON_DEMAND,
        thread=False,
        messages=[{"role": "user", "content": "When is the tide at Dover?"}],
    )
    seen = []
    async for message in runner:
        seen.append(message.stop_reason)
        if len(seen) == 1:
            runner.compact_before_next_turn()
    assert seen == ["tool_use", "compaction", "end_turn"]
