"""``claude-fake serve``: its flags (each with help and default) and the server they start."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from claude_fake import __version__, load_command, serve_options
from claude_fake.faces.limits import Limits

if TYPE_CHECKING:
    from claude_fake.engine import FakeClaude

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Add every ``serve`` flag to ``parser``."""
    from claude_fake.sources.cassette import serve_flags

    for flag, options in serve_options.flags():
        parser.add_argument(flag, **options)
    serve_flags.add_flags(parser)
    load_command.add_flags(parser)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from claude_fake.faces import banner
    from claude_fake.faces.server import Hub, ServerOptions, serve_forever

    _refuse_open_recording(args)
    load_command.check_stateless(args)
    fake = _engine(args)
    options = ServerOptions(
        allow_hosts=tuple(args.allow_host),
        api_key=args.require_api_key,
        limits=Limits(
            header_timeout=args.header_timeout,
            body_timeout=args.body_timeout,
            max_connections=args.max_connections,
        ),
        log_requests=args.log_requests,
        workers=args.workers,
    )
    sock = banner.bind(args.host, args.port)  # before the banner, which shows what was bound
    hosts = sorted(options.guard(args.host).hosts)
    text = banner.banner(
        __version__, banner.base_url(sock), hosts, keyed=bool(args.require_api_key)
    )
    sys.stderr.write(text + load_command.describe(args, lambda: fake.cassette().cassette))
    sys.stderr.flush()
    if args.workers > 1:
        return load_command.serve(args.workers, sock, options, functools.partial(_engine, args))
    _freeze_start_up()
    serve_forever(Hub(fake), sock, options)
    return 0


def _freeze_start_up() -> None:
    """Move what start-up made (modules, schemas, the engine) out of the garbage collector's
    generations: a full collection then walks only what requests left alive (the bounded
    journal keeps nothing it tracks), so it never stops the server for long. This process only:
    an in-process ``FakeClaude()`` never touches the collector."""
    import gc

    import uvicorn  # noqa: F401  # imported now, to be frozen with the rest

    gc.collect()
    gc.freeze()


def _refuse_open_recording(args: argparse.Namespace) -> None:
    if args.record_mode != "none" and args.host not in LOOPBACK and not args.require_api_key:
        from claude_fake.errors import ConfigError

        raise ConfigError(
            f"refusing to record on {args.host}: anyone who reaches the port would spend the "
            "upstream key.",
            why="Recording forwards requests with your ANTHROPIC_API_KEY.",
            fix="Serve on 127.0.0.1, or set --require-api-key KEY so only your clients get in.",
        )


def _engine(args: argparse.Namespace) -> FakeClaude:
    from claude_fake.engine import FakeClaude
    from claude_fake.sources.cassette import serve_flags

    fake = FakeClaude(
        args.seed,
        validate=args.validate,
        cassette=args.cassette,
        record_mode=args.record_mode,
        upstream=args.upstream,
        require_api_key=args.require_api_key,
        replay_timing=args.replay_timing,
        assert_all_used=False,
        journal_size=args.journal_size,
        models=tuple(args.models),
        **serve_flags.settings(args),
        **load_command.settings(args),
    )
    _script(fake, args.reply, args.replies)
    load_command.script(fake, args)
    if fake.config.validate.value == "lenient":
        _warm_sdk_surface()
    return fake


def _warm_sdk_surface() -> None:
    """Read the installed SDK's endpoints now, on a thread of their own: the first request to a
    path the fake does not serve then finds them ready instead of holding the event loop (and
    every connection) while the SDK is imported and read."""
    import threading

    from claude_fake.api import sdk_surface

    threading.Thread(target=sdk_surface.table, name="sdk-surface", daemon=True).start()


def _script(fake: FakeClaude, text: str | None, path: str | None) -> None:
    """Queue the replies of ``--replies FILE``, then ``--reply TEXT`` (used for every request
    after them), exactly as ``POST /_fake/replies`` would; ``/_fake/reset`` forgets them too."""
    import json

    from claude_fake.errors import ClaudeFakeError, ConfigError
    from claude_fake.faces.scripting import add_reply

    if path is not None:
        try:
            loaded = json.loads(Path(path).read_bytes())
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"--replies {path}: cannot read it as JSON ({exc}).",
                fix='Give a JSON list of reply objects, e.g. [{"content": "Hello"}].',
            ) from None
        for index, item in enumerate(loaded if isinstance(loaded, list) else [loaded]):
            try:
                add_reply(fake, json.dumps(item).encode())
            except ClaudeFakeError as exc:
                what = f"--replies {path}, item {index}: {exc.what}"
                raise ConfigError(what, why=exc.why, fix=exc.fix) from None
    if text is not None:
        add_reply(fake, json.dumps({"content": text, "times": None}).encode())
