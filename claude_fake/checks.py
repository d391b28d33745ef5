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


MAX_DEPTH = 256  # as validation/jsonbody.py's DEPTH_LIMIT: what the fake serves, it also takes


def sendable(value: object, what: str) -> None:
    """Raise a ScriptError unless ``value`` can go out as JSON that clients parse: no NaN or
    infinite numbers, no lone surrogates in strings, no non-JSON values, at most 256 levels."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        problem = _unsendable(item, depth)
        if problem is not None:
            raise ScriptError(
                f"{what} holds {problem}.",
                why="The answer is JSON: the API never sends NaN, Infinity, unpaired "
                "surrogates or values JSON has no type for, and clients cannot parse them.",
                fix="Script finite numbers, well-formed text (encode bytes with .decode()), "
                "and plain dicts, lists, strings, numbers, booleans and None.",
            )
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for pair in item.items() for child in pair)
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)


def _unsendable(item: object, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"values nested more than {MAX_DEPTH} levels deep"
    if isinstance(item, str):
        try:
            item.encode("utf-8")
        except UnicodeEncodeError:
            return f"the text {item[:40]!r} with an unpaired surrogate"
        return None
    if isinstance(item, float) and not math.isfinite(item):
        return f"the number {item!r}"
    if item is None or isinstance(item, bool | int | float | dict | list | tuple):
        return None
    return f"a {type(item).__name__}, which is not a JSON value"
