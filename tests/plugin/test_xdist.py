"""Under pytest-xdist: per-worker servers, one cassette per test, and a summary from all workers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from plugin_helpers import MODEL, ini, upstream

MODULES, TESTS = 2, 3


def _suite(pytester: pytest.Pytester) -> None:
    for m in range(MODULES):
        pytester.makepyfile(
            **{
                f"test_mod{m}": f"""
                import anthropic
                import pytest

                @pytest.mark.claude_cassette
                @pytest.mark.parametrize("n", range({TESTS}))
                def test_recorded(claude_client, claude_server, n):
                    ask = dict(model="{MODEL}", max_tokens=32,
                               messages=[{{"role": "user", "content": f"module {m} test {{n}}"}}])
                    assert claude_client.messages.create(**ask).content
                    with anthropic.Anthropic(base_url=claude_server, api_key="sk-ant-x") as server:
                        with server.messages.stream(**ask) as stream:
                            assert stream.get_final_text()
                """
            }
        )


def test_two_workers_record_every_cassette_then_replay_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    ini(pytester)
    _suite(pytester)
    total = MODULES * TESTS
    with upstream() as url:
        first = pytester.runpytest_subprocess(
            "-n", "2", "--claude-record-mode=once", f"--claude-upstream={url}"
        )
    first.assert_outcomes(passed=total)
    first.stdout.fnmatch_lines(
        [
            f"claude_fake: {2 * total} requests (0 scripted, 0 replayed, {2 * total} recorded, "
            f"0 generated, 0 fault, 0 error, 0 miss) in {total} tests; {total} cassettes written"
        ]
    )
    files = sorted(Path(pytester.path, "cassettes").glob("*/*.yaml"))
    assert len(files) == total
    for path in files:
        doc = yaml.safe_load(path.read_text())
        assert doc["version"] == 1
        kinds = ["events" in i["response"] for i in doc["interactions"]]
        assert kinds == [False, True], path
    again = pytester.runpytest()  # in-process is enough to replay; the upstream is gone
    again.assert_outcomes(passed=total)
    again.stdout.fnmatch_lines(
        [f"claude_fake: {2 * total} requests (0 scripted, {2 * total} replayed, *"]
    )
