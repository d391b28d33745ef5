"""The OpenAI SDK on the Claude API's compatibility layer, in-process and over the server, with
strict response validation: JSON and stream, system hoisting, a tool loop, ignored fields,
faults retried, errors in OpenAI's envelope."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from provider_clients import MODEL, openai_sdk

from claude_fake import FakeClaude

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            "strict": True,
        },
    }
]
USER = [{"role": "user", "content": "Weather in Paris?"}]


@pytest.fixture
def sdk(fake: FakeClaude, face: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    url = None if face == "inprocess" else request.getfixturevalue("base_url")
    with openai_sdk(fake, url) as client:
        yield client


def test_a_scripted_reply_serves_a_chat_completion(fake: FakeClaude, sdk: Any) -> None:
    fake.reply("Hello from Claude")

    completion = sdk.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "developer", "content": "Be kind."},
            *USER,
        ],
        max_completion_tokens=50,
        temperature=1.7,
        stop=["END", "  "],
        seed=4,
        logprobs=True,
        user="someone",
        response_format={"type": "json_object"},
    )

    assert completion.choices[0].message.content == "Hello from Claude"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    body = fake.requests[0].body
    assert fake.requests[0].provider == "openai"
    assert body["system"] == "Be brief.\nBe kind."
    assert body["max_tokens"] == 50
    assert body["temperature"] == 1.0  # capped
    assert body["stop_sequences"] == ["END"]  # whitespace-only dropped
    assert not {"seed", "logprobs", "user", "response_format"} & set(body)


def test_stream_with_usage(fake: FakeClaude, sdk: Any) -> None:
    fake.reply("Streamed words arrive one by one")

    chunks = list(
        sdk.chat.completions.create(
            model=MODEL, messages=USER, stream=True, stream_options={"include_usage": True}
        )
    )

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Streamed words arrive one by one"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens > 0


def test_tool_loop(fake: FakeClaude, sdk: Any) -> None:
    fake.reply(fake.tool_use("get_weather", {"city": "Paris"}))
    fake.reply("Sunny.")

    first = sdk.chat.completions.create(model=MODEL, messages=USER, tools=TOOLS)
    call = first.choices[0].message.tool_calls[0]
    history = [
        *USER,
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "sunny"},
    ]
    final = sdk.chat.completions.create(model=MODEL, messages=history, tools=TOOLS)

    assert first.choices[0].finish_reason == "tool_calls"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    assert final.choices[0].message.content == "Sunny."
    sent = fake.requests[1].body
    assert sent["tools"][0]["input_schema"]["properties"] == {"city": {"type": "string"}}
    assert sent["messages"][1]["content"][0] == {
        "type": "tool_use",
        "id": call.id,
        "name": "get_weather",
        "input": {"city": "Paris"},
    }
    assert sent["messages"][2]["content"][0]["tool_use_id"] == call.id


def test_tool_calls_stream(fake: FakeClaude, sdk: Any) -> None:
    fake.reply(fake.tool_use("get_weather", {"city": "Paris"}))

    chunks = list(
        sdk.chat.completions.create(
            model=MODEL, messages=USER, tools=TOOLS, tool_choice="required", stream=True
        )
    )

    deltas = [c.choices[0].delta for c in chunks if c.choices]
    calls = [delta.tool_calls for delta in deltas if delta.tool_calls]
    arguments = "".join(call[0].function.arguments or "" for call in calls)
    assert calls[0][0].function.name == "get_weather"
    assert json.loads(arguments) == {"city": "Paris"}
    assert fake.requests[0].body["tool_choice"] == {"type": "any"}


def test_a_fault_is_retried(fake: FakeClaude, sdk: Any) -> None:
    fake.fail(529)
    fake.reply("after the retry")

    completion = sdk.chat.completions.create(model=MODEL, messages=USER)

    assert completion.choices[0].message.content == "after the retry"
    assert [r.attempt for r in fake.requests] == [0, 1]


def test_errors_come_in_openais_envelope(fake: FakeClaude, sdk: Any) -> None:
    fake.fail(429, times=3)

    with pytest.raises(openai.RateLimitError) as raised:
        sdk.chat.completions.create(model=MODEL, messages=USER)

    assert raised.value.body["type"] == "rate_limit_error"


def test_n_above_one_is_refused(sdk: Any) -> None:
    with pytest.raises(openai.BadRequestError, match="n: only 1"):
        sdk.chat.completions.create(model=MODEL, messages=USER, n=2)


def test_an_unknown_model_is_not_found(sdk: Any) -> None:
    with pytest.raises(openai.NotFoundError):
        sdk.chat.completions.create(model="claude-nonexistent-1", messages=USER)


def test_an_error_mid_stream_raises(fake: FakeClaude, sdk: Any) -> None:
    fake.reply("A long answer that an error cuts short in the middle.")
    fake.fail("overloaded_error", after_events=3)

    with pytest.raises(openai.APIError, match="Overloaded"):
        list(sdk.chat.completions.create(model=MODEL, messages=USER, stream=True))


async def test_async_client(fake: FakeClaude, face: str, request: pytest.FixtureRequest) -> None:
    url = None if face == "inprocess" else request.getfixturevalue("base_url")
    fake.reply("async hello", times=2)
    async with openai_sdk(fake, url, asynchronous=True) as sdk:
        completion = await sdk.chat.completions.create(model=MODEL, messages=USER)
        stream = await sdk.chat.completions.create(model=MODEL, messages=USER, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])

    assert completion.choices[0].message.content == text == "async hello"
