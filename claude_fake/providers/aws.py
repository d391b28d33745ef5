"""The Claude Platform on AWS face (the SDK's ``AnthropicAWS``): the first-party API at
``aws-external-anthropic.{region}.api.aws`` with an ``anthropic-workspace-id`` header, signed
with SigV4 (service ``aws-external-anthropic``), keyed by ``x-api-key``, or unsigned
(``skip_auth=True``). Paths and answers are the first-party ones; a SigV4 request is known by its
signature's scope. With ``require_api_key``, its access key id is the key it presents.
"""

from __future__ import annotations

import re

from claude_fake.model import FakeRequest
from claude_fake.providers.base import Translation, rerouted

NAME = "aws"
SERVICE = "aws-external-anthropic"
SIGV4 = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/[^/]*/[^/]*/(?P<service>[^/]+)/"
)


def signed(request: FakeRequest) -> tuple[str | None, dict[str, str]]:
    """(SigV4 service, the access key id as ``x-api-key``) of a signed request; (None, {})."""
    found = SIGV4.match(request.headers.get("authorization", ""))
    if found is None:
        return None, {}
    return found["service"], {"x-api-key": found["key"]}


def translate(request: FakeRequest) -> Translation | None:
    """The first-party form of a SigV4-signed AWS request; None for any other request."""
    if not request.path.startswith("/v1/"):
        return None
    service, headers = signed(request)
    if service != SERVICE:
        return None
    return rerouted(request, NAME, request.path, headers)
