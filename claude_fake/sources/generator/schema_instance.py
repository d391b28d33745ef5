"""A small, deterministic JSON value that is valid against a JSON Schema.

Fills ``tool_use.input`` from a tool's ``input_schema`` and structured-output text from
``output_config.format.schema``. ``rng`` is the only randomness, so a seed fixes the value. Values
stay compact: short strings, one to three array items, and past a depth limit only what is
required (optional properties dropped, arrays at ``minItems``, ``null`` branches preferred).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import importlib
import math
import random
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

__all__ = ["instance"]

_sre: Any  # the stdlib regex parser (private): it only proposes candidates, which are verified
try:
    _sre = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _sre = importlib.import_module("sre_parse")

_WORDS = ("amber", "cedar", "delta", "ember", "harbor", "iris", "lumen", "maple", "nova", "river")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_SOFT_DEPTH = 6  # from here on, generate only what is required
_HARD_DEPTH = 40  # give up (cyclic $ref chains)
_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_INFER = (  # a type implied by keywords; constraints for other types would not apply anyway
    ("object", {"properties", "required", "additionalProperties", "patternProperties"}),
    ("array", {"items", "prefixItems", "minItems", "maxItems", "uniqueItems"}),
    ("string", {"minLength", "maxLength", "pattern", "format"}),
    ("number", {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}),
)
_PRINTABLE = _ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ _-.@#+/:"
_CATEGORIES = {  # regex category -> the printable characters in it
    f"CATEGORY_{name}": "".join(c for c in _PRINTABLE if re.fullmatch(cls, c))
    for name, cls in zip(
        ("DIGIT", "NOT_DIGIT", "SPACE", "NOT_SPACE", "WORD", "NOT_WORD"),
        (r"\d", r"\D", r"\s", r"\S", r"\w", r"\W"),
        strict=True,
    )
}
_Bound = tuple[Any, bool]  # (limit or None, exclusive)


def instance(
    schema: Mapping[str, Any], rng: random.Random, *, words: Callable[[int], str] | None = None
) -> Any:
    """Return a JSON value valid against ``schema``; same schema and ``rng`` state, same value.

    ``words(n)`` returns about n plausible words for strings (default: a built-in word list).
    Unsatisfiable or unsupported constraints give a best-effort value rather than an error.
    """
    return _Gen(schema, rng, words).gen(schema, 0)


class _Gen:
    def __init__(self, root: Any, rng: random.Random, words: Callable[[int], str] | None) -> None:
        self.root, self.rng, self.words = root, rng, words
        self.grow, self.jitter = 0, 2  # extra and random repetitions per quantifier (_pattern)
        self.validator: Any = None

    def gen(self, schema: Any, depth: int) -> Any:
        if depth > _HARD_DEPTH or schema is False:
            return None
        s = self._prepare(schema if isinstance(schema, Mapping) else {}, depth)
        if "const" in s:
            return copy.deepcopy(s["const"])
        if s.get("enum"):
            return copy.deepcopy(self.rng.choice(s["enum"]))
        if "anyOf" in s or "oneOf" in s:
            return self._branch(s, depth)
        kind = self._pick_type(s, depth)
        if kind in ("number", "integer"):
            return self._number(s, kind == "integer")
        if kind in ("object", "array", "string"):
            return getattr(self, "_" + kind)(s, depth)
        if kind in ("boolean", "null"):
            return self.rng.random() < 0.5 if kind == "boolean" else None
        return {"result": self._text(2)} if depth == 0 else self._text(2)  # unconstrained

    def _prepare(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        """Resolve ``$ref`` and fold ``allOf`` into one schema."""
        s = dict(schema)
        for _ in range(_HARD_DEPTH):
            if "$ref" in s:
                target = self._ref(s.pop("$ref"))
                s = _merge(target if isinstance(target, Mapping) else {}, s)
            elif "allOf" in s and depth <= _HARD_DEPTH:
                for part in s.pop("allOf"):
                    s = _merge(s, self._prepare(_as_schema(part), depth + 1))
            else:
                break
        return s

    def _ref(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return {}  # only local references are supported
        node: Any = self.root
        for raw in ref[1:].split("/")[1:]:
            key = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            elif isinstance(node, Mapping) and key in node:
                node = node[key]
            else:
                return {}
        return node

    def _branch(self, s: dict[str, Any], depth: int) -> Any:
        key = "anyOf" if "anyOf" in s else "oneOf"
        rest = {k: v for k, v in s.items() if k != key}
        options = [_as_schema(o) for o in s[key] if o is not False] or [{}]
        order = list(range(len(options)))
        self.rng.shuffle(order)
        if depth >= _SOFT_DEPTH:  # prefer branches that end the recursion
            order.sort(key=lambda i: _weight(options[i]))
        elif _weight(options[order[0]]) == 0 and self.rng.random() < 0.75:
            order.append(order.pop(0))  # null is a possible answer, not the usual one
        value = None
        for i in (order * 3)[:6]:
            value = self.gen(_merge(rest, options[i]), depth + 1)
            if key == "anyOf" or len(options) == 1 or self._only(options, i, value):
                break
        return value

    def _only(self, options: list[Mapping[str, Any]], index: int, value: Any) -> bool:
        """Whether ``value`` matches no ``oneOf`` branch but ``index`` (checked with jsonschema)."""
        if self.validator is None:
            root = self.root if isinstance(self.root, Mapping) else {}
            self.validator = importlib.import_module("jsonschema").Draft202012Validator(root)
        others = (o for j, o in enumerate(options) if j != index)
        return not any(self.validator.evolve(schema=o).is_valid(value) for o in others)

    def _pick_type(self, s: Mapping[str, Any], depth: int) -> str:
        types = _as_list(s["type"]) if "type" in s else _infer(s)
        real = [t for t in types if t != "null"]
        if not types:
            return "any"
        nullable = len(real) < len(types)
        if not real or (nullable and (depth >= _SOFT_DEPTH or self.rng.random() < 0.2)):
            return "null"
        return self.rng.choice(real)

    def _object(self, s: Mapping[str, Any], depth: int) -> dict[str, Any]:
        props: Mapping[str, Any] = s.get("properties") or {}
        needed = [k for k in s.get("required") or () if isinstance(k, str)]
        out: dict[str, Any] = {}
        for name, sub in props.items():
            if name in needed or (depth < _SOFT_DEPTH and self.rng.random() < 0.5):
                out[name] = self.gen(sub, depth + 1)
        for name in needed:
            if name not in out:
                out[name] = self.gen(props.get(name, self._value_schema(s, name)), depth + 1)
        self._fill(s, out, depth)
        for name in [k for k in out if k not in needed][::-1]:
            if len(out) <= s.get("maxProperties", len(out)):
                break
            del out[name]
        return out

    def _fill(self, s: Mapping[str, Any], out: dict[str, Any], depth: int) -> None:
        """Add properties up to ``minProperties``; give map-like objects an entry or two."""
        props: Mapping[str, Any] = s.get("properties") or {}
        want, extra = s.get("minProperties", 0), s.get("additionalProperties", True)
        if not props and depth < _SOFT_DEPTH and isinstance(extra, Mapping) and extra:
            want = max(want, self.rng.randint(1, 2))
        for name, sub in props.items():
            if len(out) >= want:
                return
            out.setdefault(name, self.gen(sub, depth + 1))
        for _ in range(2 * want if extra is not False else 0):
            if len(out) >= want:
                return
            key = self._slug()
            out.setdefault(key, self.gen(self._value_schema(s, key), depth + 1))

    def _value_schema(self, s: Mapping[str, Any], name: str) -> Any:
        for pattern, sub in (s.get("patternProperties") or {}).items():
            if _search(pattern, name):
                return sub
        return _as_schema(s.get("additionalProperties", True))

    def _array(self, s: Mapping[str, Any], depth: int) -> list[Any]:
        prefix, items = list(s.get("prefixItems") or []), s.get("items", {})
        if isinstance(items, list):  # draft 4-7 tuple form
            prefix, items = items, s.get("additionalItems", {})
        least, most = s.get("minItems", 0), s.get("maxItems")
        if items is False:
            most = len(prefix) if most is None else min(most, len(prefix))
        n = least if depth >= _SOFT_DEPTH else max(least, len(prefix) or self.rng.randint(1, 3))
        n = n if most is None else min(n, most)
        out: list[Any] = []
        seen: set[Any] = set()
        for _ in range(4 * n + 4):
            if len(out) >= n:
                break
            value = self.gen(prefix[len(out)] if len(out) < len(prefix) else items, depth + 1)
            if not (s.get("uniqueItems") and _canon(value) in seen):
                seen.add(_canon(value))
                out.append(value)
        return out

    def _number(self, s: Mapping[str, Any], integer: bool) -> int | float:
        lo = _bound(s, "minimum", "exclusiveMinimum", max)
        hi = _bound(s, "maximum", "exclusiveMaximum", min)
        a, b = _window(lo[0], hi[0])
        if integer:
            a, b = math.ceil(a), math.floor(b)
            a, b = (a if _within(a, lo, hi) else a + 1), (b if _within(b, lo, hi) else b - 1)
        step = s.get("multipleOf")
        if isinstance(step, (int, float)) and step > 0:
            return self._multiple(a, b, step, lo, hi, integer)
        if integer:
            return self.rng.randint(int(a), int(b)) if a <= b else int(a)
        x = round(self.rng.uniform(a, b), 2)
        return x if _within(x, lo, hi) else (a + b) / 2

    def _multiple(
        self, a: float, b: float, step: float, lo: _Bound, hi: _Bound, integer: bool
    ) -> int | float:
        k_lo = math.ceil(a / step)
        span = max(math.floor(b / step) - k_lo + 1, 1)
        start = self.rng.randrange(span)
        for i in range(min(span, 64)):  # from a random start, the first k that lands exactly
            k = k_lo + (start + i) % span
            for x in (k * step, round(k * step, 9)):
                exact = (x / step).is_integer() and (not integer or float(x).is_integer())
                if exact and _within(x, lo, hi):
                    return int(x) if integer else x
        return 0 if _within(0, lo, hi) else k_lo * step

    def _string(self, s: Mapping[str, Any], depth: int) -> str:
        least, most = s.get("minLength", 0), s.get("maxLength")
        if isinstance(s.get("pattern"), str):
            return self._pattern(s["pattern"], least, most)
        if s.get("format") in _FORMATS:
            return _FORMATS[s["format"]](self)
        return self._sized(self._text(self.rng.randint(1, 3)), least, most)

    def _sized(self, text: str, least: int, most: int | None) -> str:
        while len(text) < least:
            more = self._text(max(3, least // 4))
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
            if _search(pattern, text) and (fits or best is None):
                best = text
                if fits:
                    break
            if len(text) < least:
                low, self.jitter = self.grow + 1, 0
            elif not fits:
                high, self.jitter = max(self.grow - 1, 0), 0
            self.grow = low * 2 if high is None else (low + high) // 2
        padded = self._sized(self._text(2) if best is None else best, least, most)
        return padded if best is None or _search(pattern, padded) else best  # unanchored?

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

    def _text(self, n: int) -> str:
        if self.words is not None:
            return self.words(n)
        return " ".join(self.rng.choice(_WORDS) for _ in range(n))

    def _slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "", self._text(1).lower()) or "item"

    def _moment(self, fmt: str) -> str:
        start = dt.datetime(2024, 1, 1)  # naive, rendered with a "Z"
        return (start + dt.timedelta(seconds=self.rng.randrange(366 * 86400))).strftime(fmt)


_FORMATS: dict[str, Callable[[_Gen], str]] = {
    "date-time": lambda g: g._moment("%Y-%m-%dT%H:%M:%SZ"),
    "date": lambda g: g._moment("%Y-%m-%d"),
    "time": lambda g: g._moment("%H:%M:%SZ"),
    "email": lambda g: f"{g._slug()}@example.com",
    "uri": lambda g: f"https://example.com/{g._slug()}",
    "uuid": lambda g: str(uuid.UUID(int=g.rng.getrandbits(128), version=4)),
    "hostname": lambda g: f"{g._slug()}.example.com",
    "ipv4": lambda g: f"192.0.2.{g.rng.randint(1, 254)}",
    "ipv6": lambda g: f"2001:db8::{g.rng.randint(1, 0xFFFF):x}",
}
_FORMATS["uri-reference"] = _FORMATS["iri"] = _FORMATS["uri"]


def _merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """Both schemas at once (``allOf``), approximately; ``b`` wins on annotations."""
    out = dict(a)
    for k, v in b.items():
        mine: Any = out.get(k)
        if k not in out:
            out[k] = v
        elif k == "properties":
            out[k] = {
                **mine,
                **{p: {"allOf": [mine[p], x]} if p in mine else x for p, x in v.items()},
            }
        elif k == "required":
            out[k] = list(dict.fromkeys([*mine, *v]))
        elif k in _LOWER or k in _UPPER:
            out[k] = (max if k in _LOWER else min)(mine, v)
        elif k == "type":
            mine, theirs = _as_list(mine), _as_list(v)
            out[k] = [t for t in mine if t in theirs or (t == "integer" and "number" in theirs)]
            out[k] += ["integer"] if "integer" in theirs and "number" in mine else []
        elif k == "enum":
            out[k] = [x for x in mine if x in v]
        elif k in ("anyOf", "oneOf"):
            out[k] = [{"allOf": [x, y]} for x in mine for y in v]
        elif k in ("items", "additionalProperties"):
            out[k] = False if False in (mine, v) else {"allOf": [mine, v]}
        else:
            out[k] = v
    return out


def _as_schema(x: Any) -> Mapping[str, Any]:
    return x if isinstance(x, Mapping) else {"not": {}} if x is False else {}


def _as_list(t: Any) -> list[str]:
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)]


def _infer(s: Mapping[str, Any]) -> list[str]:
    return next(([kind] for kind, keys in _INFER if not keys.isdisjoint(s)), [])


def _weight(s: Mapping[str, Any]) -> int:
    """How likely a branch is to recurse: 0 null, 1 scalar, 2 references and containers."""
    types = _as_list(s.get("type", []))
    if types == ["null"] or s.get("const", 0) is None:
        return 0
    return 2 if "$ref" in s or not types or {"object", "array"} & set(types) else 1


def _bound(s: Mapping[str, Any], key: str, ex_key: str, tighter: Callable[..., Any]) -> _Bound:
    val, ex = s.get(key), s.get(ex_key)
    if isinstance(ex, bool):  # draft 4: a flag on minimum/maximum
        return val, ex and val is not None
    if ex is None:
        return val, False
    return (ex, True) if val is None or tighter(val, ex) == ex else (val, False)


def _within(x: float, lo: _Bound, hi: _Bound) -> bool:
    above = lo[0] is None or x > lo[0] or (x == lo[0] and not lo[1])
    return above and (hi[0] is None or x < hi[0] or (x == hi[0] and not hi[1]))


def _window(lo: float | None, hi: float | None) -> tuple[float, float]:
    """At most ~100 wide and near zero, so numbers stay small."""
    if lo is None:
        return (0.0, 100.0) if hi is None else ((0 if hi > 0 else hi - 100), hi)
    if hi is None:
        return lo, max(lo, 0) + 100
    if hi - lo <= 1000:
        return lo, hi
    start = min(max(lo, 0), hi - 100)
    return start, start + 100


def _canon(v: Any) -> Any:
    """A hashable key under JSON Schema equality (1 == 1.0, but True != 1)."""
    if isinstance(v, list):
        return tuple(_canon(x) for x in v)
    if isinstance(v, Mapping):
        return frozenset((k, _canon(x)) for k, x in v.items())
    return (isinstance(v, bool), v)


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


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
