"""``--claude-validate`` / ``claude_validate``: strict (default), lenient, off."""

from __future__ import annotations

import pytest
from plugin_helpers import MODEL, ini

BAD = f"""
import anthropic
import pytest

def test_bad_request(claude_client, pytestconfig):
    send = lambda: claude_client.messages.create(
        model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "hi"}}],
        extra_body={{"bogus_field": 1}},
    )
    if (pytestconfig.getoption("claude_validate") or "strict") == "off":
        send()
    else:
        with pytest.raises(anthropic.BadRequestError, match="bogus_field"):
            send()
"""


def test_strict_by_default_and_off_from_the_command_line(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile(BAD)
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--claude-validate=off").assert_outcomes(passed=1)


def test_the_ini_key_sets_the_mode(pytester: pytest.Pytester) -> None:
    ini(pytester, "claude_validate = lenient")
    pytester.makepyfile(
        """
        from claude_fake import ValidateMode

        def test_mode(claude_fake):
            assert claude_fake.config.validate is ValidateMode.LENIENT
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_bad_mode_is_a_usage_error_listing_the_modes(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--claude-validate", "loose")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: claude_fake: --claude-validate=loose is not a validation mode.",
            "Allowed values: strict, lenient, off.",
            "Pass one of them to --claude-validate. See README#options.",
        ],
        consecutive=True,
    )
