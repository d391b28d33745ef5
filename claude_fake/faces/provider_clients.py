"""The SDK's platform clients wired to an engine in-process: ``fake.client(provider=...)``.

Each is the SDK's own class, built with placeholder credentials that never leave the process
(a Vertex access token, a Bedrock API key, a Foundry key, SigV4 keys for AWS, a Google token
provider) and the base URL its provider's paths take, so requests arrive in the provider's wire
form and go through its face. Options given win over these defaults (pass ``aws_access_key`` and
``aws_secret_key`` to have a Bedrock client sign with SigV4 instead of its API key).

This module sits with ``engine.py``, above the faces: it builds transports from
``faces.transport`` around a ``ProviderHandler``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, cast

from claude_fake.providers import PROVIDERS, Handler, ProviderHandler

if TYPE_CHECKING:
    import anthropic

FAKE_TOKEN = "claude-fake-token"
PROJECT, REGION, WORKSPACE = "claude-fake", "us-east5", "wrkspc_claude_fake"
AWS_KEYS = {"aws_access_key": "AKIDCLAUDEFAKE", "aws_secret_key": "claude-fake-secret"}
AWS_CREDENTIALS = ("aws_access_key", "aws_secret_key", "aws_profile", "aws_session_token")


class Engine(Handler, Protocol):
    """What the clients need of the engine: ``handle`` and the origin its clients use."""

    origin: str


def _vertex(origin: str, options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "region": REGION,
        "project_id": PROJECT,
        "access_token": FAKE_TOKEN,
        "base_url": f"{origin}/v1",
    }


def _bedrock(origin: str, options: Mapping[str, Any]) -> dict[str, Any]:
    signed = any(name in options for name in AWS_CREDENTIALS)
    return {
        "aws_region": "us-east-1",
        "base_url": origin,
        **({} if signed else {"api_key": FAKE_TOKEN}),
    }


def _foundry(origin: str, options: Mapping[str, Any]) -> dict[str, Any]:
    return {"api_key": FAKE_TOKEN, "base_url": f"{origin}/anthropic/"}


def _aws(origin: str, options: Mapping[str, Any]) -> dict[str, Any]:
    keyed = "api_key" in options or options.get("skip_auth")
    return {
        "aws_region": "us-east-1",
        "workspace_id": WORKSPACE,
        "base_url": origin,
        **({} if keyed else AWS_KEYS),
    }


def _google_cloud(origin: str, options: Mapping[str, Any]) -> dict[str, Any]:
    path = f"/v1/projects/{PROJECT}/locations/global/workspaces/{WORKSPACE}/invoke"
    token = {} if options.get("skip_auth") else {"token_provider": lambda: FAKE_TOKEN}
    return {"base_url": origin + path, **token}


# provider -> (sync class name, async class name, default options)
_KINDS: Mapping[str, tuple[str, str, Callable[[str, Mapping[str, Any]], dict[str, Any]]]] = {
    "vertex": ("AnthropicVertex", "AsyncAnthropicVertex", _vertex),
    "bedrock": ("AnthropicBedrock", "AsyncAnthropicBedrock", _bedrock),
    "foundry": ("AnthropicFoundry", "AsyncAnthropicFoundry", _foundry),
    "aws": ("AnthropicAWS", "AsyncAnthropicAWS", _aws),
    "google_cloud": ("AnthropicGoogleCloud", "AsyncAnthropicGoogleCloud", _google_cloud),
}


def _build(engine: Engine, provider: str, options: Mapping[str, Any], *, asynchronous: bool) -> Any:
    if provider not in _KINDS:
        from claude_fake.errors import ConfigError

        raise ConfigError(
            f"unknown provider {provider!r}",
            why=f"fake.client(provider=...) takes one of: {', '.join(PROVIDERS)}.",
            fix="Pass one of those names, or no provider for the first-party client.",
            anchor="providers",
        )
    import anthropic

    from claude_fake.faces.transport import async_transport, sync_transport
    from claude_fake.wire.http import http_module

    sync_name, async_name, defaults = _KINDS[provider]
    handler = ProviderHandler(engine)
    http = http_module()
    if asynchronous:
        http_client = http.AsyncClient(transport=async_transport(handler))
    else:
        http_client = http.Client(transport=sync_transport(handler))
    cls = getattr(anthropic, async_name if asynchronous else sync_name)
    return cls(**{**defaults(engine.origin, options), "http_client": http_client, **options})


def client(engine: Engine, provider: str, options: Mapping[str, Any]) -> anthropic.Anthropic:
    """The SDK's client for ``provider`` (``AnthropicVertex``, ...), answered by ``engine``.

    Typed as ``Anthropic`` for the surface they share (``messages``, ``beta.messages``)."""
    return cast("anthropic.Anthropic", _build(engine, provider, options, asynchronous=False))


def async_client(
    engine: Engine, provider: str, options: Mapping[str, Any]
) -> anthropic.AsyncAnthropic:
    """The SDK's async client for ``provider`` (``AsyncAnthropicVertex``, ...)."""
    return cast("anthropic.AsyncAnthropic", _build(engine, provider, options, asynchronous=True))


def openai_client(engine: Engine, *, asynchronous: bool = False, **options: Any) -> Any:
    """An ``openai.OpenAI`` (or ``AsyncOpenAI``) pointed at the compatibility layer of
    ``engine``, in-process (needs the ``openai`` package)."""
    import openai

    from claude_fake.faces.transport import async_transport, sync_transport
    from claude_fake.wire.http import http_module

    handler, http = ProviderHandler(engine), http_module()
    defaults = {"api_key": FAKE_TOKEN, "base_url": f"{engine.origin}/v1/"}
    if asynchronous:
        transport = http.AsyncClient(transport=async_transport(handler))
        return openai.AsyncOpenAI(**{**defaults, "http_client": transport, **options})
    transport = http.Client(transport=sync_transport(handler))
    return openai.OpenAI(**{**defaults, "http_client": transport, **options})
