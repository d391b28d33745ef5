"""The key, as a browser can present it. A page cannot put ``x-api-key`` on a navigation or an
``EventSource``, so the page posts the key once (``POST /_fake/ui/session`` with ``x-api-key``)
and gets a cookie: an HMAC of the key (never the key), ``HttpOnly`` and ``SameSite=Strict``, so
no other site's page sends it, and it opens only the read-only routes the page uses (the feed
and ``GET /_fake/requests/ID``); scripting still needs the key itself."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from claude_fake.faces.guard import Guard

COOKIE = "claude_fake_ui"


def token(key: str) -> str:
    """The cookie's value for ``key``: an HMAC, so the cookie never reveals the key."""
    return hmac.new(key.encode(), b"claude-fake traffic page", hashlib.sha256).hexdigest()


def cookie(headers: Mapping[str, str], name: str = COOKIE) -> str | None:
    """The value of cookie ``name`` in the request's ``Cookie`` header."""
    for part in headers.get("cookie", "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value
    return None


def has_session(guard: Guard, headers: Mapping[str, str]) -> bool:
    """Whether the request carries this server's page cookie (always true without a key)."""
    if guard.api_key is None:
        return True
    given = cookie(headers)
    return given is not None and hmac.compare_digest(given, token(guard.api_key))


def admit(guard: Guard, method: str, path: str, headers: Mapping[str, str]) -> None:
    """A read route of the page: the cookie, or the key itself (401 otherwise)."""
    if not has_session(guard, headers):
        guard.check_key(method, path, headers)


def set_cookie(guard: Guard) -> list[tuple[bytes, bytes]]:
    """The ``Set-Cookie`` header a key that was accepted gets (none when there is no key)."""
    if guard.api_key is None:
        return []
    value = f"{COOKIE}={token(guard.api_key)}; Path=/; HttpOnly; SameSite=Strict"
    return [(b"set-cookie", value.encode())]
