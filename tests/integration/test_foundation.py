"""The foundation through the real SDK: sync, async, streaming; in-process and over loopback."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx2
import pytest

import claude_fake
from claude_fake import FakeClaude
from claude_fake.api import batches as batch_api

MODEL = "claude-sonnet-4-6"
HELLO = [{"role": "user", "content": "Hello there"}]


def _without_ids(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("id", "tool_use_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _same(a: anthropic.types.Message, b: anthropic.types.Message) -> None:
    """Equal but for the ids, which the API makes fresh for every answer."""
    assert _without_ids(a.to_dict()) == _without_ids(b.to_dict())


def test_create_parses_strictly(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model=MODEL, max_tokens=200, messages=HELLO)
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.id.startswith("msg_01")
    assert message.stop_reason == "end_turn"
    assert message.content[0].type == "text"
    assert message._request_id is not None
    assert message._request_id.startswith("req_011C")


async def test_async_create(aclient: anthropic.AsyncAnthropic) -> None:
    message = await aclient.messages.create(model=MODEL, max_tokens=200, messages=HELLO)
    assert message.content[0].type == "text"


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"thinking": {"type": "enabled", "budget_tokens": 1024}, "max_tokens": 2048},
        {
            "tools": [
                {
                    "name": "get_weather",
                    "input_schema": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                }
            ],
            "tool_choice": {"type": "any"},
        },
        {"stop_sequences": ["STOP"]},
        {"max_tokens": 3},
        {"system": "You are terse."},
    ],
    ids=["text", "thinking", "tool", "stop-sequence", "max-tokens", "system"],
)
def test_stream_rebuilds_the_json_message(client: anthropic.Anthropic, extra: dict) -> None:
    params = {"model": MODEL, "max_tokens": 300, "messages": HELLO, **extra}
    plain = client.messages.create(**params)
    with client.messages.stream(**params) as stream:
        events = [event.type for event in stream]
        streamed = stream.get_final_message()
    _same(plain, streamed)
    assert events[0] == "message_start"
    assert events[-1] == "message_stop"


async def test_async_stream_rebuilds_the_json_message(aclient: anthropic.AsyncAnthropic) -> None:
    params = {"model": MODEL, "max_tokens": 300, "messages": HELLO}
    plain = await aclient.messages.create(**params)
    async with aclient.messages.stream(**params) as stream:
        streamed = await stream.get_final_message()
    _same(plain, streamed)


def test_generator_honours_request(client: anthropic.Anthropic) -> None:
    tool = {
        "name": "lookup",
        "input_schema": {
            "type": "object",
            "properties": {"id": {"type": "integer", "minimum": 1}, "tag": {"enum": ["a", "b"]}},
            "required": ["id", "tag"],
            "additionalProperties": False,
        },
    }
    called = client.messages.create(
        model=MODEL,
        max_tokens=100,
        messages=HELLO,
        tools=[tool],
        tool_choice={"type": "tool", "name": "lookup"},
    )
    assert called.stop_reason == "tool_use"
    block = called.content[-1]
    assert block.type == "tool_use"
    assert block.name == "lookup"
    assert set(block.input) == {"id", "tag"}
    stopped = client.messages.create(
        model=MODEL, max_tokens=100, messages=HELLO, stop_sequences=["\n\nHuman:"]
    )
    assert (stopped.stop_reason, stopped.stop_sequence) == ("stop_sequence", "\n\nHuman:")
    cut = client.messages.create(model=MODEL, max_tokens=2, messages=HELLO)
    assert cut.stop_reason == "max_tokens"
    assert cut.usage.output_tokens <= 2


def test_structured_output_is_valid_json(client: anthropic.Anthropic) -> None:
    import json

    import jsonschema

    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }
    message = client.messages.create(
        model=MODEL,
        max_tokens=300,
        messages=HELLO,
        output_config={"format": {"type": "json_schema", "schema": schema}},
    )
    jsonschema.validate(json.loads(message.content[0].text), schema)


def test_generator_is_deterministic_per_seed_and_request() -> None:
    def answer(seed: int, text: str) -> str:
        fake = FakeClaude(seed=seed)
        message = fake.client().messages.create(
            model=MODEL, max_tokens=200, messages=[{"role": "user", "content": text}]
        )
        return message.content[0].text  # type: ignore[union-attr]

    assert answer(1, "hi") == answer(1, "hi")
    assert answer(1, "hi") != answer(2, "hi")
    assert answer(1, "hi") != answer(1, "bye")


COUNTED: dict[str, Any] = {
    "model": MODEL,
    "system": "Be brief.",
    "messages": [
        {"role": "user", "content": "What is in this image?"},
        {"role": "assistant", "content": "A cat."},
        {"role": "user", "content": [{"type": "text", "text": "And the colour?"}]},
    ],
}
# The estimate of COUNTED, by hand: text is (characters + 3) // 4 tokens; 3 for the request,
# 4 more for a system prompt, 3 more per message. The real API's counts stay near the estimate
# (tests/conformance/test_token_counts.py).
#   request 3 + system "Be brief." (9 chars) 3 + 4
#   + "What is in this image?" (22) 6 + 3 + "A cat." (6) 2 + 3 + "And the colour?" (15) 4 + 3
COUNTED_TOKENS = 3 + (3 + 4) + (6 + 3) + (2 + 3) + (4 + 3)


def test_count_tokens_answers_input_tokens_only(client: anthropic.Anthropic) -> None:
    """The API reference's response: ``{"input_tokens": int}``, as JSON, and nothing else."""
    raw = client.messages.with_raw_response.count_tokens(**COUNTED)
    assert raw.status_code == 200
    assert raw.headers["content-type"].split(";")[0] == "application/json"
    assert raw.json() == {"input_tokens": COUNTED_TOKENS}
    assert raw.request_id is not None
    assert raw.request_id.startswith("req_011C")


