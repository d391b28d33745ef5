"""Cassette costs: load time of a 10,000-interaction cassette; per-request replay time against
it compared with a 10-interaction cassette (the match index makes them equal); and recording
cost: 1,000 interactions recorded one by one into one cassette (through a local upstream, a
second FakeClaude on 127.0.0.1), the last 100 against the first 100 (appended writes make them
equal; rewriting the whole file for each would make the last 100 ten times dearer).

Run: ``.venv/bin/python benchmarks/bench_cassette.py`` (prints the figures; exit 1 if a budget
is missed: load < 2 s, per-request ratio <= 1.2, recording ratio <= 1.5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from claude_fake.config import RecordMode
from claude_fake.model import FakeRequest
from claude_fake.sources.cassette import format as fmt
from claude_fake.sources.cassette import store
from claude_fake.sources.cassette.source import CassetteSource

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


def timed(source: CassetteSource, n: int, stream: bool) -> float:
    """Seconds to answer (and, for a stream, drain) the request for interaction n."""
    fake = request(n, stream)
    start = time.perf_counter()
    response = source.claim(fake, "req_bench")
    if response.chunks is not None:
        b"".join(response.chunks)
    return time.perf_counter() - start


def per_request(small: Path, large: CassetteSource, size: int, rounds: int) -> tuple[float, float]:
    """Median seconds per request against 10 and against ``size`` interactions, interleaved so
    that machine noise hits both alike (JSON and stream requests alternate; loading excluded)."""
    step = max(1, size // (rounds * 10))
    small_times: list[float] = []
    large_times: list[float] = []
    for r in range(rounds):
        fresh = CassetteSource(small, record_mode=RecordMode.NONE)
        for i in range(10):
            stream = bool(i % 2)
            small_times.append(timed(fresh, i, stream))
            large_times.append(timed(large, ((r * 10 + i) * step) % size, stream))
    return statistics.median(small_times), statistics.median(large_times)


def recording(count: int, folder: Path) -> tuple[float, float, int]:
    """Seconds to record the first 100 and the last 100 of ``count`` interactions, and the
    cassette's size in bytes."""
    from claude_fake import FakeClaude

    upstream = FakeClaude(seed=1, assert_all_used=False)
    path = folder / "recorded.yaml"
    times: list[float] = []
    with upstream.serve() as url:
        warm = CassetteSource(
            folder / "warm.yaml", record_mode=RecordMode.NEW_EPISODES, upstream=url
        )
        for n in range(20):  # the upstream's and the HTTP client's first-call costs, not ours
            timed(warm, count + n, False)
        warm.close()
        source = CassetteSource(path, record_mode=RecordMode.NEW_EPISODES, upstream=url)
        for n in range(count):
            times.append(timed(source, n, False))
        source.close()
    return sum(times[:100]), sum(times[-100:]), path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--record", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small, large = write(folder, 10), write(folder, args.size)
        start = time.perf_counter()
        big_source = CassetteSource(large, record_mode=RecordMode.NONE)
        load = time.perf_counter() - start
        base, big = per_request(small, big_source, args.size, args.rounds)
        size = large.stat().st_size
        first, last, recorded_size = recording(args.record, folder)
    ratio = big / base
    record_ratio = last / first
    print(f"file: {args.size} interactions, {size / 1e6:.1f} MB")
    print(f"load {args.size} interactions: {load:.3f} s (budget 2 s)")
    print(f"per request, 10 interactions: {base * 1e6:.1f} us")
    print(f"per request, {args.size} interactions: {big * 1e6:.1f} us")
    print(f"ratio: {ratio:.3f} (budget 1.2)")
    print(f"record first 100 of {args.record}: {first * 1e3:.1f} ms")
    print(f"record last 100 of {args.record}: {last * 1e3:.1f} ms")
    print(f"record ratio: {record_ratio:.3f} (budget 1.5; file {recorded_size / 1e6:.1f} MB)")
    return 0 if load < 2.0 and ratio <= 1.2 and record_ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
