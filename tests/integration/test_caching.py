"""Prompt caching through the real SDK (strict): breakpoints write and read prefixes on the
engine clock, usage splits the input as the API does, and diagnostics explain cache misses.
In-process and over the server."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"  # caches prefixes of 1,024 tokens and more
SYSTEM_TEXT = "You are a careful maritime historian. " * 150  # ~1,400 tokens
HI = [{"role": "user", "content": "Hello."}]


def system(text: str = SYSTEM_TEXT, ttl: str | None = None) -> list[dict[str, Any]]:
    """A system prompt with one breakpoint."""
    control: dict[str, Any] = {"type": "ephemeral"}
    if ttl:
        control["ttl"] = ttl
    return [{"type": "text", "text": text, "cache_control": control}]


def create(client: anthropic.Anthropic, **params: Any) -> Any:
    """A GA create with defaults."""
    params = {"model": MODEL, "max_tokens": 64, "messages": HI, **params}
    return client.messages.create(**params)


def test_a_repeated_system_prompt_is_read_and_a_changed_one_written(
    client: anthropic.Anthropic,
) -> None:
    first = create(client, system=system())
    again = create(client, system=system())
    changed = create(client, system=system(SYSTEM_TEXT + "Be brief."))
    assert first.usage.cache_creation_input_tokens > 1_024
    assert first.usage.cache_read_input_tokens == 0
    assert again.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert again.usage.cache_creation_input_tokens == 0
    assert changed.usage.cache_read_input_tokens == 0
    assert changed.usage.cache_creation_input_tokens > first.usage.cache_creation_input_tokens
    assert first.usage.cache_creation is not None
    assert first.usage.cache_creation.ephemeral_5m_input_tokens == (
        first.usage.cache_creation_input_tokens
    )


def test_input_plus_cache_fields_add_up_to_count_tokens(client: anthropic.Anthropic) -> None:
    counted = client.messages.count_tokens(model=MODEL, system=system(), messages=HI)
    for _ in range(2):
        usage = create(client, system=system()).usage
        total = usage.input_tokens + (usage.cache_creation_input_tokens or 0)
        assert total + (usage.cache_read_input_tokens or 0) == counted.input_tokens
        assert usage.input_tokens < 20  # only what follows the breakpoint


def test_entries_expire_on_the_engine_clock(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    create(client, system=system())
    fake.clock.advance(299)
    assert create(client, system=system()).usage.cache_read_input_tokens > 0  # refreshed
    fake.clock.advance(299)
    assert create(client, system=system()).usage.cache_read_input_tokens > 0
    fake.clock.advance(301)
    expired = create(client, system=system()).usage
    assert expired.cache_read_input_tokens == 0
    assert expired.cache_creation_input_tokens > 0


def test_a_one_hour_entry_outlives_five_minutes(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    first = create(client, system=system(ttl="1h")).usage
    assert first.cache_creation is not None
    assert first.cache_creation.ephemeral_1h_input_tokens == first.cache_creation_input_tokens
    assert first.cache_creation.ephemeral_5m_input_tokens == 0
    fake.clock.advance(1_800)
    assert create(client, system=system(ttl="1h")).usage.cache_read_input_tokens > 0


def test_below_the_minimum_nothing_is_cached(client: anthropic.Anthropic) -> None:
    for _ in range(2):
        usage = create(client, system=system("Short system prompt.")).usage
        assert usage.cache_creation_input_tokens == 0
        assert usage.cache_read_input_tokens == 0


def test_the_minimum_depends_on_the_model(client: anthropic.Anthropic) -> None:
    # ~1,400 tokens: enough for Sonnet 4.6 (1,024), not for Haiku 4.5 (4,096).
    usage = create(client, system=system(), model="claude-haiku-4-5").usage
    assert usage.cache_creation_input_tokens == 0


async def test_automatic_caching_follows_the_conversation(
    aclient: anthropic.AsyncAnthropic,
) -> None:
    history: list[Any] = [{"role": "user", "content": "Tell me everything. " * 300}]
    params = {"model": MODEL, "max_tokens": 64, "cache_control": {"type": "ephemeral"}}
    first = await aclient.messages.create(messages=history, **params)
    history += [
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": "More."},
    ]
    second = await aclient.messages.create(messages=history, **params)
    assert first.usage.cache_creation_input_tokens > 1_024
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens > 0  # the new turn is written too
    assert second.usage.input_tokens == 0


def test_a_stream_reports_the_cache_in_message_start(client: anthropic.Anthropic) -> None:
    create(client, system=system())
    with client.messages.stream(model=MODEL, max_tokens=64, system=system(), messages=HI) as stream:
        start = next(e for e in stream if e.type == "message_start")
        final = stream.get_final_message()
    assert start.message.usage.cache_read_input_tokens > 0
    assert final.usage.cache_read_input_tokens == start.message.usage.cache_read_input_tokens


def test_more_than_four_breakpoints_is_a_bad_request(client: anthropic.Anthropic) -> None:
    blocks = [
        {"type": "text", "text": f"part {n}", "cache_control": {"type": "ephemeral"}}
        for n in range(5)
    ]
    with pytest.raises(anthropic.BadRequestError, match="A maximum of 4 blocks"):
        client.with_options(max_retries=0).messages.create(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": blocks}]
        )


def test_diagnostics_explain_a_miss(client: anthropic.Anthropic) -> None:
    first = create(client, system=system(), diagnostics={"previous_message_id": None})
    assert first.diagnostics is not None
    assert first.diagnostics.cache_miss_reason is None
    follow = [
        *HI,
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": "And?"},
    ]
    same = create(
        client, system=system(), messages=follow, diagnostics={"previous_message_id": first.id}
    )
    assert same.diagnostics is not None
    assert same.diagnostics.cache_miss_reason is None
    changed = create(
        client,
        system=system(SYSTEM_TEXT + "Be brief."),
        diagnostics={"previous_message_id": first.id},
    )
    assert changed.diagnostics is not None
    reason = changed.diagnostics.cache_miss_reason
    assert reason is not None
    assert reason.type == "system_changed"
    assert reason.cache_missed_input_tokens == first.usage.cache_creation_input_tokens


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"model": "claude-opus-4-8"}, "model_changed"),
        ({"tools": [{"name": "t", "input_schema": {"type": "object"}}]}, "tools_changed"),
        ({"messages": [{"role": "user", "content": "Something else."}]}, "messages_changed"),
        ({"tool_choice": {"type": "none"}}, None),
    ],
)
def test_each_miss_reason(
    client: anthropic.Anthropic, change: dict[str, Any], reason: str | None
) -> None:
    first = create(client, system=system(), diagnostics={"previous_message_id": None})
    params = {"system": system(), "diagnostics": {"previous_message_id": first.id}, **change}
    got = create(client, **params).diagnostics
    assert got is not None
    assert (got.cache_miss_reason.type if got.cache_miss_reason else None) == (
        reason or "unavailable"
    )


def test_an_unknown_previous_message_is_reported(client: anthropic.Anthropic) -> None:
    got = create(client, diagnostics={"previous_message_id": "msg_01unknown"}).diagnostics
    assert got is not None
    assert got.cache_miss_reason is not None
    assert got.cache_miss_reason.type == "previous_message_not_found"
