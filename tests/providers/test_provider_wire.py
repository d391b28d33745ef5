"""The providers' bytes as their own libraries read them: AWS event-stream frames through
botocore's decoder, Bedrock through boto3 (``invoke_model``, the response stream, CountTokens,
errors), Vertex's Google error envelope, and refusals before the engine."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx2
import pytest
from botocore.eventstream import EventStreamBuffer
from provider_clients import BEDROCK_BODY, BEDROCK_MODEL_ID, MODEL

from claude_fake import FakeClaude
from claude_fake.providers import bedrock, eventstream, vertex


def test_frames_decode_with_botocore() -> None:
    data = b'{"type":"ping"}'
    buffer = EventStreamBuffer()
    buffer.add_data(eventstream.chunk(data) + eventstream.exception("throttlingException", "x"))

    first, second = list(buffer)

    assert first.headers[":event-type"] == "chunk"
    assert base64.b64decode(json.loads(first.payload)["bytes"]) == data
    assert second.headers == {
        ":exception-type": "throttlingException",
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    assert json.loads(second.payload) == {"message": "x"}


def test_a_corrupted_frame_fails_its_crc() -> None:
    from botocore.eventstream import ChecksumMismatch

    frame = bytearray(eventstream.chunk(b'{"type":"ping"}'))
    frame[-10] ^= 0xFF
    buffer = EventStreamBuffer()
    buffer.add_data(bytes(frame))
    with pytest.raises(ChecksumMismatch):
        list(buffer)


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022"),
        ("us.anthropic.claude-sonnet-4-6-v1:0", "claude-sonnet-4-6"),
        ("global.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1-20250805"),
        (
            "arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-sonnet-4-6-v1:0",
            "claude-sonnet-4-6",
        ),
        ("claude-sonnet-4-6", "claude-sonnet-4-6"),
    ],
)
def test_bedrock_model_ids(model_id: str, expected: str) -> None:
    assert bedrock.first_party_model(model_id) == expected


def test_vertex_model_ids() -> None:
    assert vertex.first_party_model("claude-opus-4-1@20250805") == "claude-opus-4-1-20250805"


def test_boto3_invoke_model(fake: FakeClaude, runtime: Any) -> None:
    fake.reply("Hello through boto3.")

    answer = runtime.invoke_model(modelId=BEDROCK_MODEL_ID, body=json.dumps(BEDROCK_BODY))

    message = json.loads(answer["body"].read())
    assert message["content"][0]["text"] == "Hello through boto3."
    headers = answer["ResponseMetadata"]["HTTPHeaders"]
    assert int(headers["x-amzn-bedrock-output-token-count"]) == message["usage"]["output_tokens"]
    assert fake.requests[0].provider == "bedrock"
    assert fake.requests[0].headers["x-api-key"] == "AKIDTEST"  # the SigV4 key id


def test_boto3_response_stream(fake: FakeClaude, runtime: Any) -> None:
    fake.reply("Streamed through boto3.")

    answer = runtime.invoke_model_with_response_stream(
        modelId=BEDROCK_MODEL_ID, body=json.dumps(BEDROCK_BODY)
    )

    events = [json.loads(part["chunk"]["bytes"]) for part in answer["body"]]
    text = "".join(e["delta"].get("text", "") for e in events if e["type"] == "content_block_delta")
    assert text == "Streamed through boto3."
    metrics = events[-1]["amazon-bedrock-invocationMetrics"]
    assert metrics["outputTokenCount"] == events[-2]["usage"]["output_tokens"]


def test_boto3_count_tokens(fake: FakeClaude, runtime: Any) -> None:
    counted = runtime.count_tokens(
        modelId=BEDROCK_MODEL_ID, input={"invokeModel": {"body": json.dumps(BEDROCK_BODY).encode()}}
    )

    assert counted["inputTokens"] > 0
    assert fake.requests[0].path == "/v1/messages/count_tokens"


def test_boto3_sees_bedrocks_exceptions(fake: FakeClaude, runtime: Any) -> None:
    fake.fail(429)

    with pytest.raises(runtime.exceptions.ThrottlingException):
        runtime.invoke_model(modelId=BEDROCK_MODEL_ID, body=json.dumps(BEDROCK_BODY))


def test_boto3_stream_exception(fake: FakeClaude, runtime: Any) -> None:
    fake.reply("A long answer that an error cuts short in the middle of it.")
    fake.fail("overloaded_error", after_events=3)
    from botocore.exceptions import EventStreamError

    answer = runtime.invoke_model_with_response_stream(
        modelId=BEDROCK_MODEL_ID, body=json.dumps(BEDROCK_BODY)
    )
    with pytest.raises(EventStreamError, match="serviceUnavailableException"):
        list(answer["body"])
    answer["body"].close()


def test_bedrock_refuses_a_body_without_anthropic_version(fake: FakeClaude) -> None:
    with fake.serve() as url:
        answer = httpx2.post(
            f"{url}/model/{BEDROCK_MODEL_ID}/invoke", json={"max_tokens": 5, "messages": []}
        )

    assert answer.status_code == 400
    assert answer.headers["x-amzn-errortype"].startswith("ValidationException:")
    assert "anthropic_version" in answer.json()["message"]


def test_vertex_quota_errors_come_in_googles_envelope(fake: FakeClaude) -> None:
    fake.fail(429)
    path = f"/v1/projects/p/locations/us-east5/publishers/anthropic/models/{MODEL}:rawPredict"
    with fake.serve() as url:
        answer = httpx2.post(
            url + path, json={**BEDROCK_BODY, "anthropic_version": "vertex-2023-10-16"}
        )

    assert answer.status_code == 429
    assert answer.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert fake.requests[0].headers["anthropic-version"] == "2023-06-01"
