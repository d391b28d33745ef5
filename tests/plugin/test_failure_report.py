"""What a failing test tells its author: the requests it sent and what answered each, a hint on
generated answers, ``allow_generated=False``, and cassette problems worded for the situation
(a miss in CI, a broken YAML file); every README anchor a message links to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cassette_text import cassette_yaml
from plugin_helpers import ASK, ini

import claude_fake

ROOT = Path(claude_fake.__file__).parent


@pytest.fixture(autouse=True)
def _no_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)


def test_a_forgotten_script_fails_with_a_hint_that_the_answer_was_generated(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        def test_forgot(claude_client):
            assert {ASK}.content[0].text == "Sunny"
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- claude_fake: requests and scripts -*",
            "this test sent 1 request:",
            "  #1 POST /v1/messages 'What is the weather in Paris?' -> generated: text *",
            "A generated answer is filler from the seeded generator: nothing scripted or recorded "
            "answered that request. Script what your code expects with claude_fake.reply(...), or "
            "set allow_generated=False (in @pytest.mark.claude_fake or claude_config) to make an "
            "unscripted request an error. See README#scripting.",
        ],
        consecutive=True,
    )


def test_a_passing_test_has_no_section(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(f"def test_ok(claude_client):\n    {ASK}\n")
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*requests and scripts*")


def test_allow_generated_false_from_the_marker(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        import anthropic
        import pytest

        @pytest.mark.claude_fake(allow_generated=False)
        def test_strict(claude_client):
            with pytest.raises(anthropic.InternalServerError, match="was not scripted"):
                {ASK}
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)  # the request problem fails it at teardown
    result.stdout.fnmatch_lines(
        [
            "claude_fake: 1 request problem:",
            "  - request #1 (POST /v1/messages, last user text 'What is the weather in Paris?') "
            "was not scripted, and allow_generated=False forbids generated answers.",
        ],
        consecutive=True,
    )


def test_reply_function_and_optional_in_a_test(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(
        f"""
        def test_echo(claude_fake, claude_client):
            claude_fake.reply(lambda request: "You asked: " + request.text)
            claude_fake.reply("only if asked twice", optional=True)
            assert {ASK}.content[0].text == "You asked: What is the weather in Paris?"
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_miss_in_ci_says_to_re_record_elsewhere(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    ini(pytester)
    cassette = Path(pytester.path, "cassettes", "test_ci", "test_weather.yaml")
    cassette.parent.mkdir(parents=True)
    cassette.write_text(cassette_yaml("Something else?", "Sunny"))
    pytester.makepyfile(
        test_ci=f"""
        import pytest

        @pytest.mark.claude_cassette
        def test_weather(claude_client):
            {ASK}
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "    To re-record: not here (CI is set, which forces record mode none) but on your "
            "machine: pytest test_ci.py::test_weather --claude-record-mode=rewrite, then commit "
            "the cassette (needs ANTHROPIC_API_KEY). See README#recording."
        ]
    )
    result.stdout.no_fnmatch_line("*assert_all_used*")


def test_a_broken_cassette_keeps_the_line_and_column(pytester: pytest.Pytester) -> None:
    ini(pytester)
    cassette = Path(pytester.path, "cassettes", "test_broken", "test_weather.yaml")
    cassette.parent.mkdir(parents=True)
    cassette.write_text("version: 1\ninteractions:\n- request: {method: POST\n  bad: [\n")
    pytester.makepyfile(
        test_broken=f"""
        import pytest

        @pytest.mark.claude_cassette
        def test_weather(claude_client):
            {ASK}
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  - cannot read the cassette */test_weather.yaml.",
            "    ParserError at line 4, column 6: did not find expected ',' or '}' (while parsing "
            "a flow mapping)",
        ],
        consecutive=True,
    )


def test_every_readme_anchor_a_message_links_to_exists() -> None:
    code = "\n".join(p.read_text() for p in ROOT.rglob("*.py"))
    linked = set(re.findall(r'anchor="([a-z0-9-]+)"', code))
    linked |= set(re.findall(r"README#([a-z0-9-]+)", code))
    readme = (ROOT.parent / "README.md").read_text()
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', readme))
    assert "markers" in linked
    assert sorted(linked - anchors) == []
