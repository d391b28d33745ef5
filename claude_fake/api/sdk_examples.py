"""An example value of an SDK response type, as the SDK's own mock server answers one: every field
of a model filled (optional ones too), the first variant of a union, the first value of a
``Literal``, one item in a list. It parses under the SDK's types with strict response validation
(``_strict_response_validation=True``). A model met again inside itself ends the recursion where
the type allows (None, an empty list or mapping). Pure: a type in, JSON out."""

from __future__ import annotations

import datetime
import enum
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pydantic

TIMESTAMP = "2025-01-01T00:00:00Z"
DATE = "2025-01-01"
SCALARS: Mapping[Any, Any] = {
    str: "string",
    bool: True,
    int: 0,
    float: 0.0,
    datetime.datetime: TIMESTAMP,
    datetime.date: DATE,
    object: {},
    Any: {},
    type(None): None,
    None: None,
}
UNIONS = (typing.Union, types.UnionType)
LISTS = (list, tuple, set, frozenset, Sequence, Iterable)
MAPPINGS = (dict, Mapping)


def example(tp: Any, within: frozenset[type] = frozenset()) -> Any:
    """A JSON value of type ``tp``; ``within``: the models being filled around it."""
    tp = _unwrap(tp)
    if _hashable(tp) and tp in SCALARS:
        return SCALARS[tp]
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return typing.get_args(tp)[0]
    if origin in UNIONS:
        return _union(typing.get_args(tp), within)
    if origin in LISTS:
        args = typing.get_args(tp)
        return [] if _recurs(args[0] if args else Any, within) else [example(args[0], within)]
    if origin in MAPPINGS:
        args = typing.get_args(tp)
        value = args[1] if len(args) == 2 else Any
        return {} if _recurs(value, within) else {"key": example(value, within)}
    if is_model(tp):
        return _model(tp, within)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return next(iter(tp)).value
    return None


def is_model(tp: Any) -> bool:
    """Whether ``tp`` is a pydantic model (imported here: a scripted answer never loads it)."""
    import pydantic

    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def _model(model: type[pydantic.BaseModel], within: frozenset[type]) -> dict[str, Any]:
    inside = within | {model}
    return {
        field.alias or name: example(field.annotation, inside)
        for name, field in model.model_fields.items()
    }


def _union(variants: tuple[Any, ...], within: frozenset[type]) -> Any:
    """The first variant that is not None and does not recur; else None when allowed."""
    for variant in variants:
        if _unwrap(variant) not in (None, type(None)) and not _recurs(variant, within):
            return example(variant, within)
    if type(None) in variants:
        return None
    return example(variants[0], within)


def _recurs(tp: Any, within: frozenset[type]) -> bool:
    """Whether ``tp`` is (or is a list, mapping or union only of) a model being filled."""
    tp = _unwrap(tp)
    if isinstance(tp, type):
        return tp in within
    args = [a for a in typing.get_args(tp) if _unwrap(a) not in (None, type(None))]
    origin = typing.get_origin(tp)
    if origin in UNIONS or origin in LISTS or origin in MAPPINGS:
        inner = args[-1:] if origin in MAPPINGS else args
        return bool(inner) and all(_recurs(a, within) for a in inner)
    return False


def _unwrap(tp: Any) -> Any:
    """``tp`` without ``Annotated[...]`` and type aliases (``type X = ...``)."""
    for _ in range(16):
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif type(tp).__name__ == "TypeAliasType":
            tp = tp.__value__
        else:
            return tp
    return tp


def _hashable(tp: Any) -> bool:
    try:
        hash(tp)
    except TypeError:
        return False
    return True


def merge(first: Any, second: Any) -> Any:
    """One value that is an example of both types (one endpoint two resources declare): the
    fields of both, ``first``'s value where both have one, and a value over None or nothing."""
    if first is None or first == []:
        return second if second is not None else first
    if isinstance(first, dict) and isinstance(second, dict):
        both = {key: merge(value, second.get(key)) for key, value in first.items()}
        return {**both, **{key: value for key, value in second.items() if key not in first}}
    if isinstance(first, list) and isinstance(second, list) and second:
        return [merge(first[0], second[0]), *first[1:]]
    return first
