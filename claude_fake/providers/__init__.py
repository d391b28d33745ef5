"""Every way Claude is reached: faces that translate a cloud provider's wire form to and from the
Messages API, so one engine answers them all (faults, replies, cassette, generator).

Each module knows one provider: its paths, body and auth differences, and its answers (JSON,
streams, the error envelope its SDK client reads). ``translate`` asks them in turn; the faces call
``answer`` (or wrap the engine in ``ProviderHandler``) before the engine routes a request. The
engine, the journal and the cassette see the Messages form, with ``request.provider`` set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.providers import aws, bedrock, foundry, google_cloud, openai_compat, vertex
from claude_fake.providers.base import Translation

__all__ = ["PROVIDERS", "ProviderHandler", "Translation", "answer", "translate"]

# The names ``fake.client(provider=...)`` takes.
PROVIDERS = ("vertex", "bedrock", "foundry", "aws", "google_cloud")
_FACES: tuple[Callable[[FakeRequest], Translation | FakeResponse | None], ...] = (
    bedrock.translate,
    vertex.translate,
    openai_compat.translate,
    google_cloud.translate,
    foundry.translate,
    aws.translate,
)
_FIRST_PARTY = ("/v1/messages", "/v1/models")


def translate(request: FakeRequest) -> Translation | FakeResponse | None:
    """The Messages form of a provider request and how to answer it; a FakeResponse when the
    provider refuses it before the engine would see it; None for a first-party request."""
    headers = request.headers
    signed = headers.get("authorization", "").startswith("AWS4-")
    if request.path.startswith(_FIRST_PARTY) and "api-key" not in headers and not signed:
        return None  # the common case, decided without a regular expression
    for face in _FACES:
        found = face(request)
        if found is not None:
            return found
    return None


class Handler(Protocol):
    """What a provider face needs of the engine (as ``faces.transport.Handler``)."""

    def handle(self, request: FakeRequest) -> FakeResponse: ...


def answer(engine: Handler, request: FakeRequest) -> FakeResponse:
    """Answer ``request`` with ``engine``, through its provider's face when it has one."""
    found = translate(request)
    if found is None:
        return engine.handle(request)
    if isinstance(found, FakeResponse):
        return found
    return found.adapt(engine.handle(found.request))


class ProviderHandler:
    """``engine`` behind the provider faces: a ``Handler`` the transports and server take."""

    def __init__(self, engine: Handler) -> None:
        self.engine = engine

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one HTTP request, in its provider's wire form."""
        return answer(self.engine, request)
