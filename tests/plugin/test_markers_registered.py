"""Markers are registered with their signatures, so ``--strict-markers`` projects accept them."""

from __future__ import annotations

import pytest
from plugin_helpers import ini


def test_markers_are_listed_with_their_signatures(pytester: pytest.Pytester) -> None:
    ini(pytester)
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(
        [
            "@pytest.mark.claude_cassette(path=None, record_mode=None, **settings): replay this "
            "test's cassette, *",
            "@pytest.mark.claude_fake(seed=None, validate=None, assert_all_used=True, "
            "allow_generated=True, **settings): *",
            "@pytest.mark.claude_live: run against the live Claude API, only with --claude-live *",
        ]
    )


def test_strict_markers_and_strict_config_accept_every_name(pytester: pytest.Pytester) -> None:
    ini(
        pytester,
        "addopts = --strict-markers --strict-config",
        "claude_record_mode = none",
        "claude_validate = strict",
        "claude_seed = 3",
        "claude_cassette_dir = cassettes",
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.claude_fake(seed=1)
        @pytest.mark.claude_cassette(record_mode="none")
        @pytest.mark.claude_live
        def test_marked():
            pass
        """
    )
    pytester.runpytest().assert_outcomes(skipped=1)


def test_options_are_in_the_help(pytester: pytest.Pytester) -> None:
    ini(pytester)
    result = pytester.runpytest("--help")
    for flag in ("record-mode", "validate", "seed", "cassette-dir", "live", "upstream"):
        result.stdout.fnmatch_lines([f"*--claude-{flag}*"])
    for key in ("record_mode", "validate", "seed", "cassette_dir"):
        result.stdout.fnmatch_lines([f"*claude_{key} (string)*"])


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile("def test_x(claude_fake): pass")
    result = pytester.runpytest("-p", "no:claude_fake")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'claude_fake' not found*"])
