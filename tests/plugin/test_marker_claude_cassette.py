"""The ``claude_cassette(path=None, record_mode=None)`` marker: replay, miss, names, CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from cassette_text import cassette_yaml
from plugin_helpers import ASK, ini, upstream

from claude_fake.sources.cassette.store import cassette_path

QUESTION = "What is the weather in Paris?"


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def _cassette(pytester: pytest.Pytester, *parts: str, answer: str = "Sunny") -> Path:
    path = Path(pytester.path, "cassettes", *parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(cassette_yaml(QUESTION, answer))
    return path


def test_replays_the_default_cassette_of_the_test(pytester: pytest.Pytester) -> None:
    ini(pytester)
    _cassette(pytester, "test_chat", "test_weather.yaml")
    _cassette(pytester, "test_chat", "TestGroup.test_in_class.yaml", answer="Cloudy")
    param = cassette_path(pytester.path / "cassettes", "test_chat", "test_param[a:b]")
    _cassette(pytester, "test_chat", param.name, answer="Windy")  # made safe, with a hash
    pytester.makepyfile(
        test_chat=f"""
        import pytest

        @pytest.mark.claude_cassette
        def test_weather(claude_client):
            assert {ASK}.content[0].text == "Sunny"

        @pytest.mark.claude_cassette()
        class TestGroup:
            def test_in_class(self, claude_client):
                assert {ASK}.content[0].text == "Cloudy"

        @pytest.mark.claude_cassette
        @pytest.mark.parametrize("x", ["a:b"])
        def test_param(claude_client, x):
            assert {ASK}.content[0].text == "Windy"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        ["claude_fake: 3 requests (0 scripted, 3 replayed, 0 recorded, 0 generated, *"]
    )


def test_path_is_relative_to_the_module_folder_or_absolute(pytester: pytest.Pytester) -> None:
    ini(pytester)
    _cassette(pytester, "test_paths", "shared.yaml")
    absolute = _cassette(pytester, "elsewhere", "weather.yaml", answer="Hail")
    pytester.makepyfile(
        test_paths=f"""
        import pytest

        @pytest.mark.claude_cassette("shared")
        def test_positional(claude_client):
            assert {ASK}.content[0].text == "Sunny"

        @pytest.mark.claude_cassette(path={str(absolute)!r})
        def test_absolute(claude_client):
            assert {ASK}.content[0].text == "Hail"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_a_miss_shows_the_cassette_the_nearest_entry_and_how_to_re_record(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    _cassette(pytester, "test_miss", "test_greets.yaml")
    pytester.makepyfile(
        test_miss="""
        import pytest

        @pytest.mark.claude_cassette
        def test_greets(claude_client):
            claude_client.messages.create(
                model="claude-sonnet-4-6", max_tokens=128,
                messages=[{"role": "user", "content": "What is the weather in Paris?"}],
            )
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: 1 request problem:",
            "  - no recorded interaction matches POST /v1/messages in "
            "*/cassettes/test_miss/test_greets.yaml (record mode: none).",
            "    Closest entry #1 (POST /v1/messages) differs at $.max_tokens*",
            "    To re-record: pytest test_miss.py::test_greets --claude-record-mode=rewrite "
            "(needs ANTHROPIC_API_KEY). See README#recording.",
            "Each problem was answered with an HTTP 500 the SDK does not retry; its own lines "
            "above say how to fix it.",
        ],
        consecutive=True,
    )
    result.stdout.no_fnmatch_line("*assert_all_used*")
    result.stdout.fnmatch_lines(["claude_fake: 1 request (*, 1 miss) in 1 test; *"])


def test_the_marker_record_mode_records_a_missing_cassette(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        test_rec=f"""
        import pytest

        @pytest.mark.claude_cassette(record_mode="once")
        def test_weather(claude_client):
            assert {ASK}.content[0].text == "Sunny"
        """
    )
    with upstream("Sunny") as url:
        pytester.runpytest(f"--claude-upstream={url}").assert_outcomes(passed=1)
    assert Path(pytester.path, "cassettes", "test_rec", "test_weather.yaml").is_file()


def test_with_ci_set_recording_is_off_with_a_note(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    ini(pytester)
    pytester.makepyfile(
        test_ci=f"""
        import pytest

        @pytest.mark.claude_cassette
        def test_weather(claude_fake, claude_client):
            assert claude_fake.config.record_mode.value == "none"
            {ASK}
        """
    )
    with upstream("Sunny") as url:
        result = pytester.runpytest("--claude-record-mode=all", f"--claude-upstream={url}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: 1 request (*, 1 miss) in 1 test; 0 cassettes written",
            "claude_fake: CI is set, so recording was off: 1 test that asked to record ran "
            "with record mode none",
        ],
        consecutive=True,
    )
    assert not Path(pytester.path, "cassettes").exists()


def test_a_bad_marker_record_mode_errors_the_test(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.claude_cassette(record_mode="sometimes")
        def test_bad(claude_fake):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "claude_fake: @pytest.mark.claude_cassette record_mode='sometimes' is not a record "
            "mode.",
            "Allowed values: none, once, new_episodes, all, rewrite.",
        ],
        consecutive=True,
    )
