"""The request headers that carry credentials, and what stands in for them wherever requests are
shown or stored (cassettes, ``/_fake/requests``, snapshots). A leaf module: cheap to import."""

from __future__ import annotations

REDACTED = "<redacted>"
# Credentials: never stored, whatever the configuration says.
CREDENTIAL_HEADERS = frozenset({"x-api-key", "authorization", "cookie", "proxy-authorization"})
