"""Shared fixtures: the engine, and real SDK clients wired to it in-process or over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic
import pytest

from claude_fake import FakeClaude
from claude_fake.faces.server import Hub, running_server

pytest_plugins = ["pytester"]


@pytest.fixture
def fake() -> FakeClaude:
    """A fresh engine, seed 0."""
    return FakeClaude(seed=0)


@pytest.fixture(scope="session")
def hub() -> Iterator[tuple[Hub, str]]:
    """One loopback server for the whole run (per xdist worker); tests mount engines on it."""
    shared = Hub()
    with running_server(None, hub=shared) as url:
        yield shared, url


@pytest.fixture
def base_url(fake: FakeClaude, hub: tuple[Hub, str]) -> Iterator[str]:
    """The base URL of ``fake`` on the shared loopback server."""
    shared, url = hub
    prefix = shared.mount(fake)
    yield url + prefix
    shared.unmount(prefix)


@pytest.fixture(params=["inprocess", "server"])
def face(request: pytest.FixtureRequest) -> str:
    """Which face of the fake a client talks to."""
    return str(request.param)


def _options(**extra: Any) -> dict[str, Any]:
    return {"_strict_response_validation": True, "max_retries": 2, **extra}


@pytest.fixture
def client(
    fake: FakeClaude, face: str, request: pytest.FixtureRequest
) -> Iterator[anthropic.Anthropic]:
    """A strict sync SDK client, in-process or over the loopback server."""
    if face == "inprocess":
        sdk = fake.client(**_options())
    else:
        url = request.getfixturevalue("base_url")
        sdk = anthropic.Anthropic(
            base_url=url,
            api_key="sk-ant-test",
            http_client=anthropic.DefaultHttpxClient(verify=False),  # no TLS set-up on loopback
            **_options(),
        )
    with sdk:
        yield sdk


@pytest.fixture
async def aclient(
    fake: FakeClaude, face: str, request: pytest.FixtureRequest
) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """A strict async SDK client, in-process or over the loopback server."""
    if face == "inprocess":
        sdk = fake.async_client(**_options())
    else:
        url = request.getfixturevalue("base_url")
        sdk = anthropic.AsyncAnthropic(
            base_url=url,
            api_key="sk-ant-test",
            http_client=anthropic.DefaultAsyncHttpxClient(verify=False),
            **_options(),
        )
    async with sdk:
        yield sdk
