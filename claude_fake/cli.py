"""The ``claude-fake`` command: ``serve``, ``cassette show|check|export``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from claude_fake import __version__, serve_command


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claude-fake", description="A fake Claude Messages API.")
    parser.add_argument("--version", action="version", version=f"claude-fake {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)
    serve = verbs.add_parser(
        "serve",
        help="serve the fake API over HTTP",
        description="Serve the fake Claude API (and the /_fake/ scripting API) over HTTP.",
    )
    serve_command.add_flags(serve)
    cassette = verbs.add_parser(
        "cassette",
        help="inspect, check and export cassettes",
        description="Exit codes: 0 done; 1 a cassette failed its checks or cannot be read; "
        "2 nothing to act on (no such file, a folder with no cassette).",
    )
    cassette_verbs = cassette.add_subparsers(dest="cassette_verb", required=True)
    show = cassette_verbs.add_parser("show", help="print a cassette as a transcript")
    show.add_argument("path")
    check = cassette_verbs.add_parser(
        "check", help="check cassettes (files or folders) parse, validate and hold no secret"
    )
    check.add_argument("paths", nargs="+", metavar="PATH")
    export = cassette_verbs.add_parser(
        "export", help="write a cassette as plain vcrpy writes it (vcrpy's own loader reads it)"
    )
    export.add_argument("path")
    export.add_argument("target", nargs="?", default=None, help="output file (default: stdout)")
    return parser


def _cassette(args: argparse.Namespace) -> int:
    from claude_fake.sources.cassette import transcript

    if args.cassette_verb == "show":
        code, report = transcript.show(args.path)
    elif args.cassette_verb == "export":
        code, report = transcript.export(args.path, args.target)
    else:
        code, report = transcript.check(args.paths)
    (sys.stdout if code == transcript.OK or args.cassette_verb == "check" else sys.stderr).write(
        report + "\n"
    )
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``claude-fake`` console script."""
    args = _parser().parse_args(argv)
    try:
        return serve_command.run(args) if args.verb == "serve" else _cassette(args)
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
