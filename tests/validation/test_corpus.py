"""The validation corpus through the engine in strict mode: every request real clients send is
served, every request the API refuses gets its status, error type and message (API_RULES.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx2
import pytest
from corpus import Case, invalid, valid

from claude_fake import FakeClaude
from claude_fake.faces.transport import sync_transport

VALID, INVALID = valid(), invalid()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx2.Client]:
    fake = FakeClaude(seed=0, validate="strict", journal_size=0)
    with httpx2.Client(transport=sync_transport(fake), base_url="http://fake") as client:
        yield client


def send(client: httpx2.Client, case: Case) -> httpx2.Response:
    headers = {**case.headers, "content-type": "application/json"}
    return client.post(case.path, content=case.raw(), headers=headers)


def test_the_corpus_is_big_enough() -> None:
    assert len(INVALID) >= 150
    assert len(VALID) >= 100
    assert len({c.name for c in INVALID + VALID}) == len(INVALID + VALID)


@pytest.mark.parametrize("case", VALID, ids=lambda c: c.name)
def test_valid_requests_are_served(client: httpx2.Client, case: Case) -> None:
    response = send(client, case)
    assert response.status_code == 200, response.text[:500]


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c.name)
def test_invalid_requests_get_the_apis_answer(client: httpx2.Client, case: Case) -> None:
    response = send(client, case)
    assert response.status_code == case.status, response.text[:500]
    payload = response.json()
    assert payload["type"] == "error"
    assert payload["request_id"] == response.headers["request-id"]
    assert payload["error"]["type"] == case.error_type
    assert case.pattern is not None
    assert re.search(case.pattern, payload["error"]["message"]), payload["error"]["message"]
