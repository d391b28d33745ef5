"""The SDK's platform clients (and the OpenAI SDK) pointed at a fake: in-process through
``fake.client(provider=...)``, or at a loopback server with each provider's own base URL shape
and placeholder credentials (SigV4 keys for Bedrock and AWS, so signing is exercised too)."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx2
import openai

from claude_fake import FakeClaude
from claude_fake.faces.provider_clients import openai_client

PROVIDERS = ("vertex", "bedrock", "foundry", "aws", "google_cloud")
MODEL = "claude-sonnet-4-6"
STRICT: dict[str, Any] = {"_strict_response_validation": True, "max_retries": 2}
AWS = {"aws_region": "us-east-1", "aws_access_key": "AKIDTEST", "aws_secret_key": "secret"}
ASK: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 200,
    "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
}
GOOGLE = "/v1/projects/p/locations/global/workspaces/wrkspc_test/invoke"
BEDROCK_BODY = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 100,
    "messages": ASK["messages"],
}
BEDROCK_MODEL_ID = f"us.anthropic.{MODEL}-v1:0"


def server_options(provider: str, url: str) -> tuple[str, dict[str, Any]]:
    """(class name, constructor options) of ``provider``'s client for a server at ``url``."""
    table: dict[str, tuple[str, dict[str, Any]]] = {
        "vertex": (
            "AnthropicVertex",
            {"region": "us-east5", "project_id": "p", "access_token": "t", "base_url": url},
        ),
        "bedrock": ("AnthropicBedrock", {**AWS, "base_url": url}),
        "foundry": ("AnthropicFoundry", {"api_key": "k", "base_url": url + "/anthropic/"}),
        "aws": ("AnthropicAWS", {**AWS, "workspace_id": "wrkspc_test", "base_url": url}),
        "google_cloud": ("AnthropicGoogleCloud", {"skip_auth": True, "base_url": url + GOOGLE}),
    }
    return table[provider]


def provider_client(fake: FakeClaude, provider: str, url: str | None, **extra: Any) -> Any:
    """A strict sync client of ``provider``: in-process when ``url`` is None."""
    if url is None:
        return fake.client(provider=provider, **STRICT, **extra)
    name, options = server_options(provider, url)
    return getattr(anthropic, name)(http_client=httpx2.Client(), **options, **STRICT, **extra)


def async_provider_client(fake: FakeClaude, provider: str, url: str | None, **extra: Any) -> Any:
    """A strict async client of ``provider``: in-process when ``url`` is None."""
    if url is None:
        return fake.async_client(provider=provider, **STRICT, **extra)
    name, options = server_options(provider, url)
    client = getattr(anthropic, "Async" + name)
    return client(http_client=httpx2.AsyncClient(), **options, **STRICT, **extra)


def openai_sdk(fake: FakeClaude, url: str | None, *, asynchronous: bool = False) -> Any:
    """A strict OpenAI client on the compatibility layer: in-process when ``url`` is None."""
    if url is None:
        return openai_client(fake, asynchronous=asynchronous, **STRICT)
    cls = openai.AsyncOpenAI if asynchronous else openai.OpenAI
    return cls(api_key="sk-ant-test", base_url=url + "/v1/", **STRICT)
