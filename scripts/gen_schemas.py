"""Generate the request JSON Schemas in claude_fake/validation/schemas/ from the installed SDK.

Usage: python scripts/gen_schemas.py [--check]

The SDK's TypedDict request params go through pydantic's TypeAdapter(...).json_schema(); the
result is then post-processed (see HAND_WRITTEN below, which is also written to SOURCE.md).
--check writes nothing and exits 1 when the committed files differ from what would be written.
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

OUT_DIR = Path(__file__).resolve().parent.parent / "claude_fake" / "validation" / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

# file stem -> (module, attribute)
SOURCES: dict[str, tuple[str, str]] = {
    "messages": ("anthropic.types.message_create_params", "MessageCreateParamsNonStreaming"),
    "messages_beta": (
        "anthropic.types.beta.message_create_params",
        "MessageCreateParamsNonStreaming",
    ),
    "count_tokens": ("anthropic.types.message_count_tokens_params", "MessageCountTokensParams"),
    "count_tokens_beta": (
        "anthropic.types.beta.message_count_tokens_params",
        "MessageCountTokensParams",
    ),
    "batches": ("anthropic.types.messages.batch_create_params", "BatchCreateParams"),
    "batches_beta": ("anthropic.types.beta.messages.batch_create_params", "BatchCreateParams"),
}

HEADER_PARAMS = ("betas", "user_profile_id", "workspace_id")
SAMPLING = {
    "temperature": {"type": "number", "minimum": 0, "maximum": 1},
    "top_p": {"type": "number", "minimum": 0, "maximum": 1},
    "top_k": {"type": "integer", "minimum": 0},
}
DISCRIMINATORS = ("type", "role")
TOOL_NAME_PATTERN = "^[a-zA-Z0-9_-]{1,128}$"
CUSTOM_ID_PATTERN = "^[a-zA-Z0-9_-]{1,64}$"
MAX_BATCH = 100_000
ANNOTATIONS = ("title", "description", "default")
SCHEMA_VALUED = ("items", "additionalProperties", "not", "if", "then", "else", "contains")

HAND_WRITTEN = [
    "Every file: the `title`, `description` and `default` annotations are dropped (size); "
    "`$schema` is added; `enum` values and `anyOf` branches are sorted (params first, null "
    "last), since typing caches `Literal`/`Union` by set equality and pydantic's order would "
    "otherwise depend on import order.",
    "Top level of every file: `additionalProperties: false`, so an unknown field is a 400 "
    '("<field>: Extra inputs are not permitted"). Nested objects keep the SDK\'s open '
    "TypedDict shape (extra keys allowed): a false rejection is worse than a missed one.",
    "Top level: the header-only SDK params `betas`, `user_profile_id`, `workspace_id` are "
    "removed (the SDK sends them as `anthropic-beta`, `anthropic-user-profile-id`, "
    "`anthropic-workspace-id` headers, never in the body).",
    "messages*, count_tokens*: `temperature` (number 0-1), `top_p` (number 0-1), `top_k` "
    "(integer >= 0) are added by hand. The 2.x SDK removed them; API version 2023-06-01 "
    "accepts them; claude_fake/validation/validate.py drops them again for 2026-10-21 and later.",
    "messages*: `stream` is widened from `Literal[False]` (the NonStreaming TypedDict) to "
    "boolean, since the streaming TypedDict differs only there.",
    "messages_beta: top-level `output_format` (`BetaJSONOutputFormatParam` or null) is added "
    "by hand: SDK <= 1.x and clients such as pydantic-ai sent it with beta "
    "`structured-outputs-2025-11-13`; 2.x moved it into `output_config.format`.",
    "`Base64FileInput` (IO / PathLike, a Python-only upload helper) does not convert to JSON: "
    "pydantic emits a `format: path` string branch; it is replaced by a plain string.",
    f"Custom tool definitions (`ToolParam`, `BetaToolParam`): `name` gets the pattern "
    f"`{TOOL_NAME_PATTERN}` (API rule, not in the SDK types).",
    f"batches*: `requests` gets `minItems: 1`, `maxItems: {MAX_BATCH}`; `custom_id` gets the "
    f"pattern `{CUSTOM_ID_PATTERN}` (API rules; uniqueness is checked in validation/rules.py).",
    "batches*: `requests[].params` is reduced to `{type: object}`; validation/validate.py "
    "checks each params object against messages*.json, so its errors are worded "
    "`requests.N.params...`. Unreachable `$defs` are pruned.",
    "Unions whose object branches all carry a `type` (or `role`) tag get an `x-discriminator` "
    "annotation beside `anyOf`: `{propertyName, mapping: {tag: [anyOf indexes]}, "
    "absent: [indexes]}` (`null` tags are keyed `null`). Other validators ignore it; "
    "claude_fake/validation/fastcheck.py and explain.py use it to dispatch on the tag and to "
    "name a bad tag in the error.",
]


def build_all() -> dict[str, str]:
    """Return {file name: text} for every schema file plus SOURCE.md."""
    files = {f"{stem}.json": dump(build(stem)) for stem in SOURCES}
    files["SOURCE.md"] = source_md()
    return files


def build(stem: str) -> Schema:
    """Generate and post-process the schema for one file stem."""
    from pydantic import TypeAdapter

    module, attr = SOURCES[stem]
    raw: Schema = TypeAdapter(getattr(importlib.import_module(module), attr)).json_schema()
    schema = strip_annotations(raw)
    fix_file_inputs(schema)
    walk(schema, canonical_order)
    top = schema["properties"]
    for name in HEADER_PARAMS:
        top.pop(name, None)
        if name in schema.get("required", []):
            schema["required"].remove(name)
    if stem.startswith(("messages", "count_tokens")):
        top.update(copy.deepcopy(SAMPLING))
    if stem.startswith("messages"):
        top["stream"] = {"type": "boolean"}
    if stem == "messages_beta":
        ref = {"$ref": "#/$defs/BetaJSONOutputFormatParam"}
        top["output_format"] = {"anyOf": [ref, {"type": "null"}]}
    if stem.startswith("batches"):
        restrict_batch(schema)
    schema["additionalProperties"] = False
    prune_defs(schema)
    restrict_custom_tool_names(schema.get("$defs", {}))
    annotate_unions(schema, schema.get("$defs", {}))
    return {"$schema": DIALECT, **schema}


def restrict_batch(schema: Schema) -> None:
    """Batch limits the SDK types do not carry; params are checked separately."""
    schema["properties"]["requests"].update({"minItems": 1, "maxItems": MAX_BATCH})
    request = schema["$defs"]["Request"]["properties"]
    request["params"] = {"type": "object"}
    request["custom_id"]["pattern"] = CUSTOM_ID_PATTERN


def restrict_custom_tool_names(defs: dict[str, Schema]) -> None:
    """Give every custom-tool definition (its `type` allows "custom") the API's name pattern."""
    for name, definition in defs.items():
        props = definition.get("properties", {})
        if (
            name.endswith("Param")
            and "custom" in (tag_values(props.get("type", {})) or [])
            and "name" in props
        ):
            props["name"]["pattern"] = TOOL_NAME_PATTERN


