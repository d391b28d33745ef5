"""``--claude-cassette-dir`` / ``claude_cassette_dir``: where default cassettes live."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugin_helpers import ini

WHERE = """
import pytest

@pytest.mark.claude_cassette
def test_where(claude_fake):
    print("CASSETTE", claude_fake.config.cassette)
"""


def test_default_is_beside_the_test_file_as_pytest_recording_does(
    pytester: pytest.Pytester,
) -> None:
    ini(pytester)
    pytester.mkpydir("sub")
    (pytester.path / "sub" / "test_mod.py").write_text(WHERE)
    result = pytester.runpytest("-s")
    result.assert_outcomes(passed=1)
    expected = Path(pytester.path, "sub", "cassettes", "test_mod", "test_where.yaml")
    result.stdout.fnmatch_lines([f"*CASSETTE {expected}"])


def test_the_ini_folder_is_relative_to_the_ini_file(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini(pytester, "claude_cassette_dir = recorded")
    test_file = pytester.makepyfile(test_mod=WHERE)
    monkeypatch.chdir(pytester.mkdir("elsewhere"))
    result = pytester.runpytest("-s", str(test_file))
    result.assert_outcomes(passed=1)
    expected = Path(pytester.path, "recorded", "test_mod", "test_where.yaml")
    result.stdout.fnmatch_lines([f"*CASSETTE {expected}"])


def test_the_option_is_relative_to_the_invocation_folder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini(pytester, "claude_cassette_dir = recorded")
    test_file = pytester.makepyfile(test_mod=WHERE)
    monkeypatch.chdir(pytester.mkdir("elsewhere"))
    result = pytester.runpytest("-s", "--claude-cassette-dir=cli", str(test_file))
    result.assert_outcomes(passed=1)
    expected = Path(pytester.path, "elsewhere", "cli", "test_mod", "test_where.yaml")
    result.stdout.fnmatch_lines([f"*CASSETTE {expected}"])
