"""batches.py: a batch's timeline, counts, results and objects, without an engine."""

from __future__ import annotations

from typing import Any

import pytest

from claude_fake import FakeClaude
from claude_fake.errors import ConfigError
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.state import batches
from claude_fake.wire.responses import api_error, json_response

MESSAGE = {
    "type": "message",
    "id": "msg_1",
    "usage": {"input_tokens": 1, "service_tier": "standard"},
}


def answered(request: FakeRequest) -> FakeResponse:
    return json_response(MESSAGE, "req_1")


def store_with(count: int, delay: float) -> tuple[batches.BatchStore, batches.Batch]:
    store = batches.BatchStore(delay=delay)
    body = {"requests": [{"custom_id": f"r{n}", "params": {"n": n}} for n in range(count)]}
    return store, store.add(
        "msgbatch_1", body, {"anthropic-version": "2023-06-01", "x": "y"}, 1_000.0
    )


def test_requests_finish_in_turn() -> None:
    store, batch = store_with(4, delay=40)
    assert [batch.due(i) for i in range(4)] == [1_010.0, 1_020.0, 1_030.0, 1_040.0]
    store.process(answered, 1_025.0)
    assert batch.counts() == {
        "processing": 2,
        "succeeded": 2,
        "errored": 0,
        "canceled": 0,
        "expired": 0,
    }
    assert batch.status == "in_progress"
    store.process(answered, 1_040.0)
    assert batch.status == "ended"
    assert batch.ended_at == 1_040.0


def test_a_canceled_batch_ends_at_the_next_look() -> None:
    store, batch = store_with(3, delay=30)
    store.process(answered, 1_015.0)
    store.cancel(batch, 1_015.0)
    assert batch.status == "canceling"
    store.process(answered, 1_100.0)  # r1, r2 were due after the cancel: canceled
    assert batch.counts()["canceled"] == 2
    assert batch.status == "ended"


def test_the_forwarded_request() -> None:
    _, batch = store_with(1, delay=0)
    inner = batches.inner_request(batch, {"n": 0})
    assert (inner.method, inner.path, inner.raw) == ("POST", "/v1/messages", b'{"n":0}')
    assert inner.headers == {"anthropic-version": "2023-06-01", "content-type": "application/json"}


def test_results_of_answers() -> None:
    ok = batches.result_of(json_response(MESSAGE, "req_1"))
    assert ok["type"] == "succeeded"
    assert ok["message"]["usage"]["service_tier"] == "batch"
    bad = batches.result_of(api_error(429, "rate_limit_error", "slow down", "req_2"))
    assert bad == {
        "type": "errored",
        "error": {
            "type": "error",
            "error": {"type": "rate_limit_error", "message": "slow down"},
            "request_id": "req_2",
        },
    }
    dropped = batches.result_of(FakeResponse(status=0, headers={}))
    assert dropped["error"]["error"]["type"] == "api_error"


def test_the_batch_object() -> None:
    store, batch = store_with(2, delay=0)
    assert batch.to_json("http://x")["results_url"] is None
    store.process(answered, 1_000.0)
    shown: dict[str, Any] = batch.to_json("http://x/p")
    assert shown["results_url"] == "http://x/p/v1/messages/batches/msgbatch_1/results"
    assert shown["created_at"] == "1970-01-01T00:16:40.000000Z"
    assert shown["expires_at"] == batches.timestamp(1_000.0 + batches.DAY)
    assert batch.jsonl().count(b"\n") == 2


@pytest.mark.parametrize("value", [-1, "soon", True])
def test_a_bad_delay_is_refused(value: object) -> None:
    with pytest.raises(ConfigError, match="batch_delay"):
        FakeClaude(batch_delay=value)
