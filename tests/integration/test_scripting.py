"""Scripted conversations through the real SDK: every stop reason, every builder, tool loops,
``when`` rules, the request log. Sync, async and ``messages.stream()``, in-process and over the
loopback server (the ``client`` / ``aclient`` fixtures)."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anthropic
import pytest
from anthropic.types import StopReason
from anthropic.types.beta import BetaStopReason
from sdk_modes import MODES, send

import claude_fake
from claude_fake import FakeClaude
from claude_fake.sources.blocks import SERVER_TOOL_RESULTS

MODEL = "claude-sonnet-4-6"
COMPACT = ["compact-2026-01-12"]
COMPACT_EDIT = {"edits": [{"type": "compact_20260112", "pause_after_compaction": True}]}
SDK_STOP_REASONS = sorted({*typing.get_args(StopReason), *typing.get_args(BetaStopReason)})
CITATION = {
    "type": "char_location",
    "cited_text": "Paris is the capital",
    "document_index": 0,
    "document_title": "Atlas",
    "start_char_index": 0,
    "end_char_index": 20,
}


@dataclass
class Talk:
    """One way of calling the SDK: sync or async, ``create`` or ``messages.stream()``."""

    mode: str
    client: anthropic.Anthropic
    aclient: anthropic.AsyncAnthropic

    async def __call__(self, text: str = "Hello", *, beta: bool = False, **params: Any) -> Any:
        params.setdefault("messages", [{"role": "user", "content": text}])
        params = {"model": MODEL, "max_tokens": 1024, **params}
        sync: Any = self.client.beta.messages if beta else self.client.messages
        native: Any = self.aclient.beta.messages if beta else self.aclient.messages
        return await send(self.mode, sync, native, params)


@pytest.fixture(params=MODES)
def talk(
    request: pytest.FixtureRequest, client: anthropic.Anthropic, aclient: anthropic.AsyncAnthropic
) -> Talk:
    """Call the SDK one of four ways, through the face the clients were built on."""
    return Talk(str(request.param), client, aclient)


def kinds(message: Any) -> list[str]:
    """The block types of a message."""
    return [block.type for block in message.content]


# -- every stop reason ---------------------------------------------------------------------
@dataclass
class Case:
    """A stop reason scripted, requested and checked."""

    content: list[Any]
    script: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] = field(default_factory=dict)
    blocks: list[str] = field(default_factory=lambda: ["text"])
    check: Callable[[Any], object] = lambda message: True


CASES: dict[str, Case] = {
    "end_turn": Case(["Paris."]),
    "max_tokens": Case(["The capital of France is"], {"stop_reason": "max_tokens"}),
    "stop_sequence": Case(
        ["one, two, three"],
        {"stop_sequence": "four"},
        {"stop_sequences": ["four"]},
        check=lambda m: m.stop_sequence == "four",
    ),
    "tool_use": Case(
        [claude_fake.tool_use("get_weather", {"city": "Paris"})],
        blocks=["tool_use"],
        check=lambda m: m.content[0].input == {"city": "Paris"} and m.content[0].id,
    ),
    "pause_turn": Case(
        ["Searching.", claude_fake.server_tool_use("web_search", {"query": "Paris weather"})],
        {"stop_reason": "pause_turn"},
        blocks=["text", "server_tool_use", "web_search_tool_result"],
        check=lambda m: m.content[2].tool_use_id == m.content[1].id,
    ),
    "refusal": Case(
        [],
        {"stop_reason": "refusal", "stop_details": {"category": "cyber", "explanation": "No."}},
        blocks=[],
        check=lambda m: (m.stop_details.type, m.stop_details.category) == ("refusal", "cyber"),
    ),
    "model_context_window_exceeded": Case(
        ["A long answer that ran"], {"stop_reason": "model_context_window_exceeded"}
    ),
    "compaction": Case(
        [claude_fake.compaction("The user greeted me twice.")],
        request={"beta": True, "betas": COMPACT, "context_management": COMPACT_EDIT},
        blocks=["compaction"],
        check=lambda m: m.content[0].content == "The user greeted me twice.",
    ),
}


@pytest.mark.parametrize("stop_reason", SDK_STOP_REASONS)
async def test_every_stop_reason_arrives_with_its_blocks(
    fake: FakeClaude, talk: Talk, stop_reason: str
) -> None:
    if stop_reason not in CASES:
        pytest.fail(f"the SDK knows stop_reason {stop_reason!r}; teach the fake to serve it")
    case = CASES[stop_reason]
    fake.reply(*case.content, **case.script)
    message = await talk(**case.request)
    assert message.stop_reason == stop_reason
    assert kinds(message) == case.blocks
    assert case.check(message)
    assert (message.stop_details is not None) == (stop_reason == "refusal")
    if stop_reason != "stop_sequence":
        assert message.stop_sequence is None
    assert fake.unused() == []


async def test_refusal_gets_stop_details_by_default(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("I can't help with that.", stop_reason="refusal")
    message = await talk()
    assert message.stop_details.type == "refusal"
    assert message.stop_details.category is None


async def test_stop_sequence_comes_from_the_request_when_not_scripted(
    fake: FakeClaude, talk: Talk
) -> None:
    fake.reply("Count: one, two", stop_reason="stop_sequence")
    message = await talk(stop_sequences=["three", "END"])
    assert (message.stop_reason, message.stop_sequence) == ("stop_sequence", "three")


async def test_compaction_then_answer_keeps_the_answers_stop_reason(
    fake: FakeClaude, talk: Talk
) -> None:
    fake.reply(claude_fake.compaction("Earlier: greetings."), "Hello again!")
    message = await talk(beta=True, betas=COMPACT, context_management={"edits": []})
    assert kinds(message) == ["compaction", "text"]
    assert message.stop_reason == "end_turn"


async def test_compaction_for_a_ga_request_is_a_clear_error(fake: FakeClaude, talk: Talk) -> None:
    fake.reply(claude_fake.compaction("summary"))
    with pytest.raises(anthropic.InternalServerError, match="not a compaction request") as caught:
        await talk()
    assert "betas=['compact-2026-01-12']" in caught.value.message
    assert [r.attempt for r in fake.requests] == [0]  # x-should-retry: false, no retry
    assert len(fake.problems) == 1
    assert "compaction" in fake.problems[0]


# -- builders ------------------------------------------------------------------------------
async def test_builders_arrive_field_for_field(fake: FakeClaude, talk: Talk) -> None:
    fake.reply(
        claude_fake.thinking("The user wants the capital."),
        claude_fake.redacted_thinking(),
        claude_fake.text("Paris is the capital of France.", citations=[CITATION]),
        claude_fake.tool_use("lookup", {"city": "Paris", "fields": ["population"]}, id="toolu_1"),
    )
    thinking = {"type": "enabled", "budget_tokens": 1024}
    message = await talk(max_tokens=2048, thinking=thinking)
    assert kinds(message) == ["thinking", "redacted_thinking", "text", "tool_use"]
    think, redacted, text, tool = message.content
    assert think.thinking == "The user wants the capital."
    assert think.signature == claude_fake.sources.blocks.signature_for(think.thinking)
    assert redacted.data
    assert text.text == "Paris is the capital of France."
    assert [c.model_dump(exclude_none=True) for c in text.citations] == [CITATION]
    assert (tool.id, tool.name) == ("toolu_1", "lookup")
    assert tool.input == {"city": "Paris", "fields": ["population"]}
    assert message.stop_reason == "tool_use"  # inferred


@pytest.mark.parametrize("name", sorted(SERVER_TOOL_RESULTS))
async def test_server_tool_use_comes_with_its_result(
    fake: FakeClaude, talk: Talk, name: str
) -> None:
    fake.reply(claude_fake.server_tool_use(name, {"query": "x"}), "Done.")
    message = await talk()
    assert kinds(message) == ["server_tool_use", SERVER_TOOL_RESULTS[name], "text"]
    call, result, _ = message.content
    assert call.name == name
    assert call.id.startswith("srvtoolu_")
    assert result.tool_use_id == call.id
    content = result.content[0] if isinstance(result.content, list) else result.content
    assert not content.type.endswith("_error")
    assert message.stop_reason == "end_turn"


async def test_server_tool_error_result(fake: FakeClaude, talk: Talk) -> None:
    fake.reply(claude_fake.server_tool_use("web_fetch", {"url": "x"}, error="url_not_allowed"))
    message = await talk()
    error = message.content[1].content
    assert (error.type, error.error_code) == ("web_fetch_tool_result_error", "url_not_allowed")


async def test_a_plain_string_is_one_text_block(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("Hello", "world")
    message = await talk()
    assert [(b.type, b.text) for b in message.content] == [("text", "Hello"), ("text", "world")]
    assert message.stop_reason == "end_turn"


async def test_usage_override(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("Hi", usage={"input_tokens": 7, "output_tokens": 42, "cache_read_input_tokens": 3})
    message = await talk()
    usage = message.usage
    assert (usage.input_tokens, usage.output_tokens, usage.cache_read_input_tokens) == (7, 42, 3)


# -- queue, rules, times -------------------------------------------------------------------
async def test_when_rules_answer_what_they_match_and_the_queue_the_rest(
    fake: FakeClaude, talk: Talk
) -> None:
    fake.reply("Sunny", when=lambda request: "weather" in request.text, times=2)
    fake.reply("first")
    fake.reply("second")
    answers = [await talk(text) for text in ("weather?", "hi", "weather again", "bye")]
    assert [m.content[0].text for m in answers] == ["Sunny", "first", "Sunny", "second"]
    assert fake.unused() == []


async def test_times_none_answers_forever(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("again", times=None)
    for _ in range(3):
        assert (await talk()).content[0].text == "again"
    assert fake.unused() == []


async def test_a_tool_loop(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("Let me check.", claude_fake.tool_use("get_weather", {"city": "Paris"}))
    fake.reply("It is sunny in Paris.")
    history: list[Any] = [{"role": "user", "content": "Weather in Paris?"}]
    first = await talk(messages=history)
    assert first.stop_reason == "tool_use"
    call = first.content[1]
    result = {"type": "tool_result", "tool_use_id": call.id, "content": "22C"}
    history += [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [result]},
    ]
    final = await talk(messages=history)
    assert (final.stop_reason, final.content[0].text) == ("end_turn", "It is sunny in Paris.")
    sent = fake.requests[1].messages[-1]["content"][0]
    assert (sent["type"], sent["tool_use_id"], sent["content"]) == ("tool_result", call.id, "22C")


# -- the request log -----------------------------------------------------------------------
async def test_requests_expose_what_was_sent_and_answered(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("Bonjour")
    await talk("Say hello in French", system="Be brief.")
    (seen,) = fake.requests
    assert (seen.method, seen.path) == ("POST", "/v1/messages")
    assert seen.headers["anthropic-version"] in ("2023-06-01", "2026-10-21")
    assert seen.body["model"] == MODEL
    assert seen.messages == [{"role": "user", "content": "Say hello in French"}]
    assert seen.text == "Say hello in French"
    assert seen.stream is talk.mode.endswith("stream")
    assert seen.attempt == 0
    assert seen.source == "scripted"
    assert seen.response["content"] == [{"type": "text", "text": "Bonjour"}]
    assert seen.response["stop_reason"] == "end_turn"


# -- bad scripts ---------------------------------------------------------------------------
async def test_a_when_rule_that_raises_fails_the_call_clearly(fake: FakeClaude, talk: Talk) -> None:
    def broken(request: claude_fake.FakeRequest) -> bool:
        return request.body["no such key"] is not None

    fake.reply("never", when=broken)
    with pytest.raises(anthropic.InternalServerError) as caught:
        await talk()
    assert "when= rule" in caught.value.message
    assert "KeyError" in caught.value.message
    assert "Fix the predicate" in caught.value.message
    assert len(fake.requests) == 1  # not retried: x-should-retry: false
    assert len(fake.problems) == 1
    assert "raised KeyError" in fake.problems[0]


async def test_no_reply_left_is_a_clear_error(fake: FakeClaude, talk: Talk) -> None:
    fake.reply("only one")
    await talk()
    with pytest.raises(anthropic.InternalServerError, match="no scripted reply is left"):
        await talk()
    assert len(fake.requests) == 2


def test_unused_scripts_are_reported(fake: FakeClaude) -> None:
    fake.reply("never asked")
    fake.reply("rule", when=lambda request: False)
    fake.fail(529)
    unused = fake.unused()
    assert len(unused) == 3
    assert all("used 0 of 1" in line and "test_scripting.py" in line for line in unused)
    with pytest.raises(claude_fake.UnusedScript, match="3 scripted item"):
        fake.check()
    fake.reset()
    fake.check()
