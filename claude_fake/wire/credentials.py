"""The request headers that carry credentials or describe one connection, the pattern of a key,
and what stands in for them wherever requests are shown or stored (cassettes,
``/_fake/requests``, snapshots). A leaf module: cheap to import."""

from __future__ import annotations

import re

REDACTED = "<redacted>"
# Credentials: never stored, whatever the configuration says.
CREDENTIAL_HEADERS = frozenset({"x-api-key", "authorization", "cookie", "proxy-authorization"})
# Request headers that belong to one connection: never part of what a request asked.
CONNECTION_HEADERS = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "keep-alive", "transfer-encoding"}
)
# The pattern of an Anthropic API key.
SECRET = re.compile(r"sk-ant-[A-Za-z0-9_\-]*")
