"""Soak: one ``claude-fake serve`` at its default settings takes many mixed requests (bounded,
loopback only) while the journal is paged, and must keep its memory and its health check steady.

- load: a separate process sends ``--requests`` requests (default 200,000) with ``--concurrency``
  connections: 70% ``messages.create``, 15% streamed messages, 10% ``count_tokens``, 5%
  ``GET /v1/models``, each with its own text (so no answer is shared);
- meanwhile this process walks the whole journal with ``GET /_fake/requests?after=ID&limit=1000``
  again and again without pause, and probes ``GET /_fake/health`` every 50 ms on its own connection;
- the load and the pager run at a lower priority (nice +10), so on a small machine they do not
  starve the server they measure (clients of a real server run elsewhere); the server's share of
  a CPU and the load average are reported, as probes slow for want of CPU are not the server's;
- figures: the server's RSS growth from start to end (target < 100 MB), its peak RSS, the health
  check's median, p99 and slowest (target p99 < 50 ms), the load's throughput, and how many
  requests the journal says it dropped (all but the last 10,000).

Run alone: ``.venv/bin/python benchmarks/bench_soak.py [--requests N] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _servers as S
from _timing import Figure, emit, figure

MIX = (("create", 70), ("stream", 15), ("count", 10), ("models", 5))
PAGE = 1000
HEALTH_EVERY = 0.05
NICE = 10  # the load and the pager yield the CPU to the server under test


def _body(kind: str, n: int) -> bytes:
    text = f"Request number {n}: tell me something about the number {n * 7919 % 100_003}."
    body: dict[str, Any] = {
        "model": "claude-sonnet-4-6",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": text}],
    }
    if kind == "stream":
        body["stream"] = True
    if kind == "count":
        del body["max_tokens"]
    return json.dumps(body).encode()


def _kinds() -> list[str]:
    return [kind for kind, share in MIX for _ in range(share)]


async def _load(base: str, total: int, concurrency: int) -> dict[str, Any]:
    import httpx2

    kinds = _kinds()
    counter = iter(range(total))
    errors = 0
    headers = {**S.API_HEADERS, "content-type": "application/json"}
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx2.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as c:

        async def worker() -> None:
            nonlocal errors
            for n in counter:
                kind = kinds[n % len(kinds)]
                if kind == "models":
                    answer = await c.get("/v1/models")
                else:
                    path = "/v1/messages/count_tokens" if kind == "count" else "/v1/messages"
                    answer = await c.post(path, content=_body(kind, n))
                errors += answer.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return {"seconds": time.perf_counter() - started, "errors": errors}


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _page_forever(base: str) -> None:
    """Walk the whole journal a page at a time, again and again (a process of its own, so its
    JSON parsing never delays the health probe); prints pages walked when terminated."""
    import signal

    import httpx2

    pages, after, started = 0, 0, time.perf_counter()

    def report(*_: object) -> None:
        seconds = (time.perf_counter() - started) / max(pages, 1)
        sys.stdout.write(json.dumps({"pages": pages, "seconds_per_page": seconds}))
        sys.stdout.flush()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, report)
    with httpx2.Client(base_url=base, timeout=30) as client:
        while True:
            page = client.get("/_fake/requests", params={"after": after, "limit": PAGE}).json()
            pages += 1
            after = page["next_after"] or 0  # at the end: walk the whole journal again


def _probe(base: str, stop: threading.Event, out: list[float]) -> None:
    import httpx2

    with httpx2.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            client.get("/_fake/health").raise_for_status()
            out.append(time.perf_counter() - started)
            time.sleep(HEALTH_EVERY)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def soak(total: int, concurrency: int) -> list[Figure]:
    port = S.free_port()
    base = f"http://{S.HOST}:{port}"
    me = [sys.executable, __file__]
    with S.running(S.claude_fake_argv(port), f"{base}/_fake/health", post=False) as (proc, _):
        start_kib, start_cpu, started = _rss_kib(proc.pid), _cpu_seconds(proc.pid), time.time()
        health: list[float] = []
        stop = threading.Event()
        prober = threading.Thread(target=_probe, args=(base, stop, health), daemon=True)
        prober.start()
        pager = subprocess.Popen([*me, "--page", base], stdout=subprocess.PIPE, text=True)
        load = subprocess.run(
            [*me, "--load", base, str(total), str(concurrency)],
            capture_output=True,
            text=True,
            check=True,
        )
        pager.terminate()
        paged = json.loads(pager.communicate(timeout=30)[0])
        stop.set()
        prober.join()
        end_kib, peak_kib = _rss_kib(proc.pid), S.peak_rss_kib(proc.pid) or 0
        cpu = (_cpu_seconds(proc.pid) - start_cpu) / (time.time() - started)
        last = httpx2_get(f"{base}/_fake/requests", {"limit": "1"})
    result = {**json.loads(load.stdout), "server_cpu": cpu, "loadavg": os.getloadavg()[1]}
    return _figures(total, result, (start_kib, end_kib, peak_kib), health, paged, last)


def httpx2_get(url: str, params: dict[str, str]) -> Any:
    import httpx2

    return httpx2.get(url, params=params).json()


def _figures(
    total: int,
    load: dict[str, Any],
    rss: tuple[int, int, int],
    health: list[float],
    paged: dict[str, Any],
    last: dict[str, Any],
) -> list[Figure]:
    start, end, peak = (kib / 1024 for kib in rss)
    ms = [s * 1000 for s in health]
    return [
        figure(
            "soak.requests", total, "requests", "soak: mixed requests sent", errors=load["errors"]
        ),
        figure("soak.rate", total / load["seconds"], "req/s", "soak: throughput while paged"),
        figure(
            "soak.server_cpu",
            load["server_cpu"],
            "CPUs",
            "soak: the server's CPU share (1 = a whole core)",
            loadavg_5min=load["loadavg"],
        ),
        figure(
            "soak.rss_growth",
            end - start,
            "MiB",
            "soak: server RSS growth, start to end (< 100)",
            start=start,
            end=end,
            peak=peak,
        ),
        figure("soak.rss_peak", peak, "MiB", "soak: server peak RSS (VmHWM)"),
        figure("soak.health_p50", statistics.median(ms), "ms", "soak: /_fake/health median"),
        figure(
            "soak.health_p99",
            _percentile(ms, 0.99),
            "ms",
            "soak: /_fake/health p99 (< 50)",
            samples=len(ms),
        ),
        figure("soak.health_max", max(ms), "ms", "soak: /_fake/health slowest"),
        figure(
            "soak.pages",
            paged["pages"],
            "pages",
            f"soak: pages of {PAGE} read meanwhile",
            seconds_per_page=paged["seconds_per_page"],
        ),
        figure(
            "soak.dropped",
            last["dropped"],
            "requests",
            "soak: dropped by the journal (keeps 10,000)",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--page", metavar="BASE", help=argparse.SUPPRESS)
    parser.add_argument(
        "--load", nargs=3, metavar=("BASE", "TOTAL", "CONCURRENCY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.page or args.load:
        os.nice(NICE)
    if args.page:
        _page_forever(args.page)
        return
    if args.load:
        base, total, concurrency = args.load
        sys.stdout.write(json.dumps(asyncio.run(_load(base, int(total), int(concurrency)))))
        return
    emit(soak(args.requests, args.concurrency), args.json)


if __name__ == "__main__":
    main()
