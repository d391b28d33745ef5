"""The ``claude-fake`` command: ``serve``, ``cassette show``, ``cassette check``."""

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
    cassette = verbs.add_parser("cassette", help="inspect cassettes")
    cassette_verbs = cassette.add_subparsers(dest="cassette_verb", required=True)
    show = cassette_verbs.add_parser("show", help="print a cassette as a transcript")
    show.add_argument("path")
    check = cassette_verbs.add_parser("check", help="check cassettes parse and hold no secret")
    check.add_argument("paths", nargs="+")
    return parser


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
