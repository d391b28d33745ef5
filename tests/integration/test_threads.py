"""Server-held message threads through the real SDK (strict): the tool runner's default mode,
``client.beta.messages.thread()``, the errors a ``continue`` can meet (with the SDK class each
maps to, and the SDK's own recovery), the prompt cache and compaction seeing the whole
conversation, and a threaded conversation recorded against a local upstream and replayed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest
from anthropic import beta_tool

import claude_fake
from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
THREADS_BETA = "message-threads-2026-08-12"
QUESTION = "What is the weather in Paris and in Rome? Answer for both cities, please. " * 12


@beta_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def run_tools(
    client: anthropic.Anthropic, **options: Any
) -> list[anthropic.types.beta.BetaMessage]:
    runner = client.beta.messages.tool_runner(
        model=MODEL,
        max_tokens=512,
        tools=[get_weather],
        system="You are a weather assistant.",
        messages=[{"role": "user", "content": QUESTION}],
        **options,
    )
    return list(runner)


def script_two_tool_calls(fake: FakeClaude) -> None:
    fake.reply(claude_fake.tool_use("get_weather", {"city": "Paris"}))
    fake.reply(claude_fake.tool_use("get_weather", {"city": "Rome"}))
    fake.reply("Sunny in both.")


def test_the_default_tool_runner_threads_and_sees_consistent_usage(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    script_two_tool_calls(fake)
    threaded = run_tools(client)
    assert [m.stop_reason for m in threaded] == ["tool_use", "tool_use", "end_turn"]
    sent = [r.sent or r.body for r in fake.requests]
    assert [s["thread"]["type"] for s in sent] == ["create", "continue", "continue"]
    assert sent[1]["thread"]["previous_message_id"] == threaded[0].id
    assert len(sent[2]["messages"]) == 1  # only the tool result went over the wire
    assert all(THREADS_BETA in r.headers["anthropic-beta"] for r in fake.requests)

    # the same loop without a thread sends the whole conversation: the usage is the same
    unthreaded_fake = FakeClaude(seed=0)
    script_two_tool_calls(unthreaded_fake)
    unthreaded = run_tools(unthreaded_fake.client(_strict_response_validation=True), thread=False)
    usage = [m.usage.input_tokens for m in threaded]
    assert usage == [m.usage.input_tokens for m in unthreaded]
    assert usage[0] < usage[1] < usage[2]


def test_a_continue_is_answered_as_the_whole_conversation(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    script_two_tool_calls(fake)
    messages = run_tools(client)
    last = fake.requests[2]
    assert [m["role"] for m in last.body["messages"]] == ["user", "assistant"] * 2 + ["user"]
    assert last.body["system"] == "You are a weather assistant."
    assert [t["name"] for t in last.body["tools"]] == ["get_weather"]
    assert last.body["messages"][1]["content"][0]["id"] == messages[0].content[0].id
    assert "system" not in last.sent  # the SDK left them out
    assert "tools" not in last.sent
    whole = client.beta.messages.count_tokens(
        model=MODEL,
        system=last.body["system"],
        tools=last.body["tools"],
        messages=last.body["messages"],
    )
    assert whole.input_tokens == messages[2].usage.input_tokens


def test_when_rules_and_the_generator_see_the_thread(fake: FakeClaude) -> None:
    fake.reply("it rains in Oslo", when=lambda r: "Oslo" in r.messages[0]["content"], times=None)
    thread = fake.client(_strict_response_validation=True).beta.messages.thread(
        model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Weather in Oslo?"}]
    )
    assert thread.send().content[0].text == "it rains in Oslo"
    reply = thread.send({"role": "user", "content": "And tomorrow?"})
    assert reply.content[0].text == "it rains in Oslo"  # the rule saw the first message
    assert fake.requests[1].sent["messages"] == [{"role": "user", "content": "And tomorrow?"}]
    assert fake.requests[1].text == "And tomorrow?"
    assert len(fake.requests[1].messages) == 3


def test_the_generator_keeps_the_threads_tools(fake: FakeClaude) -> None:
    thread = fake.client(_strict_response_validation=True).beta.messages.thread(
        model=MODEL,
        max_tokens=200,
        tools=[get_weather.to_dict()],
        tool_choice={"type": "any"},
        messages=[{"role": "user", "content": "Weather?"}],
    )
    first = thread.send()
    assert first.stop_reason == "tool_use"
    use = first.content[-1]
    result = {"type": "tool_result", "tool_use_id": use.id, "content": "sunny"}
    second = thread.send({"role": "user", "content": [result]}, tool_choice={"type": "any"})
    assert second.stop_reason == "tool_use"  # the tools came from the thread, not the request
    assert second.content[-1].name == "get_weather"


def _create(client: anthropic.Anthropic, **params: Any) -> Any:
    params.setdefault("messages", [{"role": "user", "content": "Hello"}])
    return client.beta.messages.create(model=MODEL, max_tokens=64, betas=[THREADS_BETA], **params)


def test_continuing_an_unknown_id_is_thread_not_found(client: anthropic.Anthropic) -> None:
    thread = {"type": "continue", "previous_message_id": "msg_01NoSuchThread000000000"}
    with pytest.raises(anthropic.types.ThreadNotFoundError) as caught:
        _create(client, thread=thread)
    assert caught.value.status_code == 404
    assert caught.value.error_code == "thread_not_found"
    assert "msg_01NoSuchThread000000000" in caught.value.message


def test_a_response_is_continued_once(client: anthropic.Anthropic) -> None:
    first = _create(client, thread={"type": "create"})
    follow = [{"role": "user", "content": "More"}]
    thread = {"type": "continue", "previous_message_id": first.id}
    _create(client, thread=thread, messages=follow)
    with pytest.raises(anthropic.types.ThreadAlreadyContinuedError) as caught:
        _create(client, thread=thread, messages=follow)
    assert caught.value.status_code == 400


def test_a_continue_keeps_the_threads_model_system_and_tools(client: anthropic.Anthropic) -> None:
    first = _create(client, thread={"type": "create"}, system="Be brief.")
    thread = {"type": "continue", "previous_message_id": first.id}
    more = [{"role": "user", "content": "More"}]
    with pytest.raises(anthropic.types.ThreadFingerprintMismatchError):
        client.beta.messages.create(
            model="claude-opus-4-7",
            max_tokens=64,
            betas=[THREADS_BETA],
            thread=thread,
            messages=more,
        )
    with pytest.raises(anthropic.BadRequestError, match="system: cannot be sent"):
        _create(client, thread=thread, messages=more, system="Be verbose.")
    assert _create(client, thread=thread, messages=more).stop_reason == "end_turn"


def test_the_sdk_replays_the_whole_conversation_when_the_thread_is_lost(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    thread = client.beta.messages.thread(
        model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "One"}]
    )
    thread.send()
    fake.threads.forget()  # the server lost it (expired, evicted)
    thread.send({"role": "user", "content": "Two"})
    kinds = [(r.response["type"], (r.sent or r.body)["thread"]["type"]) for r in fake.requests]
    assert kinds == [("message", "create"), ("error", "continue"), ("message", "create")]
    assert len(fake.requests[2].body["messages"]) == 3  # replayed in full


def test_a_turn_cut_mid_stream_is_not_held(fake: FakeClaude, client: anthropic.Anthropic) -> None:
    fake.disconnect(after_events=3)
    dropped = (anthropic.APIConnectionError, httpx2.RemoteProtocolError)  # 2.17: the first only
    with pytest.raises(dropped), _stream(client, thread={"type": "create"}) as stream:
        stream.until_done()
    cut = fake.requests[0].response["id"]
    assert cut not in fake.threads
    with pytest.raises(anthropic.types.ThreadNotFoundError):
        _create(client, thread={"type": "continue", "previous_message_id": cut})


def _stream(client: anthropic.Anthropic, **params: Any) -> Any:
    return client.with_options(max_retries=0).beta.messages.stream(
        model=MODEL,
        max_tokens=64,
        betas=[THREADS_BETA],
        messages=[{"role": "user", "content": "Hello"}],
        **params,
    )


def test_a_streamed_turn_is_held_and_continued(client: anthropic.Anthropic) -> None:
    with _stream(client, thread={"type": "create"}) as stream:
        first = stream.get_final_message()
    more = [{"role": "user", "content": "More"}]
    reply = _create(
        client, thread={"type": "continue", "previous_message_id": first.id}, messages=more
    )
    assert reply.usage.input_tokens > first.usage.input_tokens


def test_the_prompt_cache_sees_the_held_conversation(client: anthropic.Anthropic) -> None:
    long = [{"type": "text", "text": QUESTION * 10, "cache_control": {"type": "ephemeral"}}]
    first = _create(client, thread={"type": "create"}, messages=[{"role": "user", "content": long}])
    assert first.usage.cache_creation_input_tokens
    more = [{"role": "user", "content": "More"}]
    second = _create(
        client, thread={"type": "continue", "previous_message_id": first.id}, messages=more
    )
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


def test_the_tool_runner_completes_a_compaction_cycle_on_a_thread(
    fake: FakeClaude, client: anthropic.Anthropic
) -> None:
    fake.reply(claude_fake.tool_use("get_weather", {"city": "Paris"}))
    fake.reply(claude_fake.compaction("Asked for the weather in Paris; the tool said sunny."))
    fake.reply("Sunny in Paris.")
    runner = client.beta.messages.tool_runner(
        model=MODEL,
        max_tokens=256,
        tools=[get_weather],
        betas=["compact-2026-09-04"],
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
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
    assert [b["thread"]["type"] for b in bodies] == ["create", "create", "create"]


def test_a_threaded_conversation_is_recorded_and_replayed(tmp_path: Path) -> None:
    upstream = FakeClaude(seed=7)
    script_two_tool_calls(upstream)
    path = tmp_path / "threads.yaml"
    with upstream.serve() as url:
        recording = FakeClaude(cassette=str(path), record_mode="rewrite", upstream=url)
        recorded = run_tools(recording.client(_strict_response_validation=True))
        recording.close()
    assert [r.source for r in recording.requests] == ["recorded"] * len(recorded)
    assert len(upstream.threads) == len(recorded)  # upstream held the thread itself
    assert len(recorded) == 3
    assert path.read_text().count("type: continue") == 2  # stored as sent: the new turn only

    replaying = FakeClaude(cassette=str(path), record_mode="none")
    replayed = run_tools(replaying.client(_strict_response_validation=True))
    assert [m.id for m in replayed] == [m.id for m in recorded]
    assert [r.source for r in replaying.requests] == ["replayed"] * len(recorded)
    assert json.dumps(replaying.requests[-1].sent) == json.dumps(recording.requests[-1].sent)
    assert len(replaying.requests[-1].body["messages"]) == len(recorded) * 2 - 1
