"""Pure helpers over JSON Schemas for ``schema_instance``: merging, type inference, number bounds.

No randomness here: every function is a plain function of its arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "Bound",
    "as_list",
    "as_schema",
    "bound",
    "canon",
    "infer",
    "merge",
    "weight",
    "window",
    "within",
]

_LOWER = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
_INFER = (  # a type implied by keywords; constraints for other types would not apply anyway
    ("object", {"properties", "required", "additionalProperties", "patternProperties"}),
    ("array", {"items", "prefixItems", "minItems", "maxItems", "uniqueItems"}),
    ("string", {"minLength", "maxLength", "pattern", "format"}),
    ("number", {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}),
)
Bound = tuple[Any, bool]  # (limit or None, exclusive)


def merge(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
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
            mine, theirs = as_list(mine), as_list(v)
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


def as_schema(x: Any) -> Mapping[str, Any]:
    """A boolean schema as a mapping: ``True`` is ``{}``, ``False`` is ``{"not": {}}``."""
    return x if isinstance(x, Mapping) else {"not": {}} if x is False else {}


def as_list(t: Any) -> list[str]:
    """The ``type`` keyword as a list of type names."""
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)]


def infer(s: Mapping[str, Any]) -> list[str]:
    """The type a schema without ``type`` implies by its keywords (none: any type)."""
    return next(([kind] for kind, keys in _INFER if not keys.isdisjoint(s)), [])


def weight(s: Mapping[str, Any]) -> int:
    """How likely a branch is to recurse: 0 null, 1 scalar, 2 references and containers."""
    types = as_list(s.get("type", []))
    if types == ["null"] or s.get("const", 0) is None:
        return 0
    return 2 if "$ref" in s or not types or {"object", "array"} & set(types) else 1


def bound(s: Mapping[str, Any], key: str, ex_key: str, tighter: Callable[..., Any]) -> Bound:
    """The tighter of ``key`` and ``ex_key`` (draft 4 booleans included) as a ``Bound``."""
    val, ex = s.get(key), s.get(ex_key)
    if isinstance(ex, bool):  # draft 4: a flag on minimum/maximum
        return val, ex and val is not None
    if ex is None:
        return val, False
    return (ex, True) if val is None or tighter(val, ex) == ex else (val, False)


def within(x: float, lo: Bound, hi: Bound) -> bool:
    """Whether ``x`` lies between the two bounds."""
    above = lo[0] is None or x > lo[0] or (x == lo[0] and not lo[1])
    return above and (hi[0] is None or x < hi[0] or (x == hi[0] and not hi[1]))


def window(lo: float | None, hi: float | None) -> tuple[float, float]:
    """At most ~100 wide and near zero, so numbers stay small."""
    if lo is None:
        return (0.0, 100.0) if hi is None else ((0 if hi > 0 else hi - 100), hi)
    if hi is None:
        return lo, max(lo, 0) + 100
    if hi - lo <= 1000:
        return lo, hi
    start = min(max(lo, 0), hi - 100)
    return start, start + 100


def canon(v: Any) -> Any:
    """A hashable key under JSON Schema equality (1 == 1.0, but True != 1)."""
    if isinstance(v, list):
        return tuple(canon(x) for x in v)
    if isinstance(v, Mapping):
        return frozenset((k, canon(x)) for k, x in v.items())
    return (isinstance(v, bool), v)
