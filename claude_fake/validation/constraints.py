"""The API's constraints the SDK's types do not carry, laid onto the packaged schemas when they
are loaded (the files stay as generated). Each row is in docs/API_RULES.md with its source.

- Extra inputs are refused at every depth (``messages.13.content.0.thinking.cache_control: Extra
  inputs are not permitted``, Wei-Shaw/sub2api#225; ``system.0.cache_control``,
  anthropics/anthropic-sdk-typescript#553): every object the SDK types as a TypedDict is closed.
  The response models that ``to_param()`` echoes back (``additionalProperties: true`` in the
  files: pydantic keeps unknown fields) are closed too: the API takes the fields it sends. A
  tool's ``input_schema`` (a JSON Schema) stays open.
- Numbers and lists the API bounds (``BOUNDS``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

# Definitions that stay open although they list properties: a tool's input_schema is JSON Schema.
OPEN = frozenset({"InputSchemaTyped", "BetaInputSchemaTyped"})
# (definition or "" for the root, property) -> schema keywords added there.
BOUNDS: Mapping[tuple[str, str], Mapping[str, object]] = {
    ("", "max_tokens"): {"minimum": 0},
    ("", "messages"): {"minItems": 1},
}


def tightened(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a request schema with every TypedDict closed and the API's bounds added."""
    root: dict[str, Any] = copy.deepcopy(dict(schema))
    defs: dict[str, Any] = root.get("$defs", {})
    _close(root, "")
    for name, node in defs.items():
        if name not in OPEN:
            _close(node, name)
    for (where, prop), keywords in BOUNDS.items():
        node = root if not where else defs.get(where)
        target = node.get("properties", {}).get(prop) if isinstance(node, dict) else None
        if isinstance(target, dict):
            target.update(keywords)
    return root


def _close(node: Any, name: str) -> None:
    """Close ``node`` and the inline objects under it (not through $ref: each def is closed once).
    Walks schema positions only, so a property named ``properties`` is not taken for a schema."""
    stack = [node]
    while stack:
        item = stack.pop()
        if not isinstance(item, dict):
            continue
        if "properties" in item and item.get("additionalProperties", True) is True:
            item["additionalProperties"] = False
        stack.extend(item.get("properties", {}).values())
        stack.extend(item.get("anyOf", ()))
        for key in ("items", "additionalProperties"):
            if isinstance(item.get(key), dict):
                stack.append(item[key])
