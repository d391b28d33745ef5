"""``--claude-seed`` / ``claude_seed``: the base seed, mixed with a digest of each test id."""

from __future__ import annotations

import pytest
from plugin_helpers import ASK, ini

GENERATED = f"""
import json
import os

def test_one(claude_client, claude_fake, request):
    message = {ASK}
    with open(os.environ["SEEN"], "a") as out:
        out.write(json.dumps([request.node.name, claude_fake.config.seed, message.id,
                              message.content[0].text]) + "\\n")

def test_two(claude_client, claude_fake, request):
    test_one(claude_client, claude_fake, request)
"""


def _run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    seen = pytester.path / "seen.jsonl"
    seen.unlink(missing_ok=True)
    monkeypatch.setenv("SEEN", str(seen))
    pytester.runpytest("-p", "no:randomly", *args).assert_outcomes(passed=2)
    return seen.read_text().splitlines()


def test_answers_are_stable_per_test_and_move_with_the_seed(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    ini(pytester)
    pytester.makepyfile(GENERATED)
    first = _run(pytester, monkeypatch)
    assert _run(pytester, monkeypatch) == first  # the same every run
    assert first[0].split(",")[1:] != first[1].split(",")[1:]  # and different per test
    assert _run(pytester, monkeypatch, "--claude-seed=7") != first
    ini(pytester, "claude_seed = 7")
    assert _run(pytester, monkeypatch) == _run(pytester, monkeypatch, "--claude-seed", "7")


def test_a_bad_seed_is_a_usage_error(pytester: pytest.Pytester) -> None:
    ini(pytester)
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest("--claude-seed=abc")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: claude_fake: --claude-seed=abc is not a whole number.",
            "Allowed values: any whole number, e.g. 42.",
            "Pass one of them to --claude-seed. See README#options.",
        ],
        consecutive=True,
    )
