"""Request validation: the 400/401/413 answers the real API gives, worded the way it words them."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from . import rules
from .config import ValidateMode
from .fastcheck import Check, compile_schema
from .rules import Path, Problem

Endpoint = Literal["messages", "count_tokens", "batches"]

MB = 1024 * 1024
BODY_LIMITS = {"batches": 256 * MB}
DEFAULT_BODY_LIMIT = 32 * MB
TOO_LARGE = "Request exceeds the maximum allowed number of bytes."
VERSION_REQUIRED = "anthropic-version: header is required"
KEY_REQUIRED = "x-api-key header is required"
KEY_INVALID = "invalid x-api-key"


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One reason the fake answers with an error instead of a reply, in the API's terms."""

    status: int
    error_type: str
    message: str
    error_code: str | None = None
    details: Mapping[str, object] | None = None


def validate_headers(
    headers: Mapping[str, str],
    *,
    body_size: int,
    endpoint: str,
    require_api_key: str | None,
    mode: ValidateMode,
) -> Violation | None:
    """Check size, key and version headers (keys lower-case); the key check ignores ``mode``."""
    checking = mode is not ValidateMode.OFF
    if checking and body_size > BODY_LIMITS.get(endpoint, DEFAULT_BODY_LIMIT):
        return Violation(status=413, error_type="request_too_large", message=TOO_LARGE)
    if require_api_key is not None:
        key = _api_key(headers)
        if key is None or key != require_api_key:
            message = KEY_REQUIRED if key is None else KEY_INVALID
            return Violation(status=401, error_type="authentication_error", message=message)
    if checking and not headers.get("anthropic-version"):
        return _bad_request((), VERSION_REQUIRED)
    return None


def validate_body(
    endpoint: Endpoint,
    body: object,
    *,
    api_version: str | None,
    betas: Sequence[str],
    mode: ValidateMode,
) -> Violation | None:
    """Check a decoded JSON body; the beta schema is used when any beta header value is given."""
    beta = bool(betas)
    if mode is ValidateMode.OFF:
        return None
    if mode is ValidateMode.LENIENT:
        return _lenient(endpoint, body, beta=beta, prefix=())
    new_version = rules.is_new_api_version(api_version)
    found = _strict(endpoint, body, beta=beta, new_version=new_version, prefix=())
    if found is not None or endpoint != "batches" or not isinstance(body, Mapping):
        return found
    for index, request in enumerate(body["requests"]):
        prefix: Path = ("requests", index, "params")
        found = _strict(
            "messages", request["params"], beta=beta, new_version=new_version, prefix=prefix
        )
        if found is not None:
            return found
    return None


def _api_key(headers: Mapping[str, str]) -> str | None:
    """The key the request presents: ``x-api-key`` wins over ``Authorization: Bearer``."""
    if "x-api-key" in headers:
        return headers["x-api-key"]
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _strict(
    endpoint: Endpoint, body: object, *, beta: bool, new_version: bool, prefix: Path
) -> Violation | None:
    if not _fast_check(endpoint, beta, new_version)(body):
        instance: Any = body
        errors = _validator(endpoint, beta, new_version).iter_errors(instance)
        found = _from_errors(errors, prefix)
        if found is not None or not isinstance(body, Mapping):
            return found
    assert isinstance(body, Mapping)
    if endpoint == "batches":
        problem = rules.unique_custom_ids(body)
    else:
        problem = rules.check_params(body, endpoint=endpoint, new_version=new_version)
    return None if problem is None else _bad_request(prefix + problem[0], problem[1])


def _lenient(endpoint: Endpoint, body: object, *, beta: bool, prefix: Path) -> Violation | None:
    """Only what no real client sends: not an object, a required field missing, a top-level type."""
    validator = _shallow_validator(endpoint, beta, "")
    instance: Any = body
    if not validator.is_valid(instance):
        return _from_errors(validator.iter_errors(instance), prefix)
    if endpoint != "batches" or not isinstance(body, Mapping):
        return None
    item_validator = _shallow_validator(endpoint, beta, "Request")
    for index, request in enumerate(body["requests"]):
        where: Path = (*prefix, "requests", index)
        if not item_validator.is_valid(request):
            return _from_errors(item_validator.iter_errors(request), where)
        found = _lenient("messages", request["params"], beta=beta, prefix=(*where, "params"))
        if found is not None:
            return found
    return None


