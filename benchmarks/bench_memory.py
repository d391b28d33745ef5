"""Peak memory (VmHWM) of ``claude-fake serve --cassette`` holding a 10,000-interaction cassette,
beside the same server with no cassette. The cassette is the one ``bench_cassette.py`` writes;
the figure is skipped while that script or the cassette package is missing.
Run alone: ``.venv/bin/python benchmarks/bench_memory.py``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _servers as S
from _timing import Figure, emit, figure, runner_parser

SIZE = 10_000


def _peak(argv: list[str], base: str, body: bytes) -> tuple[int | None, float]:
    """Peak RSS (KiB) after the server answered ``body`` (which loads the cassette), and seconds."""
    with S.running(argv, f"{base}/_fake/health", post=False) as (proc, _):
        import httpx2

        headers = {**S.API_HEADERS, "content-type": "application/json"}
        with httpx2.Client(headers=headers, timeout=60.0) as client:
            answer = client.post(f"{base}/v1/messages", content=body)
            answer.raise_for_status()
            seconds = answer.elapsed.total_seconds()
        return S.peak_rss_kib(proc.pid), seconds


def memory_figures(size: int) -> list[Figure]:
    try:
        import bench_cassette as bc
    except ImportError as exc:
        return [
            figure(
                "memory.cassette",
                None,
                "MiB",
                f"serve with a {size:,}-interaction cassette: peak RSS (skipped: {exc})",
            )
        ]
    with tempfile.TemporaryDirectory() as tmp:
        path = bc.write(Path(tmp), size)
        body = json.dumps(bc.body(0, False)).encode()
        port = S.free_port()
        base = f"http://{S.HOST}:{port}"
        bare, _ = _peak(S.claude_fake_argv(port), base, S.HELLO_BODY)
        port = S.free_port()
        base = f"http://{S.HOST}:{port}"
        argv = S.claude_fake_argv(port, "--cassette", str(path))
        loaded, first = _peak(argv, base, body)
        mib = path.stat().st_size / 2**20
    return [
        figure(
            "memory.bare",
            bare / 1024 if bare else None,
            "MiB",
            "claude-fake serve, no cassette: peak RSS",
        ),
        figure(
            "memory.cassette",
            loaded / 1024 if loaded else None,
            "MiB",
            f"claude-fake serve, {size:,}-interaction cassette ({mib:.1f} MiB): peak RSS",
        ),
        figure(
            "memory.first_replay",
            first,
            "s",
            f"first replay from the {size:,}-interaction cassette (loads it)",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser(__doc__, quick="a smaller cassette (smoke run)")
    args = parser.parse_args(argv)
    emit(memory_figures(1_000 if args.quick else SIZE), args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
