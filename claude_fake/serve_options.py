"""The flags of ``claude-fake serve``: each with its help text and default, in the order
``--help`` lists them, and the parsers of their values."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from claude_fake.config import RecordMode, ReplayTiming, ValidateMode
from claude_fake.faces.limits import Limits


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a TCP port (1-65535, or 0 for a free one)")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be a whole number >= 0")
    return value


def _above_zero(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        value = kind(text)
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"{text} must be a number above 0")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its error
    return parse


Flags = tuple[tuple[str, dict[str, Any]], ...]
DEFAULT = "(default: %(default)s)"


def flags() -> Flags:
    """Every flag of ``serve``, with its help and default, in the order ``--help`` lists them."""
    return (*_listen_flags(), *_answer_flags(), *_guard_flags(), *_limit_flags())


def _listen_flags() -> Flags:
    dflt = DEFAULT
    return (
        (
            "--host",
            {
                "default": "127.0.0.1",
                "help": "address to listen on; 0.0.0.0 listens on "
                f"every interface (then set --require-api-key and --allow-host) {dflt}",
            },
        ),
        (
            "--port",
            {
                "type": _port,
                "default": 8787,
                "help": f"port to listen on; 0 picks a free one, which the banner shows {dflt}",
            },
        ),
    )


def _answer_flags() -> Flags:
    dflt = DEFAULT
    return (
        ("--seed", {"type": int, "default": 0, "help": f"seed of generated answers {dflt}"}),
        (
            "--model",
            {
                "action": "append",
                "default": [],
                "metavar": "ID",
                "dest": "models",
                "help": "also accept model ID, beyond the catalogue, in strict validation "
                "(repeatable; default: catalogue ids only)",
            },
        ),
        (
            "--cassette",
            {
                "metavar": "PATH",
                "help": "replay (or record) this cassette (default: none; the generator answers)",
            },
        ),
        (
            "--record-mode",
            {
                "default": "none",
                "choices": [m.value for m in RecordMode],
                "help": f"when to record to the cassette {dflt}",
            },
        ),
        (
            "--upstream",
            {
                "default": "https://api.anthropic.com",
                "metavar": "URL",
                "help": f"where recordings are forwarded {dflt}",
            },
        ),
        (
            "--validate",
            {
                "default": "strict",
                "choices": [m.value for m in ValidateMode],
                "help": f"how strictly requests are checked {dflt}",
            },
        ),
        (
            "--require-api-key",
            {
                "metavar": "KEY",
                "help": "answer only requests sending KEY "
                "(x-api-key or Bearer), on /v1 and /_fake/ alike; GET "
                "/_fake/health stays open (default: any key)",
            },
        ),
        (
            "--replay-timing",
            {
                "default": "instant",
                "choices": [m.value for m in ReplayTiming],
                "help": f"replay at once, or with the recorded waits {dflt}",
            },
        ),
        (
            "--reply",
            {
                "metavar": "TEXT",
                "help": "answer every Messages request with TEXT (default: generated answers)",
            },
        ),
        (
            "--replies",
            {
                "metavar": "FILE",
                "help": "script the replies in FILE, a JSON list of "
                "POST /_fake/replies bodies (default: none)",
            },
        ),
    )


def _guard_flags() -> Flags:
    dflt = DEFAULT
    return (
        (
            "--allow-host",
            {
                "action": "append",
                "default": [],
                "metavar": "NAME",
                "help": "also answer requests whose Host is NAME (repeatable; "
                "default: 127.0.0.1, localhost, [::1] and --host)",
            },
        ),
        (
            "--journal-size",
            {
                "type": _count,
                "default": 10_000,
                "metavar": "N",
                "help": f"keep the last N requests for GET /_fake/requests; 0 keeps none {dflt}",
            },
        ),
        (
            "--log-requests",
            {
                "action": "store_true",
                "help": "log one line per request to "
                "stderr: time, method, path, status, source, duration, client "
                "(default: quiet)",
            },
        ),
    )


def _limit_flags() -> Flags:
    limits, dflt = Limits(), DEFAULT
    return (
        (
            "--header-timeout",
            {
                "type": _above_zero(float),
                "default": limits.header_timeout,
                "metavar": "S",
                "help": "close a connection whose request "
                "headers take longer (default: %(default)s s)",
            },
        ),
        (
            "--body-timeout",
            {
                "type": _above_zero(float),
                "default": limits.body_timeout,
                "metavar": "S",
                "help": "answer 408 and drop a request whose body "
                "takes longer (default: %(default)s s)",
            },
        ),
        (
            "--max-connections",
            {
                "type": _above_zero(int),
                "default": limits.max_connections,
                "metavar": "N",
                "help": "open connections at most (lowered to "
                "fit the descriptor limit); beyond it the one waiting longest "
                f"for its headers, or idle longest, is closed {dflt}",
            },
        ),
    )
