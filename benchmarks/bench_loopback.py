"""``claude-fake serve`` beside the loopback LLM fakes from PyPI: start to first answer, create,
and a ~1,000-delta stream, every server in its own process, driven by this project's SDK.

Beside them runs the loopback floor (``floor_server.py``): a server that does no work, answering
the bytes ``claude-fake serve`` answered, captured in the same run. It is not a peer; every other
row gets its ratio to it (the median of the per-round ratios).

Calls to the servers are interleaved round by round, so load from elsewhere hits all alike.
Run alone: ``.venv/bin/python benchmarks/bench_loopback.py`` (peers come from ``peers.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import anthropic

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _payloads as P
import _servers as S
import _targets
import peers
from _timing import Figure, emit, figure, interleaved, median, ratio, runner_parser
from bench_inprocess import consume

OURS = "claude-fake"
FLOOR = "loopback floor (canned bytes, asyncio)"
FLOOR_KEY = "floor_server"
HERE = Path(__file__).resolve().parent
FLOOR_SCRIPT = HERE / "floor_server.py"
STREAM_BUDGET_S = 25.0  # per server: a peer that paces its stream gets fewer rounds


@dataclass
class Target:
    """One server to measure: how to start it answering a text, and where its API lives."""

    name: str
    start: peers.Argv
    prefix: str = ""
    stream_words: int | None = 3_000
    key: str = ""  # figure prefix of a row that is no peer: claude-fake's own, or the floor

    @property
    def ours(self) -> bool:
        """claude-fake itself (scripted through ``/_fake``), not a peer nor the floor."""
        return bool(self.key) and self.key != FLOOR_KEY

    def figure_name(self, kind: str) -> str:
        if kind == "start" and self.ours:
            return f"start{self.key.removeprefix('server')}.messages"
        return f"{self.key}.{kind}" if self.key else f"peer.{self.name}.{kind}"


def captured(workdir: Path, text: str) -> tuple[Path, Path]:
    """Files holding the raw responses ``claude-fake serve`` scripted with ``text`` gives to
    ``messages.create`` and to ``messages.stream`` (captured once per text and run)."""
    stem = workdir / f"floor-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
    create, stream = stem.with_suffix(".create"), stem.with_suffix(".stream")
    if create.exists() and stream.exists():
        return create, stream
    port = S.free_port()
    with S.running(S.claude_fake_argv(port), f"http://{S.HOST}:{port}/v1/messages", post=True):
        S.script(f"http://{S.HOST}:{port}", text)
        for path, extra in ((create, {}), (stream, {"stream": True})):
            body = json.dumps(P.create_args(**extra)).encode()
            path.write_bytes(S.raw_post(port, body))
    return create, stream


def floor_argv(port: int, workdir: Path, text: str) -> list[str]:
    """The loopback floor on ``port``, answering what claude-fake answers for ``text``."""
    create, stream = captured(workdir, text)
    files = ["--create", str(create), "--stream", str(stream)]
    return [sys.executable, str(FLOOR_SCRIPT), "--port", str(port), *files]


def uvicorn_floor_argv(port: int) -> list[str]:
    """A bare ASGI app under uvicorn (with claude-fake's uvicorn options) on ``port``."""
    options = ["--log-level", "warning", "--no-access-log", "--lifespan", "off"]
    app = ["uvicorn_floor:app", "--app-dir", str(HERE)]
    return [sys.executable, "-m", "uvicorn", *app, "--host", S.HOST, "--port", str(port), *options]


def targets(with_peers: bool) -> list[Target]:
    """claude-fake first, then the loopback floor, then every peer (when they are installed)."""
    # started answering the text, as every peer is (`--reply`), then scripted the same over HTTP
    ours = Target(
        OURS, lambda port, _dir, text: S.claude_fake_argv(port, "--reply", text), key="server"
    )
    floor = Target(FLOOR, floor_argv, key=FLOOR_KEY)
    found = [ours, floor]
    for peer in peers.SERVER_PEERS if with_peers else ():
        found.append(Target(peer.name, peer.argv, peer.prefix, peer.stream_words))
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
    ) as (_proc, seconds):
        if target.ours:
            S.script(base, text)
        yield base, seconds


