"""The match key of a request, and where two requests differ (for the miss message). Pure.

A request matches a recording on: the method, the path (``?beta=true`` ignored, trailing slashes
dropped; other query parameters kept, sorted), the ``anthropic-beta`` header as a set, and the
canonical JSON body (key order, ``stream`` and the ignored paths removed; ``1.0 == 1``; volatile
text normalised by the matching profile, see ``profile.py``).
Foreign cassettes whose recorder kept no ``anthropic-version`` header kept no ``anthropic-beta``
either, so for them the beta set is unknown and matches any.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any
from urllib.parse import parse_qsl, urlencode

from claude_fake.sources.cassette.profile import Normalizer
from claude_fake.wire.jsontext import canonical as _dumps

DEFAULT_MATCH_ON = ("method", "path", "query", "anthropic-beta", "body")
DEFAULT_IGNORE_FIELDS = ("metadata.user_id",)
MAX_DIFFS = 6
WINDOW = 36  # characters shown on each side of where two long texts start to differ

Key = tuple[str, str, str, str]
_INTEGRAL_FLOAT = re.compile(r"\d\.0+(?![0-9])|\d(?:\.\d*)?[eE]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Shape:
    """What of a request takes part in matching: its key, its beta set, its comparable body."""

    key: Key
    betas: frozenset[str] | None
    body: Any
    anchors: Mapping[str, str] = field(default_factory=dict)


def normal_path(path: str) -> str:
    """The path without a query and trailing slashes (``/`` stays ``/``)."""
    path = path.split("?", 1)[0]
    return path.rstrip("/") or "/"


def normal_query(query: str) -> str:
    """The query string sorted, without ``beta=true``."""
    if not query or query == "beta=true":
        return ""
    pairs = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "beta")
    return urlencode(pairs)


def betas_of(headers: Mapping[str, str]) -> frozenset[str] | None:
    """The ``anthropic-beta`` set; None when the recording kept no API headers at all."""
    raw = headers.get("anthropic-beta")
    if raw is None and "anthropic-version" not in headers:
        return None
    return frozenset(b.strip() for b in (raw or "").split(",") if b.strip())


def _normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def _drop(value: Any, parts: Sequence[str]) -> Any:
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        if head != "*" and head not in value:
            return value
        if not rest:
            return {k: v for k, v in value.items() if head not in ("*", k)}
        return {k: _drop(v, rest) if head in ("*", k) else v for k, v in value.items()}
    if isinstance(value, list):
        picked = range(len(value)) if head == "*" else [int(head)] if head.isdigit() else []
        if not rest:
            return [v for i, v in enumerate(value) if i not in picked]
        return [_drop(v, rest) if i in picked else v for i, v in enumerate(value)]
    return value


def comparable_body(body: Any, ignore_paths: Sequence[str] = DEFAULT_IGNORE_FIELDS) -> Any:
    """The body as matched: ``stream`` and the ignored dotted paths removed."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "stream"}
    for dotted in ignore_paths:
        body = _drop(body, dotted.split("."))
    return body


def shape(
    method: str,
    path: str,
    query: str,
    headers: Mapping[str, str],
    body: Any,
    *,
    match_on: Sequence[str] = DEFAULT_MATCH_ON,
    ignore_paths: Sequence[str] = DEFAULT_IGNORE_FIELDS,
    normalizer: Normalizer | None = None,
) -> Shape:
    """The match shape of one request (incoming or recorded)."""
    comparable = comparable_body(body, ignore_paths)
    text = _dumps(comparable)
    if _INTEGRAL_FLOAT.search(text):  # only then can a number need normalising (1.0 -> 1)
        comparable = _normal(comparable)
        text = _dumps(comparable)
    anchors: dict[str, str] = {}
    if normalizer is not None and normalizer.applies(text):
        anchors = normalizer.anchors(comparable)
        comparable = normalizer.normalize(comparable, anchors)
        text = _dumps(comparable)
    key = (
        method.upper() if "method" in match_on else "",
        normal_path(path) if "path" in match_on else "",
        normal_query(query) if "query" in match_on else "",
        text if "body" in match_on else "",
    )
    betas = betas_of(headers) if "anthropic-beta" in match_on else None
    return Shape(key=key, betas=betas, body=comparable, anchors=anchors)


