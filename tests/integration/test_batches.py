"""Message Batches through the real SDK (strict), GA and beta, sync and async, in-process and
over a server: create, poll, results, list, cancel, delete; every request answered by the same
engine (scripts, generator, faults), on the engine clock."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import anthropic
import pytest

from claude_fake import FakeClaude
from claude_fake.errors import ConfigError
from claude_fake.model import FakeRequest

MODEL = "claude-sonnet-4-6"
HEADERS = {"anthropic-version": "2023-06-01", "x-api-key": "k"}


def entries(count: int, **extra: Any) -> list[dict[str, Any]]:
    """``count`` batch entries, custom ids r0, r1, ..."""
    return [
        {
            "custom_id": f"r{n}",
            "params": {
                "model": MODEL,
                "max_tokens": 64,
                "messages": [{"role": "user", "content": f"Question {n}?"}],
                **extra,
            },
        }
        for n in range(count)
    ]


# The results GET goes to the batch's results_url, on the origin the client reached: on the
# shared test server that includes the path prefix the engine is mounted under.
@pytest.fixture
def origin(face: str, request: pytest.FixtureRequest) -> str | None:
    """None in-process, else the base URL of ``fake`` on the shared loopback server."""
    return None if face == "inprocess" else str(request.getfixturevalue("base_url"))


def _options(origin: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {"_strict_response_validation": True, "max_retries": 0}
    if origin is not None:
        options.update(base_url=origin, api_key="sk-ant-test")
    return options


@pytest.fixture
def bclient(fake: FakeClaude, origin: str | None) -> Iterator[anthropic.Anthropic]:
    """A strict sync client on ``fake``, in-process or over its own server."""
    options = _options(origin)
    with anthropic.Anthropic(**options) if origin else fake.client(**options) as sdk:
        yield sdk


@pytest.fixture
async def abclient(fake: FakeClaude, origin: str | None) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """A strict async client on ``fake``, in-process or over its own server."""
    options = _options(origin)
    async with (
        anthropic.AsyncAnthropic(**options) if origin else fake.async_client(**options)
    ) as sdk:
        yield sdk


def test_create_poll_and_results_return_every_result(
    fake: FakeClaude, bclient: anthropic.Anthropic
) -> None:
    fake.batches.delay = 30
    batch = bclient.messages.batches.create(requests=entries(3))
    assert batch.processing_status == "in_progress"
    assert batch.request_counts.processing == 3
    assert batch.results_url is None
    assert batch.expires_at - batch.created_at == timedelta(hours=24)  # the API's batch lifetime
    polls = 0
    while batch.processing_status != "ended":
        fake.clock.advance(10)
        batch = bclient.messages.batches.retrieve(batch.id)
        counts = batch.request_counts
        assert counts.processing + counts.succeeded == 3
        polls += 1
    assert polls == 3
    assert batch.results_url is not None
    assert batch.results_url.endswith(f"/v1/messages/batches/{batch.id}/results")
    assert batch.ended_at is not None
    assert batch.ended_at - batch.created_at == timedelta(seconds=30)  # the delay, engine clock
    results = {r.custom_id: r.result for r in bclient.messages.batches.results(batch.id)}
    assert sorted(results) == ["r0", "r1", "r2"]
    for result in results.values():
        assert result.type == "succeeded"
        assert result.message.usage.service_tier == "batch"


async def test_async_create_and_results(
    fake: FakeClaude, abclient: anthropic.AsyncAnthropic
) -> None:
    batch = await abclient.messages.batches.create(requests=entries(4))
    assert batch.processing_status == "ended"  # no delay: processed at once
    assert batch.request_counts.succeeded == 4
    decoder = await abclient.messages.batches.results(batch.id)
    ids = [r.custom_id async for r in decoder]
    assert sorted(ids) == ["r0", "r1", "r2", "r3"]
    beta = await abclient.beta.messages.batches.create(requests=entries(2))
    got = [r async for r in await abclient.beta.messages.batches.results(beta.id)]
    assert [r.result.type for r in got] == ["succeeded", "succeeded"]


def test_requests_are_answered_by_the_engine(
    fake: FakeClaude, bclient: anthropic.Anthropic
) -> None:
    fake.reply("Scripted one.", when=lambda r: r.text == "Question 1?")
    fake.reply("Scripted zero.", when=lambda r: r.text == "Question 0?")
    batch = bclient.messages.batches.create(requests=entries(2))
    results = {r.custom_id: r.result for r in bclient.messages.batches.results(batch.id)}
    assert results["r0"].message.content[0].text == "Scripted zero."  # type: ignore[union-attr]
    assert results["r1"].message.content[0].text == "Scripted one."  # type: ignore[union-attr]
    inner = [r for r in fake.requests if r.path == "/v1/messages"]
    assert [r.text for r in inner] == ["Question 0?", "Question 1?"]


def test_a_fault_gives_an_errored_result(fake: FakeClaude, bclient: anthropic.Anthropic) -> None:
    fake.batches.delay = 20
    batch = bclient.messages.batches.create(requests=entries(2))
    fake.fail(529)
    fake.clock.advance(20)  # both due: the first takes the fault
    batch = bclient.messages.batches.retrieve(batch.id)
    assert batch.request_counts.errored == 1
    assert batch.request_counts.succeeded == 1
    results = {r.custom_id: r.result for r in bclient.messages.batches.results(batch.id)}
    assert results["r0"].type == "errored"
    assert results["r0"].error.error.type == "overloaded_error"  # type: ignore[union-attr]


def test_an_invalid_request_gives_an_errored_result(bclient: anthropic.Anthropic) -> None:
    bad, good = entries(2, compaction={"type": "summarize"})
    bad["params"]["messages"] = [  # nothing to summarize: earns a 400
        {"role": "assistant", "content": [{"type": "compaction", "content": None}]}
    ]
    batch = bclient.beta.messages.batches.create(requests=[bad, good], betas=["compact-2026-09-04"])
    results = {r.custom_id: r.result for r in bclient.beta.messages.batches.results(batch.id)}
    assert results["r0"].type == "errored"
    error = results["r0"].error.error  # type: ignore[union-attr]
    assert error.type == "invalid_request_error"
    assert "summarize" in error.message
    assert results["r1"].type == "succeeded"
    assert results["r1"].message.stop_reason == "compaction"  # type: ignore[union-attr]


def test_cancel_leaves_the_unprocessed_requests_canceled(
    fake: FakeClaude, bclient: anthropic.Anthropic
) -> None:
    fake.batches.delay = 40
    batch = bclient.messages.batches.create(requests=entries(4))
    fake.clock.advance(15)  # r0 done
    canceling = bclient.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None
    ended = bclient.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended"
    counts = ended.request_counts
    assert (counts.succeeded, counts.canceled, counts.processing) == (1, 3, 0)
    kinds = sorted(r.result.type for r in bclient.messages.batches.results(batch.id))
    assert kinds == ["canceled", "canceled", "canceled", "succeeded"]


def test_requests_still_processing_after_a_day_expire(
    fake: FakeClaude, bclient: anthropic.Anthropic
) -> None:
    fake.batches.delay = 2 * 24 * 3600
    batch = bclient.messages.batches.create(requests=entries(3))
    fake.clock.advance(24 * 3600)
    ended = bclient.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended"
    assert (ended.request_counts.succeeded, ended.request_counts.expired) == (1, 2)
    assert ended.ended_at == ended.expires_at


def test_list_pages_newest_first(fake: FakeClaude, bclient: anthropic.Anthropic) -> None:
    made = [bclient.messages.batches.create(requests=entries(1)).id for _ in range(5)]
    newest_first = made[::-1]
    page = bclient.messages.batches.list(limit=2)
    assert [b.id for b in page.data] == newest_first[:2]
    assert page.has_more
    assert [b.id for b in bclient.messages.batches.list(limit=2)] == newest_first  # auto-paging
    after = bclient.messages.batches.list(limit=2, after_id=newest_first[1])
    assert [b.id for b in after.data] == newest_first[2:4]
    before = bclient.messages.batches.list(limit=2, before_id=newest_first[3])
    assert [b.id for b in before.data] == newest_first[1:3]
    with pytest.raises(anthropic.BadRequestError):
        bclient.messages.batches.list(limit=0)


def test_delete_needs_an_ended_batch(fake: FakeClaude, bclient: anthropic.Anthropic) -> None:
    fake.batches.delay = 60
    batch = bclient.messages.batches.create(requests=entries(1))
    with pytest.raises(anthropic.BadRequestError, match="cancel it"):
        bclient.messages.batches.delete(batch.id)
    with pytest.raises(anthropic.AnthropicError, match="results_url"):
        bclient.messages.batches.results(batch.id)
    fake.clock.advance(60)
    deleted = bclient.messages.batches.delete(batch.id)
    assert (deleted.id, deleted.type) == (batch.id, "message_batch_deleted")
    with pytest.raises(anthropic.NotFoundError):
        bclient.messages.batches.retrieve(batch.id)


def test_the_results_file_has_no_blank_lines(fake: FakeClaude) -> None:
    created = fake.handle(
        FakeRequest(
            method="POST",
            path="/v1/messages/batches",
            headers=HEADERS,
            raw=json.dumps({"requests": entries(3)}).encode(),
        )
    )
    batch_id = created.payload["id"]
    results = fake.handle(
        FakeRequest(method="GET", path=f"/v1/messages/batches/{batch_id}/results", headers=HEADERS)
    )
    lines = results.body.decode().split("\n")
    assert lines[-1] == ""
    assert all(line.strip() for line in lines[:-1])
    assert [json.loads(line)["custom_id"] for line in lines[:-1]] == ["r0", "r1", "r2"]


def test_results_of_a_batch_in_progress_are_refused(fake: FakeClaude) -> None:
    fake.batches.delay = 5
    created = fake.handle(
        FakeRequest(
            method="POST",
            path="/v1/messages/batches",
            headers=HEADERS,
            raw=json.dumps({"requests": entries(1)}).encode(),
        )
    )
    path = f"/v1/messages/batches/{created.payload['id']}/results"
    refused = fake.handle(FakeRequest(method="GET", path=path, headers=HEADERS))
    assert refused.status == 400
    assert "still in_progress" in refused.payload["error"]["message"]


def test_the_delay_can_be_configured() -> None:
    assert FakeClaude(batch_delay=12).batches.delay == 12.0
    with pytest.raises(ConfigError, match="batch_delay"):
        FakeClaude(batch_delay=-1)
