"""Bedrock's response stream as botocore reads it, event for event the Messages stream of the same
answer; the request side's path, body and a lone surrogate, as the Messages API would see them."""

from __future__ import annotations

import base64
import json
from typing import Any

import anthropic
import httpx2
import pytest
from botocore.eventstream import EventStreamBuffer
from provider_clients import ASK, BEDROCK_BODY, BEDROCK_MODEL_ID, MODEL, provider_client

from claude_fake import FakeClaude
from claude_fake.providers import base, bedrock, bedrock_stream

TEXT = "One answer, streamed on both paths, event for event, with a few words in it."


def test_the_bedrock_stream_carries_the_messages_streams_events(
    fake: FakeClaude, runtime: Any
) -> None:
    fake.reply(TEXT, times=2)
    messages_body = {k: v for k, v in BEDROCK_BODY.items() if k != "anthropic_version"}
    headers = {"anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test"}
    with fake.serve() as url:
        sse = httpx2.post(
            f"{url}/v1/messages",
            json={**messages_body, "model": MODEL, "stream": True},
            headers=headers,
        ).text
    expected = [json.loads(line[6:]) for line in sse.splitlines() if line.startswith("data: ")]

    answer = runtime.invoke_model_with_response_stream(
        modelId=BEDROCK_MODEL_ID, body=json.dumps(BEDROCK_BODY)
    )
    events = [json.loads(part["chunk"]["bytes"]) for part in answer["body"]]

    metrics = events[-1].pop("amazon-bedrock-invocationMetrics")
    assert [e["type"] for e in events] == [e["type"] for e in expected]
    assert events[1:] == expected[1:]  # all but message_start, whose id differs
    assert events[0]["message"]["usage"] == expected[0]["message"]["usage"]
    assert metrics == {
        "inputTokenCount": events[-2]["usage"]["input_tokens"],
        "outputTokenCount": events[-2]["usage"]["output_tokens"],
        "invocationLatency": 0,
        "firstByteLatency": 0,
    }


def test_a_chunk_of_other_lines_is_framed_by_the_sse_rules() -> None:
    chunks = [
        b'event: ping\ndata: {"type": "ping"}\n\n',
        b'event: content_block_delta\ndata: {"type":"content_block_delta",\ndata: "index":0}\n\n',
        b'event: message_stop\ndata: {"type":"message_stop"}\n\n',
    ]
    buffer = EventStreamBuffer()
    buffer.add_data(b"".join(bedrock_stream.engine_frames(chunks, {"output_tokens": 3})))

    events = [base64.b64decode(json.loads(m.payload)["bytes"]) for m in buffer]

    assert events[:2] == [b'{"type": "ping"}', b'{"type":"content_block_delta",\n"index":0}']
    assert json.loads(events[2])["amazon-bedrock-invocationMetrics"]["outputTokenCount"] == 3


def test_an_error_event_in_the_chunks_is_an_exception_message() -> None:
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    chunks = [
        b'event: ping\ndata: {"type": "ping"}\n\n',
        b"event: error\ndata: %s\n\n" % (json.dumps(error).encode()),
    ]
    buffer = EventStreamBuffer()
    buffer.add_data(b"".join(bedrock_stream.engine_frames(chunks, {})))

    ping, exception = list(buffer)

    assert ping.headers[":event-type"] == "chunk"
    assert exception.headers[":exception-type"] == "serviceUnavailableException"
    assert json.loads(exception.payload) == {"message": "Overloaded"}


def test_a_lone_surrogate_is_refused_as_the_messages_api_refuses_it(fake: FakeClaude) -> None:
    raw = json.dumps(
        {**BEDROCK_BODY, "messages": [{"role": "user", "content": "a\ud800"}]}
    ).encode()
    assert b"\\ud800" in raw  # the escape, as a client's JSON encoder writes it

    with fake.serve() as url:
        answer = httpx2.post(f"{url}/model/{BEDROCK_MODEL_ID}/invoke", content=raw)

    assert answer.status_code == 400
    assert answer.headers["x-amzn-errortype"].startswith("ValidationException:")
    assert "surrogate" in answer.json()["message"]


def test_the_bedrock_client_streams_with_strict_validation(fake: FakeClaude) -> None:
    fake.reply(TEXT)

    with provider_client(fake, "bedrock", None) as client, client.messages.stream(**ASK) as stream:
        text = "".join(stream.text_stream)
        message = stream.get_final_message()

    assert isinstance(client, anthropic.AnthropicBedrock)
    assert text == TEXT
    assert message.usage.output_tokens > 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/model/{BEDROCK_MODEL_ID}/invoke", (MODEL, "invoke")),
        (
            f"/model/{BEDROCK_MODEL_ID}/invoke-with-response-stream",
            (MODEL, "invoke-with-response-stream"),
        ),
        (f"/model/{BEDROCK_MODEL_ID}/count-tokens", (MODEL, "count-tokens")),
        (
            "/model/arn:aws:bedrock:us-east-1:1:inference-profile/"
            "us.anthropic.claude-sonnet-4-6-v1:0/invoke",
            ("claude-sonnet-4-6", "invoke"),
        ),
        ("/model//invoke", None),
        (f"/model/{BEDROCK_MODEL_ID}/converse", None),
        ("/v1/messages", None),
    ],
)
def test_bedrock_paths(path: str, expected: tuple[str, str] | None) -> None:
    assert bedrock.route(path) == expected


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": [1, 2.5, "\xc3\xa9"]}',
        b'  {"a": 1}\n',
        b'\xef\xbb\xbf{"a": 1}',
        '{"a": "é"}'.encode("utf-16"),
        b"[1, 2]",
        b'{"a": NaN}',
    ],
)
def test_json_bodies_read_as_json_loads_reads_them(raw: bytes) -> None:
    assert json.dumps(base.json_body(raw)) == json.dumps(json.loads(raw))  # NaN != NaN


@pytest.mark.parametrize("raw", [b"", b"{", b'{"a": 1} x', b"\xff{}"])
def test_what_is_not_json_is_none(raw: bytes) -> None:
    assert base.json_body(raw) is None