def _bad_request(path: Path, problem: str) -> Violation:
    where = ".".join(str(part) for part in path)
    message = f"{where}: {problem}" if where else problem
    return Violation(status=400, error_type="invalid_request_error", message=message)


def _from_errors(errors: Iterable[ValidationError], prefix: Path) -> Violation | None:
    error = best_match(errors, key=_relevance)
    if error is None:  # fastcheck and jsonschema disagree: never reject on a doubt
        return None
    path, problem = _describe(error)
    return _bad_request(prefix + path, problem)


# ---- schemas and compiled validators (loaded once, immutable cache) -------------------------


@functools.cache
def _schema(endpoint: Endpoint, beta: bool) -> Mapping[str, Any]:
    name = f"{endpoint}_beta.json" if beta else f"{endpoint}.json"
    text = (resources.files("claude_fake") / "schemas" / name).read_text(encoding="utf-8")
    loaded: Mapping[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _variant(endpoint: Endpoint, beta: bool, new_version: bool) -> Mapping[str, Any]:
    """The file's schema; for API 2026-10-21+ without the sampling params (so they are extra)."""
    schema = _schema(endpoint, beta)
    if new_version and any(name in schema["properties"] for name in rules.SAMPLING_PARAMS):
        schema = copy.deepcopy(dict(schema))
        for name in rules.SAMPLING_PARAMS:
            schema["properties"].pop(name, None)
    return schema


@functools.cache
def _fast_check(endpoint: Endpoint, beta: bool, new_version: bool) -> Check:
    return compile_schema(_variant(endpoint, beta, new_version))


@functools.cache
def _validator(endpoint: Endpoint, beta: bool, new_version: bool) -> Validator:
    return _ApiValidator(_variant(endpoint, beta, new_version))


@functools.cache
def _shallow_validator(endpoint: Endpoint, beta: bool, definition: str) -> Validator:
    """Required fields and top-level JSON types only, of the file's root or one of its $defs."""
    root = _schema(endpoint, beta)
    defs = root.get("$defs", {})
    node = defs[definition] if definition else root
    props = {
        name: {"type": sorted(types)}
        for name, sub in node.get("properties", {}).items()
        if (types := _json_types(sub, defs))
    }
    shallow = {"type": "object", "required": node.get("required", []), "properties": props}
    return _ApiValidator(shallow)


def _json_types(node: Mapping[str, Any], defs: Mapping[str, Any]) -> set[str]:
    """The JSON types a schema allows at its top (empty set: anything)."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        node = defs[ref.rsplit("/", 1)[-1]]
    kind = node.get("type")
    if isinstance(kind, str):
        return {"number", "integer"} if kind == "number" else {kind}
    if isinstance(kind, list):
        return set(kind)
    found: set[str] = set()
    for branch in node.get("anyOf", ()):
        types = _json_types(branch, defs)
        if not types:
            return set()
        found |= types
    return found


# ---- the anyOf keyword, made fast and precise by the x-discriminator annotation -------------


def _any_of(
    validator: Any, branches: list[Any], instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """jsonschema's anyOf, dispatching on the x-discriminator tag when the schema has one."""
    disc = schema.get("x-discriminator")
    if disc is None or not isinstance(instance, dict):
        yield from _first_valid(validator, branches, instance, range(len(branches)))
        return
    prop: str = disc["propertyName"]
    if prop in instance:
        tag = instance[prop]
        key = "null" if tag is None else tag if isinstance(tag, str) else None
        chosen = disc["mapping"].get(key) if key is not None else None
        if chosen is None:
            expected = ", ".join(f"'{t}'" for t in disc["mapping"] if t != "null")
            shown = f"'{tag}'" if isinstance(tag, str) else json.dumps(tag)
            message = (
                f"Input tag {shown} found using '{prop}' does not match any of the expected "
                f"tags: {expected}"
            )
            yield ValidationError(message, validator="x-discriminator", path=(prop,))
            return
    else:
        chosen = disc["absent"]
        if not chosen:
            message = f"Unable to extract tag using discriminator '{prop}'"
            yield ValidationError(message, validator="x-discriminator", path=(prop,))
            return
    label = _label(disc, chosen[0]) if prop == "type" else None
    yield from _first_valid(validator, branches, instance, chosen, label=label, flat=True)


def _label(disc: Mapping[str, Any], index: int) -> str | None:
    """The tag that names a branch in error paths (pydantic puts it there: tools.0.custom.name)."""
    return next((t for t, idx in disc["mapping"].items() if index in idx and t != "null"), None)


def _first_valid(
    validator: Any,  # jsonschema's concrete class: descend() is not in its Validator protocol
    branches: list[Any],
    instance: object,
    indexes: Iterable[int],
    *,
    label: str | None = None,
    flat: bool = False,
) -> Iterator[ValidationError]:
    """anyOf over some branches; skip branches whose plain `type` cannot match (cheap, no repr)."""
    collected: list[ValidationError] = []
    first: list[ValidationError] | None = None
    for index in indexes:
        branch = branches[index]
        kind = branch.get("type")
        if isinstance(kind, str) and not validator.is_type(instance, kind):
            errors = [_type_error(validator, instance, branch, index)]
        else:
            errors = list(validator.descend(instance, branch, path=label, schema_path=index))
            if not errors:
                return
        first = errors if first is None else first
        collected.extend(errors)
    if flat and first is not None:
        yield from first
    else:
        message = "Input does not match any of the allowed shapes"
        yield ValidationError(
            message, validator="anyOf", validator_value=branches, context=collected
        )


def _type_error(
    validator: Any, instance: object, branch: Mapping[str, Any], index: int
) -> ValidationError:
    return ValidationError(
        f"Input should be a valid {_TYPE_WORDS.get(branch['type'], branch['type'])}",
        validator="type",
        validator_value=branch["type"],
        instance=instance,
        schema=branch,
        schema_path=(index, "type"),
        type_checker=validator.TYPE_CHECKER,
    )


_ApiValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]  # untyped in stubs
    Draft202012Validator, validators={"anyOf": _any_of}
)


