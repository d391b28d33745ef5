"""Request validation: the 400/401/413 answers the real API gives, worded the way it words them."""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from claude_fake.config import ValidateMode
from claude_fake.validation import constraints, rules
from claude_fake.validation.fastcheck import Check, compile_schema
from claude_fake.validation.rules import Path

if TYPE_CHECKING:  # jsonschema is imported only when a body fails the fast check
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

Endpoint = Literal["messages", "count_tokens", "batches"]

MB = 1024 * 1024
BATCH_BODY_LIMIT = 256 * MB  # any endpoint whose name has "batch" in it ("batches", "batch_create")
BODY_LIMIT = 32 * MB
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
    limit = BATCH_BODY_LIMIT if "batch" in endpoint else BODY_LIMIT
    if checking and body_size > limit:
        return Violation(status=413, error_type="request_too_large", message=TOO_LARGE)
    if require_api_key is not None:
        key = _api_key(headers)
        if key is None or key != require_api_key:
            message = KEY_REQUIRED if key is None else KEY_INVALID
            return Violation(status=401, error_type="authentication_error", message=message)
    version = headers.get("anthropic-version")
    if checking and not version:
        return _bad_request((), VERSION_REQUIRED)
    if mode is ValidateMode.STRICT and version:  # lenient: a newer SDK may send a newer version
        problem = rules.api_version_problem(version)
        if problem is not None:
            return _bad_request((), problem)
    return None


def validate_body(
    endpoint: Endpoint,
    body: object,
    *,
    api_version: str | None,
    betas: Sequence[str],
    mode: ValidateMode,
    beta: bool | None = None,
) -> Violation | None:
    """Check a decoded JSON body with the beta schema when ``beta`` (default: any beta given)."""
    beta = bool(betas) if beta is None else beta
    if mode is ValidateMode.OFF:
        return None
    if mode is ValidateMode.LENIENT:
        return _lenient(endpoint, body, beta=beta, prefix=())
    new_version = rules.is_new_api_version(api_version)
    if endpoint == "batches":
        return _strict_batch(body, beta=beta, new_version=new_version)
    return _strict(endpoint, body, beta=beta, new_version=new_version, prefix=())


def _strict_batch(body: object, *, beta: bool, new_version: bool) -> Violation | None:
    """Envelope (size first: jsonschema is slow on 100 000 items), then each request's params."""
    too_many = rules.batch_size(body)
    if too_many is not None:
        return _bad_request(*too_many)
    found = _strict("batches", body, beta=beta, new_version=new_version, prefix=())
    if found is not None or not isinstance(body, Mapping):
        return found
    for index, request in enumerate(body["requests"]):
        prefix: Path = ("requests", index, "params")
        params = request["params"]
        found = _strict("messages", params, beta=beta, new_version=new_version, prefix=prefix)
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
    from claude_fake.validation.explain import first_problem

    found = first_problem(errors)
    if found is None:  # fastcheck and jsonschema disagree: never reject on a doubt
        return None
    return _bad_request(prefix + found[0], found[1])


# ---- schemas and compiled validators (loaded once, immutable cache) -------------------------


@functools.cache
def _schema(endpoint: Endpoint, beta: bool) -> Mapping[str, Any]:
    name = f"{endpoint}_beta.json" if beta else f"{endpoint}.json"
    text = (resources.files(__package__) / "schemas" / name).read_text(encoding="utf-8")
    return constraints.tightened(json.loads(text))


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
    from claude_fake.validation.explain import ApiValidator

    return ApiValidator(_variant(endpoint, beta, new_version))


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
    from claude_fake.validation.explain import ApiValidator

    return ApiValidator(shallow)


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
