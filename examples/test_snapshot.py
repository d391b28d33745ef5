"""Snapshots (with syrupy): pin down exactly what your code sends to Claude.

``assert claude_fake.requests == snapshot`` stores the requests with ids, dates, keys and the
SDK's version and platform headers masked, so the snapshot holds on every machine and SDK patch
release. Update it with ``pytest --snapshot-update`` and review the diff. For other values, use
``snapshot(matcher=claude_fake.snapshot.matcher)``.
"""

from __future__ import annotations

from typing import Any

MODEL = "claude-sonnet-4-6"
SYSTEM = "Classify the sentiment of the user's message as positive, negative or neutral."


def classify(client: Any, text: str) -> str:
    """The code under test: its prompt is what the snapshot pins down."""
    response = client.messages.create(
        model=MODEL,
        max_tokens=8,
        system=SYSTEM,
        stop_sequences=["###"],
        messages=[{"role": "user", "content": text}],
    )
    return str(response.content[0].text).strip().lower()


def test_the_prompt_stays_as_reviewed(claude_fake, claude_client, snapshot):
    claude_fake.reply("Positive")

    assert classify(claude_client, "I love this product!") == "positive"

    assert claude_fake.requests == snapshot