# ---- wording: jsonschema errors as pydantic-style "<dotted.path>: <problem>" ----------------

_TYPE_WORDS = {
    "object": "dictionary",
    "array": "list",
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "null": "None",
}
_WEAK = frozenset({"anyOf", "oneOf"})


def _relevance(error: ValidationError) -> tuple[int, bool]:
    """Shallowest first, then not a weak anyOf; ties keep the error that came first."""
    return -len(error.path), error.validator not in _WEAK


def _describe(error: ValidationError) -> Problem:
    path: Path = tuple(error.absolute_path)
    value: Any = error.validator_value
    instance: Any = error.instance
    kind = error.validator
    if kind == "required":
        missing = next(name for name in value if name not in instance)
        return (*path, missing), "Field required"
    if kind == "additionalProperties":
        known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        extra = next(name for name in instance if name not in known)
        return (*path, extra), "Extra inputs are not permitted"
    return path, _problem(error)


def _problem(error: ValidationError) -> str:
    value: Any = error.validator_value
    instance: Any = error.instance
    kind = error.validator
    simple = {
        "type": lambda: "Input should be a valid " + _types_word(value),
        "const": lambda: f"Input should be {_literal(value)}",
        "enum": lambda: "Input should be " + _or([_literal(v) for v in value]),
        "minimum": lambda: f"Input should be greater than or equal to {value}",
        "maximum": lambda: f"Input should be less than or equal to {value}",
        "exclusiveMinimum": lambda: f"Input should be greater than {value}",
        "exclusiveMaximum": lambda: f"Input should be less than {value}",
        "pattern": lambda: f"String should match pattern '{value}'",
        "minLength": lambda: f"String should have at least {value} characters",
        "maxLength": lambda: f"String should have at most {value} characters",
        "minItems": lambda: (
            f"List should have at least {value} item after validation, not {len(instance)}"
        ),
        "maxItems": lambda: (
            f"List should have at most {value} items after validation, not {len(instance)}"
        ),
        "anyOf": lambda: "Input should be a valid " + _types_word(_branch_types(value)),
    }
    word = simple.get(str(kind))
    return word() if word is not None else str(error.message)


def _branch_types(branches: Sequence[Mapping[str, Any]]) -> list[str]:
    names = ["object" if "$ref" in b else b.get("type", "") for b in branches]
    return [name for name in dict.fromkeys(names) if isinstance(name, str) and name]


def _types_word(value: object) -> str:
    names = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    return _or([_TYPE_WORDS.get(name, name) for name in names]) or "value"


def _literal(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) < 2 else ", ".join(words[:-1]) + " or " + words[-1]
