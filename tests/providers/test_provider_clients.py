"""The SDK's platform clients against the fake, in-process and over the server, with strict
response validation: JSON and stream, a tool loop, faults retried, mid-stream errors, the
journal's provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import pytest
from provider_clients import ASK, MODEL, PROVIDERS, async_provider_client, provider_client

from claude_fake import FakeClaude

WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}
# The class each provider's client raises for an overloaded model (Bedrock answers 503).
OVERLOADED = {
    "vertex": anthropic.OverloadedError,
    "bedrock": anthropic.ServiceUnavailableError,
    "foundry": anthropic.OverloadedError,
    "aws": anthropic.OverloadedError,
    "google_cloud": anthropic.OverloadedError,
}


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def url(face: str, request: pytest.FixtureRequest) -> str | None:
    return None if face == "inprocess" else str(request.getfixturevalue("base_url"))


@pytest.fixture
def sdk(fake: FakeClaude, provider: str, url: str | None) -> Iterator[Any]:
    with provider_client(fake, provider, url) as client:
        yield client


def test_json_and_stream_answer_the_same_reply(fake: FakeClaude, sdk: Any, provider: str) -> None:
    fake.reply("Sunny in Paris.", times=2)

    message = sdk.messages.create(**ASK)
    with sdk.messages.stream(**ASK) as stream:
        text = "".join(stream.text_stream)
        streamed = stream.get_final_message()

    assert message.content[0].text == text == "Sunny in Paris."
    assert streamed.stop_reason == message.stop_reason == "end_turn"
    assert [r.provider for r in fake.requests] == [provider, provider]
    assert [r.path for r in fake.requests] == ["/v1/messages", "/v1/messages"]
    assert [r.stream for r in fake.requests] == [False, True]
    assert fake.requests[0].model == MODEL


def test_generated_answers_parse_strictly(sdk: Any) -> None:
    message = sdk.messages.create(**ASK)
    events = [event.type for event in sdk.messages.create(**ASK, stream=True)]

    assert message.content
    assert events[0] == "message_start"
    assert events[-1] == "message_stop"


def test_tool_loop(fake: FakeClaude, sdk: Any) -> None:
    fake.reply(fake.tool_use("get_weather", {"city": "Paris"}))
    fake.reply("It is sunny in Paris.")

    first = sdk.messages.create(**ASK, tools=[WEATHER])
    call = next(block for block in first.content if block.type == "tool_use")
    result = {"type": "tool_result", "tool_use_id": call.id, "content": "sunny"}
    history = [*ASK["messages"], {"role": "assistant", "content": first.content}]
    with sdk.messages.stream(
        **{**ASK, "messages": [*history, {"role": "user", "content": [result]}]}, tools=[WEATHER]
    ) as stream:
        final = stream.get_final_message()

    assert first.stop_reason == "tool_use"
    assert call.input == {"city": "Paris"}
    assert final.content[0].text == "It is sunny in Paris."
    assert fake.requests[1].messages[-1]["content"][0]["tool_use_id"] == call.id


def test_a_fault_is_retried(fake: FakeClaude, sdk: Any) -> None:
    fake.fail(529)
    fake.reply("after the retry")

    message = sdk.messages.create(**ASK)

    assert message.content[0].text == "after the retry"
    assert [r.attempt for r in fake.requests] == [0, 1]


def test_a_fault_raises_the_providers_class(fake: FakeClaude, sdk: Any, provider: str) -> None:
    fake.fail(529, times=3)

    with pytest.raises(OVERLOADED[provider]):
        sdk.messages.create(**ASK)

    assert len(fake.requests) == 3  # the first try and two retries


def test_a_rate_limit_raises_rate_limit_error(fake: FakeClaude, sdk: Any) -> None:
    fake.fail(429, times=3)

    with pytest.raises(anthropic.RateLimitError):
        sdk.messages.create(**ASK)


def test_an_error_mid_stream_raises(fake: FakeClaude, sdk: Any) -> None:
    fake.reply("A long answer that is cut short by an error in the middle of it.")
    fake.fail("overloaded_error", after_events=3)

    with pytest.raises(anthropic.APIStatusError), sdk.messages.stream(**ASK) as stream:
        stream.get_final_message()


def test_count_tokens_where_the_provider_has_it(fake: FakeClaude, sdk: Any, provider: str) -> None:
    if provider == "bedrock":
        pytest.skip("AnthropicBedrock raises before sending (see test_bedrock_wire for boto3)")
    counted = sdk.messages.count_tokens(model=MODEL, messages=ASK["messages"])

    assert counted.input_tokens > 0
    assert fake.requests[-1].path == "/v1/messages/count_tokens"
    assert fake.requests[-1].provider == provider


async def test_async_clients(fake: FakeClaude, provider: str, url: str | None) -> None:
    fake.reply("async answer", times=2)

    async with async_provider_client(fake, provider, url) as sdk:
        message = await sdk.messages.create(**ASK)
        async with sdk.messages.stream(**ASK) as stream:
            final = await stream.get_final_message()

    assert message.content[0].text == final.content[0].text == "async answer"
    assert [r.provider for r in fake.requests] == [provider, provider]
