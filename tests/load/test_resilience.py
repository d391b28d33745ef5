"""The resilience report: for each fault served, what the client did next (its retries, their
waits against the retry-after given, a give-up), and a verdict per client. The well-behaved client
is the real SDK; the badly-behaved ones are plain HTTP loops that send the SDK's retry header."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import httpx2
import pytest

from claude_fake import FakeClaude

ASK: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 8,
    "messages": [{"role": "user", "content": "hi"}],
}
HEADERS = {"x-api-key": "k", "anthropic-version": "2023-06-01", "user-agent": "hammer/1.0"}


def test_the_sdk_waits_as_asked_and_recovers() -> None:
    fake = FakeClaude()
    fake.fail(429, times=2, retry_after=0.2)
    fake.client(max_retries=3).messages.create(**ASK)
    report = fake.resilience()
    (client,) = report.clients
    assert client.client.startswith("Anthropic/Python")
    assert (client.faults, client.requests, client.recovered, client.gave_up) == (2, 1, 1, 0)
    assert client.retries == 2
    assert all(wait >= 0.2 for wait in client.waits)
    assert report.ok
    assert str(report).startswith("OK - Anthropic/Python")
    assert [f.outcome for f in report.faults] == ["retried", "retried"]
    assert [f.attempt for f in report.faults] == [0, 1]
    assert all(f.retry_after == 0.2 for f in report.faults)


def test_a_client_that_gives_up_at_once() -> None:
    fake = FakeClaude()
    fake.fail(529, times=3)
    client = fake.client(max_retries=0)
    for _ in range(3):
        with pytest.raises(anthropic.InternalServerError):
            client.messages.create(**ASK)
    report = fake.resilience()
    assert report.clients[0].gave_up == 3
    assert str(report).startswith("NO RETRIES - ")
    assert "gave up on 3 retryable fault(s) at once" in str(report)


def test_a_client_that_retries_sooner_than_asked_hammers(fake: FakeClaude, base_url: str) -> None:
    fake.fail(429, times=3, retry_after=2)
    with httpx2.Client(base_url=base_url) as http:
        for attempt in range(4):  # no wait at all between attempts
            answer = http.post(
                "/v1/messages",
                json=ASK,
                headers={**HEADERS, "x-stainless-retry-count": str(attempt)},
            )
        assert answer.status_code == 200
        report = http.get("/_fake/resilience").json()
    assert report["ok"] is False
    (verdict,) = report["verdicts"]
    assert verdict.startswith("HAMMERS - hammer/1.0: 3 fault(s) met by 1 request(s); 1 recovered")
    assert "3 retried sooner than the retry-after given" in verdict
    assert [f["outcome"] for f in report["faults"]] == ["retried too soon"] * 3
    assert report["clients"][0]["too_soon"] == 3


def test_retrying_an_answer_that_said_not_to_is_hammering() -> None:
    fake = FakeClaude()
    fake.fail(529, should_retry=False)
    fake.fail(400)
    with httpx2.Client(transport=_transport(fake), base_url="http://fake") as http:
        for attempt in range(3):
            headers = {**HEADERS, "x-stainless-retry-count": str(attempt)}
            http.post("/v1/messages", json=ASK, headers=headers)
    report = fake.resilience()
    assert [f.outcome for f in report.faults] == ["retried against advice"] * 2
    assert "2 retried an answer that said not to" in str(report)


def _transport(fake: FakeClaude) -> Any:
    from claude_fake.faces.transport import sync_transport

    return sync_transport(fake, httpx2)


def test_clients_are_told_apart_and_reset_forgets() -> None:
    fake = FakeClaude()
    fake.fail(529, times=2)
    for agent in ("first/1", "second/2"):
        with pytest.raises(anthropic.InternalServerError):
            fake.client(max_retries=0, default_headers={"user-agent": agent}).messages.create(**ASK)
    assert [c.client for c in fake.resilience().clients] == ["first/1", "second/2"]
    fake.reset()
    assert str(fake.resilience()) == "No fault was served: nothing to report."
    assert fake.resilience().as_json() == {"ok": True, "verdicts": [], "clients": [], "faults": []}


def test_the_report_over_http_is_json(fake: FakeClaude, base_url: str) -> None:
    fake.fail(529, times=1)
    with anthropic.Anthropic(base_url=base_url, api_key="k", max_retries=2) as client:
        client.messages.create(**ASK)
    with httpx2.Client(base_url=base_url) as http:
        answer = http.get("/_fake/resilience")
    assert answer.status_code == 200
    report = answer.json()
    assert json.loads(json.dumps(report)) == report
    assert report["ok"] is True
    assert report["faults"][0]["status"] == 529
    assert report["faults"][0]["outcome"] == "retried"
    assert report["verdicts"][0].startswith("OK - Anthropic/Python")
