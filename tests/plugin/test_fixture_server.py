"""``claude_server``: one loopback server per session; each test's engine under its own prefix."""

from __future__ import annotations

import pytest
from plugin_helpers import MODEL, ini


def test_each_test_is_served_under_its_own_prefix_of_one_server(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        import json
        import urllib.request
        from urllib.parse import urlsplit

        import anthropic
        import pytest

        origins = set()

        @pytest.mark.parametrize("answer", ["Paris", "Rome"])
        def test_served(claude_fake, claude_server, answer):
            assert claude_server.startswith("http://127.0.0.1:")
            origins.add(urlsplit(claude_server).netloc)
            claude_fake.reply(answer)
            with anthropic.Anthropic(base_url=claude_server, api_key="sk-ant-test") as client:
                message = client.messages.create(
                    model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "hi"}}]
                )
            assert message.content[0].text == answer
            assert [r.path for r in claude_fake.requests] == ["/v1/messages"]
            with urllib.request.urlopen(claude_server + "/_fake/requests") as response:
                assert len(json.load(response)) == 1

        def test_one_server_for_the_session():
            assert len(origins) == 1
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
