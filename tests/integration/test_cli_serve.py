"""``claude-fake serve --reply/--replies``: a server started with its script, driven by the SDK."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import pytest

from claude_fake import cli


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """``claude-fake serve`` in its own process, scripted from the command line."""
    replies = tmp_path / "replies.json"
    replies.write_text(
        json.dumps(
            [
                {"content": "first"},
                {"content": "about the weather", "when": {"contains": "weather"}, "times": None},
            ]
        )
    )
    port = _free_port()
    argv = [sys.executable, "-m", "claude_fake.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*argv, "--replies", str(replies), "--reply", "always this"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"{base}/_fake/health").is_success:
                    break
            except httpx2.TransportError:
                pass
            time.sleep(0.05)
        else:
            err = proc.stderr.read() if proc.stderr else b""
            pytest.fail(f"claude-fake serve did not start: {err!r}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


def test_serve_answers_its_command_line_script(served: str) -> None:
    client = anthropic.Anthropic(
        base_url=served, api_key="k", max_retries=0, _strict_response_validation=True
    )

    def ask(text: str) -> str:
        message = client.messages.create(
            model="claude-sonnet-4-6", max_tokens=64, messages=[{"role": "user", "content": text}]
        )
        block = message.content[0]
        assert block.type == "text"
        return block.text

    assert [ask("hi"), ask("the weather?"), ask("and now"), ask("weather again")] == [
        "first",
        "about the weather",
        "always this",
        "about the weather",
    ]
    httpx2.post(f"{served}/_fake/reset").raise_for_status()
    assert ask("after reset") not in ("first", "always this")  # reset forgets them: the generator


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[{}]", "claude_fake: --replies {path}, item 0: replies: content is required."),
        (
            '[{"content": "ok"}, {"contents": "x"}]',
            "claude_fake: --replies {path}, item 1: replies: unknown field(s) contents.",
        ),
        (
            '[{"content": [{"type": "tool_use", "name": "f", "input": 3}]}]',
            "claude_fake: --replies {path}, item 0: block 0 (tool_use 'f'): input must be a dict, "
            "got int.",
        ),
        ("not json", "claude_fake: --replies {path}: cannot read it as JSON (*"),
    ],
)
def test_bad_replies_file_is_refused_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    path = tmp_path / "replies.json"
    path.write_text(content)
    code = cli.main(["serve", "--port", str(_free_port()), "--replies", str(path)])
    assert code == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first == expected.format(path=path) or (
        expected.endswith("*") and first.startswith(expected[:-1].format(path=path))
    )


def test_missing_replies_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert cli.main(["serve", "--replies", str(missing)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"claude_fake: --replies {missing}: cannot read it as JSON")
    assert err[1] == 'Give a JSON list of reply objects, e.g. [{"content": "Hello"}].'
