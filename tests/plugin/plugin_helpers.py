"""Shared pieces of the plugin tests: an ini for inner runs, a request snippet, a local upstream."""

from __future__ import annotations

# pytester's in-process runs forget the modules first imported inside them, so each run would
# import the SDK again (seconds), and PyYAML's C loader breaks when re-imported ("could not
# determine a constructor for the tag None"). So the SDK, the engine, the server and the cassette
# code (with yaml and vcrpy) are imported here, once, in the outer process.
from collections.abc import Iterator
from contextlib import contextmanager

import anthropic  # noqa: F401
import pytest

from claude_fake import FakeClaude

MODEL = "claude-sonnet-4-6"
# An inner test's call to the API, as users write it.
ASK = (
    f'claude_client.messages.create(model="{MODEL}", max_tokens=64, '
    'messages=[{"role": "user", "content": "What is the weather in Paris?"}])'
)


def ini(pytester: pytest.Pytester, *lines: str) -> None:
    """An ini for an inner run: warnings are errors, like users' strict projects.

    Hypothesis's plugin is off in inner runs: it imports hypothesis afresh in each (1.4 s).
    """
    given = [line for line in lines if not line.startswith("addopts")]
    addopts = " ".join(line.split("=", 1)[1] for line in lines if line.startswith("addopts"))
    body = "\n".join(["[pytest]", "filterwarnings = error", *given])
    body += f"\naddopts = -p no:hypothesispytest {addopts}"
    body += "\nasyncio_default_fixture_loop_scope = function\n"
    pytester.makeini(body)


@contextmanager
def upstream(*replies: str) -> Iterator[str]:
    """A second fake on loopback, standing in for the real API while a test records."""
    fake = FakeClaude(seed=1)
    for reply in replies:
        fake.reply(reply)
    with fake.serve() as url:
        yield url


def cassette_yaml(question: str, answer: str) -> str:
    """A one-interaction cassette in claude-fake's readable form."""
    return f"""\
version: 1
interactions:
- request:
    method: POST
    uri: https://api.anthropic.com/v1/messages
    headers:
      content-type: [application/json]
    json:
      max_tokens: 64
      messages:
      - role: user
        content: {question}
      model: {MODEL}
  response:
    status: {{code: 200, message: OK}}
    headers:
      content-type: [application/json]
    json:
      id: msg_01XFDUDYJgAACzvnptvVoYEL
      type: message
      role: assistant
      model: {MODEL}
      content:
      - type: text
        text: {answer}
      stop_reason: end_turn
      stop_sequence: null
      usage: {{input_tokens: 14, output_tokens: 7}}
"""
