"""Cassettes: replay a recorded conversation offline, in CI, with no API key.

The cassette beside this file, ``cassettes/test_cassette/<test name>.yaml``, is where
``@pytest.mark.claude_cassette`` looks by default (the layout pytest-recording uses). To record
your own against the real API, once::

    ANTHROPIC_API_KEY=sk-ant-... pytest examples/test_cassette.py --claude-record-mode=once

Recording stores JSON bodies as mappings and streams as lists of events, with keys scrubbed.
With ``CI`` set, recording is always off, so a missing interaction fails instead of calling out.
(This example's cassette was recorded against a local claude-fake standing in for the API.)
"""

from __future__ import annotations

import pytest

MODEL = "claude-sonnet-4-6"


@pytest.mark.claude_cassette
def test_replays_a_recorded_conversation(claude_fake, claude_client):
    question = [{"role": "user", "content": "What is the capital of France?"}]
    answer = claude_client.messages.create(model=MODEL, max_tokens=256, messages=question)
    assert answer.content[0].text == "The capital of France is Paris."

    follow_up = [
        *question,
        {"role": "assistant", "content": answer.content[0].text},
        {"role": "user", "content": "And its population?"},
    ]
    with claude_client.messages.stream(model=MODEL, max_tokens=256, messages=follow_up) as stream:
        assert stream.get_final_text() == "About 2.1 million people live in Paris itself."

    # "replayed" from the cassette ("recorded" while recording)
    assert len(claude_fake.requests) == 2