def subschemas(node: Schema) -> Iterator[Schema]:
    """Yield the direct child schemas of a schema node (not annotation values)."""
    for key in ("properties", "$defs", "patternProperties"):
        yield from node.get(key, {}).values()
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        yield from node.get(key, [])
    for key in SCHEMA_VALUED:
        child = node.get(key)
        if isinstance(child, dict):
            yield child


def walk(node: Schema, visit: Callable[[Schema], None]) -> None:
    """Call visit on node and every schema below it."""
    visit(node)
    for child in subschemas(node):
        walk(child, visit)


def strip_annotations(node: Schema) -> Schema:
    """A copy of node without title/description keywords (property names are kept)."""
    out: Schema = {}
    for key, value in node.items():
        if key in ANNOTATIONS:
            continue
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = {k: strip_annotations(v) for k, v in value.items()}
        elif key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            out[key] = [strip_annotations(v) for v in value]
        elif key in SCHEMA_VALUED and isinstance(value, dict):
            out[key] = strip_annotations(value)
        else:
            out[key] = value
    return out


def fix_file_inputs(schema: Schema) -> None:
    """Replace pydantic's `format: path` branches (Base64FileInput) by nothing."""

    def visit(node: Schema) -> None:
        branches = node.get("anyOf")
        if branches and any(b.get("format") == "path" for b in branches):
            kept = [b for b in branches if b.get("format") != "path"]
            node.pop("anyOf")
            if len(kept) == 1:
                node.update(kept[0])
            else:
                node["anyOf"] = kept

    walk(schema, visit)


def canonical_order(node: Schema) -> None:
    """Sort enum values and anyOf branches: typing caches Literal[...] and Union[...] by set
    equality, so their order in pydantic's output depends on what was imported first."""
    if "enum" in node:
        node["enum"] = sorted(node["enum"], key=lambda v: (type(v).__name__, str(v)))
    if "anyOf" in node:
        node["anyOf"].sort(key=branch_key)


def branch_key(branch: Schema) -> tuple[bool, bool, str]:
    """Request params first, response models next, null last; then by text."""
    ref = branch.get("$ref", "")
    return branch.get("type") == "null", bool(ref) and not ref.endswith("Param"), compact(branch)


