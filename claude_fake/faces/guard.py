"""Who may talk to the server: the Host and Origin checks (every path), the key on ``/_fake/*``,
and JSON-only scripting. Each check is a pure function of the request's headers; a refusal is a
ClaudeFakeError saying what happened, why, and how to fix it.

Why: the server sits on a port any web page in the developer's browser can reach. A cross-site
page cannot set ``Content-Type: application/json`` without a CORS preflight (which the fake never
grants), its requests carry an ``Origin`` that is not ours, and a DNS-rebinding page's requests
carry its own name in ``Host``. So a browser page can neither script nor read the server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from claude_fake.errors import ClaudeFakeError
from claude_fake.wire.credentials import REDACTED, SECRET

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
OPEN_ROUTES = frozenset({("GET", "/_fake/health")})


class Refused(ClaudeFakeError):
    """A request the server will not serve; ``status`` and ``error_type`` say how it answers."""

    def __init__(self, status: int, error_type: str, what: str, *, why: str, fix: str) -> None:
        super().__init__(what, why=why, fix=fix, anchor="server")
        self.status, self.error_type = status, error_type


def host_name(value: str) -> str:
    """The name part of a ``Host`` value (``[::1]:8787`` -> ``[::1]``), lower-case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.partition("]")[0] + "]"
    return value.rpartition(":")[0] if value.count(":") == 1 else value


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass(frozen=True, slots=True, kw_only=True)
class Guard:
    """The names the server answers to (no ports), and the key that opens ``/_fake/*``."""

    hosts: frozenset[str]
    api_key: str | None = None

    @classmethod
    def build(cls, bound: str, allow: Iterable[str] = (), api_key: str | None = None) -> Guard:
        """Loopback names, the bound host, and each allowed name."""
        names = {*LOOPBACK_NAMES, _bracketed(bound.lower()), *(host_name(a) for a in allow)}
        return cls(hosts=frozenset(names), api_key=api_key)

    def check_origin(self, headers: Mapping[str, str]) -> None:
        """403 unless ``Host`` is one of ours and ``Origin`` (when sent) is our own."""
        host = headers.get("host")
        if host is not None and host_name(host) not in self.hosts:
            raise Refused(
                403,
                "permission_error",
                f"Host {host!r} is not a name this server answers to.",
                why="A request for another name reaching this port is what a DNS-rebinding web "
                "page sends; answering it would let that page read and script the fake. "
                f"Names answered: {', '.join(sorted(self.hosts))}.",
                fix=f"Use one of those names, or start the server with --allow-host "
                f"{host_name(host)}.",
            )
        origin = headers.get("origin")
        if origin is not None and _not_own(origin, host):
            raise Refused(
                403,
                "permission_error",
                f"Origin {origin!r} is not this server's own.",
                why="Browsers send Origin with requests a web page makes; a page from another "
                "origin must not script, read or spend the fake (or the key it records with).",
                fix="Call the fake from your code or tests, not from a web page of another "
                "origin; a page served by the fake itself (/_fake/ui) is its own origin.",
            )

    def check_key(self, method: str, path: str, headers: Mapping[str, str]) -> None:
        """401 for ``/_fake/*`` (but ``GET /_fake/health``) without the key, when one is set."""
        if self.api_key is None or (method, path) in OPEN_ROUTES:
            return
        given = presented_key(headers)
        if given == self.api_key:
            return
        raise Refused(
            401,
            "authentication_error",
            f"{method} {path} needs the server's API key; "
            + ("none was sent." if given is None else "the key sent is not it."),
            why="The server was started with --require-api-key: the scripting API can read "
            "every prompt and decide every answer, so it takes the same key as /v1.",
            fix="Send the key as x-api-key: KEY (or Authorization: Bearer KEY).",
        )


def _not_own(origin: str, host: str | None) -> bool:
    own = (host or "").strip().lower()
    return not own or origin.strip().lower() not in (f"http://{own}", f"https://{own}")


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key a request presents: ``x-api-key`` wins over ``Authorization: Bearer``."""
    if "x-api-key" in headers:
        return headers["x-api-key"]
    scheme, _, token = headers.get("authorization", "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def check_json(method: str, path: str, headers: Mapping[str, str]) -> None:
    """415 for a ``/_fake/*`` POST whose body is not declared JSON (an empty body needs none)."""
    if method != "POST":
        return
    kind = headers.get("content-type")
    bodiless = headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers
    if kind is None and bodiless:
        return  # no body at all: `curl -X POST .../_fake/reset`
    media = (kind or "").partition(";")[0].strip().lower()
    if media == "application/json":
        return
    raise Refused(
        415,
        "invalid_request_error",
        f"POST {path} takes JSON; the body was sent as {kind or 'no Content-Type'}.",
        why="The scripting API reads JSON only, and a web page can send text/plain or forms to "
        "any port without asking: refusing them keeps such pages from scripting the fake.",
        fix="Send Content-Type: application/json (curl: -H 'content-type: application/json').",
    )


def own_error(exc: ClaudeFakeError, error_type: str) -> dict[str, Any]:
    """The scripting API's error envelope: the API's shape, plus what, why and fix apart."""
    parts = {"what": exc.what, "why": exc.why, "fix": exc.fix}
    error = {"type": error_type, "message": redact(str(exc))}
    error.update((key, redact(value)) for key, value in parts.items())
    return {"type": "error", "error": error}


def redact(text: str) -> str:
    """``text`` with every ``sk-ant-`` key replaced."""
    return SECRET.sub(REDACTED, text) if "sk-ant-" in text else text
