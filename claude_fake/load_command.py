"""The load-testing flags of ``claude-fake serve``: ``--latency``, ``--fault STATUS:RATE`` and
``--workers N``, and the worker processes themselves.

With ``--workers N`` the parent binds the port, prints the banner, and starts N processes (spawned,
so it works where fork is unsafe) that each build their own engine from the same flags and accept
on the one shared socket; the kernel hands each new connection to one of them. Only stateless
modes make sense there (the generator, replay, ``--reply``, ``--replies`` rules with ``times:
null``, ``--latency``, ``--fault``): a recording or a counted reply would be split between
processes, so they are refused at start, and the scripting API answers 409 (``faces.load_routes``).
A worker that dies is started again; Ctrl-C or SIGTERM stops them all.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import multiprocessing
import multiprocessing.connection
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_fake.errors import ConfigError

if TYPE_CHECKING:
    from claude_fake.engine import FakeClaude
    from claude_fake.faces.options import ServerOptions
    from claude_fake.sources.cassette.store import LoadedCassette

IDS_PER_WORKER = 1 << 40  # each worker numbers its ids from its own block: no id twice
QUICK_DEATH = 2.0  # seconds: a worker dying sooner after its start stops the server


def _latency(text: str) -> Any:
    from claude_fake import latency

    try:
        return latency.parse(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(exc.what + " " + exc.fix) from None


def _fault(text: str) -> tuple[int | str, float, float | None]:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not STATUS:RATE[:RETRY_AFTER], e.g. 529:0.1 or 429:0.01:2"
        )
    what: int | str = int(parts[0]) if parts[0].isdigit() else parts[0]
    try:
        rate = float(parts[1])
        retry_after = float(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: RATE and RETRY_AFTER are numbers") from None
    if not 0 < rate <= 1:
        raise argparse.ArgumentTypeError(f"{text!r}: RATE is a probability above 0, at most 1")
    return what, rate, retry_after


def _workers(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"{text} workers: give 1 to 256")
    return value


FLAGS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "--latency",
        {
            "type": _latency,
            "metavar": "ttft=S,itl=S[,jitter=F]|recorded",
            "help": "pace successful Messages answers: the first content event after ttft "
            "seconds, then a delta every itl; a JSON answer after ttft + itl * output_tokens; "
            "jitter (a fraction) varies each wait, seeded; or 'recorded': each replayed answer "
            "as the --cassette timed it (default: at once)",
        },
    ),
    (
        "--fault",
        {
            "type": _fault,
            "action": "append",
            "default": [],
            "metavar": "STATUS:RATE[:RETRY_AFTER]",
            "help": "answer each Messages request with error STATUS (or an error type) with "
            "probability RATE, seeded, for ever; e.g. 529:0.05 (repeatable; default: none)",
        },
    ),
    (
        "--workers",
        {
            "type": _workers,
            "default": 1,
            "metavar": "N",
            "help": "serve the port from N processes, for stateless modes (generator, replay, "
            "--reply, --replies with times null, --latency, --fault); the scripting API then "
            "answers 409 (default: %(default)s)",
        },
    ),
)


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Add ``--latency``, ``--fault`` and ``--workers`` to ``serve``'s parser."""
    for flag, options in FLAGS:
        parser.add_argument(flag, **options)


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """``FakeClaude`` keyword arguments from the flags."""
    if args.latency is not None and args.latency.recorded and not args.cassette:
        raise ConfigError(
            "--latency recorded needs a --cassette.",
            why="It replays the timings a cassette recorded; without one every answer is "
            "generated, and has none.",
            fix="Add --cassette PATH, or give a profile: --latency ttft=0.4,itl=0.02.",
            anchor="load-test-your-app",
        )
    return {"latency": args.latency}


def script(fake: FakeClaude, args: argparse.Namespace) -> None:
    """Script the ``--fault`` rates on ``fake`` (``/_fake/reset`` forgets them, as replies)."""
    for what, rate, retry_after in args.fault:
        try:
            fake.fail(what, rate=rate, retry_after=retry_after)
        except ConfigError:
            raise
        except Exception as exc:  # a ScriptError: an unknown status or type
            raise ConfigError(f"--fault {what}:{rate}: {exc}") from None


