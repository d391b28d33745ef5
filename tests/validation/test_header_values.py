"""Header values through the real SDK: an ``anthropic-version`` the API never published is its
400, only in strict mode; what the SDKs send and any ``anthropic-beta`` are served."""

from __future__ import annotations

import anthropic
import pytest

from claude_fake import FakeClaude

HI = [{"role": "user", "content": "hi"}]


def test_the_sdks_own_version_is_served() -> None:
    with FakeClaude(validate="strict").client(_strict_response_validation=True) as client:
        sent = client.messages.with_raw_response.create(
            model="claude-sonnet-4-6", max_tokens=8, messages=HI
        )
    assert sent.http_request.headers["anthropic-version"] == "2026-10-21"
    assert sent.status_code == 200


@pytest.mark.parametrize("version", ["2023-01-01", "2023-06-01", "2026-10-21", "2031-01-01"])
def test_published_and_later_versions_are_served(version: str) -> None:
    with FakeClaude(validate="strict").client(_strict_response_validation=True) as client:
        message = client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=8,
            messages=HI,
            extra_headers={"anthropic-version": version},
        )
    assert message.content


def test_an_unpublished_version_is_the_apis_400() -> None:
    fake = FakeClaude(validate="strict")
    with fake.client(max_retries=0) as client, pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=8,
            messages=HI,
            extra_headers={"anthropic-version": "2024-10-22"},
        )
    assert caught.value.body == {
        "type": "error",
        "error": {
            "type": "invalid_request_error",
            "message": 'anthropic-version: "2024-10-22" is not a valid version',
        },
        "request_id": caught.value.request_id,
    }


@pytest.mark.asyncio
async def test_lenient_mode_takes_any_version() -> None:
    async with FakeClaude(validate="lenient").async_client() as client:
        message = await client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=8,
            messages=HI,
            extra_headers={"anthropic-version": "2024-10-22"},
        )
    assert message.content


def test_any_beta_is_served() -> None:
    with FakeClaude(validate="strict").client(_strict_response_validation=True) as client:
        message = client.beta.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=8,
            messages=HI,
            betas=["not-a-listed-beta-2099-01-01", "prompt-caching-2024-07-31"],
        )
    assert message.content
