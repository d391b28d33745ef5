"""``claude-fake serve --reply/--replies``: a server started with its script, driven by the SDK."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anthropic
import httpx2
import pytest
from serve_helpers import serving

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
    with anthropic.Anthropic(
        base_url=served, api_key="k", max_retries=0, _strict_response_validation=True
    ) as client:

        def ask(text: str) -> str:
            message = client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=64,
                messages=[{"role": "user", "content": text}],
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
        # reset forgets them: the generator answers
        assert ask("after reset") not in ("first", "always this")


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


# -- a server safe to leave running and to expose --------------------------------------------


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "claude_fake.cli", *argv]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_every_serve_flag_has_help_and_a_default() -> None:
    shown = _run("serve", "--help").stdout
    flags = re.findall(r"^  (--[a-z-]+)", shown, flags=re.MULTILINE)
    assert len(flags) >= 18
    entries = re.split(r"\n  (?=--)", shown.split("options:", 1)[1])
    for entry in entries[2:]:  # after -h/--help
        text = " ".join(entry.split())
        assert "default" in text, f"no default shown: {text}"
    for words in ("(default: 8787)", "(default: 10000)", "(default: quiet)", "(default: 10.0 s)"):
        assert words in " ".join(shown.split())


def test_port_zero_shows_the_port_chosen() -> None:
    with serving() as (url, _):
        assert httpx2.get(f"{url}/_fake/health").json() == {"status": "ok"}


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run("serve", "--port", str(port))
    assert done.returncode == 2
    assert "serving on" not in done.stderr
    assert done.stderr.splitlines() == [
        f"claude_fake: cannot serve on 127.0.0.1:{port}: the port is in use (another process "
        "listens on it); stop it, or pick another port (--port 0 picks a free one)."
    ]


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_that_is_not_one_is_refused(port: str) -> None:
    done = _run("serve", "--port", port)
    assert done.returncode == 2
    assert "serving on" not in done.stderr
    assert "argument --port" in done.stderr.splitlines()[-1]


def test_quiet_by_default_and_one_line_per_request_when_asked() -> None:
    with serving() as (url, proc):
        httpx2.get(f"{url}/_fake/health")
        proc.terminate()
        rest = proc.communicate(timeout=10)[1]
    assert "/_fake/health" not in rest
    with (
        serving("--log-requests") as (url, proc),
        anthropic.Anthropic(base_url=url, api_key="k", max_retries=0) as client,
    ):
        client.messages.create(
            model="claude-sonnet-4-6",
            max_tokens=8,
            messages=[{"role": "user", "content": "hi"}],
        )
        httpx2.get(f"{url}/_fake/requests?after=0&limit=5")
        httpx2.get(f"{url}/_fake/health", headers={"host": "elsewhere.example"})
        proc.terminate()
        rest = proc.communicate(timeout=10)[1]
    lines = [line for line in rest.splitlines() if " /" in line]
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    expected = [
        ("POST", "/v1/messages", 200, "generated"),
        ("GET", r"/_fake/requests\?after=0&limit=5", 200, "scripting"),
        ("GET", "/_fake/health", 403, "refused"),
    ]
    assert len(lines) == 3, rest
    for line, fields in zip(lines, expected, strict=True):
        method, path, status, source = fields
        pattern = rf"{stamp} {method} {path} {status} {source} \d+\.\dms 127\.0\.0\.1:\d+"
        assert re.fullmatch(pattern, line), line


def test_allow_host_and_the_key_over_the_command_line() -> None:
    with serving("--allow-host", "fake.test", "--require-api-key", "sk-ant-k") as (url, _):
        assert httpx2.get(f"{url}/_fake/health", headers={"host": "fake.test"}).status_code == 200
        assert httpx2.get(f"{url}/_fake/health", headers={"host": "other.test"}).status_code == 403
        assert httpx2.get(f"{url}/_fake/requests").status_code == 401
        keyed = httpx2.get(f"{url}/_fake/requests", headers={"authorization": "Bearer sk-ant-k"})
        assert keyed.status_code == 200


def test_journal_size_over_the_command_line() -> None:
    with (
        serving("--journal-size", "3") as (url, _),
        anthropic.Anthropic(base_url=url, api_key="k", max_retries=0) as client,
    ):
        for n in range(5):
            client.messages.create(
                model="claude-sonnet-4-6",
                max_tokens=8,
                messages=[{"role": "user", "content": f"q{n}"}],
            )
        page = httpx2.get(f"{url}/_fake/requests?after=0").json()
    assert [r["text"] for r in page["requests"]] == ["q2", "q3", "q4"]
    assert page["dropped"] == 2


def test_idle_sockets_under_a_256_descriptor_limit_do_not_stop_real_requests() -> None:
    """The probe's case: 300 idle sockets against a server limited to 256 descriptors."""
    with serving(nofile=256) as (url, _):
        host, port = url.removeprefix("http://").split(":")
        idle = []
        try:
            for _ in range(300):
                idle.append(socket.create_connection((host, int(port)), timeout=5))
            time.sleep(0.2)
            with anthropic.Anthropic(
                base_url=url, api_key="k", max_retries=0, timeout=10
            ) as client:
                for n in range(3):
                    message = client.messages.create(
                        model="claude-sonnet-4-6",
                        max_tokens=8,
                        messages=[{"role": "user", "content": f"real {n}"}],
                    )
                    assert message.content
        finally:
            for sock in idle:
                sock.close()
