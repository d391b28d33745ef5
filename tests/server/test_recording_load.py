"""Recording on a served fake scales with concurrent requests: 16 recordings against an upstream
that takes 1.5 s each finish in about one upstream delay (the default thread pool would
run 6 at a time: three delays). The upstream is a second fake on loopback."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import anthropic
from server_helpers import MODEL, served

from claude_fake import FakeClaude

DELAY = 1.5
COUNT = 16


async def _record_all(url: str, stream: bool) -> list[str]:
    async with anthropic.AsyncAnthropic(base_url=url, api_key="sk-ant-test", max_retries=0) as c:

        async def one(n: int) -> str:
            messages = [{"role": "user", "content": f"question {n}"}]
            if stream:
                async with c.messages.stream(model=MODEL, max_tokens=8, messages=messages) as s:
                    return (await s.get_final_message()).id  # type: ignore[arg-type]
            message = await c.messages.create(model=MODEL, max_tokens=8, messages=messages)  # type: ignore[arg-type]
            return message.id

        return await asyncio.gather(*(one(n) for n in range(COUNT)))


def _timed_recording(tmp_path: Path, stream: bool) -> tuple[float, int, int]:
    upstream = FakeClaude(seed=1)
    upstream.latency(first_byte=DELAY, times=None)
    with upstream.serve() as upstream_url:
        recorder = FakeClaude(
            cassette=str(tmp_path / "c.yaml"), record_mode="all", upstream=upstream_url
        )
        with served(recorder) as url:
            started = time.monotonic()
            ids = asyncio.run(_record_all(url, stream))
            took = time.monotonic() - started
        recorder.close()
    return took, len(set(ids)), len(upstream.requests)


def test_16_concurrent_recordings_take_about_one_upstream_delay(tmp_path: Path) -> None:
    took, answered, forwarded = _timed_recording(tmp_path, stream=False)
    assert (answered, forwarded) == (COUNT, COUNT)
    assert took < 2 * DELAY, f"16 recordings took {took:.2f} s against a {DELAY} s upstream"


def test_16_concurrent_streamed_recordings(tmp_path: Path) -> None:
    took, answered, forwarded = _timed_recording(tmp_path, stream=True)
    assert (answered, forwarded) == (COUNT, COUNT)
    assert took < 2 * DELAY, f"16 streamed recordings took {took:.2f} s"
