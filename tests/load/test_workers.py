"""``claude-fake serve --workers N`` in a real subprocess: N processes on one port serve concurrent
clients with no error, every start-up script applies to each of them, the scripting API answers
409 saying why (health stays open), and stateful modes are refused at start."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import anthropic
import httpx2
import pytest
from serve_helpers import serving

ASK = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 16,
    "messages": [{"role": "user", "content": "hi"}],
}


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_two_workers_serve_concurrent_clients_with_the_start_up_scripts() -> None:
    flags = ("--workers", "2", "--reply", "pong", "--latency", "ttft=0.05,itl=0.005")
    with serving(*flags) as (url, proc):

        async def load() -> list[str]:
            async with anthropic.AsyncAnthropic(
                base_url=url, api_key="k", max_retries=0, _strict_response_validation=True
            ) as client:

                async def one(index: int) -> str:
                    if index % 2:
                        async with client.messages.stream(**ASK) as stream:
                            message = await stream.get_final_message()
                    else:
                        message = await client.messages.create(**ASK)
                    assert message.content[0].type == "text"
                    return f"{message.content[0].text} {message.id}"

                return await asyncio.gather(*(one(i) for i in range(80)))

        answers = asyncio.run(load())
        assert {a.split()[0] for a in answers} == {"pong"}
        assert len({a.split()[1] for a in answers}) == 80  # ids never repeat across workers
        if Path("/proc").exists():
            workers = [c for c in _children(proc.pid) if "spawn_main" in _cmdline(c)]
            assert len(workers) == 2


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def test_scripting_answers_409_while_several_workers_serve() -> None:
    with serving("--workers", "2") as (url, _), httpx2.Client(base_url=url) as http:
        assert http.get("/_fake/health").json() == {"status": "ok"}
        for method, path, body in (
            ("POST", "/_fake/replies", {"content": "x"}),
            ("POST", "/_fake/faults", {"status": 529}),
            ("POST", "/_fake/reset", {}),
            ("POST", "/_fake/latency", {"ttft": 1}),
            ("GET", "/_fake/requests", None),
            ("GET", "/_fake/resilience", None),
        ):
            answer = http.request(method, path, json=body)
            assert answer.status_code == 409, path
            message = answer.json()["error"]["message"]
            assert f"{path} is off: 2 worker processes serve this port" in message
            assert "--workers 1" in message
        with anthropic.Anthropic(base_url=url, api_key="k", max_retries=0) as client:
            assert client.messages.create(**ASK).content  # the API still answers


def test_fault_rates_apply_in_every_worker() -> None:
    with (
        serving("--workers", "2", "--fault", "529:1") as (url, _),
        anthropic.Anthropic(base_url=url, api_key="k", max_retries=0) as client,
    ):
        for _ in range(6):
            with pytest.raises(anthropic.InternalServerError) as caught:
                client.messages.create(**ASK)
            assert caught.value.response.headers["retry-after-ms"] == "1"


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--record-mode", "once", "--cassette", "x.yaml"], "--workers 2 cannot record"),
        (["--replies", "{replies}"], "has replies used a set number of times (item(s) 1)"),
    ],
)
def test_stateful_modes_are_refused_with_several_workers(
    tmp_path: Path, flags: list[str], said: str
) -> None:
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps([{"content": "a", "times": None}, {"content": "b"}]))
    argv = [f.format(replies=replies) for f in flags]
    done = subprocess.run(
        [sys.executable, "-m", "claude_fake.cli", "serve", "--port", "0", "--workers", "2", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert said in done.stderr


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--fault", "529"], "is not STATUS:RATE[:RETRY_AFTER]"),
        (["--fault", "529:2"], "RATE is a probability above 0, at most 1"),
        (["--latency", "ttft=x"], "'x' is not a number"),
        (["--latency", "recorded,ttft=1"], "'recorded' is not NAME=SECONDS"),
        (["--workers", "0"], "give 1 to 256"),
    ],
)
def test_wrong_load_flags_say_why(
    flags: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from claude_fake import cli

    with pytest.raises(SystemExit) as caught:
        cli.main(["serve", *flags])
    assert caught.value.code == 2
    assert said in capsys.readouterr().err
