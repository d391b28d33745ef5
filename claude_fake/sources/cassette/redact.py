"""Pure scrubbers: what of a recorded interaction may reach disk, and what a check refuses."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from claude_fake.sources.cassette.format import Interaction
from claude_fake.wire.credentials import CONNECTION_HEADERS, CREDENTIAL_HEADERS, REDACTED, SECRET

# Request headers that only describe one connection or one attempt.
VOLATILE_REQUEST_HEADERS = CONNECTION_HEADERS | {
    "x-stainless-retry-count",
    "x-stainless-timeout",
    "x-stainless-read-timeout",
}
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


def request_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """The request headers worth storing: no credentials, no per-connection values."""
    drop = CREDENTIAL_HEADERS | VOLATILE_REQUEST_HEADERS | {h.lower() for h in extra}
    return {k: scrub_text(v) for k, v in headers.items() if k.lower() not in drop}


def response_headers(headers: Mapping[str, str], extra: Iterable[str] = ()) -> dict[str, str]:
    """The response headers worth storing; ``retry-after`` and rate-limit headers are kept."""
    drop = DENY_RESPONSE_HEADERS | HOP_RESPONSE_HEADERS | CREDENTIAL_HEADERS
    drop |= {h.lower() for h in extra}
    return {k: scrub_text(v) for k, v in headers.items() if k.lower() not in drop}


def redact(interaction: Interaction, extra_headers: Iterable[str] = ()) -> Interaction:
    """The interaction as it may be written: headers filtered, keys scrubbed everywhere."""
    extra = tuple(extra_headers)
    req, resp = interaction.request, interaction.response
    events = resp.events
    if events is not None:
        events = tuple((name, scrub_json(data)) for name, data in events)
    return Interaction(
        request=dataclasses.replace(
            req,
            uri=scrub_text(req.uri),
            headers=request_headers(req.headers, extra),
            body=scrub_json(req.body),
            text=None if req.text is None else scrub_text(req.text),
        ),
        response=dataclasses.replace(
            resp,
            headers=response_headers(resp.headers, extra),
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