def describe(args: argparse.Namespace, cassette: Callable[[], LoadedCassette]) -> str:
    """Banner lines for the load flags ('' when none is given). ``cassette`` gives the engine's
    cassette as loaded, read only when the banner needs it: the
    file is not read a second time."""
    lines = []
    if args.latency is not None:
        lines.append(f"  latency {args.latency}".replace(",", ", ") + _timed(args, cassette))
    for what, rate, _ in args.fault:
        lines.append(f"  fault {what} on {rate:.2%} of Messages requests")
    if args.workers > 1:
        lines.append(
            f"  {args.workers} worker processes; the scripting API answers 409 "
            "(GET /_fake/health stays open)"
        )
    return "".join(line + "\n" for line in lines)


def _timed(args: argparse.Namespace, loaded: Callable[[], LoadedCassette]) -> str:
    """How much of the cassette ``--latency recorded`` can pace ('' for another profile)."""
    if not args.latency.recorded or not args.cassette:
        return ""
    try:
        cassette = loaded()
    except Exception:  # the engine's own reading says what is wrong with the file
        return ""
    total, timed = len(cassette), cassette.timed
    if timed == total:
        return f": each replayed answer as the cassette timed it ({total} interactions)"
    return (
        f": {timed} of {total} interactions in the cassette have timings; the others (recorded "
        "before claude-fake kept them) answer at once: record them again to keep their pace"
    )


def check_stateless(args: argparse.Namespace) -> None:
    """A ConfigError when ``--workers`` above 1 comes with a mode that keeps state."""
    if args.workers <= 1:
        return
    why = "Each worker is its own process with its own engine; "
    if args.record_mode != "none":
        raise ConfigError(
            f"--workers {args.workers} cannot record (--record-mode {args.record_mode}).",
            why=why + "each would write its own copy of the cassette.",
            fix="Record with one worker, then replay it with --workers N.",
            anchor="load-test-your-app",
        )
    counted = [i for i, item in enumerate(_replies(args.replies)) if _counted(item)]
    if counted:
        raise ConfigError(
            f"--workers {args.workers}: --replies {args.replies} has replies used a set number "
            f"of times (item(s) {', '.join(map(str, counted))}).",
            why=why + "each would count its own uses, so the whole would not add up.",
            fix='Give each reply "times": null (with a "when" rule to choose between them), '
            "or serve with --workers 1.",
            anchor="load-test-your-app",
        )


def _replies(path: str | None) -> list[Any]:
    if path is None:
        return []
    try:
        loaded = json.loads(Path(path).read_bytes())
    except (OSError, ValueError):
        return []  # the engine's own reading says what is wrong with the file
    return loaded if isinstance(loaded, list) else [loaded]


def _counted(item: Any) -> bool:
    return not isinstance(item, dict) or item.get("times", 1) is not None


def serve(
    count: int, sock: socket.socket, options: ServerOptions, build: Callable[[], FakeClaude]
) -> int:
    """Serve ``sock`` from ``count`` processes, each with the engine ``build()`` makes, until
    interrupted; a worker that dies is started again."""
    context = multiprocessing.get_context("spawn")
    started: dict[int, float] = {}

    def start(index: int) -> Any:
        process = context.Process(
            target=_worker, args=(index, sock, options, build), name=f"claude-fake-worker-{index}"
        )
        process.start()
        started[index] = time.monotonic()
        return process

    signal.signal(signal.SIGTERM, _interrupt)
    workers = [start(index) for index in range(count)]
    code = 0
    try:
        while True:
            ended = multiprocessing.connection.wait([w.sentinel for w in workers])
            for index, worker in enumerate(workers):
                if worker.sentinel not in ended:
                    continue
                if time.monotonic() - started[index] < QUICK_DEATH:
                    sys.stderr.write(f"claude-fake: worker {index} failed at start; stopping\n")
                    return 1
                sys.stderr.write(f"claude-fake: worker {index} ended ({worker.exitcode}); again\n")
                workers[index] = start(index)
    except KeyboardInterrupt:
        code = 0
    finally:
        _stop(workers)
    return code


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _stop(workers: list[Any]) -> None:
    for worker in workers:
        if worker.is_alive():
            worker.terminate()  # SIGTERM: uvicorn finishes the answers in flight
    deadline = time.monotonic() + 5
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.is_alive():
            worker.kill()
            worker.join()


def _worker(
    index: int, sock: socket.socket, options: ServerOptions, build: Callable[[], FakeClaude]
) -> None:
    from claude_fake.faces.server import Hub, serve_forever

    fake = build()
    fake._ids = itertools.count(1 + index * IDS_PER_WORKER)  # ids stay unique across workers
    with contextlib.suppress(KeyboardInterrupt):
        serve_forever(Hub(fake), sock, options)
