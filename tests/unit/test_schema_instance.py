"""Values from ``schema_instance.instance`` validate against their schema, seed for seed."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import random
import re
import time
import uuid
from typing import Annotated, Any, Literal

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from pydantic import BaseModel, Field, TypeAdapter

from claude_fake.sources.generator.schema_instance import instance

SEEDS = range(8)

FORMATS = FormatChecker()  # a copy: the extra checks below do not leak into jsonschema's default


@FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    pattern = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"
    return not isinstance(value, str) or bool(re.fullmatch(pattern, value))


@FORMATS.checks("time")
def _time(value: object) -> bool:
    pattern = r"\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"
    return not isinstance(value, str) or bool(re.fullmatch(pattern, value))


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:\S+", value))


@FORMATS.checks("hostname")
def _hostname(value: object) -> bool:
    label = r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    return not isinstance(value, str) or bool(re.fullmatch(rf"{label}(\.{label})*", value))


def check(schema: Any, value: Any) -> None:
    """Validate with jsonschema, also checking the date-time, date, time, email, uri, uuid ..."""
    Draft202012Validator(schema, format_checker=FORMATS).validate(value)


# --- pydantic models, as ``TypeAdapter(Model).json_schema()`` renders them -----------------------


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Address(BaseModel):
    street: str
    city: str
    postcode: Annotated[str, Field(pattern=r"^\d{5}(-\d{4})?$")]
    country: str = "US"


class Person(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    age: Annotated[int, Field(ge=0, le=130)]
    email: str | None = None
    address: Address
    previous: list[Address] = []
    favourite: Colour | None = None
    priority: Priority = Priority.LOW
    kind: Literal["customer", "staff"]
    scores: dict[str, float] = {}
    born: dt.date
    seen: dt.datetime | None = None
    ident: uuid.UUID


class Cat(BaseModel):
    pet_type: Literal["cat"]
    meows: int


class Dog(BaseModel):
    pet_type: Literal["dog"]
    barks: float


class Owner(BaseModel):
    pet: Annotated[Cat | Dog, Field(discriminator="pet_type")]
    pets: list[Cat | Dog] = []
    pair: tuple[int, str]
    ratio: Annotated[float, Field(gt=0, lt=1)]
    price: Annotated[float, Field(multiple_of=0.01, ge=0)]


class Tree(BaseModel):
    label: str
    children: list[Tree] = []
    parent: Tree | None = None


class Answer(BaseModel):  # a typical structured-output model
    verdict: Literal["yes", "no", "unsure"]
    confidence: Annotated[float, Field(ge=0, le=1)]
    reasons: Annotated[list[str], Field(min_length=1, max_length=3)]


def pyd(model: Any) -> dict[str, Any]:
    schema: dict[str, Any] = TypeAdapter(model).json_schema()
    return schema


# --- the table -----------------------------------------------------------------------------------

GET_WEATHER = {
    "type": "object",
    "properties": {
        "location": {"type": "string", "description": "The city and state, e.g. Paris, France"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["location"],
}
SEARCH = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "minLength": 3, "maxLength": 200},
        "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
        "filters": {
            "type": "object",
            "properties": {
                "site": {"type": "string", "format": "uri"},
                "after": {"type": "string", "format": "date"},
                "lang": {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$"},
            },
            "additionalProperties": False,
        },
    },
    "required": ["query"],
    "additionalProperties": False,
}
SEND_EMAIL = {
    "type": "object",
    "properties": {
        "to": {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 1},
        "cc": {"type": ["array", "null"], "items": {"type": "string", "format": "email"}},
        "subject": {"type": "string", "maxLength": 20},
        "body": {"type": "string", "minLength": 60},
        "at": {"type": "string", "format": "date-time"},
        "request_id": {"type": "string", "format": "uuid"},
        "alarm": {"type": "string", "format": "time"},
    },
    "required": ["to", "subject", "body", "at", "request_id", "alarm"],
}
PATTERNS = {
    "type": "object",
    "properties": {
        "sku": {"type": "string", "pattern": r"^[A-Z]{3}-\d{4}$"},
        "phone": {"type": "string", "pattern": r"^\+?[1-9]\d{1,14}$"},
        "handle": {"type": "string", "pattern": "^[a-z0-9_-]{3,16}$"},
        "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        "either": {"type": "string", "pattern": "^(foo|bar)baz$"},
        "anywhere": {"type": "string", "pattern": "needle"},
        "not_digit": {"type": "string", "pattern": r"^[^0-9\s]{4}$"},
        "long": {"type": "string", "pattern": "^[a-z]+$", "minLength": 12, "maxLength": 14},
        "dotted": {"type": "string", "pattern": r"^\w+(\.\w+)*@\w+\.com$"},
    },
    "required": ["sku", "phone", "handle", "colour", "either", "anywhere", "not_digit", "long"],
}
NUMBERS = {
    "type": "object",
    "properties": {
        "a": {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 3},
        "b": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001},
        "c": {"type": "integer", "multipleOf": 5, "minimum": 7, "maximum": 40},
        "d": {"type": "number", "multipleOf": 0.1, "minimum": 0.05, "maximum": 3},
        "e": {"type": "integer", "minimum": 10**12},
        "f": {"type": "number", "maximum": -5.5},
        "g": {"type": "integer", "minimum": -(10**9), "maximum": 10**9},
        "h": {"type": "integer", "multipleOf": 1.5},
        "i": {"type": "number", "minimum": 2, "maximum": 2},
    },
    "required": list("abcdefghi"),
}
ARRAYS = {
    "type": "object",
    "properties": {
        "tuple": {"prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False},
        "unique": {
            "type": "array",
            "items": {"enum": ["a", "b", "c"]},
            "uniqueItems": True,
            "minItems": 3,
            "maxItems": 3,
        },
        "unique_bools": {"type": "array", "items": {"type": "boolean"}, "uniqueItems": True},
        "empty": {"type": "array", "maxItems": 0},
        "many": {"type": "array", "items": {"type": "integer"}, "minItems": 5},
        "nested": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
    },
    "required": ["tuple", "unique", "unique_bools", "empty", "many", "nested"],
}
REFS = {
    "$defs": {
        "Node": {
            "type": "object",
            "properties": {
                "value": {"type": "integer"},
                "next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]},
            },
            "required": ["value", "next"],
        },
        "a/b": {"type": "string", "const": "slash"},
    },
    "definitions": {"Legacy": {"type": "boolean"}},
    "type": "object",
    "properties": {
        "head": {"$ref": "#/$defs/Node"},
        "escaped": {"$ref": "#/$defs/a~1b"},
        "legacy": {"$ref": "#/definitions/Legacy"},
        "self": {"anyOf": [{"$ref": "#"}, {"type": "null"}]},
        "prop": {"$ref": "#/properties/legacy"},
    },
    "required": ["head", "escaped", "legacy", "prop"],
}
COMBINATORS = {
    "type": "object",
    "properties": {
        "int_or_num": {"oneOf": [{"type": "integer"}, {"type": "number"}]},
        "short_or_long": {"oneOf": [{"type": "string", "maxLength": 4}, {"type": "string"}]},
        "merged": {
            "allOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                {"properties": {"b": {"type": "integer", "minimum": 3}}, "required": ["b"]},
                {"properties": {"b": {"maximum": 4}}},
            ]
        },
        "bounded": {"allOf": [{"type": "number", "minimum": 1}, {"type": "integer", "maximum": 2}]},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}], "minimum": 5},
        "openapi": {"type": "string", "nullable": True, "maxLength": 3},
        "typed_list": {"type": ["integer", "string", "null"]},
        "mixed_enum": {"enum": [1, "two", None, [3], {"four": 4}]},
        "const": {"const": {"nested": [1, 2]}},
        "anything": {},
        "true": True,
    },
    "required": ["int_or_num", "short_or_long", "merged", "bounded", "either", "openapi"],
}
OBJECTS = {
    "type": "object",
    "properties": {
        "map": {"type": "object", "additionalProperties": {"type": "integer"}},
        "patterned": {
            "type": "object",
            "patternProperties": {"^x-[a-z]+$": {"type": "string"}},
            "additionalProperties": False,
        },
        "at_least": {
            "type": "object",
            "properties": {"p": {"type": "null"}},
            "minProperties": 3,
            "additionalProperties": {"type": "boolean"},
        },
        "at_most": {
            "type": "object",
            "properties": {k: {"type": "integer"} for k in "pqrstu"},
            "required": ["p"],
            "maxProperties": 2,
        },
        "free": {"type": "object"},
        "untyped": {"properties": {"x": {"type": "string"}}, "required": ["x"]},
        "required_extra": {"required": ["z"], "additionalProperties": {"type": "integer"}},
    },
    "required": ["map", "patterned", "at_least", "at_most", "free", "untyped"],
}

REF_CHAIN = {
    "type": "object",
    "properties": {"a": {"$ref": "#/$defs/A"}},
    "required": ["a"],
    "$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"type": "integer", "minimum": 3}},
}

SCHEMAS = [
    pytest.param(GET_WEATHER, id="tool-get_weather"),
    pytest.param(SEARCH, id="tool-search"),
    pytest.param(SEND_EMAIL, id="tool-send_email-formats"),
    pytest.param(
        {"type": "object", "properties": {}, "additionalProperties": False}, id="tool-no-args"
    ),
    pytest.param(
        {
            "type": "object",
            "properties": {
                "ticker": {"type": "string", "pattern": "^[A-Z]{1,5}$"},
                "range": {"type": "string", "enum": ["1d", "5d", "1mo", "1y"]},
            },
            "required": ["ticker"],
        },
        id="tool-stock_price",
    ),
    pytest.param(PATTERNS, id="patterns"),
    pytest.param(NUMBERS, id="numbers"),
    pytest.param(ARRAYS, id="arrays"),
    pytest.param(REFS, id="refs"),
    pytest.param(COMBINATORS, id="combinators"),
    pytest.param(OBJECTS, id="objects"),
    pytest.param(pyd(Person), id="pydantic-person"),
    pytest.param(pyd(Owner), id="pydantic-discriminated-union"),
    pytest.param(pyd(Tree), id="pydantic-recursive"),
    pytest.param(pyd(Answer), id="pydantic-structured-output"),
    pytest.param(pyd(list[Address]), id="pydantic-list-of-models"),
    pytest.param(pyd(Literal["a", "b"]), id="pydantic-literal"),
    pytest.param(pyd(dict[str, list[int]]), id="pydantic-dict"),
    pytest.param(pyd(Colour | int | None), id="pydantic-union"),
    pytest.param({}, id="empty"),
    pytest.param({"type": "string", "format": "ipv4"}, id="ipv4"),
    pytest.param({"type": "string", "format": "ipv6"}, id="ipv6"),
    pytest.param({"type": "string", "format": "hostname"}, id="hostname"),
    pytest.param({"type": "string", "minLength": 2, "maxLength": 2}, id="exact-length"),
    pytest.param({"type": "string", "maxLength": 0}, id="zero-length"),
    pytest.param({"type": "null"}, id="null"),
    pytest.param({"type": "boolean"}, id="boolean"),
    pytest.param({"type": "array", "items": {"$ref": "#"}, "maxItems": 2}, id="recursive-array"),
    pytest.param({"oneOf": [{"const": 1}, {"enum": [1, 2]}]}, id="oneof-overlap"),
    pytest.param(REF_CHAIN, id="ref-chain"),
]


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("seed", SEEDS)
def test_value_is_valid(schema: dict[str, Any], seed: int) -> None:
    check(schema, instance(schema, random.Random(seed)))


@pytest.mark.parametrize("schema", SCHEMAS)
def test_same_seed_same_value(schema: dict[str, Any]) -> None:
    for seed in SEEDS:
        first = instance(schema, random.Random(seed))
        assert instance(schema, random.Random(seed)) == first
        assert json.dumps(first)  # plain JSON


@pytest.mark.parametrize("schema", SCHEMAS)
def test_with_faker_words(schema: dict[str, Any]) -> None:
    fake = Faker()
    fake.seed_instance(7)

    def words(n: int) -> str:
        return str(fake.sentence(nb_words=n))

    check(schema, instance(schema, random.Random(3), words=words))


def test_draft7_tuple_items() -> None:
    schema = {
        "type": "array",
        "items": [{"type": "null"}, {"type": "integer", "minimum": 1, "exclusiveMaximum": 2}],
        "additionalItems": False,
    }
    for seed in SEEDS:
        value = instance(schema, random.Random(seed))
        Draft7Validator(schema).validate(value)
        assert value == [None, 1]


def test_seeds_differ_and_values_stay_small() -> None:
    values = [json.dumps(instance(pyd(Person), random.Random(seed))) for seed in range(20)]
    assert len(set(values)) > 15
    assert max(len(v) for v in values) < 2000


def test_tool_shapes() -> None:
    value = instance(GET_WEATHER, random.Random(1))
    assert isinstance(value["location"], str)
    assert value.get("unit", "celsius") in ("celsius", "fahrenheit")
    assert set(instance({}, random.Random(1))) == {"result"}  # top level: an object
    seen = {json.dumps(instance(GET_WEATHER, random.Random(s)), sort_keys=True) for s in range(40)}
    assert any('"unit"' in v for v in seen)  # optional properties: sometimes
    assert any('"unit"' not in v for v in seen)


def test_recursion_is_bounded() -> None:
    for seed in range(20):
        assert len(json.dumps(instance(pyd(Tree), random.Random(seed)))) < 5000
        assert instance({"$ref": "#"}, random.Random(seed)) is not None  # a cycle with no content


def test_only_rng_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise AssertionError("global random used")

    for name in ("random", "randint", "choice", "shuffle", "randrange", "uniform", "getrandbits"):
        monkeypatch.setattr(random, name, boom)
    for schema in (pyd(Person), pyd(Owner), SEND_EMAIL, PATTERNS, NUMBERS):
        instance(schema, random.Random(0))


def test_schema_is_not_mutated() -> None:
    for schema in (pyd(Person), pyd(Owner), COMBINATORS, REFS, ARRAYS):
        before = copy.deepcopy(schema)
        for seed in SEEDS:
            value = instance(schema, random.Random(seed))
            if isinstance(value, dict):
                value.clear()  # the value shares nothing with the schema (const, enum)
        assert schema == before


def test_unsatisfiable_degrades_without_raising() -> None:
    rng = random.Random(0)
    assert isinstance(instance({"type": "integer", "minimum": 5, "maximum": 1}, rng), int)
    assert isinstance(instance({"type": "string", "pattern": r"\p{L}+"}, rng), str)
    assert isinstance(instance({"type": "string", "pattern": "(?!)"}, rng), str)
    assert instance({"$ref": "https://example.com/schema.json"}, rng) is not None
    assert instance({"allOf": [{"type": "string"}, {"type": "integer"}]}, rng) is not None


def test_typical_tool_schema_is_fast() -> None:
    rng = random.Random(0)
    start = time.perf_counter()
    for _ in range(500):
        instance(GET_WEATHER, rng)
    assert (time.perf_counter() - start) / 500 < 500e-6  # about 10 µs; generous for slow CI


# --- hypothesis: simple generated schemas ---------------------------------------------------------


@st.composite
def integers(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    low = draw(st.integers(-1000, 1000))
    step = draw(st.sampled_from([None, 1, 2, 3, 7, 0.5]))
    width = draw(st.integers(16, 2000))
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = low + width
    if step is not None:
        schema["multipleOf"] = step
    return schema


@st.composite
def numbers(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    low = draw(st.floats(-1e6, 1e6))
    width = draw(st.floats(7, 1e6))  # room for a multiple of every step
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = low + width
    step = draw(st.sampled_from([None, 0.5, 0.25, 0.1, 0.01, 3]))
    if step is not None:
        schema["multipleOf"] = step
    return schema


@st.composite
def strings(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    low = draw(st.integers(0, 30))
    if draw(st.booleans()):
        schema["minLength"] = low
    if draw(st.booleans()):
        schema["maxLength"] = low + draw(st.integers(0, 30))
    kind = draw(st.sampled_from(["plain", "format", "pattern"]))
    if kind == "format":
        schema = {"type": "string", "format": draw(st.sampled_from(["date", "email", "uuid"]))}
    elif kind == "pattern":  # each needs at least one character
        schema["pattern"] = draw(st.sampled_from(["^[a-z]+$", r"^\d+$", "^[A-Z][a-z]*$", "x"]))
        schema["maxLength"] = max(
            schema.get("maxLength", 1), low if "minLength" in schema else 1, 1
        )
    return schema


names = st.text("abcdefghij_", min_size=1, max_size=6)
scalars = st.one_of(
    integers(),
    numbers(),
    strings(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(st.one_of(st.integers(), names), min_size=1, max_size=4, unique=True).map(
        lambda xs: {"enum": xs}
    ),
    st.one_of(st.integers(), names, st.booleans()).map(lambda x: {"const": x}),
)


@st.composite
def objects(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    props = draw(st.dictionaries(names, children, max_size=4))
    required = [k for k in props if draw(st.booleans())]
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": required}
    schema["additionalProperties"] = draw(st.sampled_from([False, True, {"type": "integer"}]))
    return schema


@st.composite
def arrays(draw: st.DrawFn, children: st.SearchStrategy[Any]) -> dict[str, Any]:
    least = draw(st.integers(0, 3))
    schema: dict[str, Any] = {"type": "array", "items": draw(children), "minItems": least}
    if draw(st.booleans()):
        schema["maxItems"] = least + draw(st.integers(0, 3))
    if least <= 1 and draw(st.booleans()):
        schema["uniqueItems"] = True
    return schema


def with_null(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


schemas = st.recursive(
    scalars,
    lambda children: st.one_of(
        objects(children),
        arrays(children),
        children.map(with_null),
        st.lists(children, min_size=1, max_size=3).map(lambda xs: {"anyOf": xs}),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(schema=schemas, seed=st.integers(0, 2**32))
def test_generated_schemas(schema: dict[str, Any], seed: int) -> None:
    value = instance(schema, random.Random(seed))
    check(schema, value)
    assert instance(schema, random.Random(seed)) == value
