"""``claude-fake serve`` beside the loopback LLM fakes from PyPI: start to first answer, create,
and a ~1,000-delta stream, every server in its own process, driven by this project's SDK.

Calls to the servers are interleaved round by round, so load from elsewhere hits all alike.
Run alone: ``.venv/bin/python benchmarks/bench_loopback.py`` (peers come from ``peers.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anthropic

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _payloads as P
import _servers as S
import peers
from _timing import Figure, emit, figure, interleaved, median
from bench_inprocess import consume

OURS = "claude-fake"
STREAM_BUDGET_S = 25.0  # per server: a peer that paces its stream gets fewer rounds


@dataclass
class Target:
    """One server to measure: how to start it answering a text, and where its API lives."""

    name: str
    start: Callable[[int, Path, str], list[str]]
    prefix: str = ""
    stream_words: int | None = 3_000
    key: str = ""  # figure prefix of claude-fake's own rows ("" for a peer)
    env: dict[str, str] | None = None

    def figure_name(self, kind: str) -> str:
        return f"{self.key}.{kind}" if self.key else f"peer.{self.name}.{kind}"


def targets(with_peers: bool) -> list[Target]:
    """claude-fake first, then every peer (when their virtualenv is ready)."""
    ours = Target(OURS, lambda port, _dir, _text: S.claude_fake_argv(port), key="server")
    if not with_peers:
        return [ours]
    fast = Target(
        f"{OURS} +httptools/uvloop",
        ours.start,
        key="server_fast",
        env={**os.environ, "PYTHONPATH": str(peers.FAST_LIB)},
    )
    found = [ours, fast] if peers.FAST_LIB.exists() else [ours]
    for peer in peers.SERVER_PEERS:
        words = (1_000 if peer.name == "fakellm" else 3_000) if peer.streams_text else None
        found.append(Target(peer.name, peer.argv, peer.prefix, words))
    return found


@contextlib.contextmanager
def started(target: Target, text: str, workdir: Path) -> Iterator[tuple[str, float]]:
    """A running server answering ``text``: its SDK base URL and start-to-first-answer seconds."""
    port = S.free_port()
    base = f"http://{S.HOST}:{port}{target.prefix}"
    with S.running(
        target.start(port, workdir, text),
        f"{base}/v1/messages",
        post=True,
        cwd=workdir,
        env=target.env,
    ) as (_proc, seconds):
        if target.key:
            S.script(base, text)
        yield base, seconds


def start_figures(found: list[Target], workdir: Path, rounds: int) -> list[Figure]:
    """Start to first answer: ``POST /v1/messages`` for all; ``GET /v1/models`` for ours too."""
    times: dict[str, list[float]] = {t.name: [] for t in found}
    by_name = {t.name: t for t in found}
    models: list[float] = []
    for _ in range(rounds):
        for target in found:
            with started(target, P.SHORT_REPLY, workdir) as (_url, seconds):
                times[target.name].append(seconds)
        port = S.free_port()
        url = f"http://{S.HOST}:{port}/v1/models"
        with S.running(S.claude_fake_argv(port), url, post=False) as (_proc, seconds):
            models.append(seconds)
    out = [
        figure(
            "start.models", median(models), "s", "claude-fake serve: start to first GET /v1/models"
        )
    ]
    for name, values in times.items():
        target = by_name[name]
        out.append(
            figure(
                target.figure_name("start")
                if not target.key
                else f"start{target.key.removeprefix('server')}.messages",
                median(values),
                "s",
                f"{name}: start to first POST /v1/messages",
                peer=None if target.key else name,
                kind="start",
                face="server",
            )
        )
    return out


def sdk(base: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=base, api_key="sk-ant-bench", max_retries=0)


def create_times(found: list[Target], workdir: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds per ``messages.create`` on each server, interleaved."""
    args = P.create_args()
    with contextlib.ExitStack() as stack:
        cases = {}
        for target in found:
            base, _ = stack.enter_context(started(target, P.SHORT_REPLY, workdir))
            client = stack.enter_context(sdk(base))
            cases[target.name] = lambda c=client: c.messages.create(**args)
        return interleaved(cases, batch=10, rounds=rounds, warmup=5)


def stream_times(found: list[Target], workdir: Path, rounds: int) -> dict[str, list[float]]:
    """Seconds per ~1,000-delta ``messages.stream()`` on each server that can stream a text."""
    args = P.create_args()
    out: dict[str, list[float]] = {}
    with contextlib.ExitStack() as stack:
        clients = {}
        for target in (t for t in found if t.stream_words):
            text = P.long_text(target.stream_words or 0)
            base, _ = stack.enter_context(started(target, text, workdir))
            clients[target.name] = stack.enter_context(sdk(base))
        for name, client in clients.items():
            consume(client, args)  # warm-up
            out[name] = []
        for _ in range(rounds):
            for name, client in clients.items():
                if sum(out[name]) > STREAM_BUDGET_S:
                    continue
                start = time.perf_counter()
                consume(client, args)
                out[name].append(time.perf_counter() - start)
    return out


def speed_figures(found: list[Target], workdir: Path, rounds: int) -> list[Figure]:
    by_name = {t.name: t for t in found}
    out: list[Figure] = []
    for kind, times in (
        ("create", create_times(found, workdir, rounds)),
        ("stream", stream_times(found, workdir, max(2, rounds // 3))),
    ):
        for name, values in times.items():
            target = by_name[name]
            label = f"{name} {kind}" + (" (~1,000 deltas)" if kind == "stream" else "")
            out.append(
                figure(
                    target.figure_name(kind),
                    median(values) * 1e3,
                    "ms",
                    label,
                    n=len(values),
                    peer=None if target.key else name,
                    kind=kind,
                    face="server",
                )
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="one JSON line for benchmarks/run.py")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    parser.add_argument("--no-peers", action="store_true", help="measure claude-fake serve only")
    args = parser.parse_args(argv)
    with_peers = not args.no_peers and peers.STAMP.exists()
    found = targets(with_peers)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        figures = start_figures(found, workdir, 2 if args.quick else 3)
        figures += speed_figures(found, workdir, 6 if args.quick else 18)
    emit(figures, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
