"""Cassette replay cost: load time of a 10,000-interaction cassette, and per-request replay time
against it compared with a 10-interaction cassette (the match index makes them equal).

Run: ``.venv/bin/python benchmarks/bench_cassette.py`` (prints the figures; exit 1 if a budget
is missed: load < 2 s, per-request ratio <= 1.2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from claude_fake.cassette import format as fmt
from claude_fake.cassette import store
from claude_fake.cassette.source import CassetteSource
from claude_fake.config import RecordMode
from claude_fake.model import FakeRequest

HEADERS = {"anthropic-version": "2023-06-01", "content-type": "application/json"}


def body(n: int, stream: bool) -> dict[str, object]:
    """The n-th distinct request body."""
    return {
        "model": "claude-sonnet-4-6",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": f"Question number {n}: what is {n} squared?"}],
        "stream": stream,
    }


def message(n: int) -> dict[str, object]:
    """The n-th recorded Message."""
    return {
        "id": f"msg_01BENCH{n:016d}",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [{"type": "text", "text": f"{n} squared is {n * n}."}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 20, "output_tokens": 9},
    }


def interaction(n: int) -> fmt.Interaction:
    """A recorded non-streaming interaction (streams replay through render either way)."""
    request = fmt.RecordedRequest(
        method="POST",
        uri="https://api.anthropic.com/v1/messages",
        headers=HEADERS,
        body=body(n, False),
    )
    response = fmt.RecordedResponse(
        status=200, reason="OK", headers={"content-type": "application/json"}, body=message(n)
    )
    return fmt.Interaction(request=request, response=response)


def request(n: int, stream: bool) -> FakeRequest:
    """The request that replays interaction n."""
    data = body(n, stream)
    return FakeRequest(
        method="POST",
        path="/v1/messages",
        headers=HEADERS,
        raw=json.dumps(data).encode(),
        body=data,
    )


def write(folder: Path, size: int) -> Path:
    """A cassette of ``size`` interactions."""
    path = folder / f"bench-{size}.yaml"
    store.save(path, [interaction(n) for n in range(size)])
    return path


def per_request(path: Path, size: int, rounds: int, picks: int) -> float:
    """Median seconds to answer one request (JSON and stream alternately), loading excluded."""
    step = max(1, size // picks)
    chosen = list(range(0, size, step))[:picks]
    samples: list[float] = []
    for _ in range(rounds):
        source = CassetteSource(path, record_mode=RecordMode.NONE)
        for i, n in enumerate(chosen):
            fake = request(n, stream=bool(i % 2))
            start = time.perf_counter()
            response = source.answer(fake, "req_bench")
            if response.chunks is not None:
                b"".join(response.chunks)
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = write(folder, 10), write(folder, args.size)
        start = time.perf_counter()
        CassetteSource(large, record_mode=RecordMode.NONE)
        load = time.perf_counter() - start
        small_rounds = args.rounds * 40
        base = per_request(small, 10, small_rounds, 10)
        big = per_request(large, args.size, args.rounds, 80)
        size = large.stat().st_size
    ratio = big / base
    print(f"file: {args.size} interactions, {size / 1e6:.1f} MB")
    print(f"load {args.size} interactions: {load:.3f} s (budget 2 s)")
    print(f"per request, 10 interactions: {base * 1e6:.1f} us")
    print(f"per request, {args.size} interactions: {big * 1e6:.1f} us")
    print(f"ratio: {ratio:.3f} (budget 1.2)")
    return 0 if load < 2.0 and ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
