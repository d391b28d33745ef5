"""What the fake holds between requests on a request's way through the chain: a thread
``continue`` answered as its whole conversation (``state.threads``), ``file_id`` references checked
against the files held (``state.files``), uploads and deletes any source answered kept in step, and
in ``--validate lenient`` the placeholder ids the SDK's own mock server answers
(``api.placeholders``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from claude_fake.api import placeholders
from claude_fake.config import ValidateMode
from claude_fake.model import FakeRequest, FakeResponse
from claude_fake.state import files
from claude_fake.state.threads import Threads
from claude_fake.wire import clients

Decide = Callable[[FakeRequest], FakeResponse]
WITH_FILE_IDS = ("messages", "count_tokens")


class Holder(Protocol):
    """The engine as seen here: its threads and files."""

    threads: Threads
    files: files.FileStore


def mode_for(request: FakeRequest, mode: ValidateMode) -> ValidateMode:
    """The validation mode for ``request``: lenient instead of strict when a Python SDK newer
    than the one the schemas came from sent it (``wire.clients``)."""
    if mode is ValidateMode.STRICT and clients.newer_than_schemas(request.headers):
        return ValidateMode.LENIENT
    return mode


def answer(
    holder: Holder,
    request: FakeRequest,
    endpoint: str,
    request_id: str,
    decide: Decide,
    mode: ValidateMode,
) -> tuple[FakeRequest, FakeResponse]:
    """The request as the model sees it, and its answer from ``decide`` (the chain)."""
    if endpoint in WITH_FILE_IDS and mode is not ValidateMode.OFF:
        refused = files.check(holder.files, request, request_id)
        if refused is not None:
            return request, refused
    if endpoint == "messages":
        request, response = holder.threads.answer(request, request_id, decide)
    else:
        response = decide(request)
    if endpoint in ("files.upload", "files.delete"):
        holder.files.observe(request, endpoint, response)
    if mode is ValidateMode.LENIENT:
        response = placeholders.instead(request, endpoint, request_id, response)
    return request, response
