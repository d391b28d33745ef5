"""Shared fixtures: the engine, and real SDK clients wired to it in-process or over loopback."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anthropic
import pytest

import claude_fake
from claude_fake import FakeClaude
from claude_fake.faces.server import Hub, running_server

pytest_plugins = ["pytester"]

# Modules the fake, the SDK and their libraries import lazily, inside functions.
LAZY = (
    "concurrent.futures.thread",
    "httpcore2",  # httpx2 caches its httpcore2 -> httpx2 exception map on first use
    "h11",
    "opentelemetry.propagate",  # the SDK caches its trace-context injector
    "jiter",
    "faker",
    "vcr",
    "vcr.persisters.filesystem",
    "vcr.request",
    "vcr.serialize",
    "uvicorn",
    "uvicorn.lifespan.off",
    "uvicorn.loops.auto",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.httptools_impl",
)
LAZY_IF_INSTALLED = ("uvloop", "uvicorn.loops.uvloop")  # not on Windows or PyPy


def _import_eagerly() -> None:
    """Load every claude_fake module and the lazy imports above before any test runs.

    pytester's in-process runs (``runpytest``, ``inline_run``) restore ``sys.modules`` to what it
    held before the run, dropping whatever the run imported first. A module loaded first inside
    such a run is imported again afterwards, as a second copy whose classes are not the ones
    already cached by the modules kept: httpx2's exception map then holds the old
    ``httpcore2.ConnectError``, and the new copy's errors escape the SDK's error mapping (raw
    ``httpcore2`` errors instead of ``APIConnectionError`` or ``APITimeoutError``). Loaded here,
    they are in pytester's snapshot and never dropped, in any test order.
    """
    for name in LAZY:
        importlib.import_module(name)
    if importlib.util.find_spec("uvloop") is not None:
        for name in LAZY_IF_INSTALLED:
            importlib.import_module(name)
    for info in pkgutil.walk_packages(claude_fake.__path__, "claude_fake."):
        if info.name != "claude_fake.__main__":  # runs the command line
            importlib.import_module(info.name)


_import_eagerly()


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
