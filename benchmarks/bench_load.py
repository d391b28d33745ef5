"""Load testing (issue 19): ``claude-fake serve`` throughput with 1 and 2 worker processes, on the
generator and on cassette replay; and how closely a latency profile is kept under 64 concurrent
streams (p50 and p99 of the error in time to first delta and in total stream time).

Bounded and loopback only. The load generator is a bare asyncio HTTP/1.1 client (keep-alive
connections, a request written and its answer read by ``Content-Length``), so that on a small
machine the client costs the server as little CPU as possible: it still shares the cores with the
server, which the figures say (``nproc``). Throughput is requests answered per second of wall
time over a fixed number of requests; replay serves a cassette of ``RECORDED`` distinct
interactions with ``--allow-playback-repeats``, so the run (and its warm-up) may send each of them
again and again, as a load run over a cassette does.

Run alone: ``.venv/bin/python benchmarks/bench_load.py [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _servers as S
from _timing import Figure, emit, figure

CONNECTIONS = 32
RECORDED = 200  # distinct interactions in the replayed cassette
STREAMS = 64
TTFT, ITL = 0.4, 0.02
DELTA = b"event: content_block_delta"


def _body(n: int, stream: bool = False) -> bytes:
    data = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": f"Question number {n}: what is {n} squared?"}],
    }
    if stream:
        data["stream"] = True
    return json.dumps(data, separators=(",", ":")).encode()


def _request(port: int, body: bytes) -> bytes:
    head = ["POST /v1/messages HTTP/1.1", f"host: {S.HOST}:{port}"]
    head += [f"{name}: {value}" for name, value in S.API_HEADERS.items()]
    head += ["content-type: application/json", f"content-length: {len(body)}", "", ""]
    return "\r\n".join(head).encode() + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """(status, body) of one answer: by Content-Length, or chunked (a stream) to its end."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    at = lower.find(b"content-length:")
    if at >= 0:
        size = int(lower[at + 15 : lower.find(b"\r\n", at)])
        return status, await reader.readexactly(size)
    body = b""
    while not body.endswith(b"0\r\n\r\n"):
        body += await reader.read(65536)
    return status, body


async def _throughput(port: int, requests: Sequence[bytes], connections: int) -> tuple[float, int]:
    """Requests per second answering every request once, and how many were not 200."""
    pending = iter(requests)
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(S.HOST, port)
        for request in pending:
            writer.write(request)
            status, _ = await _read_answer(reader)
            errors += status != 200
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return len(requests) / (time.perf_counter() - started), errors


async def _one_stream(port: int, n: int) -> tuple[float, float]:
    """(error of the time to the first delta, error of the total time) of one stream, seconds."""
    reader, writer = await asyncio.open_connection(S.HOST, port)
    started = time.perf_counter()
    writer.write(_request(port, _body(n, stream=True)))
    seen, first = b"", None
    while not seen.endswith(b"0\r\n\r\n"):
        more = await reader.read(65536)
        if not more:
            break
        seen += more
        if first is None and DELTA in seen:
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    writer.close()
    deltas = seen.count(DELTA)
    assert first is not None, seen[:300]
    assert deltas, seen[:300]
    return first - TTFT, total - (TTFT + ITL * (deltas - 1))


async def _accuracy(port: int, rounds: int) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    await _one_stream(port, 0)  # warm
    for round_no in range(rounds):
        base = 1000 * (round_no + 1)
        out += await asyncio.gather(*(_one_stream(port, base + i) for i in range(STREAMS)))
    return out


def _serve(port: int, *flags: str) -> S.contextlib.AbstractContextManager[object]:
    argv = S.claude_fake_argv(port, "--journal-size", "1000", *flags)
    return S.running(argv, f"http://{S.HOST}:{port}/_fake/health", post=False)


def _cassette(folder: Path, size: int) -> Path:
    from bench_cassette import interaction

    from claude_fake.sources.cassette import store

    path = folder / "load.yaml"
    store.save(path, [interaction(n) for n in range(size)])
    return path


def _replayed(port: int, size: int) -> list[bytes]:
    """``size`` requests over the cassette's interactions, round and round."""
    from bench_cassette import body

    return [_request(port, json.dumps(body(n % RECORDED, False)).encode()) for n in range(size)]


def throughput_figures(total: int, folder: Path) -> list[Figure]:
    """Requests per second with 1 and 2 workers, generator and replay."""
    out: list[Figure] = []
    cassette = _cassette(folder, RECORDED)
    for mode in ("generator", "replay"):
        flags = (
            ("--cassette", str(cassette), "--allow-playback-repeats") if mode == "replay" else ()
        )
        rates: dict[int, float] = {}
        for workers in (1, 2):
            port = S.free_port()
            with _serve(port, "--workers", str(workers), *flags):
                if mode == "generator":
                    requests = [_request(port, _body(n)) for n in range(total)]
                    warm = [_request(port, _body(n)) for n in range(200)]
                else:
                    requests = _replayed(port, total)
                    warm = requests[:200]  # repeats: the warm-up takes nothing from the run
                asyncio.run(_throughput(port, warm, CONNECTIONS))
                rate, errors = asyncio.run(_throughput(port, requests, CONNECTIONS))
            rates[workers] = rate
            out.append(
                figure(
                    f"load.{mode}.workers{workers}_rps",
                    rate,
                    "req/s",
                    f"{mode}: {workers} worker(s), {total:,} requests, {CONNECTIONS} connections"
                    + (f", {RECORDED} recorded, repeated" if mode == "replay" else ""),
                    errors=errors,
                )
            )
        out.append(
            figure(
                f"load.{mode}.scaling",
                rates[2] / rates[1],
                "x",
                f"{mode}: 2 workers / 1 worker ({os.cpu_count()} CPUs, client included)",
            )
        )
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def accuracy_figures(rounds: int) -> list[Figure]:
    """p50 and p99 of how late the first delta and the end come, 64 streams at once."""
    out: list[Figure] = []
    for workers in (1, 2):
        port = S.free_port()
        with _serve(port, "--workers", str(workers), "--latency", f"ttft={TTFT},itl={ITL}"):
            errors = asyncio.run(_accuracy(port, rounds))
        for index, what in ((0, "first_delta"), (1, "total")):
            values = [e[index] * 1e3 for e in errors]
            for share, name in ((0.5, "p50"), (0.99, "p99")):
                out.append(
                    figure(
                        f"load.accuracy.workers{workers}.{what}_{name}_ms",
                        _percentile(values, share),
                        "ms",
                        f"{STREAMS} streams, {workers} worker(s): {what} late by, {name}",
                        samples=len(values),
                        earliest_ms=min(values),
                    )
                )
    return out


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and rounds")
    parser.add_argument("--json", action="store_true", help="one JSON line for the runner")
    args = parser.parse_args()
    total, rounds = (2_000, 1) if args.quick else (8_000, 3)
    with tempfile.TemporaryDirectory() as tmp:
        results = throughput_figures(total, Path(tmp)) + accuracy_figures(rounds)
    emit(results, args.json)
    early = [f["earliest_ms"] for f in results if "earliest_ms" in f]
    return 1 if early and min(early) < -5 else 0  # never early (a 5 ms timer slack)


if __name__ == "__main__":
    raise SystemExit(main())
