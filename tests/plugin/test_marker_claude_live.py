"""The ``claude_live`` marker, ``--claude-live`` and ``--claude-upstream``.

Nothing here reaches the internet: a live test's clients are built and inspected, never used.
"""

from __future__ import annotations

import pytest
from plugin_helpers import ini

LIVE = """
import anthropic
import os
import pytest

@pytest.mark.claude_live
def test_live(claude_client, claude_async_client, claude_env, pytestconfig):
    upstream = pytestconfig.getoption("claude_upstream") or "https://api.anthropic.com"
    assert str(claude_client.base_url).rstrip("/") == upstream
    assert str(claude_async_client.base_url).rstrip("/") == upstream
    assert claude_client.api_key == os.environ["ANTHROPIC_API_KEY"] == "sk-ant-live-key"
    assert claude_env["ANTHROPIC_BASE_URL"] == upstream

def test_not_live(claude_client):
    assert str(claude_client.base_url).startswith("http://claude-fake.local")
"""


def test_skipped_without_the_flag(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(LIVE)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] test_*.py:5: claude_live: runs against the live Claude API only with "
            "--claude-live"
        ]
    )


def test_skipped_with_the_flag_but_no_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    ini(pytester)
    pytester.makepyfile(LIVE)
    result = pytester.runpytest("-rs", "--claude-live")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED * claude_live: --claude-live is given but ANTHROPIC_API_KEY is not set"]
    )


def test_with_the_flag_and_a_key_the_clients_point_at_the_upstream(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-live-key")
    ini(pytester)
    pytester.makepyfile(LIVE)
    pytester.runpytest("--claude-live").assert_outcomes(passed=2)
    upstream = "http://127.0.0.1:9"  # never contacted
    result = pytester.runpytest("--claude-live", f"--claude-upstream={upstream}")
    result.assert_outcomes(passed=2)
