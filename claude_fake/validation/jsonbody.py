"""Request bodies parsed as strictly as the API parses them, never crashing on any input.

The API's parse errors read like orjson's (``The request body is not valid JSON: no low surrogate
in string: line 1 column 37589 (char 37588)``, anthropics/claude-code#8272; ``unexpected
character: line 8 column 316 (char 466)``, promptfoo/promptfoo#4489), so the fake refuses what
orjson refuses, in its words: invalid UTF-8, a byte order mark, ``NaN``/``Infinity``, numbers that
overflow a double, lone surrogate escapes, and nesting deeper than the limit. Python's own parser
takes all of these but the last, and on that one it raises RecursionError (an answer of 500).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

# orjson stops at 1024 levels. Python's recursion limit (1000 frames, shared with the code that
# walks the body afterwards) cannot take that depth, so the fake stops earlier, with the same error.
DEPTH_LIMIT = 256
PREFIX = "The request body is not valid JSON: "
# Python's wording -> orjson's (the API's) for the errors both parsers find.
_WORDS = {
    "Expecting value": "unexpected character, expected a JSON value",
    "Extra data": "unexpected content after document",
    "Unterminated string starting at": "unexpected end of data",
    "Invalid control character at": "control character (\\u0000-\\u001F) found while parsing a "
    "string",
    "Expecting property name enclosed in double quotes": "key must be a string",
    "Illegal trailing comma before end of object": "trailing comma is not allowed",
    "Illegal trailing comma before end of array": "trailing comma is not allowed",
}
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?(?:NaN|Infinity)\b|-?\d[\d.eE+-]*')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@dataclass(frozen=True, slots=True)
class BadJson:
    """Why a body is not JSON the API takes: the API's message, without its prefix."""

    problem: str

    @property
    def message(self) -> str:
        """The whole message, as the API words it."""
        return PREFIX + self.problem


def parse(raw: bytes) -> object:
    """The decoded body, or a BadJson saying (as the API does) why it is not one."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return BadJson("str is not valid UTF-8: surrogates not allowed: line 1 column 1 (char 0)")
    if text.startswith("\ufeff"):
        return BadJson("UTF-8 byte order mark (BOM) is not supported: line 1 column 1 (char 0)")
    if not text or text.isspace():
        return BadJson("Input is a zero-length, empty document: line 1 column 1 (char 0)")
    try:
        value = _DECODER.decode(text)
    except _NotFinite as exc:
        return BadJson(_at(exc.problem, text, _number_at(raw, exc.token)))
    except json.JSONDecodeError as exc:
        ended = exc.pos >= len(text.rstrip())
        problem = "unexpected end of data" if ended else _WORDS.get(exc.msg, exc.msg)
        return BadJson(_at(problem, text, exc.pos))
    except RecursionError:  # far past DEPTH_LIMIT: the decoder's own guard
        return BadJson(_at("depth limit exceeded", text, _too_deep(raw) or 0))
    if raw.count(b"[") + raw.count(b"{") > DEPTH_LIMIT and _deeper_than(value, DEPTH_LIMIT):
        return BadJson(_at("depth limit exceeded", text, _too_deep(raw) or 0))
    if _SURROGATE_ESCAPE.search(text):
        found = _lone_surrogate(text)
        if found is not None:
            return BadJson(_at(*found))
    return value


def _refuse(token: str) -> float:
    raise _NotFinite("unexpected character, expected a JSON value", token)


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise _NotFinite("number is infinity when parsed as double", token)
    return value


# Made once (``json.loads`` with hooks builds a decoder and its scanner on every call); it keeps
# no state between bodies, so every engine and thread may use it.
_DECODER = json.JSONDecoder(parse_constant=_refuse, parse_float=_finite)


class _NotFinite(ValueError):
    def __init__(self, problem: str, token: str) -> None:
        super().__init__(problem)
        self.problem, self.token = problem, token


def _at(problem: str, text: str, pos: int) -> str:
    """``problem: line L column C (char N)`` for a character offset into ``text``."""
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"{problem}: line {line} column {column} (char {pos})"


def _deeper_than(value: object, limit: int) -> bool:
    """Whether a decoded value nests containers more than ``limit`` deep (the top one is 1).
    Walks the containers level by level, without recursion: a long conversation costs a
    fraction of a millisecond, where walking its text token by token cost ten."""
    level: list[object] = [value]
    for _ in range(limit):
        below: list[object] = []
        for node in level:
            if type(node) is dict:
                below += [c for c in node.values() if type(c) is dict or type(c) is list]
            elif type(node) is list:
                below += [c for c in node if type(c) is dict or type(c) is list]
        if not below:
            return False
        level = below
    return True


def _too_deep(raw: bytes) -> int | None:
    """The offset where nesting passes DEPTH_LIMIT, or None (its tokens walked: only for a body
    already known to be too deep, to say where)."""
    depth = 0
    for token in _TOKENS.finditer(raw):
        first = token.group()[:1]
        if first in (b"[", b"{"):
            depth += 1
            if depth > DEPTH_LIMIT:
                return len(raw[: token.start()].decode("utf-8", "replace"))
        elif first in (b"]", b"}"):
            depth -= 1
    return None


def _number_at(raw: bytes, token: str) -> int:
    """The character offset of the first ``token`` outside a string (0 when not found)."""
    wanted = token.encode()
    for found in _TOKENS.finditer(raw):
        if found.group() == wanted or found.group().lstrip(b"-") == wanted:
            return len(raw[: found.start()].decode("utf-8", "replace"))
    return 0


def _lone_surrogate(text: str) -> tuple[str, str, int] | None:
    """orjson's error for the first unpaired surrogate escape: (problem, text, offset)."""
    for match in re.finditer(r"(\\+)u([dD][0-9a-fA-F]{3})", text):
        if len(match.group(1)) % 2 == 0:
            continue  # an escaped backslash followed by a plain "u"
        code = int(match.group(2), 16)
        after = text[match.end() : match.end() + 6]
        paired = re.fullmatch(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", after) is not None
        if code < 0xDC00 and not paired:
            return "no low surrogate in string", text, match.start(1) + len(match.group(1)) - 1
        if code >= 0xDC00 and not _follows_high(text, match.start()):
            return "invalid high surrogate in string", text, match.start() + len(match.group(1)) - 1
    return None


def _follows_high(text: str, start: int) -> bool:
    before = text[max(0, start - 6) : start]
    return re.fullmatch(r"\\u[dD][89abAB][0-9a-fA-F]{2}", before) is not None
