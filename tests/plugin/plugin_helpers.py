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
