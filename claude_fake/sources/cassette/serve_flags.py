"""The cassette flags of ``claude-fake serve``: matching and filtering, as the ``FakeConfig``
fields of the same names, and the re-record hint a miss shows on that face. Light: argparse only.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

_REPEAT = "(repeatable; default: none)"
FLAGS: tuple[tuple[str, dict[str, Any]], ...] = (
    (
        "--match-profile",
        {
            "default": "claude_code",
            "choices": ["claude_code", "none"],
            "help": "matching profile: claude_code leaves out the working directory, home folder, "
            "date, platform and git status of Claude Code / Agent SDK requests (and translates "
            "them in replayed answers); none matches exactly (default: %(default)s)",
        },
    ),
    (
        "--ignore-path",
        {
            "action": "append",
            "default": [],
            "metavar": "PATH",
            "dest": "ignore_paths",
            "help": f"a dotted JSON path of the request body left out of matching {_REPEAT}",
        },
    ),
    (
        "--normalize",
        {
            "action": "append",
            "default": [],
            "metavar": "REGEX",
            "dest": "normalizers",
            "help": "a regular expression whose matches (or groups) in request text are left "
            f"out of matching {_REPEAT}",
        },
    ),
    (
        "--allow-playback-repeats",
        {
            "action": "store_true",
            "help": "let a recorded interaction answer again once every one its request matches "
            "has played, round and round (vcrpy's allow_playback_repeats; for load runs over a "
            "cassette; default: each answers once)",
        },
    ),
    (
        "--filter-header",
        {
            "action": "append",
            "default": [],
            "metavar": "NAME",
            "dest": "filter_headers",
            "help": f"a header never written to the cassette {_REPEAT}",
        },
    ),
    (
        "--filter-query",
        {
            "action": "append",
            "default": [],
            "metavar": "NAME",
            "dest": "filter_query",
            "help": f"a query parameter never written to the cassette nor matched {_REPEAT}",
        },
    ),
    (
        "--filter-body",
        {
            "action": "append",
            "default": [],
            "metavar": "PATH",
            "dest": "filter_body",
            "help": f"a dotted JSON path of the request body written as <redacted> {_REPEAT}",
        },
    ),
)


def add_flags(parser: argparse.ArgumentParser) -> None:
    """Add the cassette matching and filtering flags to ``serve``'s parser."""
    for flag, options in FLAGS:
        parser.add_argument(flag, **options)


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """``FakeClaude`` keyword arguments from the flags, with the serve face's re-record hint."""
    out: dict[str, Any] = {
        "match_profile": args.match_profile,
        "ignore_paths": tuple(args.ignore_paths),
        "normalizers": tuple(args.normalizers),
        "filter_headers": tuple(args.filter_headers),
        "filter_query": tuple(args.filter_query),
        "filter_body": tuple(args.filter_body),
        "allow_playback_repeats": args.allow_playback_repeats,
    }
    if args.cassette:
        path = shlex.quote(str(args.cassette))
        out["retest_command"] = (
            f"restart claude-fake serve --cassette {path} --record-mode new_episodes"
        )
    return out
