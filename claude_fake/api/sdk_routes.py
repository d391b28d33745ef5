"""The endpoints an ``anthropic`` SDK calls, read from its own source: every
``self._get/_post/_put/_patch/_delete/_get_api_list(path, ..., cast_to=X | page=Page[X])`` in its
``resources/`` package, with the path as a pattern (``/v1/agents/{agent_id}``) and the response
type as the source names it (resolved later, in ``api.sdk_surface``). Reading the installed SDK,
not a list of ours, covers a newer SDK's endpoints too. Pure: source text in, routes out."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VERBS = {"_get": "GET", "_post": "POST", "_put": "PUT", "_patch": "PATCH", "_delete": "DELETE"}
LISTS = "_get_api_list"
CALL = re.compile(r"\bself\.(?:_get|_post|_put|_patch|_delete|_get_api_list)\(")
PARENS = re.compile(r"[()]")


@dataclass(frozen=True)
class SdkRoute:
    """One endpoint: ``cast_to``, ``page``, ``item`` are expressions in ``module``'s namespace.

    ``page``: the page class of a list endpoint, ``item`` its items (or a stream's events);
    ``streams``: True when always answered as SSE, None when the body's ``stream`` decides;
    ``qualifiers``: the query the SDK's mock server tells this route by (``beta=true``,
    ``bedrock=true``: one path, several declared types)."""

    method: str
    template: str
    module: str
    cast_to: str | None = None
    page: str | None = None
    item: str | None = None
    streams: bool | None = False
    qualifiers: tuple[tuple[str, str], ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regular expression; each ``{param}`` is one path segment."""
        parts = re.split(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", self.template)
        text = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^/]+)"
            for index, part in enumerate(parts)
        )
        return re.compile(text)

    @property
    def literal_segments(self) -> int:
        """How many path segments are fixed text: the more, the more specific the route."""
        return sum(1 for part in self.template.split("/") if part and "{" not in part)


def read(package: Path) -> tuple[SdkRoute, ...]:
    """The routes of the SDK whose package directory is ``package``, each once, in file order.
    One method and path may have several (``user_profiles`` and ``beta.user_profiles`` declare
    different types for the same endpoint)."""
    found: dict[SdkRoute, None] = {}
    for path in sorted((package / "resources").rglob("*.py")):
        module = ".".join((package.name, *path.relative_to(package).with_suffix("").parts))
        found.update(dict.fromkeys(routes_in(path.read_text(encoding="utf-8"), module)))
    return tuple(found)


def routes_in(source: str, module: str) -> Iterator[SdkRoute]:
    """The routes the calls in one module's ``source`` make."""
    for call in _calls(source):
        found = _route(call, module)
        if found is not None:
            yield found


def _calls(source: str) -> list[ast.Call]:
    """The ``self._get(...)``-like calls in ``source``: each call's text alone is parsed (four
    times faster than the module); the whole module when one will not parse on its own."""
    calls: list[ast.Call] = []
    for start in CALL.finditer(source):
        depth, end = 0, len(source)
        for paren in PARENS.finditer(source, start.end() - 1):
            depth += 1 if paren.group() == "(" else -1
            if depth == 0:
                end = paren.end()
                break
        try:
            node = ast.parse(source[start.start() : end], mode="eval").body
        except SyntaxError:
            tree = ast.walk(ast.parse(source))
            return [node for node in tree if isinstance(node, ast.Call)]
        if isinstance(node, ast.Call):
            calls.append(node)
    return calls


def _route(call: ast.Call, module: str) -> SdkRoute | None:
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    if func.value.id != "self" or (func.attr not in VERBS and func.attr != LISTS) or not call.args:
        return None
    template = _path(call.args[0])
    if template is None:
        return None
    kwargs = {kw.arg: kw.value for kw in call.keywords if kw.arg is not None}
    qualifiers = _qualifiers(kwargs.get("options"))
    if func.attr == LISTS:
        method = _text(kwargs.get("method")) or "get"
        page, item = _subscript(kwargs.get("page"))
        model = _uncast(kwargs.get("model"))
        item = ast.unparse(model) if model is not None else item
        return SdkRoute(
            method.upper(), template, module, page=page, item=item, qualifiers=qualifiers
        )
    cast_to = _uncast(kwargs.get("cast_to"))
    _, events = _subscript(kwargs.get("stream_cls"))
    return SdkRoute(
        VERBS[func.attr],
        template,
        module,
        cast_to=None if cast_to is None else ast.unparse(cast_to),
        item=events,
        streams=_streams(kwargs.get("stream")) if events else False,
        qualifiers=qualifiers,
    )


def _path(node: ast.expr) -> str | None:
    """``"/v1/x"``, ``f"/v1/x/{x_id}"`` or ``path_template("/v1/x/{x_id}", ...)`` as a template."""
    if isinstance(node, ast.Call) and node.args:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else None
        name = node.func.id if isinstance(node.func, ast.Name) else name
        return _text(node.args[0]) if name == "path_template" else None
    if isinstance(node, ast.JoinedStr):
        parts = [
            "{" + ast.unparse(part.value) + "}"
            if isinstance(part, ast.FormattedValue)
            else _text(part)
            for part in node.values
        ]
        return None if None in parts else "".join(p for p in parts if p is not None)
    return _text(node)


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _uncast(node: ast.expr | None) -> ast.expr | None:
    """``cast(Any, X)`` (how the SDK passes a union) as ``X``; any other expression as it is."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cast":
        return node.args[1] if len(node.args) == 2 else None
    return node


def _subscript(node: ast.expr | None) -> tuple[str | None, str | None]:
    """``SyncPage[X]`` as ("SyncPage", "X"); (None, None) for anything else."""
    if isinstance(node, ast.Subscript):
        return ast.unparse(node.value), ast.unparse(node.slice)
    return None, None


def _qualifiers(options: ast.expr | None) -> tuple[tuple[str, str], ...]:
    """``options=make_request_options(..., qualifiers={"beta": "true"})`` as its pairs."""
    if not isinstance(options, ast.Call):
        return ()
    found = next((kw.value for kw in options.keywords if kw.arg == "qualifiers"), None)
    if not isinstance(found, ast.Dict):
        return ()
    pairs = (
        (_text(key), _text(value)) for key, value in zip(found.keys, found.values, strict=True)
    )
    return tuple(sorted((key, value) for key, value in pairs if key and value is not None))


def _streams(node: ast.expr | None) -> bool | None:
    """``stream=True``: always a stream; absent or False: never; an expression: as asked."""
    if node is None or isinstance(node, ast.Constant):
        return bool(node.value) if isinstance(node, ast.Constant) else False
    return None
