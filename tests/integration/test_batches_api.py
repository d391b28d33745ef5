"""Message Batches through the real SDK with strict response validation (WIRE.md §1.1, §9.4):
create, retrieve, list paging, cancel, results, delete before and after the end, unknown ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import anthropic
import pytest

from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
DELAY = 60.0
COUNTS = ("processing", "succeeded", "errored", "canceled", "expired")


def entries(*custom_ids: str) -> list[dict[str, Any]]:
    return [
        {
            "custom_id": custom_id,
            "params": {
                "model": MODEL,
                "max_tokens": 64,
                "messages": [{"role": "user", "content": f"Question {custom_id}?"}],
            },
        }
        for custom_id in custom_ids
    ]


@pytest.fixture
def slow() -> FakeClaude:
    """An engine whose batches take DELAY seconds (on its clock) to process."""
    return FakeClaude(seed=0, batch_delay=DELAY)


@pytest.fixture
def sdk(slow: FakeClaude) -> Iterator[anthropic.Anthropic]:
    with slow.client(_strict_response_validation=True, max_retries=0) as client:
        yield client


def counts(batch: Any) -> dict[str, int]:
    return {name: getattr(batch.request_counts, name) for name in COUNTS}


def test_create_answers_an_in_progress_batch(sdk: anthropic.Anthropic) -> None:
    batch = sdk.messages.batches.create(requests=entries("a", "b", "c"))
    assert batch.id.startswith("msgbatch_")
    assert batch.type == "message_batch"
    assert batch.processing_status == "in_progress"
    assert counts(batch) == {**dict.fromkeys(COUNTS, 0), "processing": 3}
    assert batch.expires_at - batch.created_at == timedelta(hours=24)
    assert (batch.ended_at, batch.cancel_initiated_at, batch.results_url) == (None, None, None)


def test_retrieve_follows_the_clock_to_the_end(slow: FakeClaude, sdk: anthropic.Anthropic) -> None:
    created = sdk.messages.batches.create(requests=entries("a", "b"))
    assert sdk.messages.batches.retrieve(created.id).processing_status == "in_progress"
    slow.clock.advance(DELAY)
    batch = sdk.messages.batches.retrieve(created.id)
    assert batch.id == created.id
    assert batch.processing_status == "ended"
    assert counts(batch) == {**dict.fromkeys(COUNTS, 0), "succeeded": 2}
    assert batch.ended_at is not None
    assert created.created_at <= batch.ended_at <= batch.expires_at
    assert batch.results_url is not None
    assert batch.results_url.endswith(f"/v1/messages/batches/{batch.id}/results")


def test_a_batch_with_no_delay_ends_at_once() -> None:
    with FakeClaude(seed=0).client(_strict_response_validation=True) as sdk:
        batch = sdk.messages.batches.create(requests=entries("a"))
    assert batch.processing_status == "ended"
    assert batch.request_counts.succeeded == 1


def test_results_hold_one_message_per_request(slow: FakeClaude, sdk: anthropic.Anthropic) -> None:
    batch = sdk.messages.batches.create(requests=entries("first", "second"))
    slow.clock.advance(DELAY)
    results = list(sdk.messages.batches.results(batch.id))
    assert sorted(r.custom_id for r in results) == ["first", "second"]
    for result in results:
        assert result.result.type == "succeeded"
        message = result.result.message
        assert message.type == "message"
        assert message.usage.service_tier == "batch"


def test_each_request_is_answered_by_the_engine(slow: FakeClaude, sdk: anthropic.Anthropic) -> None:
    """A scripted reply answers the first request; with none left, the next one is errored."""
    slow.reply("Scripted for the batch.")
    batch = sdk.messages.batches.create(requests=entries("first", "second"))
    slow.clock.advance(DELAY)
    results = {r.custom_id: r.result for r in sdk.messages.batches.results(batch.id)}
    first, second = results["first"], results["second"]
    assert first.type == "succeeded"
    assert first.message.content[0].type == "text"
    assert first.message.content[0].text == "Scripted for the batch."
    assert second.type == "errored"
    assert second.error.type == "error"
    assert "no scripted reply is left" in second.error.error.message
    assert sdk.messages.batches.retrieve(batch.id).request_counts.errored == 1


def test_results_before_the_end_are_refused_by_the_sdk(sdk: anthropic.Anthropic) -> None:
    batch = sdk.messages.batches.create(requests=entries("a"))
    with pytest.raises(anthropic.AnthropicError, match="No `results_url`"):
        sdk.messages.batches.results(batch.id)


def test_cancel_ends_with_the_unprocessed_requests_canceled(
    slow: FakeClaude, sdk: anthropic.Anthropic
) -> None:
    batch = sdk.messages.batches.create(requests=entries("a", "b", "c", "d"))
    slow.clock.advance(DELAY / 2)  # two of four are done
    canceling = sdk.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None
    ended = sdk.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended"
    assert counts(ended) == {**dict.fromkeys(COUNTS, 0), "succeeded": 2, "canceled": 2}
    kinds = {r.custom_id: r.result.type for r in sdk.messages.batches.results(batch.id)}
    assert kinds == {"a": "succeeded", "b": "succeeded", "c": "canceled", "d": "canceled"}


def test_cancelling_an_ended_batch_leaves_it_ended(
    slow: FakeClaude, sdk: anthropic.Anthropic
) -> None:
    batch = sdk.messages.batches.create(requests=entries("a"))
    slow.clock.advance(DELAY)
    again = sdk.messages.batches.cancel(batch.id)
    assert again.processing_status == "ended"
    assert again.cancel_initiated_at is None
    assert again.request_counts.succeeded == 1


def test_delete_needs_an_ended_batch(slow: FakeClaude, sdk: anthropic.Anthropic) -> None:
    batch = sdk.messages.batches.create(requests=entries("a"))
    with pytest.raises(anthropic.BadRequestError) as refused:
        sdk.messages.batches.delete(batch.id)
    assert refused.value.type == "invalid_request_error"
    assert "cancel it" in refused.value.message
    slow.clock.advance(DELAY)
    deleted = sdk.messages.batches.delete(batch.id)
    assert (deleted.id, deleted.type) == (batch.id, "message_batch_deleted")
    with pytest.raises(anthropic.NotFoundError):
        sdk.messages.batches.retrieve(batch.id)
    assert batch.id not in [b.id for b in sdk.messages.batches.list()]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda b, i: b.retrieve(i), id="retrieve"),
        pytest.param(lambda b, i: b.cancel(i), id="cancel"),
        pytest.param(lambda b, i: b.delete(i), id="delete"),
        pytest.param(lambda b, i: list(b.results(i)), id="results"),
    ],
)
def test_an_unknown_id_is_not_found(sdk: anthropic.Anthropic, call: Any) -> None:
    with pytest.raises(anthropic.NotFoundError) as missing:
        call(sdk.messages.batches, "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF")
    assert missing.value.status_code == 404
    assert missing.value.type == "not_found_error"
    assert "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF" in missing.value.message


def test_list_pages_newest_first(sdk: anthropic.Anthropic) -> None:
    made = [sdk.messages.batches.create(requests=entries(f"r{n}")).id for n in range(5)]
    newest_first = made[::-1]
    page = sdk.messages.batches.list(limit=2)
    assert [b.id for b in page.data] == newest_first[:2]
    assert page.has_more is True
    assert (page.first_id, page.last_id) == (newest_first[0], newest_first[1])
    assert [b.id for b in sdk.messages.batches.list(limit=2)] == newest_first  # auto-paging
    last = sdk.messages.batches.list(limit=2, after_id=newest_first[3])
    assert ([b.id for b in last.data], last.has_more) == ([newest_first[4]], False)
    before = sdk.messages.batches.list(limit=2, before_id=newest_first[3])
    assert [b.id for b in before.data] == newest_first[1:3]
    assert before.has_more is True


def test_an_empty_list(sdk: anthropic.Anthropic) -> None:
    page = sdk.messages.batches.list()
    assert (page.data, page.has_more, page.first_id, page.last_id) == ([], False, None, None)


@pytest.mark.parametrize("limit", [0, 1001])
def test_a_limit_out_of_range_is_a_400(sdk: anthropic.Anthropic, limit: int) -> None:
    with pytest.raises(anthropic.BadRequestError) as refused:
        sdk.messages.batches.list(limit=limit)
    assert "limit" in refused.value.message


def test_the_beta_resource_sees_the_same_batches(
    slow: FakeClaude, sdk: anthropic.Anthropic
) -> None:
    batch = sdk.beta.messages.batches.create(requests=entries("a"))
    assert batch.type == "message_batch"
    slow.clock.advance(DELAY)
    assert sdk.messages.batches.retrieve(batch.id).processing_status == "ended"
    results = list(sdk.beta.messages.batches.results(batch.id))
    assert [r.custom_id for r in results] == ["a"]
