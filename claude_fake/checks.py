"""The checks every script and setting shares: seconds, counts and ``times``, one place each.

Each raises the given ClaudeFakeError (ScriptError by default) saying what was wrong and how to
fix it; a value that passes comes back as the type the engine uses.
"""

from __future__ import annotations

import math

from claude_fake.errors import ClaudeFakeError, ScriptError


def seconds(value: object, what: str, error: type[ClaudeFakeError] = ScriptError) -> float:
    """A finite number of seconds >= 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise error(f"{what}: {value!r} must be a finite number of seconds >= 0.", fix="e.g. 0.05")
    return float(value)


def count(value: object, what: str, error: type[ClaudeFakeError] = ScriptError) -> int:
    """A whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise error(f"{what}: {value!r} must be a whole number >= 0.", fix="e.g. 3")
    return value


def times(value: object, what: str) -> int | None:
    """A positive whole number, or None for "every request"."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ScriptError(
            f"{what}: times={value!r} must be a positive integer, or None for every request.",
            fix="e.g. times=2.",
        )
    return value
