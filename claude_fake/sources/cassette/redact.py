"""Pure scrubbers: what of a recorded interaction may reach disk, and what a check refuses.

Always: credentials (``x-api-key``, ``authorization``, cookies), per-connection headers, the SDK's
own headers (``user-agent``, ``x-stainless-*``: they change with every SDK upgrade), any
``sk-ant-`` string, and the response headers that identify the account or one call. On top, the
user's ``Filters``: header names, query parameters, and JSON paths of the request body (their
values become ``<redacted>``). The same cleaning is applied to a live request before it is
matched, so a request that held a key (or a filtered value) matches its recording.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from claude_fake.sources.cassette.format import Interaction, RecordedRequest
from claude_fake.wire.credentials import CONNECTION_HEADERS, CREDENTIAL_HEADERS, REDACTED, SECRET

# Request headers that only describe one connection, one attempt, or the client's SDK and
# platform (every ``x-stainless-*`` header too): none is part of what a request asks.
VOLATILE_REQUEST_HEADERS = CONNECTION_HEADERS | {"user-agent", "x-claude-code-session-id"}
SDK_HEADER_PREFIX = "x-stainless-"
# Response headers that identify the account or one call; removed by default.
DENY_RESPONSE_HEADERS = frozenset(
    {
        "anthropic-organization-id",
        "anthropic-workspace-id",
        "request-id",
        "cf-ray",
        "set-cookie",
        "date",
        "x-envoy-upstream-service-time",
    }
)
# Response headers about the transfer, not the answer (bodies are stored decoded).
HOP_RESPONSE_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}
)
# Headers whose value, if present and not masked, makes ``check`` fail.
CHECKED_HEADERS = CREDENTIAL_HEADERS | {
    "set-cookie",
    "anthropic-organization-id",
    "anthropic-workspace-id",
}
_MASKED = re.compile(r"[A-Za-z]*_?[0\-]*")


def scrub_text(text: str) -> str:
    """``text`` with every ``sk-ant-`` key replaced by the redaction marker."""
    return SECRET.sub(REDACTED, text) if "sk-ant-" in text else text


def scrub_json(value: Any) -> Any:
    """A copy of a JSON value with every ``sk-ant-`` string (keys included) scrubbed."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub_text(k): scrub_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v) for v in value]
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """What the user filters out on top of the defaults."""

    headers: frozenset[str] = frozenset()  # lower-case header names, requests and responses
    query: frozenset[str] = frozenset()  # query parameter names
    body: tuple[str, ...] = ()  # dotted JSON paths of the request body (``*`` for any)

    @classmethod
    def of(cls, headers: Iterable[str], query: Iterable[str], body: Iterable[str]) -> Filters:
        """Filters from settings."""
        return cls(
            headers=frozenset(h.lower() for h in headers),
            query=frozenset(query),
            body=tuple(body),
        )


NO_FILTERS = Filters()


def request_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """The request headers worth storing: no credentials, per-connection or SDK headers."""
    drop = CREDENTIAL_HEADERS | VOLATILE_REQUEST_HEADERS | {h.lower() for h in extra}
    return {
        k: scrub_text(v)
        for k, v in headers.items()
        if k.lower() not in drop and not k.lower().startswith(SDK_HEADER_PREFIX)
    }


def filter_uri(uri: str, names: Iterable[str]) -> str:
    """``uri`` without the named query parameters, and with any key scrubbed."""
    names = frozenset(names)
    parts = urlsplit(uri)
    if not names or not parts.query:
        return scrub_text(uri)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    return scrub_text(urlunsplit(parts._replace(query=urlencode(kept))))


def _mask(value: Any, parts: Sequence[str]) -> Any:
    head, rest = parts[0], parts[1:]
    if isinstance(value, dict):
        return {
            k: (_mask(v, rest) if rest else REDACTED) if head in ("*", k) else v
            for k, v in value.items()
        }
    if isinstance(value, list):
        picked = range(len(value)) if head == "*" else [int(head)] if head.isdigit() else []
        return [
            (_mask(v, rest) if rest else REDACTED) if i in picked else v
            for i, v in enumerate(value)
        ]
    return value


def filter_body(body: Any, paths: Iterable[str]) -> Any:
    """``body`` with the value at each dotted path replaced by the redaction marker."""
    for dotted in paths:
        body = _mask(body, dotted.split("."))
    return body


def clean_request(req: RecordedRequest, filters: Filters = NO_FILTERS) -> RecordedRequest:
    """A request as it may be stored (and as it is matched): filtered and scrubbed."""
    body = req.body
    if filters.body and body is not None:
        body = filter_body(body, filters.body)
    return dataclasses.replace(
        req,
        uri=filter_uri(req.uri, filters.query),
        headers=request_headers(req.headers, filters.headers),
        body=scrub_json(body),
        text=None if req.text is None else scrub_text(req.text),
    )


def response_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """The response headers worth storing; ``retry-after`` and rate-limit headers are kept."""
    drop = DENY_RESPONSE_HEADERS | HOP_RESPONSE_HEADERS | CREDENTIAL_HEADERS
    drop |= {h.lower() for h in extra}
    return {k: scrub_text(v) for k, v in headers.items() if k.lower() not in drop}


def redact(interaction: Interaction, filters: Filters = NO_FILTERS) -> Interaction:
    """The interaction as it may be written: headers filtered, keys scrubbed everywhere."""
    resp = interaction.response
    events = resp.events
    if events is not None:
        events = tuple((name, scrub_json(data)) for name, data in events)
    return Interaction(
        request=clean_request(interaction.request, filters),
        response=dataclasses.replace(
            resp,
            headers=response_headers(resp.headers, filters.headers),
            body=scrub_json(resp.body),
            events=events,
            text=None if resp.text is None else scrub_text(resp.text),
        ),
    )


def is_masked(value: str) -> bool:
    """Whether a header value is a placeholder: the marker, empty, or zeros after a prefix."""
    return value in ("", REDACTED) or _MASKED.fullmatch(value) is not None


def header_problems(headers: Mapping[str, str], where: str) -> Iterator[str]:
    """A line per checked header that carries a real value."""
    for name, value in headers.items():
        if name.lower() in CHECKED_HEADERS and not is_masked(value):
            yield f"{where}: header {name!r} has a value; it must not be stored"


def secret_problems(text: str, where: str) -> Iterator[str]:
    """A line per ``sk-ant-`` string in ``text``."""
    for found in SECRET.finditer(text):
        yield f"{where}: an 'sk-ant-' string is present (at character {found.start()})"
