"""The cassette file model, version 1, and pure conversions between its three shapes.

* a YAML document as found on disk: claude-fake's readable form (``json:``/``events:`` keys),
  a plain vcrpy cassette (``body: {string: ...}``, possibly gzip ``!!binary``), or a
  pydantic-ai one (``parsed_body:``);
* vcrpy's in-memory form (request ``body`` text, response ``body: {string: ...}``);
* :class:`Interaction`, the value the rest of claude-fake works with.

A response recorded by claude-fake also says when it arrived (``timing: {first_byte, total,
events}``, seconds after the request went upstream, to the millisecond; ``latency.Timing``), for
``--latency recorded``. It is optional: older cassettes and other tools' have none, and vcrpy's
form has no place for it.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from claude_fake.latency import Timing
from claude_fake.wire import sse
from claude_fake.wire.jsontext import compact as _dumps

VERSION = 1
JSON = Any
Event = tuple[str, JSON]


class FormatError(ValueError):
    """A cassette document does not have the shape of a cassette."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedRequest:
    """A recorded request: headers lower-cased, body parsed JSON (or ``text`` when not JSON)."""

    method: str
    uri: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: JSON = None
    text: str | None = None

    @property
    def path(self) -> str:
        """The URI's path."""
        return urlsplit(self.uri).path or "/"

    @property
    def query(self) -> str:
        """The URI's query string."""
        return urlsplit(self.uri).query


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordedResponse:
    """A recorded answer: a JSON body, a list of SSE events, or other text."""

    status: int
    reason: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: JSON = None
    events: tuple[Event, ...] | None = None
    text: str | None = None
    timing: Timing | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Interaction:
    """One request and its answer."""

    request: RecordedRequest
    response: RecordedResponse


def _headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, str] = {}
    for key, value in raw.items():
        if type(value) is list and len(value) == 1 and type(value[0]) is str:
            out[str(key).lower()] = value[0]  # the usual case, kept fast for large cassettes
        else:
            values = value if isinstance(value, list | tuple) else [value]
            out[str(key).lower()] = ", ".join(str(v) for v in values)
    return out


def _text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, bytes | bytearray):
        return bytes(raw).decode("utf-8", errors="replace")
    return str(raw)


def _json_or_text(text: str | None) -> tuple[JSON, str | None]:
    if text is None or not text.strip():
        return None, text or None
    try:
        return json.loads(text), None
    except ValueError:
        return None, text


def _decoded(raw: Any, encoding: str) -> str | None:
    if isinstance(raw, bytes | bytearray):
        data = bytes(raw)
        if "gzip" in encoding or data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        elif "deflate" in encoding:
            data = zlib.decompress(data)
        return data.decode("utf-8", errors="replace")
    return _text(raw)


def request_from_dict(raw: Mapping[str, Any]) -> RecordedRequest:
    """A request from any of the three shapes."""
    if "method" not in raw or "uri" not in raw:
        raise FormatError("a request needs 'method' and 'uri'")
    headers = _headers(raw.get("headers"))
    if "json" in raw or "parsed_body" in raw:
        body, text = raw.get("json", raw.get("parsed_body")), None
    else:
        body, text = _json_or_text(_text(raw.get("body")))
    return RecordedRequest(
        method=str(raw["method"]).upper(),
        uri=str(raw["uri"]),
        headers=headers,
        body=body,
        text=text,
    )


def _status(raw: Any) -> tuple[int, str]:
    if isinstance(raw, Mapping):
        return int(raw.get("code", 0)), str(raw.get("message") or "")
    return int(raw), ""


def _events(raw: Any) -> tuple[Event, ...]:
    if not isinstance(raw, list):
        raise FormatError("'events' must be a list of {event, data}")
    out = []
    for item in raw:
        if not isinstance(item, Mapping) or "data" not in item:
            raise FormatError("each event needs 'event' and 'data'")
        data = item["data"]
        name = item.get("event") or (data.get("type") if isinstance(data, Mapping) else "message")
        out.append((str(name), data))
    return tuple(out)


