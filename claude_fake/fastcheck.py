"""A compiled yes/no check for the packaged request schemas: jsonschema's verdict, much faster.

jsonschema walks a 50-message request in about 9 ms; these closures give the same answer in well
under 1 ms. Only the keywords the generated schemas use are supported (an unknown keyword raises
at compile time, so a schema change cannot silently weaken the check). When a body fails, the
caller asks jsonschema for the error to report, so wording never depends on this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[object], bool]

_ANNOTATIONS = frozenset({"$schema", "$defs", "title", "description", "default", "x-discriminator"})


def _is_integer(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


def compile_schema(root: Mapping[str, Any]) -> Check:
    """Compile a root schema (with local ``#/$defs/...`` refs) into a predicate."""
    defs: Mapping[str, Any] = root.get("$defs", {})
    done: dict[str, Check] = {}
    building: set[str] = set()

    def by_ref(ref: str) -> Check:
        name = ref.rsplit("/", 1)[-1]
        if name in done:
            return done[name]
        if name in building:  # a cycle: bind late
            return lambda value: done[name](value)
        building.add(name)
        done[name] = build(defs[name])
        return done[name]

    def build(node: Mapping[str, Any]) -> Check:
        unknown = set(node) - _ANNOTATIONS - _KEYWORDS
        if unknown:
            raise ValueError(f"fastcheck: unsupported schema keywords {sorted(unknown)}")
        checks = [by_ref(node["$ref"])] if "$ref" in node else []
        checks += [part for part in (_scalar(node), _object(node, build), _array(node, build)) if part]
        if "anyOf" in node:
            checks.append(_any_of(node, [build(branch) for branch in node["anyOf"]]))
        return _all(checks)

    return build(root)


_KEYWORDS = frozenset(
    {"$ref", "type", "const", "enum", "minimum", "maximum", "pattern", "anyOf"}
    | {"properties", "required", "additionalProperties", "items", "minItems", "maxItems"}
)


def _all(checks: list[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]

    def check(value: object) -> bool:
        for part in checks:
            if not part(value):
                return False
        return True

    return check


def _scalar(node: Mapping[str, Any]) -> Check | None:
    checks: list[Check] = []
    if "type" in node:
        checks.append(_TYPES[node["type"]])
    if "const" in node:
        const = node["const"]
        checks.append(lambda v: isinstance(v, str) and v == const)
    if "enum" in node:
        allowed = frozenset(node["enum"])
        checks.append(lambda v: isinstance(v, str) and v in allowed)
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None:
        checks.append(lambda v: not (_is_number(v) and v < low))  # NaN passes, as in jsonschema
    if high is not None:
        checks.append(lambda v: not (_is_number(v) and v > high))
    if "pattern" in node:
        search = re.compile(node["pattern"]).search
        checks.append(lambda v: not isinstance(v, str) or search(v) is not None)
    if any(not isinstance(v, str) for v in [node.get("const", ""), *node.get("enum", ())]):
        raise ValueError("fastcheck: only string const/enum values are supported")
    return _all(checks) if checks else None


def _object(node: Mapping[str, Any], build: Callable[[Any], Check]) -> Check | None:
    if not {"properties", "required", "additionalProperties"} & set(node):
        return None
    props = {name: build(sub) for name, sub in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))
    extra = node.get("additionalProperties", True)
    closed = extra is False
    extra_check = build(extra) if isinstance(extra, dict) else None

    def check(value: object) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            sub = props.get(name)
            if sub is not None:
                if not sub(item):
                    return False
            elif closed or (extra_check is not None and not extra_check(item)):
                return False
        return True

    return check


def _array(node: Mapping[str, Any], build: Callable[[Any], Check]) -> Check | None:
    if not {"items", "minItems", "maxItems"} & set(node):
        return None
    items = build(node["items"]) if "items" in node else None
    low, high = node.get("minItems", 0), node.get("maxItems")

    def check(value: object) -> bool:
        if not isinstance(value, list):
            return True
        if len(value) < low or (high is not None and len(value) > high):
            return False
        return items is None or all(map(items, value))

    return check


def _any_of(node: Mapping[str, Any], branches: list[Check]) -> Check:
    disc = node.get("x-discriminator")
    if disc is None:
        return lambda value: any(branch(value) for branch in branches)
    prop: str = disc["propertyName"]
    mapping = {tag: [branches[i] for i in idx] for tag, idx in disc["mapping"].items()}
    absent = [branches[i] for i in disc["absent"]]

    def check(value: object) -> bool:
        if not isinstance(value, dict):
            return any(branch(value) for branch in branches)
        if prop in value:
            tag = value[prop]
            key = "null" if tag is None else tag if isinstance(tag, str) else None
            chosen = mapping.get(key) if key is not None else None
        else:
            chosen = absent
        return bool(chosen) and any(branch(value) for branch in chosen)

    return check
