"""``claude_client`` and ``claude_async_client``: SDK clients wired to the test's engine."""

from __future__ import annotations

import pytest
from plugin_helpers import ASK, MODEL, ini


def test_the_sync_client_talks_to_claude_fake(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        import anthropic

        def test_sync(claude_fake, claude_client):
            assert isinstance(claude_client, anthropic.Anthropic)
            claude_fake.reply("Sunny")
            claude_fake.reply("Streamed")
            assert {ASK}.content[0].text == "Sunny"
            with claude_client.messages.stream(
                model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "hi"}}]
            ) as stream:
                assert stream.get_final_text() == "Streamed"
            assert [r.stream for r in claude_fake.requests] == [False, True]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_async_client_talks_to_claude_fake(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        import anthropic
        import pytest

        @pytest.mark.asyncio
        async def test_async(claude_fake, claude_async_client):
            assert isinstance(claude_async_client, anthropic.AsyncAnthropic)
            claude_fake.reply("Async")
            message = await claude_async_client.messages.create(
                model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "hi"}}]
            )
            assert message.content[0].text == "Async"
            assert claude_fake.requests[0].headers["x-stainless-async"].startswith("async:")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_with_nothing_scripted_the_generator_answers(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        def test_generated(claude_fake, claude_client):
            message = {ASK}
            assert message.stop_reason == "end_turn" and message.content[0].text
            assert claude_fake.requests[0].source == "generated"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