def _seconds(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FormatError(f"timing: {what} must be a number of seconds >= 0")
    return float(value)


def timing_from_dict(raw: Any) -> Timing | None:
    """The ``timing`` of a response (None when absent)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise FormatError("'timing' must be a mapping of first_byte, total and events")
    events = raw.get("events") or []
    if not isinstance(events, list):
        raise FormatError("timing: events must be a list of seconds")
    return Timing(
        first_byte=_seconds(raw.get("first_byte", 0), "first_byte"),
        total=_seconds(raw.get("total", 0), "total"),
        events=tuple(_seconds(at, "each event") for at in events),
    )


def timing_dict(timing: Timing) -> dict[str, Any]:
    """The readable ``timing`` of a response (``Flow``: one line in YAML, wrapped if long)."""
    out = Flow(first_byte=timing.first_byte, total=timing.total)
    if timing.events:
        out["events"] = list(timing.events)
    return out


class Flow(dict[str, Any]):
    """A mapping written in YAML's flow style (``{a: 1, b: [1, 2]}``): compact, still YAML."""


def response_from_dict(raw: Mapping[str, Any]) -> RecordedResponse:
    """A response from any of the three shapes; compressed bodies are decoded."""
    response = _response(raw)
    timing = raw.get("timing")
    if timing is None:
        return response
    return dataclasses.replace(response, timing=timing_from_dict(timing))


def _response(raw: Mapping[str, Any]) -> RecordedResponse:
    if "status" not in raw:
        raise FormatError("a response needs 'status'")
    code, reason = _status(raw["status"])
    headers = _headers(raw.get("headers"))
    if "events" in raw:
        return RecordedResponse(
            status=code, reason=reason, headers=headers, events=_events(raw["events"])
        )
    if "json" in raw or "parsed_body" in raw:
        body = raw.get("json", raw.get("parsed_body"))
        return RecordedResponse(status=code, reason=reason, headers=headers, body=body)
    body_raw = raw.get("body")
    string = body_raw.get("string") if isinstance(body_raw, Mapping) else body_raw
    text = _decoded(string, headers.get("content-encoding", ""))
    headers.pop("content-encoding", None)
    if text is not None and _is_sse(headers, text):
        events = tuple(sse.decode(text))
        return RecordedResponse(status=code, reason=reason, headers=headers, events=events)
    parsed, rest = _json_or_text(text)
    return RecordedResponse(status=code, reason=reason, headers=headers, body=parsed, text=rest)


def _is_sse(headers: Mapping[str, str], text: str) -> bool:
    return "event-stream" in headers.get("content-type", "") or text.lstrip().startswith("event:")


def request_of(raw: Any) -> RecordedRequest:
    """The request of a ``{request, response}`` mapping (the response is only checked)."""
    if not isinstance(raw, Mapping) or "request" not in raw or "response" not in raw:
        raise FormatError("an interaction needs 'request' and 'response'")
    response = raw["response"]
    if not isinstance(response, Mapping) or "status" not in response:
        raise FormatError("a response needs 'status'")
    return request_from_dict(raw["request"])


def interaction_from_dict(raw: Any) -> Interaction:
    """An interaction from a ``{request, response}`` mapping of any shape."""
    return Interaction(request=request_of(raw), response=response_from_dict(raw["response"]))


def raw_interactions(doc: Any) -> list[Any]:
    """The ``interactions`` list of a loaded YAML document, unparsed."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("interactions"), list):
        raise FormatError("a cassette is a mapping with an 'interactions' list")
    return list(doc["interactions"])


def interactions_from_doc(doc: Any) -> list[Interaction]:
    """Every interaction of a loaded YAML document."""
    return [interaction_from_dict(item) for item in raw_interactions(doc)]


def _listed(headers: Mapping[str, str]) -> dict[str, list[str]]:
    return {k: [headers[k]] for k in sorted(headers)}


def _status_dict(response: RecordedResponse) -> dict[str, Any]:
    return {"code": response.status, "message": response.reason}


def readable(interaction: Interaction) -> dict[str, Any]:
    """claude-fake's readable form: JSON as mappings, streams as ``{event, data}`` lists."""
    req, resp = interaction.request, interaction.response
    request: dict[str, Any] = {
        "method": req.method,
        "uri": req.uri,
        "headers": _listed(req.headers),
    }
    if req.body is not None:
        request["json"] = req.body
    elif req.text is not None:
        request["body"] = req.text
    response: dict[str, Any] = {"status": _status_dict(resp), "headers": _listed(resp.headers)}
    if resp.timing is not None:
        response["timing"] = timing_dict(resp.timing)
    if resp.events is not None:
        response["events"] = [{"event": name, "data": data} for name, data in resp.events]
    elif resp.body is not None:
        response["json"] = resp.body
    else:
        response["body"] = {"string": resp.text or ""}
    return {"request": request, "response": response}


def readable_doc(interactions: list[Interaction]) -> dict[str, Any]:
    """A whole cassette in the readable form, ``version`` first."""
    return {"version": VERSION, "interactions": [readable(i) for i in interactions]}


def response_text(response: RecordedResponse) -> str:
    """The response body as the wire carried it (SSE re-encoded one event per block)."""
    if response.events is not None:
        return b"".join(sse.encode(name, data) for name, data in response.events).decode()
    if response.body is not None:
        return _dumps(response.body)
    return response.text or ""


def vcr_form(interaction: Interaction) -> tuple[dict[str, Any], dict[str, Any]]:
    """vcrpy's in-memory form: ``Request(**request)`` arguments and the response mapping."""
    req, resp = interaction.request, interaction.response
    body = _dumps(req.body) if req.body is not None else req.text
    request = {"method": req.method, "uri": req.uri, "body": body, "headers": _listed(req.headers)}
    response = {
        "status": _status_dict(resp),
        "headers": _listed(resp.headers),
        "body": {"string": response_text(resp)},
    }
    return request, response