def test_count_tokens_matches_usage(client: anthropic.Anthropic) -> None:
    counted = client.messages.count_tokens(**COUNTED)
    message = client.messages.create(max_tokens=50, **COUNTED)
    assert counted.input_tokens == message.usage.input_tokens == COUNTED_TOKENS == 31


def test_system_role_messages_are_served(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MODEL,
        max_tokens=50,
        messages=[
            {"role": "user", "content": "hi"},
            {"role": "system", "content": "Answer in French."},
            {"role": "user", "content": "bye"},
        ],
    )
    assert message.content


def test_models_pagination(client: anthropic.Anthropic) -> None:
    first = client.models.list(limit=3)
    assert len(first.data) == 3
    assert first.has_more
    ids = [m.id for m in client.models.list(limit=4)]
    assert ids == [m.id for m in client.models.list(limit=1000).data]
    after = client.models.list(after_id=first.last_id, limit=2)
    assert after.data[0].id == ids[3]
    before = client.models.list(before_id=after.first_id, limit=2)
    assert [m.id for m in before.data] == ids[1:3]
    retired = client.models.list(lifecycle=["retired"])
    assert retired.data
    assert {m.lifecycle for m in retired.data} == {"retired"}
    one = client.models.retrieve("claude-haiku-4-5")
    assert one.id == "claude-haiku-4-5-20251001"
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve("claude-nope")


def test_beta_paths_and_both_wire_generations(fake: FakeClaude) -> None:
    transport = claude_fake.faces.transport.sync_transport(fake)
    http = httpx2.Client(transport=transport, base_url="http://fake")
    body = {"model": MODEL, "max_tokens": 20, "messages": HELLO}
    old = http.post(
        "/v1/messages?beta=true",
        json=body,
        headers={"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-x"},
    )
    new = http.post(
        "/v1/messages",
        json=body,
        headers={"anthropic-version": "2026-10-21", "authorization": "Bearer sk-ant-x"},
    )
    assert old.status_code == new.status_code == 200
    assert old.headers["request-id"] != new.headers["request-id"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error_type"),
    [
        ("GET", "/v1/nope", None, 404, "not_found_error"),
        ("GET", "/v1/messages", None, 405, "invalid_request_error"),
        ("POST", "/v1/messages", b"{not json", 400, "invalid_request_error"),
    ],
)
def test_errors_carry_the_envelope(
    fake: FakeClaude,
    base_url: str,
    method: str,
    path: str,
    body: bytes | None,
    status: int,
    error_type: str,
) -> None:
    headers = {
        "anthropic-version": "2023-06-01",
        "x-api-key": "k",
        "content-type": "application/json",
    }
    for http in (
        httpx2.Client(
            transport=claude_fake.faces.transport.sync_transport(fake), base_url="http://f"
        ),
        httpx2.Client(base_url=base_url),
    ):
        with http:
            response = http.request(method, path, content=body, headers=headers)
        assert response.status_code == status
        payload = response.json()
        assert payload["type"] == "error"
        assert payload["error"]["type"] == error_type
        assert payload["request_id"] == response.headers["request-id"]


