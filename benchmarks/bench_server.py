"""The loopback server: ``fake.serve()`` against the in-process face, and 64 concurrent streams.

``fake.serve()`` runs uvicorn in a thread of the test's own process, so it shares the GIL with
the SDK; the figures are interleaved with the same calls in-process, which gives the ratio.
The concurrency figure runs ``claude-fake serve`` in its own process and a bounded async load
generator (raw ``httpx2``, 127.0.0.1 only).
Run alone: ``.venv/bin/python benchmarks/bench_server.py``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import anthropic
import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _payloads as P
import _servers as S
from _timing import Figure, emit, figure, interleaved, median, ratio, runner_parser
from bench_inprocess import consume, scripted

CONCURRENT = 64
DELTA = b"event: content_block_delta"
Cases = dict[str, Callable[[], object]]


def _calls(kind: str, local: anthropic.Anthropic, remote: anthropic.Anthropic) -> Cases:
    args = P.create_args()
    if kind == "create":
        return {
            "local": lambda: local.messages.create(**args),
            "server": lambda: remote.messages.create(**args),
        }
    return {"local": lambda: consume(local, args), "server": lambda: consume(remote, args)}


def serve_figures(rounds: int) -> list[Figure]:
    """Create and a 1,000-delta stream through ``fake.serve()``, interleaved with in-process."""
    out: list[Figure] = []
    for kind, text, batch in (("create", P.SHORT_REPLY, 20), ("stream", P.long_text(), 1)):
        fake, reset = scripted(text)
        with fake.serve() as url:
            remote = anthropic.Anthropic(base_url=url, api_key="sk-ant-bench", max_retries=0)
            times = interleaved(
                _calls(kind, fake.client(), remote),
                batch=batch,
                rounds=rounds if batch > 1 else rounds // 2,
                warmup=3,
                after_round=reset,
            )
            remote.close()
        out.append(
            figure(
                f"serve.{kind}",
                median(times["server"]) * 1e3,
                "ms",
                f"fake.serve() {kind}" + (" (1,000 deltas)" if kind == "stream" else ""),
                ratio=ratio(times["server"], times["local"]),
                ratio_of="in-process",
            )
        )
    return out


async def _one_stream(client: httpx2.AsyncClient, url: str, body: bytes) -> tuple[float, int, bool]:
    start = time.perf_counter()
    deltas, carry, tail = 0, b"", b""
    async with client.stream("POST", url, content=body) as answer:
        ok = answer.status_code == 200
        async for chunk in answer.aiter_raw():
            window = carry + chunk  # an event name may be split across two reads
            deltas += window.count(DELTA)
            carry = window[-(len(DELTA) - 1) :]  # too short to hold DELTA: never counted twice
            tail = (tail + chunk)[-128:]
    return time.perf_counter() - start, deltas, ok and b"event: message_stop" in tail


async def _load(url: str, body: bytes, streams: int) -> tuple[float, list[float], int, int]:
    limits = httpx2.Limits(max_connections=streams, max_keepalive_connections=streams)
    headers = {**S.API_HEADERS, "content-type": "application/json"}
    async with httpx2.AsyncClient(limits=limits, headers=headers, timeout=60.0) as client:
        await _one_stream(client, url, body)  # warm-up
        start = time.perf_counter()
        runs = await asyncio.gather(
            *(_one_stream(client, url, body) for _ in range(streams)), return_exceptions=True
        )
        wall = time.perf_counter() - start
    good = [r for r in runs if isinstance(r, tuple) and r[2]]
    deltas = sum(r[1] for r in good)
    return wall, [r[0] for r in good], streams - len(good), deltas


def concurrency_figures(streams: int = CONCURRENT) -> list[Figure]:
    """``streams`` concurrent 1,000-delta streams on one ``claude-fake serve``."""
    port = S.free_port()
    base = f"http://{S.HOST}:{port}"
    body = json.dumps({**P.create_args(), "stream": True}).encode()
    with S.running(S.claude_fake_argv(port), f"{base}/_fake/health", post=False):
        S.script(base, P.long_text())
        wall, durations, errors, deltas = asyncio.run(_load(f"{base}/v1/messages", body, streams))
    mid = statistics.median(durations) if durations else 0.0
    slowest = max(durations, default=0.0)
    label = f"{streams} concurrent streams"
    return [
        figure("concurrent.throughput", deltas / wall, "deltas/s", f"{label}: throughput"),
        figure("concurrent.median", mid * 1e3, "ms", f"{label}: median stream"),
        figure(
            "concurrent.slowest",
            slowest * 1e3,
            "ms",
            f"{label}: slowest stream",
            ratio=slowest / mid if mid else None,
            ratio_of="median stream",
        ),
        figure("concurrent.errors", float(errors), "", f"{label}: failed or incomplete streams"),
        figure("concurrent.deltas", float(deltas), "", f"{label}: deltas received (all streams)"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser(__doc__)
    args = parser.parse_args(argv)
    figures = serve_figures(8 if args.quick else 24)
    figures += concurrency_figures(16 if args.quick else CONCURRENT)
    emit(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
