"""Stable snapshots of what a test sent and got: ids, dates, secrets and SDK-version headers masked.

With syrupy, ``assert claude_fake.requests == snapshot`` compares ``serialize(requests)``, so the
snapshot holds across runs, seeds and machines. For anything else, pass the matcher:
``assert value == snapshot(matcher=claude_fake.snapshot.matcher)``. Ids are numbered by first
appearance (``<toolu_1>``), so a tool call and the ``tool_result`` that answers it still match.
Nothing here imports syrupy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from claude_fake.model import FakeRequest
from claude_fake.wire.credentials import CREDENTIAL_HEADERS, REDACTED

__all__ = ["DROPPED_HEADERS", "RequestLog", "mask_text", "matcher", "serialize"]

# Headers that describe the client's platform, SDK version, connection or attempt.
DROPPED_HEADERS = frozenset(
    {"user-agent", "host", "content-length", "accept-encoding", "connection", "keep-alive"}
)
DROPPED_PREFIXES = ("x-stainless-",)
OPAQUE_KEYS = frozenset({"signature", "encrypted_content"})

_ID = re.compile(r"\b(msg|toolu|srvtoolu|mcptoolu|req|msgbatch|file|compact)_[0-9A-Za-z]{12,}\b")
_SECRET = re.compile(r"sk-ant-[A-Za-z0-9_\-]+")
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_HTTP_DATE = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT"
)


class _Ids:
    """Numbers each distinct id by kind, in order of first appearance."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, found: re.Match[str]) -> str:
        whole, kind = found.group(0), found.group(1)
        if whole not in self.seen:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.seen[whole] = f"<{kind}_{self.counts[kind]}>"
        return self.seen[whole]


def mask_text(text: str, ids: _Ids | None = None) -> str:
    """``text`` with ids, dates and ``sk-ant-`` keys replaced by stable placeholders."""
    text = _SECRET.sub(REDACTED, text)
    text = _ID.sub(ids or _Ids(), text)
    text = _ISO.sub("<datetime>", text)
    return _HTTP_DATE.sub("<date>", text)


def _headers(headers: Mapping[str, str], ids: _Ids) -> dict[str, str]:
    out = {}
    for name in sorted(headers):
        key = name.lower()
        if key in DROPPED_HEADERS or key.startswith(DROPPED_PREFIXES):
            continue
        out[key] = REDACTED if key in CREDENTIAL_HEADERS else mask_text(str(headers[name]), ids)
    return out


def _request(request: FakeRequest, ids: _Ids) -> dict[str, Any]:
    out: dict[str, Any] = {"method": request.method, "path": request.path}
    if request.query:
        out["query"] = mask_text(request.query, ids)
    out["headers"] = _headers(request.headers, ids)
    if request.body is not None:
        out["body"] = _value(request.body, ids)
    elif request.raw:
        out["raw"] = mask_text(request.raw.decode("utf-8", errors="replace"), ids)
    out["response"] = _value(request.response, ids)
    out["source"] = None if request.source is None else str(request.source)  # plain text
    return out


def _value(value: Any, ids: _Ids) -> Any:
    if isinstance(value, FakeRequest):
        return _request(value, ids)
    if isinstance(value, str):
        return mask_text(value, ids)
    if isinstance(value, Mapping):
        return {
            mask_text(str(k), ids): (f"<{k}>" if k in OPAQUE_KEYS and v else _value(v, ids))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_value(item, ids) for item in value]
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return _value(dump(mode="json"), ids)
    return value


def serialize(value: FakeRequest | Iterable[FakeRequest] | Any) -> Any:
    """Plain, stable data for a request, a list of them, or any JSON value or SDK model."""
    if isinstance(value, FakeRequest | str | Mapping | list | tuple):
        return _value(value, _Ids())
    if isinstance(value, Iterable):
        return _value(list(value), _Ids())
    return _value(value, _Ids())


def matcher(*, data: Any, path: Any) -> Any:
    """A syrupy ``PropertyMatcher``: makes the whole value stable at the root, then keeps it."""
    return serialize(data) if not path else data


def _is_snapshot(other: object) -> bool:
    kind = type(other)
    return kind.__name__ == "SnapshotAssertion" and kind.__module__.startswith("syrupy")


class RequestLog(list[FakeRequest]):
    """The requests a test's engine saw; ``== snapshot`` compares their stable form."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if _is_snapshot(other):
            return bool(other == serialize(self))
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)