def start_figures(found: list[Target], workdir: Path, rounds: int) -> list[Figure]:
    """Start to first answer: ``POST /v1/messages`` for all; ``GET /v1/models`` for ours too."""
    times: dict[str, list[float]] = {t.name: [] for t in found}
    by_name = {t.name: t for t in found}
    models: list[float] = []
    generated: list[float] = []
    bare: list[float] = []
    for _ in range(rounds):
        for target in found:
            with started(target, P.SHORT_REPLY, workdir) as (_url, seconds):
                times[target.name].append(seconds)
        for post, into in ((False, models), (True, generated)):  # no script: the generator
            port = S.free_port()
            url = f"http://{S.HOST}:{port}/v1/{'messages' if post else 'models'}"
            with S.running(S.claude_fake_argv(port), url, post=post) as (_proc, seconds):
                into.append(seconds)
        port = S.free_port()
        bare_url = f"http://{S.HOST}:{port}/v1/messages"
        with S.running(uvicorn_floor_argv(port), bare_url, post=True) as (_proc, seconds):
            bare.append(seconds)
    out = [
        figure(
            "start.models", median(models), "s", "claude-fake serve: start to first GET /v1/models"
        ),
        figure(
            "start.uvicorn_floor",
            median(bare),
            "s",
            "bare ASGI app under uvicorn: start to first POST",
        ),
        figure(
            "start.generated",
            median(generated),
            "s",
            "claude-fake serve: start to first POST /v1/messages (generator, loads Faker)",
        ),
    ]
    for name, values in times.items():
        target = by_name[name]
        out.append(
            figure(
                target.figure_name("start"),
                median(values),
                "s",
                f"{name}: start to first POST"
                + ("" if target.key == FLOOR_KEY else " /v1/messages"),
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
        names = list(clients)
        for round_no in range(rounds):
            shift = round_no % len(names) if names else 0  # rotate the order, as interleaved() does
            for name in names[shift:] + names[:shift]:
                client = clients[name]
                if sum(out[name]) > STREAM_BUDGET_S:
                    continue
                start = time.perf_counter()
                consume(client, args)
                out[name].append(time.perf_counter() - start)
    return out


def to_floor(values: list[float], floor: list[float]) -> float | None:
    """Median of the per-round ratios to the floor, over the rounds both have (a stream that
    ran out of budget stops early; the rounds it ran are the first ones)."""
    n = min(len(values), len(floor))
    return ratio(values[:n], floor[:n]) if n else None


def speed_figures(found: list[Target], workdir: Path, rounds: int) -> list[Figure]:
    by_name = {t.name: t for t in found}
    out: list[Figure] = []
    for kind, times in (
        ("create", create_times(found, workdir, rounds)),
        ("stream", stream_times(found, workdir, max(2, rounds // 3))),
    ):
        floor = times.get(FLOOR, [])
        for name, values in times.items():
            target = by_name[name]
            label = f"{name} {kind}" + (" (~1,000 deltas)" if kind == "stream" else "")
            versus = None if name == FLOOR else to_floor(values, floor)
            extra = {} if versus is None else {"ratio": versus, "ratio_of": "loopback floor"}
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
                    **({"floor": True} if name == FLOOR else extra),
                )
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = runner_parser(__doc__)
    parser.add_argument("--no-peers", action="store_true", help="skip the peers")
    args = parser.parse_args(argv)
    with_peers = not args.no_peers and peers.STAMP.exists()
    found = targets(with_peers)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        figures = start_figures(found, workdir, 2 if args.quick else 3)
        figures += speed_figures(found, workdir, 6 if args.quick else 18)
    emit(figures, args.json)
    if not args.json:
        sys.stdout.write("\n")
        for verdict in _targets.loopback({f["name"]: f for f in figures}):
            result = _targets.result(verdict)
            line = f"{verdict['target']:<46} {result:<5} {verdict['shown']:>7}  {verdict['basis']}"
            sys.stdout.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
