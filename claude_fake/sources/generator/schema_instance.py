"""A small, deterministic JSON value that is valid against a JSON Schema.

Fills ``tool_use.input`` from a tool's ``input_schema`` and structured-output text from
``output_config.format.schema``. ``rng`` is the only randomness, so a seed fixes the value. Values
stay compact: short strings, one to three array items, and past a depth limit only what is
required (optional properties dropped, arrays at ``minItems``, ``null`` branches preferred).
"""

from __future__ import annotations

import copy
import importlib
import math
import random
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote

from claude_fake.sources.generator.schema_ops import (
    Bound,
    as_list,
    as_schema,
    bound,
    canon,
    infer,
    merge,
    weight,
    window,
    within,
)
from claude_fake.sources.generator.strings import Strings, search

__all__ = ["instance"]

_SOFT_DEPTH = 6  # from here on, generate only what is required
_HARD_DEPTH = 40  # give up (cyclic $ref chains)


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
        self.root, self.rng = root, rng
        self.strings = Strings(rng, words)  # shares ``rng``: the call order fixes the values
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
        text = self.strings.text(2)  # unconstrained
        return {"result": text} if depth == 0 else text

    def _prepare(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        """Resolve ``$ref`` and fold ``allOf`` into one schema."""
        s = dict(schema)
        for _ in range(_HARD_DEPTH):
            if "$ref" in s:
                target = self._ref(s.pop("$ref"))
                s = merge(target if isinstance(target, Mapping) else {}, s)
            elif "allOf" in s and depth <= _HARD_DEPTH:
                for part in s.pop("allOf"):
                    s = merge(s, self._prepare(as_schema(part), depth + 1))
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
        options = [as_schema(o) for o in s[key] if o is not False] or [{}]
        order = list(range(len(options)))
        self.rng.shuffle(order)
        if depth >= _SOFT_DEPTH:  # prefer branches that end the recursion
            order.sort(key=lambda i: weight(options[i]))
        elif weight(options[order[0]]) == 0 and self.rng.random() < 0.75:
            order.append(order.pop(0))  # null is a possible answer, not the usual one
        value = None
        for i in (order * 3)[:6]:
            value = self.gen(merge(rest, options[i]), depth + 1)
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
        types = as_list(s["type"]) if "type" in s else infer(s)
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
            key = self.strings.slug()
            out.setdefault(key, self.gen(self._value_schema(s, key), depth + 1))

    def _value_schema(self, s: Mapping[str, Any], name: str) -> Any:
        for pattern, sub in (s.get("patternProperties") or {}).items():
            if search(pattern, name):
                return sub
        return as_schema(s.get("additionalProperties", True))

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
            if not (s.get("uniqueItems") and canon(value) in seen):
                seen.add(canon(value))
                out.append(value)
        return out

    def _number(self, s: Mapping[str, Any], integer: bool) -> int | float:
        lo = bound(s, "minimum", "exclusiveMinimum", max)
        hi = bound(s, "maximum", "exclusiveMaximum", min)
        a, b = window(lo[0], hi[0])
        if integer:
            a, b = math.ceil(a), math.floor(b)
            a, b = (a if within(a, lo, hi) else a + 1), (b if within(b, lo, hi) else b - 1)
        step = s.get("multipleOf")
        if isinstance(step, (int, float)) and step > 0:
            return self._multiple(a, b, step, lo, hi, integer)
        if integer:
            return self.rng.randint(int(a), int(b)) if a <= b else int(a)
        x = round(self.rng.uniform(a, b), 2)
        return x if within(x, lo, hi) else (a + b) / 2

    def _multiple(
        self, a: float, b: float, step: float, lo: Bound, hi: Bound, integer: bool
    ) -> int | float:
        k_lo = math.ceil(a / step)
        span = max(math.floor(b / step) - k_lo + 1, 1)
        start = self.rng.randrange(span)
        for i in range(min(span, 64)):  # from a random start, the first k that lands exactly
            k = k_lo + (start + i) % span
            for x in (k * step, round(k * step, 9)):
                exact = (x / step).is_integer() and (not integer or float(x).is_integer())
                if exact and within(x, lo, hi):
                    return int(x) if integer else x
        return 0 if within(0, lo, hi) else k_lo * step

    def _string(self, s: Mapping[str, Any], depth: int) -> str:
        return self.strings.string(s)
