"""Retries: the API is overloaded, the SDK retries, a later attempt answers.

``claude_fake.fail(...)`` scripts errors exactly as the API sends them (status, error type,
``retry-after`` headers), so the official SDK's own retry logic runs, without real waiting.
"""

from __future__ import annotations

from typing import Any

import anthropic
import pytest

MODEL = "claude-sonnet-4-6"


def summarise(client: Any, text: str) -> str:
    """The code under test: relies on the SDK's retries (2 by default)."""
    response = client.messages.create(
        model=MODEL, max_tokens=256, messages=[{"role": "user", "content": f"Summarise: {text}"}]
    )
    return str(response.content[0].text)


def test_two_overloaded_errors_are_retried(claude_fake, claude_client):
    claude_fake.fail(529, times=2)  # overloaded_error, twice
    claude_fake.reply("A short summary.")

    assert summarise(claude_client, "a long text") == "A short summary."

    assert [r.attempt for r in claude_fake.requests] == [0, 1, 2]
    assert [r.source for r in claude_fake.requests] == ["fault", "fault", "scripted"]


def test_rate_limits_beyond_the_retries_reach_the_caller(claude_fake, claude_client):
    claude_fake.fail(429, times=3, retry_after=0.01)  # rate_limit_error with retry headers

    with pytest.raises(anthropic.RateLimitError):
        summarise(claude_client, "a long text")

    assert len(claude_fake.requests) == 3
