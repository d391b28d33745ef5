"""jsonschema's best match for a failed body, worded the way the API words it.

The API answers with pydantic-style messages: ``"<dotted.path>: <problem>"``, with the tag of a
discriminated union inside the path (``tools.0.custom.name``). ``ApiValidator`` is jsonschema's
Draft 2020-12 validator whose ``anyOf`` reads our ``x-discriminator`` annotation, so a bad tag is
named instead of dumping every branch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator

from claude_fake.validation.rules import Path, Problem


def first_problem(errors: Iterable[ValidationError]) -> Problem | None:
    """The most relevant error as (path, problem); None when there is none."""
    error = best_match(errors, key=_relevance)
    return None if error is None else _describe(error)


# ---- the anyOf keyword, made fast and precise by the x-discriminator annotation -------------


def _any_of(
    validator: Any, branches: list[Any], instance: object, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """jsonschema's anyOf, dispatching on the x-discriminator tag when the schema has one."""
    disc = schema.get("x-discriminator")
    others = [i for i, branch in enumerate(branches) if branch != {"type": "null"}]
    if instance is not None and len(others) == 1 < len(branches):
        # Optional[X] (pydantic's nullable schema): a non-null value answers to X alone
        yield from validator.descend(instance, branches[others[0]], schema_path=others[0])
        return
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
            shown = f"'{str(tag)[:100]}'"
            message = (
                f"Input tag {shown} found using '{prop}' does not match any of the expected "
                f"tags: {expected}"
            )
            yield ValidationError(message, validator="x-discriminator", path=(prop,))
            return
    else:
        chosen = disc["absent"]
        if not chosen:
            yield ValidationError("Field required", validator="x-discriminator", path=(prop,))
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


ApiValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]  # untyped in stubs
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
