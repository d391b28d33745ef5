"""``--validate lenient`` for the rest of the SDK's surface: every endpoint the installed
``anthropic`` SDK calls that ``api.routes`` does not serve (agents, sessions, skills, vaults, ...)
is answered as the SDK's own mock server answers it, with an example of its declared response
type (``api.sdk_examples``): a list endpoint with the page its page class parses (``has_more``
false, no cursor), a stream with one event, a download with bytes. So the SDK's own
``tests/api_resources`` suite runs against ``claude-fake serve --validate lenient``.

The route table comes from the installed SDK's source (``api.sdk_routes``), built on the first
such request and kept for the process: a pure function of the installed SDK, no state of a test.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import importlib
import importlib.util
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from claude_fake.api import sdk_examples
from claude_fake.api.sdk_routes import SdkRoute, read
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.wire import sse
from claude_fake.wire.responses import json_response

BINARY = b"placeholder content\n"
Group = tuple[SdkRoute, ...]  # one method and path, as each resource that calls it declares it
Table = tuple[tuple[re.Pattern[str], Group], ...]


@functools.lru_cache(maxsize=1)
def table() -> Table:
    """The installed SDK's endpoints, the most specific first (``/events/stream`` before
    ``/events/{event_id}``); empty when the SDK is not installed."""
    spec = importlib.util.find_spec("anthropic")
    if spec is None or spec.origin is None:
        return ()
    groups: dict[tuple[str, str], list[SdkRoute]] = {}
    for sdk_route in read(Path(spec.origin).parent):
        groups.setdefault((sdk_route.method, sdk_route.template), []).append(sdk_route)
    ordered = sorted(groups.values(), key=lambda group: -group[0].literal_segments)
    return tuple((group[0].pattern, tuple(group)) for group in ordered)


def find(request: FakeRequest) -> tuple[Group, dict[str, str]] | None:
    """The SDK's routes for a request and its path parameters; None when the SDK has none."""
    path = request.path.rstrip("/") or "/"
    for pattern, group in table():
        if group[0].method == request.method.upper():
            match = pattern.fullmatch(path)
            if match is not None:
                return qualified(group, request.params), match.groupdict()
    return None


def qualified(group: Group, query: Mapping[str, list[str]]) -> Group:
    """The routes of ``group`` the query names the most closely, as the SDK's mock server tells
    ``?beta=true&bedrock=true`` from ``?beta=true``: the routes whose qualifiers the query all
    has, the most qualifiers first; without any, the routes with the fewest."""
    fits = [r for r in group if all(value in query.get(k, ()) for k, value in r.qualifiers)]
    chosen = fits or list(group)
    best = (max if fits else min)(len(r.qualifiers) for r in chosen)
    return tuple(r for r in chosen if len(r.qualifiers) == best)


def answer(request: FakeRequest, request_id: str) -> FakeResponse | None:
    """The placeholder answer for a request the installed SDK can make; None for any other."""
    found = find(request)
    if found is None:
        return None
    group, params = found
    first = group[0]
    if first.item is not None and (first.streams or _asks_stream(request, first)):
        return _stream(_fresh(group, "event"), request_id)
    if first.page is not None:
        return json_response(_fresh(group, "page"), request_id)
    if first.cast_to is not None and _is_binary(resolve(first.module, first.cast_to)):
        headers = {"content-type": "application/octet-stream", "request-id": request_id}
        return FakeResponse(status=200, headers=headers, body=BINARY)
    return json_response(_with_id(_fresh(group, "object"), first, params), request_id)


def _fresh(group: Group, part: Literal["event", "page", "object"]) -> Any:
    """A copy of the kept example: the journal hands answers to tests, which may change them."""
    return copy.deepcopy(payload_of(group, part))


@functools.lru_cache(maxsize=1024)
def payload_of(group: Group, part: Literal["event", "page", "object"]) -> Any:
    """An example answer of every route in ``group`` at once (read it, do not change it)."""
    examples = [_example(sdk_route, part) for sdk_route in group]
    return functools.reduce(sdk_examples.merge, examples)


def _example(sdk_route: SdkRoute, part: Literal["event", "page", "object"]) -> Any:
    if part == "page":
        return page_of(sdk_route)
    expression = sdk_route.item if part == "event" else sdk_route.cast_to
    return example_of(sdk_route.module, expression or "object")


@functools.lru_cache(maxsize=1024)
def example_of(module: str, expression: str) -> Any:
    """An example of the type ``expression`` names in ``module`` (read it, do not change it)."""
    return sdk_examples.example(resolve(module, expression))


def page_of(sdk_route: SdkRoute) -> dict[str, Any]:
    """The list envelope the route's page class parses: one item, and no next page."""
    page = resolve(sdk_route.module, sdk_route.page or "object")
    item = example_of(sdk_route.module, sdk_route.item or "object")
    fields = page.model_fields if sdk_examples.is_model(page) else {"data": None}
    envelope: dict[str, Any] = {}
    for name, field in fields.items():
        if name == "data":
            envelope[name] = [item]
        elif name == "has_more":
            envelope[name] = False
        elif field is not None and field.is_required():
            envelope[name] = sdk_examples.example(field.annotation)
        else:
            envelope[name] = None
    return envelope


def resolve(module: str, expression: str) -> Any:
    """What ``expression`` (a name, ``a.b``, ``X[Y]``) means in ``module``'s namespace."""
    namespace = vars(importlib.import_module(module))
    return _evaluate(ast.parse(expression, mode="eval").body, namespace)


def _evaluate(node: ast.expr, namespace: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return namespace[node.id] if node.id in namespace else getattr(builtins, node.id)
    if isinstance(node, ast.Attribute):
        return getattr(_evaluate(node.value, namespace), node.attr)
    if isinstance(node, ast.Subscript):
        return _evaluate(node.value, namespace)[_evaluate(node.slice, namespace)]
    if isinstance(node, ast.Tuple):
        return tuple(_evaluate(element, namespace) for element in node.elts)
    if isinstance(node, ast.Constant):
        return node.value
    raise ValueError(f"not a type expression: {ast.unparse(node)}")


def _is_binary(value: Any) -> bool:
    """A response class of the SDK's own (``BinaryAPIResponse``): the body is bytes."""
    if not isinstance(value, type) or sdk_examples.is_model(value):
        return False
    return value not in sdk_examples.SCALARS


def _asks_stream(request: FakeRequest, sdk_route: SdkRoute) -> bool:
    if sdk_route.streams is not None:
        return False
    try:
        body = json.loads(request.raw) if request.raw else None
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("stream") is True


def _stream(event: Any, request_id: str) -> FakeResponse:
    """One event of the stream's type, named by its ``type`` as the API names events."""
    name = event.get("type") if isinstance(event, dict) else None
    chunk = sse.encode(name if isinstance(name, str) else "message", event)
    headers = {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        "request-id": request_id,
    }
    return FakeResponse(status=200, headers=headers, chunks=[chunk], payload=event)


def _with_id(payload: Any, sdk_route: SdkRoute, params: Mapping[str, str]) -> Any:
    """The object carrying the id asked for (the path's last parameter), as placeholders do."""
    names = re.findall(r"\{(\w+)\}", sdk_route.template)
    if not names or not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        return payload
    return {**payload, "id": params[names[-1]]}
