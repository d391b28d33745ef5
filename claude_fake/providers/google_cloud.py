"""Claude on Google Cloud, Anthropic managed (the SDK's ``AnthropicGoogleCloud``): the whole
first-party API proxied verbatim under ``/v1/projects/{p}/locations/{l}/workspaces/{w}/invoke``
(organization routes under ``.../claudeOrganization/invoke``), with a Google bearer token or
none (``skip_auth=True``). Answers are the first-party ones.
"""

from __future__ import annotations

import re

from claude_fake.model import FakeRequest
from claude_fake.providers.base import Translation, rerouted

NAME = "google_cloud"
PREFIX = re.compile(
    r"^(?:/v1)?/projects/[^/]+/locations/[^/]+/(?:workspaces/[^/]+|claudeOrganization)/invoke"
    r"(?=/v1/)"
)


def translate(request: FakeRequest) -> Translation | None:
    """The first-party form of a Google Cloud gateway request; None for any other path."""
    found = PREFIX.match(request.path)
    if found is None:
        return None
    return rerouted(request, NAME, request.path[found.end() :])
