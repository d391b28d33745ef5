"""``claude_env``: code and subprocesses that build their own client reach the test's engine."""

from __future__ import annotations

import pytest
from plugin_helpers import MODEL, ini


def test_a_subprocess_reaches_the_engine_and_the_env_is_restored(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-real-looking")
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "token")
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    ini(pytester)
    pytester.makepyfile(
        f"""
        import os
        import subprocess
        import sys

        SCRIPT = '''
        import anthropic
        message = anthropic.Anthropic().messages.create(
            model="{MODEL}", max_tokens=64, messages=[{{"role": "user", "content": "hi"}}]
        )
        print(message.content[0].text)
        '''

        def test_subprocess(claude_fake, claude_env, claude_server):
            assert claude_env == {{
                "ANTHROPIC_BASE_URL": claude_server,
                "ANTHROPIC_API_KEY": os.environ["ANTHROPIC_API_KEY"],
            }}
            assert "ANTHROPIC_AUTH_TOKEN" not in os.environ
            claude_fake.reply("from the subprocess")
            out = subprocess.run(
                [sys.executable, "-c", SCRIPT],
                capture_output=True, text=True, check=True, timeout=60,
            )
            assert out.stdout.strip() == "from the subprocess"
            assert len(claude_fake.requests) == 1

        def test_restored():
            assert os.environ["ANTHROPIC_API_KEY"] == "sk-ant-real-looking"
            assert os.environ["ANTHROPIC_AUTH_TOKEN"] == "token"
            assert "ANTHROPIC_BASE_URL" not in os.environ
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
