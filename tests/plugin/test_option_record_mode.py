"""``--claude-record-mode`` / ``claude_record_mode``: none (default), once, new_episodes, all,
rewrite; recording goes to ``--claude-upstream`` (here a second fake on loopback)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from plugin_helpers import ASK, ini, upstream

RECORDED = f"""
import pytest

@pytest.mark.claude_cassette
def test_weather(claude_fake, claude_client):
    assert {ASK}.content[0].text == "Sunny"
"""


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_the_mode_reaches_the_engine_from_the_option_and_the_ini(pytester: pytest.Pytester) -> None:
    ini(pytester, "claude_record_mode = new_episodes")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.claude_cassette
        def test_mode(claude_fake, pytestconfig):
            expected = pytestconfig.getoption("claude_record_mode") or "new_episodes"
            assert claude_fake.config.record_mode.value == expected
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--claude-record-mode", "all").assert_outcomes(passed=1)


def test_once_records_then_replays_without_the_upstream(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(test_rec=RECORDED)
    with upstream("Sunny") as url:
        first = pytester.runpytest("--claude-record-mode=once", f"--claude-upstream={url}")
    first.assert_outcomes(passed=1)
    first.stdout.fnmatch_lines(
        ["claude_fake: 1 request (0 scripted, 0 replayed, 1 recorded, *; 1 cassette written"]
    )
    cassette = Path(pytester.path, "cassettes", "test_rec", "test_weather.yaml")
    doc = yaml.safe_load(cassette.read_text())
    assert doc["version"] == 1
    assert len(doc["interactions"]) == 1
    assert "sk-ant" not in cassette.read_text()
    again = pytester.runpytest("--claude-record-mode=once")  # the upstream is gone
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["claude_fake: 1 request (0 scripted, 1 replayed, *"])


def test_a_bad_mode_is_a_usage_error_listing_the_modes(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--claude-record-mode=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: claude_fake: --claude-record-mode=sometimes is not a record mode.",
            "Allowed values: none, once, new_episodes, all, rewrite.",
            "Pass one of them to --claude-record-mode. See README#options.",
        ],
        consecutive=True,
    )


def test_a_bad_ini_mode_is_a_usage_error_too(pytester: pytest.Pytester) -> None:
    ini(pytester, "claude_record_mode = always")
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: claude_fake: claude_record_mode = always is not a record mode.",
            "Allowed values: none, once, new_episodes, all, rewrite.",
            "Set claude_record_mode to one of them in your pytest configuration. "
            "See README#options.",
        ],
        consecutive=True,
    )
