"""Strings for ``schema_instance``: plain words, regex ``pattern``s, ``format``s and lengths.

``Strings`` draws from the ``rng`` it is given, the same one the schema walk uses, so values
depend on the order of calls: keep it when changing anything here.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import random
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Strings", "search"]

_sre: Any  # the stdlib regex parser (private): it only proposes candidates, which are verified
try:
    _sre = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _sre = importlib.import_module("sre_parse")

_WORDS = ("amber", "cedar", "delta", "ember", "harbor", "iris", "lumen", "maple", "nova", "river")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_PRINTABLE = _ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ _-.@#+/:"
_CATEGORIES = {  # regex category -> the printable characters in it
    f"CATEGORY_{name}": "".join(c for c in _PRINTABLE if re.fullmatch(cls, c))
    for name, cls in zip(
        ("DIGIT", "NOT_DIGIT", "SPACE", "NOT_SPACE", "WORD", "NOT_WORD"),
        (r"\d", r"\D", r"\s", r"\S", r"\w", r"\W"),
        strict=True,
    )
}


class Strings:
    """String values from ``rng``; ``words(n)`` gives about n words (default: a small list)."""

    def __init__(self, rng: random.Random, words: Callable[[int], str] | None) -> None:
        self.rng, self.words = rng, words
        self.grow, self.jitter = 0, 2  # extra and random repetitions per quantifier (_pattern)

    def string(self, s: Mapping[str, Any]) -> str:
        """A string for a string schema: its pattern, else its format, else words, sized."""
        least, most = s.get("minLength", 0), s.get("maxLength")
        if isinstance(s.get("pattern"), str):
            return self._pattern(s["pattern"], least, most)
        if s.get("format") in _FORMATS:
            return _FORMATS[s["format"]](self)
        return self._sized(self.text(self.rng.randint(1, 3)), least, most)

    def text(self, n: int) -> str:
        """About ``n`` words."""
        if self.words is not None:
            return self.words(n)
        return " ".join(self.rng.choice(_WORDS) for _ in range(n))

    def slug(self) -> str:
        """One lower-case alphanumeric word (a property name, a host name)."""
        return re.sub(r"[^a-z0-9]+", "", self.text(1).lower()) or "item"

    def moment(self, fmt: str) -> str:
        """A time in 2024, formatted with ``fmt``."""
        start = dt.datetime(2024, 1, 1)  # naive, rendered with a "Z"
        return (start + dt.timedelta(seconds=self.rng.randrange(366 * 86400))).strftime(fmt)

    def _sized(self, text: str, least: int, most: int | None) -> str:
        while len(text) < least:
            more = self.text(max(3, least // 4))
            text = f"{text} {more}".strip() if more else text + "x" * least
        if most is not None and len(text) > most:
            cut = text[:most]
            text = cut.rstrip() if len(cut.rstrip()) >= least else cut
        return text

    def _pattern(self, pattern: str, least: int, most: int | None) -> str:
        """Candidates from the parsed regex, checked; ``grow`` is bisected towards the lengths."""
        tree, best, low, high = _parse(pattern), None, 0, None
        self.grow, self.jitter = 0, 2
        for _ in range(16 if tree is not None else 0):
            out: list[str] = []
            self._regex(tree, out)
            text = "".join(out)
            fits = least <= len(text) and (most is None or len(text) <= most)
            if search(pattern, text) and (fits or best is None):
                best = text
                if fits:
                    break
            if len(text) < least:
                low, self.jitter = self.grow + 1, 0
            elif not fits:
                high, self.jitter = max(self.grow - 1, 0), 0
            self.grow = low * 2 if high is None else (low + high) // 2
        padded = self._sized(self.text(2) if best is None else best, least, most)
        return padded if best is None or search(pattern, padded) else best  # unanchored?

    def _regex(self, items: Any, out: list[str]) -> None:
        for op, av in getattr(items, "data", items):  # SubPattern.data: skip its slow __getitem__
            name = op.name
            if name == "LITERAL":
                out.append(chr(av))
            elif name == "NOT_LITERAL":
                out.append("b" if av == ord("a") else "a")
            elif name in ("ANY", "IN", "CATEGORY"):
                out.append(self._char([(op, av)] if name == "CATEGORY" else av))
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                least, most, sub = av
                least = min(most, least + self.grow)
                for _ in range(self.rng.randint(least, min(most, least + self.jitter))):
                    self._regex(sub, out)
            elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
                self._regex(av[-1] if name == "SUBPATTERN" else av, out)
            elif name == "BRANCH":
                self._regex(self.rng.choice(av[1]), out)
            # anchors, look-arounds and back-references add nothing; the result is verified

    def _char(self, items: Any) -> str:
        """One character from a character class (``items`` is None for ``.``)."""
        entries = list(items or [])
        if not entries or entries[0][0].name == "NEGATE":
            start = self.rng.randrange(len(_ALNUM))
            pool = _ALNUM[start:] + _ALNUM[:start] + " _-."
            return next((c for c in pool if not any(_in_class(e, c) for e in entries[1:])), "~")
        op, av = self.rng.choice(entries)
        if op.name == "RANGE":
            a, b = av
            if b - a > 200 and max(a, 0x30) <= min(b, 0x7A):  # keep to printable ASCII
                a, b = max(a, 0x30), min(b, 0x7A)
            return chr(self.rng.randint(a, b))
        if op.name == "CATEGORY":
            return self.rng.choice(_CATEGORIES.get(av.name) or "a")
        return chr(av) if op.name == "LITERAL" else "a"


_FORMATS: dict[str, Callable[[Strings], str]] = {
    "date-time": lambda g: g.moment("%Y-%m-%dT%H:%M:%SZ"),
    "date": lambda g: g.moment("%Y-%m-%d"),
    "time": lambda g: g.moment("%H:%M:%SZ"),
    "email": lambda g: f"{g.slug()}@example.com",
    "uri": lambda g: f"https://example.com/{g.slug()}",
    "uuid": lambda g: str(uuid.UUID(int=g.rng.getrandbits(128), version=4)),
    "hostname": lambda g: f"{g.slug()}.example.com",
    "ipv4": lambda g: f"192.0.2.{g.rng.randint(1, 254)}",
    "ipv6": lambda g: f"2001:db8::{g.rng.randint(1, 0xFFFF):x}",
}
_FORMATS["uri-reference"] = _FORMATS["iri"] = _FORMATS["uri"]


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` matches somewhere in ``text`` (an invalid pattern never does)."""
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def _in_class(entry: Any, c: str) -> bool:
    op, av = entry
    if op.name in ("LITERAL", "RANGE"):
        return bool(av[0] <= ord(c) <= av[1]) if op.name == "RANGE" else c == chr(av)
    return op.name != "CATEGORY" or c in _CATEGORIES.get(av.name, _PRINTABLE)


@functools.lru_cache(maxsize=256)
def _parse(pattern: str) -> Any:
    try:
        return _sre.parse(pattern)
    except (re.error, ValueError, OverflowError, RecursionError):
        return None
