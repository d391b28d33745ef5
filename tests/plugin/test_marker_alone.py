"""The ``claude_cassette`` marker alone is enough: code that builds its own
``anthropic.Anthropic()`` is served by the test's engine through ``ANTHROPIC_BASE_URL``; keyless
in CI (a placeholder key), the real key from the environment going upstream when recording."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_text import cassette_yaml
from plugin_helpers import MODEL, ini

from claude_fake import FakeClaude

QUESTION = "What is the weather in Paris?"
OWN_CLIENT = f"""
import anthropic
import pytest

def weather():
    with anthropic.Anthropic() as client:  # the code under test builds its own client
        answer = client.messages.create(
            model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "{QUESTION}"}}]
        )
    return answer.content[0].text

@pytest.mark.claude_cassette
def test_weather():
    assert weather() == "Sunny"
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CI", "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_marker_alone_replays_for_a_client_the_code_builds_keyless(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    cassette = Path(pytester.path, "cassettes", "test_own", "test_weather.yaml")
    cassette.parent.mkdir(parents=True)
    cassette.write_text(cassette_yaml(QUESTION, "Sunny"))
    pytester.makepyfile(test_own=OWN_CLIENT)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["claude_fake: 1 request (0 scripted, 1 replayed, *"])


def test_the_marker_alone_records_with_the_real_key_going_upstream(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_key = "sk-ant-api03-only-the-upstream-may-see-this"
    monkeypatch.setenv("ANTHROPIC_API_KEY", real_key)
    ini(pytester)
    pytester.makepyfile(test_own=OWN_CLIENT)
    upstream = FakeClaude(seed=1, require_api_key=real_key)
    upstream.reply("Sunny")
    with upstream.serve() as url:
        result = pytester.runpytest("--claude-record-mode=once", f"--claude-upstream={url}")
    result.assert_outcomes(passed=1)
    cassette = Path(pytester.path, "cassettes", "test_own", "test_weather.yaml")
    assert "Sunny" in cassette.read_text()
    assert real_key not in cassette.read_text()
    sent = upstream.requests[0].headers
    assert real_key in (
        sent.get("x-api-key"),
        sent.get("authorization", "").removeprefix("Bearer "),
    )


def test_unmarked_tests_keep_their_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://example.invalid")
    ini(pytester)
    pytester.makepyfile(
        """
        import os

        def test_untouched():
            assert os.environ["ANTHROPIC_BASE_URL"] == "https://example.invalid"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
