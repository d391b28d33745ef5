"""The ``claude-fake`` command: ``serve``, ``cassette show``, ``cassette check``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from claude_fake import __version__
from claude_fake.config import RecordMode, ValidateMode

if TYPE_CHECKING:
    from claude_fake.engine import FakeClaude


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claude-fake", description="A fake Claude Messages API.")
    parser.add_argument("--version", action="version", version=f"claude-fake {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)
    serve = verbs.add_parser("serve", help="serve the fake API over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8787)
    serve.add_argument("--seed", type=int, default=0)
    serve.add_argument("--cassette", default=None, help="replay (or record) this cassette")
    serve.add_argument("--record-mode", default="none", choices=[m.value for m in RecordMode])
    serve.add_argument("--upstream", default="https://api.anthropic.com")
    serve.add_argument("--validate", default="strict", choices=[m.value for m in ValidateMode])
    serve.add_argument("--require-api-key", default=None, metavar="KEY")
    serve.add_argument("--replay-timing", default="instant", choices=["instant", "recorded"])
    serve.add_argument(
        "--reply", default=None, metavar="TEXT", help="answer every Messages request with TEXT"
    )
    serve.add_argument(
        "--replies",
        default=None,
        metavar="FILE",
        help="script the replies in FILE: a JSON list of POST /_fake/replies bodies",
    )
    cassette = verbs.add_parser("cassette", help="inspect cassettes")
    cassette_verbs = cassette.add_subparsers(dest="cassette_verb", required=True)
    show = cassette_verbs.add_parser("show", help="print a cassette as a transcript")
    show.add_argument("path")
    check = cassette_verbs.add_parser("check", help="check cassettes parse and hold no secret")
    check.add_argument("paths", nargs="+")
    return parser


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from claude_fake.engine import FakeClaude
    from claude_fake.faces.server import Hub, build_app, uvicorn_options

    if args.record_mode != "none" and args.host not in LOOPBACK and not args.require_api_key:
        from claude_fake.errors import ConfigError

        raise ConfigError(
            f"refusing to record on {args.host}: anyone who reaches the port would spend the "
            "upstream key.",
            why="Recording forwards requests with your ANTHROPIC_API_KEY.",
            fix="Serve on 127.0.0.1, or set --require-api-key KEY so only your clients get in.",
        )
    fake = FakeClaude(
        args.seed,
        validate=args.validate,
        cassette=args.cassette,
        record_mode=args.record_mode,
        upstream=args.upstream,
        require_api_key=args.require_api_key,
        replay_timing=args.replay_timing,
        assert_all_used=False,
    )
    _script(fake, args.reply, args.replies)
    sys.stderr.write(f"claude-fake {__version__} serving on http://{args.host}:{args.port}\n")
    uvicorn.run(build_app(Hub(fake)), host=args.host, port=args.port, **uvicorn_options())
    return 0


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


def _cassette(args: argparse.Namespace) -> int:
    from claude_fake.sources.cassette.transcript import check, show

    if args.cassette_verb == "show":
        sys.stdout.write(show(args.path) + "\n")
        return 0
    code, report = check(args.paths)
    sys.stdout.write(report + "\n")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``claude-fake`` console script."""
    args = _parser().parse_args(argv)
    try:
        return _serve(args) if args.verb == "serve" else _cassette(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clean message, not a traceback, for configuration problems
        from claude_fake.errors import ClaudeFakeError

        if not isinstance(exc, ClaudeFakeError):
            raise
        sys.stderr.write(f"{exc}\n")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