def prune_defs(schema: Schema) -> None:
    """Drop $defs that nothing reachable from the root refers to."""
    defs = schema.get("$defs", {})
    seen: set[str] = set()
    todo = [{k: v for k, v in schema.items() if k != "$defs"}]

    def visit(node: Schema) -> None:
        ref = node.get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if ref.startswith("#/$defs/") and name not in seen:
            seen.add(name)
            todo.append(defs[name])

    while todo:
        walk(todo.pop(), visit)
    schema["$defs"] = {k: v for k, v in defs.items() if k in seen}


def resolve(node: Schema, defs: dict[str, Schema]) -> Schema:
    """Follow a local $ref (one level is all pydantic emits)."""
    ref = node.get("$ref")
    return defs[ref.rsplit("/", 1)[-1]] if isinstance(ref, str) else node


def tag_values(prop: Schema) -> list[str | None] | None:
    """The literal values a discriminator property allows, or None when it is not literal."""
    if "const" in prop:
        return [prop["const"]]
    if "enum" in prop:
        return list(prop["enum"])
    if "anyOf" in prop:
        values: list[str | None] = []
        for branch in prop["anyOf"]:
            if branch.get("type") == "null":
                values.append(None)
                continue
            sub = tag_values(branch)
            if sub is None:
                return None
            values.extend(sub)
        return values
    return None


def discriminator(branches: list[Schema], defs: dict[str, Schema]) -> Schema | None:
    """An x-discriminator annotation for a union of object branches, or None."""
    objects = [(i, resolve(b, defs)) for i, b in enumerate(branches)]
    objects = [(i, b) for i, b in objects if b.get("type") != "null"]
    if len(objects) < 2 or any(b.get("type") != "object" for _, b in objects):
        return None
    for prop in DISCRIMINATORS:
        mapping: dict[str, list[int]] = {}
        absent: list[int] = []
        for index, branch in objects:
            values = tag_values(branch.get("properties", {}).get(prop, {}))
            if values is None:
                break
            for value in values:
                mapping.setdefault("null" if value is None else str(value), []).append(index)
            if prop not in branch.get("required", []):
                absent.append(index)
        else:
            return {"propertyName": prop, "mapping": mapping, "absent": absent}
    return None


def annotate_unions(schema: Schema, defs: dict[str, Schema]) -> None:
    """Add x-discriminator beside every anyOf that is a tagged union of objects."""

    def visit(node: Schema) -> None:
        branches = node.get("anyOf")
        if branches:
            found = discriminator(branches, defs)
            if found is not None:
                node["x-discriminator"] = found

    walk(schema, visit)


def compact(value: object) -> str:
    """Stable compact JSON."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dump(schema: Schema) -> str:
    """Compact JSON with one line per top-level key and per $def, so diffs stay readable."""
    lines = []
    for key in sorted(schema):
        if key == "$defs":
            defs = schema[key]
            body = ",\n".join(f"{compact(name)}:{compact(defs[name])}" for name in sorted(defs))
            lines.append(f'"$defs":{{\n{body}\n}}')
        else:
            lines.append(f"{compact(key)}:{compact(schema[key])}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def source_md() -> str:
    """The SOURCE.md text: SDK version, generated types, hand-written parts."""
    import anthropic

    rows = "\n".join(f"| `{stem}.json` | `{mod}.{attr}` |" for stem, (mod, attr) in SOURCES.items())
    hand = "\n".join(f"- {item}" for item in HAND_WRITTEN)
    return (
        "# Request schemas: where they come from\n\n"
        "Generated by `scripts/gen_schemas.py` (do not edit by hand; run it after an SDK bump, "
        "`--check` tells whether the files are current) from\n"
        f"**anthropic {anthropic.__version__}** with pydantic's `TypeAdapter(...).json_schema()` "
        "(pydantic's version is not recorded: a change in its output shows up as a diff).\n\n"
        "| file | SDK type |\n|---|---|\n"
        f"{rows}\n\n"
        "Every SDK type converted; no schema is written wholly by hand. The request validator "
        "(`validation/validate.py`) adds the rules a schema cannot say; they are listed in "
        "`validation/rules.py`.\n\n"
        "## Hand-written parts (post-processing)\n\n"
        f"{hand}\n"
    )


def check(files: dict[str, str], out_dir: Path) -> list[str]:
    """Names of files in out_dir that are missing or differ from files."""
    stale = []
    for name, text in files.items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the schema files; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = build_all()
    if args.check:
        stale = check(files, args.out)
        for name in stale:
            print(f"stale: {args.out / name} (run python scripts/gen_schemas.py)")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
