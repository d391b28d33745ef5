"""The terminal summary line: requests answered by source, and cassettes written."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_text import cassette_yaml
from plugin_helpers import ASK, MODEL, ini


def test_one_line_counts_every_source(pytester: pytest.Pytester) -> None:
    ini(pytester)
    cassette = Path(pytester.path, "cassettes", "test_sources", "test_replayed.yaml")
    cassette.parent.mkdir(parents=True)
    cassette.write_text(cassette_yaml("What is the weather in Paris?", "Sunny"))
    pytester.makepyfile(
        test_sources=f"""
        import anthropic
        import pytest

        def test_scripted_after_a_fault(claude_fake, claude_client):
            claude_fake.fail(529)
            claude_fake.reply("after a retry")
            {ASK}

        def test_generated_and_error(claude_client):
            {ASK}
            with pytest.raises(anthropic.BadRequestError):
                claude_client.messages.create(
                    model="{MODEL}", max_tokens=64, messages=[], extra_body={{"bogus": 1}}
                )

        @pytest.mark.claude_cassette
        def test_replayed(claude_client):
            {ASK}

        @pytest.mark.claude_fake(assert_all_used=False)
        @pytest.mark.claude_cassette(path="absent")
        def test_miss(claude_client):
            with pytest.raises(anthropic.InternalServerError):
                {ASK}

        def test_without_the_plugin():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: 6 requests (1 scripted, 1 replayed, 0 recorded, 1 generated, 1 fault, "
            "1 error, 1 miss) in 4 tests; 0 cassettes written",
            "=* 5 passed in *",
        ],
        consecutive=True,
    )


def test_no_line_when_no_test_used_claude_fake(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile("def test_plain(): pass")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("claude_fake:*")