def test_stream_grammar(fake: FakeClaude) -> None:
    from claude_fake.wire import sse

    fake.reply(
        claude_fake.thinking("Let me think about it."),
        "one two three four five six seven",
        claude_fake.tool_use("f", {"a": [1, 2, 3], "b": "x" * 60}),
    )
    http = httpx2.Client(
        transport=claude_fake.faces.transport.sync_transport(fake), base_url="http://f"
    )
    body = {"model": MODEL, "max_tokens": 500, "messages": HELLO, "stream": True}
    raw = http.post("/v1/messages", json=body, headers={"anthropic-version": "2023-06-01"}).content
    events = sse.decode(raw)
    names = [name for name, _ in events]
    assert all(name == data["type"] for name, data in events)
    assert names[0] == "message_start"
    assert names[-2:] == ["message_delta", "message_stop"]
    assert names.count("ping") == 1
    deltas = [d["delta"] for n, d in events if n == "content_block_delta"]
    assert [d["type"] for d in deltas if d["type"] != "text_delta"][:1] == ["thinking_delta"]
    assert sum(d["type"] == "text_delta" for d in deltas) >= 2
    json_deltas = [d["partial_json"] for d in deltas if d["type"] == "input_json_delta"]
    assert json_deltas[0] == ""
    assert len(json_deltas) > 2
    thinking = [d["type"] for d in deltas if d["type"] in ("thinking_delta", "signature_delta")]
    assert thinking[-1] == "signature_delta"
    starts = [d["index"] for n, d in events if n == "content_block_start"]
    assert starts == [0, 1, 2]


PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5Erk"
    "Jggg=="
)
KITCHEN_SINK = [
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "Look:", "cache_control": {"type": "ephemeral"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
            {
                "type": "document",
                "source": {"type": "text", "media_type": "text/plain", "data": "A short note."},
                "title": "Note",
                "citations": {"enabled": True},
            },
            {
                "type": "search_result",
                "source": "https://example.com",
                "title": "Example",
                "content": [{"type": "text", "text": "Example result"}],
            },
        ],
    },
    {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "Hmm.", "signature": "c2ln"},
            {"type": "text", "text": "Let me check."},
            {"type": "tool_use", "id": "toolu_01A", "name": "lookup", "input": {"q": "x"}},
        ],
    },
    {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "42"},
            {"type": "text", "text": "Thanks. And now?"},
        ],
    },
    {"role": "system", "content": "Be brief from here on."},
    {"role": "user", "content": "Go on."},
]


def test_every_request_shape_is_accepted_and_answered(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MODEL,
        max_tokens=400,
        system=[{"type": "text", "text": "You help.", "cache_control": {"type": "ephemeral"}}],
        messages=KITCHEN_SINK,
        tools=[
            {"name": "lookup", "input_schema": {"type": "object"}, "strict": True},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        ],
        tool_choice={"type": "auto", "disable_parallel_tool_use": True},
        metadata={"user_id": "u-1"},
        service_tier="auto",
    )
    assert message.stop_reason == "end_turn"
    assert client.messages.count_tokens(model=MODEL, messages=KITCHEN_SINK).input_tokens > 1568


def test_a_failure_inside_the_fake_is_an_answer_not_a_crash(
    fake: FakeClaude, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(batch_api.HANDLERS, "batches.get", broken)  # a bug, injected
    client = fake.client(max_retries=2)
    with pytest.raises(anthropic.InternalServerError, match="ZeroDivisionError: boom"):
        client.messages.batches.retrieve("msgbatch_01x")
    assert [r.attempt for r in fake.requests] == [0]  # x-should-retry: false
    assert "ZeroDivisionError" in fake.problems[0]


def test_a_mid_stream_fault_past_the_end_still_lands_before_message_stop(
    client: anthropic.Anthropic, fake: FakeClaude
) -> None:
    fake.reply("short")
    fake.fail(529, after_events=500)
    with (
        pytest.raises(anthropic.APIStatusError, match="Overloaded"),
        client.messages.stream(model=MODEL, max_tokens=10, messages=HELLO) as stream,
    ):
        for _ in stream:
            pass
