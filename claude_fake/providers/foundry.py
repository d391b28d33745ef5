"""Microsoft Foundry's face: the first-party API under ``/anthropic`` (the SDK's
``AnthropicFoundry`` with ``https://{resource}.services.ai.azure.com/anthropic/``), keyed by
``x-api-key`` and ``api-key``, or an Azure AD bearer token. Answers are the first-party ones.

Amazon Bedrock's Mantle endpoint (``AnthropicBedrockMantle``) shares the ``/anthropic`` prefix;
its SigV4 scope (service ``bedrock-mantle``) names it ``bedrock`` in the journal.
"""

from __future__ import annotations

from claude_fake.model import FakeRequest
from claude_fake.providers import aws
from claude_fake.providers.base import Translation, rerouted

NAME = "foundry"
PREFIX = "/anthropic/v1/"


def translate(request: FakeRequest) -> Translation | None:
    """The first-party form of a Foundry request; None when the path is not Foundry's."""
    if not request.path.startswith(PREFIX):
        if "api-key" in request.headers and request.path.startswith("/v1/"):
            return rerouted(request, NAME, request.path)  # Foundry's client at the fake's root
        return None
    service, headers = aws.signed(request)
    provider = "bedrock" if service == "bedrock-mantle" else NAME
    return rerouted(request, provider, request.path[len("/anthropic") :], headers)
