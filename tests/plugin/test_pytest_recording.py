"""Beside pytest-recording: both plugins load together, and its ``--block-network`` lets the
loopback server through with ``--allowed-hosts=127.0.0.1``; without it, a clear error says so."""

from __future__ import annotations

import pytest
from plugin_helpers import ini

pytest.importorskip("pytest_recording")

SERVER_TEST = """
import anthropic
import pytest

def test_server(claude_fake, claude_server):
    claude_fake.reply("Sunny")
    with anthropic.Anthropic(base_url=claude_server, api_key="x", max_retries=0) as client:
        answer = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]
        )
    assert answer.content[0].text == "Sunny"

def test_in_process(claude_fake, claude_client):
    claude_fake.reply("Sunny")
    answer = claude_client.messages.create(
        model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": "Hi"}]
    )
    assert answer.content[0].text == "Sunny"
"""


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_both_plugins_load_and_their_names_do_not_clash(pytester: pytest.Pytester) -> None:
    ini(pytester, "addopts = --strict-markers")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.vcr
        @pytest.mark.claude_fake(seed=1)
        def test_both(claude_fake, vcr_config, claude_config):
            assert vcr_config == {} and claude_config == {}
        """
    )
    pytester.runpytest("--record-mode=none", "--claude-record-mode=none").assert_outcomes(passed=1)


def test_block_network_with_the_loopback_allowed(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(SERVER_TEST)
    result = pytester.runpytest("--block-network", "--allowed-hosts=127.0.0.1")
    result.assert_outcomes(passed=2)


def test_block_network_without_the_loopback_says_how_to_allow_it(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.makepyfile(SERVER_TEST)
    result = pytester.runpytest("--block-network")
    result.assert_outcomes(passed=1, errors=1)  # in-process needs no network
    result.stdout.fnmatch_lines(
        [
            "claude_fake: the loopback server at 127.0.0.1:* cannot be reached: Network is "
            "disabled for host '127.0.0.1'.",
            "pytest-recording's --block-network (or block_network marker) blocks every "
            "connection but the allowed hosts, *",
            "Allow it: pytest --block-network --allowed-hosts=127.0.0.1 (or "
            '@pytest.mark.block_network(allowed_hosts=["127.0.0.1"]), or "allowed_hosts" in '
            "vcr_config). Recording a cassette also needs the upstream host allowed. "
            "See README#pytest-recording.",
        ],
        consecutive=True,
    )