def betas_match(sent: frozenset[str] | None, recorded: frozenset[str] | None) -> bool:
    """Whether the beta sets agree (an unknown set agrees with any)."""
    return recorded is None or sent is None or sent == recorded


def diff_paths(recorded: Any, sent: Any, path: str = "$") -> Iterator[tuple[str, Any, Any]]:
    """Each JSON path where two values differ, with (recorded, sent); ``...`` marks absence."""
    if isinstance(recorded, dict) and isinstance(sent, dict):
        for key in sorted(set(recorded) | set(sent), key=str):
            sub = f"{path}.{key}" if str(key).isidentifier() else f"{path}[{json.dumps(key)}]"
            yield from diff_paths(recorded.get(key, ...), sent.get(key, ...), sub)
    elif isinstance(recorded, list) and isinstance(sent, list):
        for i in range(max(len(recorded), len(sent))):
            a = recorded[i] if i < len(recorded) else ...
            b = sent[i] if i < len(sent) else ...
            yield from diff_paths(a, b, f"{path}[{i}]")
    elif recorded != sent or type(recorded) is not type(sent):
        yield path, recorded, sent


def differences(recorded: Shape, sent: Shape) -> list[tuple[str, Any, Any]]:
    """Where a recorded request differs from the one sent: key parts, betas, body paths."""
    out: list[tuple[str, Any, Any]] = []
    for name, a, b in zip(("method", "path", "query"), recorded.key, sent.key, strict=False):
        if a != b:
            out.append((name, a, b))
    if not betas_match(sent.betas, recorded.betas):
        out.append(("header anthropic-beta", _betas(recorded.betas), _betas(sent.betas)))
    out.extend(diff_paths(recorded.body, sent.body))
    return out


def _betas(betas: frozenset[str] | None) -> str:
    return ",".join(sorted(betas or ())) or "(none)"


def _closeness(diffs: Sequence[tuple[str, Any, Any]]) -> float:
    """How alike the differing values are (1.0 = nearly equal), to break ties between entries."""
    if not diffs:
        return 1.0
    ratios = [SequenceMatcher(None, short(a, 200), short(b, 200)).ratio() for _, a, b in diffs]
    return sum(ratios) / len(ratios)


def nearest(
    sent: Shape, recorded: Sequence[Shape]
) -> tuple[int, list[tuple[str, Any, Any]]] | None:
    """The closest recording: same method and path first, then the fewest differences, then the
    most alike differing values."""
    best: tuple[tuple[int, int, float], int, list[tuple[str, Any, Any]]] | None = None
    for index, candidate in enumerate(recorded):
        diffs = differences(candidate, sent)
        same_route = 0 if candidate.key[:2] == sent.key[:2] else 1
        score = (same_route, len(diffs), -_closeness(diffs))
        if best is None or score < best[0]:
            best = (score, index, diffs)
    return None if best is None else (best[1], best[2])


def short(value: Any, limit: int = 60) -> str:
    """A value as compact JSON, truncated."""
    if value is ...:
        return "absent"
    text = _dumps(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else _dumps(value)


def contrast(recorded: Any, sent: Any) -> str:
    """``(a recorded, b sent)``; for long values, the window where they start to differ."""
    if recorded is ... or sent is ...:
        return f"({short(recorded)} recorded, {short(sent)} sent)"
    a, b = _text(recorded), _text(sent)
    if len(a) <= 2 * WINDOW and len(b) <= 2 * WINDOW:
        return f"({short(recorded, 2 * WINDOW)} recorded, {short(sent, 2 * WINDOW)} sent)"
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, at - WINDOW)

    def cut(text: str) -> str:
        piece = text[start : at + WINDOW]
        return ("…" if start else "") + piece + ("…" if at + WINDOW < len(text) else "")

    where = f"from character {at} of {len(a)} recorded, {len(b)} sent"
    return f"({where}: {cut(a)!r} recorded, {cut(b)!r} sent)"


def describe(diffs: Sequence[tuple[str, Any, Any]], limit: int = MAX_DIFFS) -> str:
    """``$.max_tokens (1024 recorded, 2048 sent) and ...``: the first differences in words."""
    parts = [f"{where} {contrast(a, b)}" for where, a, b in diffs[:limit]]
    if len(diffs) > limit:
        parts.append(f"{len(diffs) - limit} more")
    if not parts:
        return "nothing (it matches, but it was already played)"
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
